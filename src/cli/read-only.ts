// A store that cannot be written can still be read (issue 9): a console consumer without a
// group of its own reads every partition directly (manual assignment, as with --partition), since
// joining even a throwaway group writes to the store. That is decided up front for a store on a
// read-only file system, and after the join failed for one whose disk is full. An explicit group
// is refused by the store's own error when the group is joined.
import type {ConsumerSettings, Subscription} from '../client/consumer.js'
import {type Broker, INTERNAL_TOPICS} from '../engine/index.js'

export async function readOnlySubscription<S extends Pick<ConsumerSettings, 'enableAutoCommit' | 'groupId'>>(
  broker: Broker,
  options: {settings: S; subscription: Subscription},
  explicitGroup: boolean,
): Promise<{settings: S; subscription: Subscription}> {
  if (!broker.readOnly || explicitGroup || options.subscription.kind === 'assign') return options
  return directSubscription(broker, options)
}

/** Every partition of the subscribed topics, read without a group (no commits). */
export async function directSubscription<S extends Pick<ConsumerSettings, 'enableAutoCommit' | 'groupId'>>(
  broker: Broker,
  options: {settings: S; subscription: Subscription},
): Promise<{settings: S; subscription: Subscription}> {
  const {settings, subscription} = options
  if (subscription.kind === 'assign') return options
  const topics =
    subscription.kind === 'topics'
      ? subscription.topics
      : (await broker.listTopics()).filter(
          (t) => !(subscription.excludeInternal && INTERNAL_TOPICS.has(t)) && subscription.pattern.test(t),
        )
  const partitions = []
  for (const topic of topics) {
    const meta = await broker.topicMetadata(topic)
    // A missing topic is left to the consumer, which reports it (it cannot be created here).
    if (!meta) return options
    for (let partition = 0; partition < meta.partitionCount; partition++) partitions.push({partition, topic})
  }

  return {
    settings: {...settings, enableAutoCommit: false, groupId: undefined},
    subscription: {kind: 'assign', partitions},
  }
}
