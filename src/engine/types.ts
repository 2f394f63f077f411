// Plain data shapes the Broker returns. Names follow Kafka's vocabulary.

export interface PartitionDescription {
  partition: number
  /** Leader broker id, or null when there is none. */
  leader: number | null
  replicas: number[]
  isr: number[]
  logStartOffset: number
  logEndOffset: number
  /** Records stored now (log end − log start, less what compaction removed). */
  recordCount: number
  /** Bytes of the stored record batches. */
  sizeBytes: number
}

export interface TopicDescription {
  name: string
  /** Kafka's 22-character URL-safe base64 topic id. */
  topicId: string
  internal: boolean
  partitionCount: number
  replicationFactor: number
  /** Topic-level config overrides, sorted by name. */
  configs: Record<string, string>
  partitions: PartitionDescription[]
}

export interface CreateTopicRequest {
  name: string
  /** Defaults to the broker's num.partitions. */
  partitions?: number
  /** Defaults to the broker's default.replication.factor. */
  replicationFactor?: number
  /** Explicit replicas (broker ids) per partition; replaces partitions and replicationFactor. */
  replicaAssignment?: readonly (readonly number[])[]
  configs?: ReadonlyArray<readonly [string, string]>
}

/** One RecordBatch v2 for one partition, as a producer sends it (Kafka's Produce API). */
export interface ProduceBatch {
  topic: string
  partition: number
  batch: Buffer
}

export interface ProduceResult {
  topic: string
  partition: number
  baseOffset: number
  lastOffset: number
  /** The append time for LogAppendTime topics, else -1 (Kafka's log_append_time_ms). */
  logAppendTime: number
}

/** A batch as stored: the exact bytes, with its offsets (Kafka's Fetch API unit). */
export interface FetchedBatch {
  baseOffset: number
  lastOffset: number
  data: Buffer
}

export interface FetchResult {
  topic: string
  partition: number
  logStartOffset: number
  /** Log end offset (the high watermark of a single-replica partition). */
  logEndOffset: number
  batches: FetchedBatch[]
}

export type OffsetSpec = 'earliest' | 'latest' | {timestamp: number}

export interface TopicPartition {
  topic: string
  partition: number
}

export interface PartitionOffsets extends TopicPartition {
  logStartOffset: number
  logEndOffset: number
}
