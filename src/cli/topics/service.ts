// What kafka-topics does with its options, over the Broker interface. Returns plain results for
// the command to render; never prints.
import {
  type Broker,
  hasCollidingCharacters,
  INTERNAL_TOPICS,
  isKtError,
  KtError,
  type TopicDescription,
} from '../../engine/index.js'
import {selectTopics} from '../topic-filter.js'
import type {PartitionReport, TopicCommandOptions} from './options.js'

export const COLLISION_WARNING =
  "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both."

export type TopicCommandResult =
  | {action: 'alter' | 'delete'; topics: string[]}
  | {action: 'create'; created: TopicDescription | undefined; warning?: string}
  | {action: 'describe'; topics: TopicDescription[]; report?: PartitionReport; topicsWithOverrides: boolean}
  | {action: 'list'; topics: string[]}

export async function runTopicCommand(
  broker: Broker,
  opts: TopicCommandOptions,
  warn: (line: string) => void,
): Promise<TopicCommandResult> {
  switch (opts.action) {
    case 'create': {
      return create(broker, opts, warn)
    }

    case 'list': {
      return {action: 'list', topics: await select(broker, opts)}
    }

    case 'describe': {
      let topics = await broker.describeTopics(await selectExisting(broker, opts))
      if (opts.topicId !== undefined && opts.topicId !== 'AAAAAAAAAAAAAAAAAAAAAA') {
        topics = (await broker.describeTopics(await broker.listTopics())).filter((t) => t.topicId === opts.topicId)
        if (topics.length === 0 && !opts.ifExists)
          throw new KtError('UNKNOWN_TOPIC_ID', `Topic id '${opts.topicId}' does not exist as expected`)
      }

      return {action: 'describe', report: opts.report, topics, topicsWithOverrides: opts.topicsWithOverrides}
    }

    case 'alter': {
      const topics = await selectExisting(broker, opts)
      for (const t of topics) {
        // kafka-topics' --replica-assignment lists every partition, the existing ones too: only
        // the new partitions' replicas go to the broker (TopicCommand drops the first
        // partition-count entries).
        const current = opts.replicaAssignment ? ((await broker.topicMetadata(t))?.partitionCount ?? 0) : 0
        await broker.createPartitions(t, opts.partitions!, opts.replicaAssignment?.slice(current))
      }
      return {action: 'alter', topics}
    }

    case 'delete': {
      const topics = await selectExisting(broker, opts)
      for (const t of topics) {
        try {
          await broker.deleteTopic(t)
        } catch (error) {
          // Deleted by someone else meanwhile: the outcome the user asked for.
          if (!isKtError(error, 'UNKNOWN_TOPIC_OR_PARTITION')) throw error
        }
      }

      return {action: 'delete', topics}
    }
  }
}

async function create(
  broker: Broker,
  opts: TopicCommandOptions,
  warn: (line: string) => void,
): Promise<TopicCommandResult> {
  const name = opts.topic!
  if (hasCollidingCharacters(name)) warn(COLLISION_WARNING)
  try {
    const created = await broker.createTopic({
      configs: opts.configs,
      name,
      partitions: opts.partitions,
      replicaAssignment: opts.replicaAssignment,
      replicationFactor: opts.replicationFactor,
    })
    return {action: 'create', created}
  } catch (error) {
    if (opts.ifNotExists && isKtError(error, 'TOPIC_ALREADY_EXISTS')) return {action: 'create', created: undefined}
    throw error
  }
}

async function select(broker: Broker, opts: TopicCommandOptions): Promise<string[]> {
  return selectTopics(await broker.listTopics(), {
    excludeInternal: opts.excludeInternal,
    isInternal: (t) => INTERNAL_TOPICS.has(t),
    topic: opts.topic,
  })
}

/** Selected topics; none matching a given --topic is an error unless --if-exists. */
async function selectExisting(broker: Broker, opts: TopicCommandOptions): Promise<string[]> {
  const topics = await select(broker, opts)
  if (topics.length === 0 && opts.topic !== undefined && !opts.ifExists && opts.topicId === undefined)
    throw new KtError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${opts.topic}' does not exist as expected`)
  return topics
}
