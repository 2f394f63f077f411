// Kafka's auto topic creation as clients see it: a producer, or a consumer subscribing by name,
// that names a missing topic gets it created with the broker's defaults when both the broker
// (auto.create.topics.enable) and the client (allow.auto.create.topics) allow it. The one
// implementation for both sides; the caller says how to tell the user.
import {type Broker, isKtError, KtError, type TopicMetadata} from '../engine/index.js'

/**
 * The topic's metadata, creating the topic first if it is missing and creation is allowed;
 * onCreated runs only in the process that created it (a concurrent creator's win is not news).
 */
export async function ensureTopic(
  broker: Broker,
  topic: string,
  clientAllows: boolean,
  onCreated: (topic: string, partitions: number) => void,
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
    onCreated(topic, created.partitionCount)
  } catch (error) {
    if (!isKtError(error, 'TOPIC_ALREADY_EXISTS')) throw error
  }

  const metadata = await broker.topicMetadata(topic)
  // Deleted again between our create and this read: as missing as it was at the start.
  if (!metadata) throw new KtError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${topic}' does not exist`)
  return metadata
}
