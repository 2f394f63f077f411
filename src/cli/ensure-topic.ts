// Kafka's auto topic creation as clients see it: a producer (or subscribing consumer) naming a
// missing topic gets it created with the broker's defaults, when both the broker
// (auto.create.topics.enable) and the client (allow.auto.create.topics) allow it.
import {type Broker, isKtError, KtError, type TopicMetadata} from '../engine/index.js'

export async function ensureTopic(
  broker: Broker,
  topic: string,
  clientAllows: boolean,
  notice: (line: string) => void,
): Promise<TopicMetadata> {
  const existing = await broker.topicMetadata(topic)
  if (existing) return existing
  if (!broker.config.autoCreateTopics || !clientAllows) {
    const why = broker.config.autoCreateTopics ? 'allow.auto.create.topics=false' : 'auto.create.topics.enable=false'
    throw new KtError(
      'UNKNOWN_TOPIC_OR_PARTITION',
      `Topic '${topic}' does not exist and is not created automatically (${why})`,
    )
  }

  try {
    const created = await broker.createTopic({name: topic})
    notice(
      `WARN Topic '${topic}' did not exist: created it with ${created.partitionCount} partition(s) (auto.create.topics.enable=true)`,
    )
  } catch (error) {
    if (!isKtError(error, 'TOPIC_ALREADY_EXISTS')) throw error
  }

  return (await broker.topicMetadata(topic))!
}
