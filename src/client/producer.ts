// The producer side of kt, as Kafka's KafkaProducer does it: choose a partition per record
// (explicit, murmur2 of the key, or sticky / round-robin for null keys), append it to that
// partition's open RecordBatch, close batches at batch.size, and on flush hand every batch to
// the broker in one produce call — one write transaction, however many batches.
import {
  type Acks,
  type Broker,
  type CompressionType,
  KtError,
  type NullKeyPartitioner,
  partitionForKey,
  RecordBatchBuilder,
  RoundRobinPartitioner,
  StickyPartitioner,
  type ProduceBatch,
  type TopicMetadata,
  varintSize,
} from '../engine/index.js'
import type {InputRecord} from './input-record.js'

export interface ProducerSettings {
  acks: Acks
  /** batch.size: a batch is closed once it holds this many bytes. */
  batchSize: number
  compression: CompressionType
  /** max.request.size: the largest record (with batch overhead) the producer sends. */
  maxRequestSize: number
  partitioner: 'default' | 'round-robin'
  /** partitioner.ignore.keys: keyed records are partitioned like null-key ones. */
  ignoreKeys: boolean
}

/** Batch memory reserved per flush; batches beyond it get their own allocation. */
const FLUSH_ARENA_BYTES = 12 * 1024 * 1024

/**
 * A batch is closed this many bytes before batch.size, so that a full default batch (16,284
 * bytes with its row) fits twice in one 32 KiB page of the store. Measured (one batch per row):
 * batches up to 16,330 bytes pack two to a page (kt.db 1.01× the batch bytes); from 16,340 bytes
 * one does, and the file doubles (1M × 50-byte values: 2.02×, batches of 16,335 bytes). Kafka's
 * batch.size is an upper bound, so closing a batch a little early keeps its meaning. Batch sizes
 * under 1 KiB are taken as given: such rows share pages anyway.
 */
export const STORE_ROW_HEADROOM = 100

/** RecordBatch v2 header. */
const BATCH_OVERHEAD = 61
/** attributes + the largest timestamp delta, offset delta and length varints (Kafka's MAX_RECORD_OVERHEAD). */
const MAX_RECORD_OVERHEAD = 21

/** Bytes a record can add to a batch, at most: Kafka's DefaultRecord.recordSizeUpperBound. */
export function recordSizeUpperBound(r: InputRecord): number {
  let size = MAX_RECORD_OVERHEAD
  if (r.key === null) size += 1
  else size += varintSize(r.keyEnd - r.keyStart) + r.keyEnd - r.keyStart
  if (r.value === null) size += 1
  else size += varintSize(r.valueEnd - r.valueStart) + r.valueEnd - r.valueStart
  const headers = r.headers ?? []
  size += varintSize(headers.length)
  for (const h of headers) {
    size += varintSize(h.key.length) + h.key.length
    size += h.value === null ? 1 : varintSize(h.value.length) + h.value.length
  }

  return size
}

/**
 * One block of memory for a flush's worth of work: the current input chunk at the start, the
 * batches being built after it. Values then move from input to batch with copyWithin (no
 * allocation, no garbage); the batch part is reused once a flush has stored its batches.
 */
class Arena {
  static readonly INPUT = 1024 * 1024 + 64 * 1024
  private readonly memory: Buffer
  private next = Arena.INPUT

  constructor(batchBytes: number) {
    this.memory = Buffer.allocUnsafeSlow(Arena.INPUT + batchBytes)
  }

  /** The chunk, copied to the input part (chunks too large to fit are used where they are). */
  stage(chunk: Buffer): Buffer {
    if (chunk.length > Arena.INPUT) return chunk
    chunk.copy(this.memory, 0)
    return this.memory.subarray(0, chunk.length)
  }

  /** Space for one batch, or undefined when this flush's part is used up. */
  take(size: number): Buffer | undefined {
    if (this.next + size > this.memory.length) return undefined
    const region = this.memory.subarray(this.next, this.next + size)
    this.next += size
    return region
  }

  /** The stored batches are no longer needed. */
  reset(): void {
    this.next = Arena.INPUT
  }
}

export class Producer {
  /** Records handed to the broker and committed so far. */
  sent = 0
  /** The send time given to records without a timestamp of their own (set as input arrives). */
  now = Date.now()
  private readonly open: (RecordBatchBuilder | undefined)[]
  private closed: {partition: number; builder: RecordBatchBuilder}[] = []
  private pending = 0
  private pendingSize = 0
  private readonly nullKeyPartitioner: NullKeyPartitioner
  private readonly batchLimit: number
  private readonly recordLimit: number
  private readonly arena: Arena
  private readonly bufferSize: number

  constructor(
    private readonly broker: Broker,
    private readonly topic: TopicMetadata,
    private readonly settings: ProducerSettings,
    random: () => number = Math.random,
  ) {
    this.open = Array.from({length: topic.partitionCount})
    this.nullKeyPartitioner =
      settings.partitioner === 'round-robin'
        ? new RoundRobinPartitioner()
        : new StickyPartitioner(settings.batchSize, random)
    const batchSize = settings.batchSize >= 1024 ? settings.batchSize - STORE_ROW_HEADROOM : settings.batchSize
    this.batchLimit = Math.max(1, Math.min(batchSize, topic.maxMessageBytes))
    this.recordLimit = Math.min(settings.maxRequestSize, topic.maxMessageBytes)
    this.bufferSize = this.batchLimit + 64
    this.arena = new Arena(FLUSH_ARENA_BYTES)
  }

  /**
   * Where the caller should put an input chunk before reading records out of it: records read
   * from the returned bytes are copied into batches without allocation. The bytes are valid
   * until the next call.
   */
  stage(chunk: Buffer): Buffer {
    return this.arena.stage(chunk)
  }

  /** Records waiting for the next flush. */
  get pendingRecords(): number {
    return this.pending
  }

  /** Bytes waiting for the next flush (uncompressed). */
  get pendingBytes(): number {
    return this.pendingSize
  }

  /** Adds one record to its partition's batch. Throws MESSAGE_TOO_LARGE or an unknown partition. */
  send(r: InputRecord, now = this.now): void {
    const size = recordSizeUpperBound(r)
    if (BATCH_OVERHEAD + size > this.recordLimit) throw this.tooLarge(BATCH_OVERHEAD + size)
    let partition = r.partition
    const count = this.topic.partitionCount
    if (partition >= 0) {
      if (partition >= count)
        throw new KtError(
          'UNKNOWN_TOPIC_OR_PARTITION',
          `Partition ${partition} of topic '${this.topic.name}' does not exist (it has ${count} partition(s))`,
        )
    } else if (r.key !== null && !this.settings.ignoreKeys && this.settings.partitioner === 'default')
      partition = partitionForKey(r.key, count, r.keyStart, r.keyEnd)
    // The sticky partitioner takes null keys; a configured partitioner (round-robin) takes every record.
    else partition = this.nullKeyPartitioner.partition(count, size)

    let builder = this.open[partition]
    if (builder && builder.recordCount > 0 && builder.sizeInBytes + size > this.batchLimit) {
      this.closed.push({builder, partition})
      builder = undefined
    }

    if (!builder) {
      const standard = size + BATCH_OVERHEAD <= this.bufferSize
      const size0 = standard ? this.bufferSize : size + BATCH_OVERHEAD + 64
      builder = new RecordBatchBuilder(this.arena.take(size0) ?? size0)
      this.open[partition] = builder
    }

    const before = builder.sizeInBytes
    builder.append(
      r.timestamp >= 0 ? r.timestamp : now,
      r.key,
      r.keyStart,
      r.keyEnd,
      r.value,
      r.valueStart,
      r.valueEnd,
      r.headers,
    )
    this.pending++
    this.pendingSize += builder.sizeInBytes - before
  }

  /** Writes every pending batch in one broker call (one transaction). Returns the records written. */
  async flush(): Promise<number> {
    if (this.pending === 0) return 0
    const batches: ProduceBatch[] = []
    const compression = this.settings.compression
    for (const {builder, partition} of this.closed)
      batches.push({batch: builder.build(compression), partition, topic: this.topic.name})
    for (let p = 0; p < this.open.length; p++) {
      const builder = this.open[p]
      if (builder && builder.recordCount > 0)
        batches.push({batch: builder.build(compression), partition: p, topic: this.topic.name})
      this.open[p] = undefined
    }

    const records = this.pending
    this.closed = []
    this.pending = 0
    this.pendingSize = 0
    await this.broker.produce(batches, this.settings.acks)
    this.sent += records
    // The broker copied the batches into the store: their memory can take new batches.
    this.arena.reset()
    return records
  }

  private tooLarge(size: number): KtError {
    if (this.settings.maxRequestSize < this.topic.maxMessageBytes)
      return new KtError(
        'MESSAGE_TOO_LARGE',
        `The message is ${size} bytes when serialized which is larger than ${this.settings.maxRequestSize}, which is the value of the max.request.size configuration.`,
      )
    return new KtError(
      'MESSAGE_TOO_LARGE',
      `The message is ${size} bytes when serialized which is larger than ${this.topic.maxMessageBytes}, the max.message.bytes of topic '${this.topic.name}'.`,
    )
  }
}
