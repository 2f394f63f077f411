// Idempotent producers (kt broker's InitProducerId and Produce): producer ids with epochs, and
// per partition the sequence numbers of each producer's last batch. A batch resent after a lost
// response carries the same sequence numbers and is answered with the offsets it got the first
// time, in the same transaction that would otherwise have appended it.
import type {BrokerConfig} from './broker-config.js'
import type {Db} from './db/connection.js'
import {appendTx} from './log.js'
import {BATCH_HEADER_SIZE, readBatchHeader} from './record-batch.js'
import {findTopic} from './topics.js'
import type {ProduceBatch, ProduceResult} from './types.js'

/** A produce failure with the Kafka error name a wire client expects. */
export class ProducerStateError extends Error {
  constructor(
    readonly code: 'DUPLICATE_SEQUENCE_NUMBER' | 'INVALID_PRODUCER_EPOCH' | 'OUT_OF_ORDER_SEQUENCE_NUMBER',
    message: string,
  ) {
    super(message)
    this.name = 'ProducerStateError'
  }
}

export interface ProducerIdAndEpoch {
  producerId: number
  epoch: number
}

const MAX_EPOCH = 32_767

/**
 * A new producer id at epoch 0, or, when an existing id and its current epoch are given (a
 * producer re-initialising, InitProducerId v3+), the same id with the epoch bumped.
 */
export function initProducerIdTx(db: Db, producerId: number, epoch: number, now: number): ProducerIdAndEpoch {
  if (producerId >= 0) {
    const row = db.stmt('wireProducerById').get(producerId) as {producer_id: number; epoch: number} | undefined
    if (row && row.epoch === epoch && epoch < MAX_EPOCH) {
      db.stmt('wireProducerSetEpoch').run(epoch + 1, producerId)
      return {epoch: epoch + 1, producerId}
    }

    if (row && row.epoch !== epoch)
      throw new ProducerStateError(
        'INVALID_PRODUCER_EPOCH',
        `Producer ${producerId} has epoch ${row.epoch}, not ${epoch}`,
      )
  }

  const info = db.stmt('wireProducerInsert').run(now)
  return {epoch: 0, producerId: Number(info.lastInsertRowid)}
}

interface SequenceRow {
  epoch: number
  first_sequence: number
  last_sequence: number
  base_offset: number
  last_offset: number
}

/** Sequence numbers wrap from Integer.MAX_VALUE to 0, as Kafka's do. */
function addSequence(sequence: number, n: number): number {
  return (sequence + n) % 2_147_483_648
}

/**
 * Appends one batch inside the caller's write transaction, deduplicating batches of idempotent
 * producers (producer id and base sequence set) by their sequence numbers.
 */
export function appendIdempotentTx(db: Db, batch: ProduceBatch, config: BrokerConfig, now: number): ProduceResult {
  const header = batch.batch.length >= BATCH_HEADER_SIZE ? readBatchHeader(batch.batch) : undefined
  const topic = header && header.producerId >= 0 && header.baseSequence >= 0 ? findTopic(db, batch.topic) : undefined
  if (!header || !topic) return appendTx(db, [batch], config, now)[0]

  const lastSequence = addSequence(header.baseSequence, header.lastOffsetDelta)
  const previous = db.stmt('wireSequenceOf').get(header.producerId, topic.topic_id, batch.partition) as
    SequenceRow | undefined
  if (previous && header.producerEpoch < previous.epoch)
    throw new ProducerStateError(
      'INVALID_PRODUCER_EPOCH',
      `Producer ${header.producerId} epoch ${header.producerEpoch} is older than its current epoch ${previous.epoch}`,
    )
  if (previous && header.producerEpoch === previous.epoch) {
    if (header.baseSequence === previous.first_sequence && lastSequence === previous.last_sequence)
      return {
        baseOffset: previous.base_offset,
        lastOffset: previous.last_offset,
        logAppendTime: -1,
        partition: batch.partition,
        topic: batch.topic,
      }
    const expected = addSequence(previous.last_sequence, 1)
    if (header.baseSequence !== expected) {
      const retried = retainedBatch(db, topic.topic_id, batch.partition, header, lastSequence)
      if (retried) return {...retried, logAppendTime: -1, partition: batch.partition, topic: batch.topic}
      throw new ProducerStateError(
        header.baseSequence < expected ? 'DUPLICATE_SEQUENCE_NUMBER' : 'OUT_OF_ORDER_SEQUENCE_NUMBER',
        `Producer ${header.producerId} sent sequence ${header.baseSequence} to ${batch.topic}-${batch.partition}; expected ${expected}`,
      )
    }
  }

  const result = appendTx(db, [batch], config, now)[0]
  db.stmt('wireSequenceUpsert').run(
    header.producerId,
    topic.topic_id,
    batch.partition,
    header.producerEpoch,
    header.baseSequence,
    lastSequence,
    result.baseOffset,
    result.lastOffset,
  )
  return result
}

/**
 * Kafka answers a retry of any of a producer's last 5 batches of a partition with the offsets it
 * first got (a producer with 5 requests in flight retries them all after a lost connection);
 * producer_sequences keeps only the last. The others are found in the log itself, whose stored
 * batches keep their producer id, epoch and sequences: among the partition's newest batches,
 * enough for 5 of this producer's unless many producers interleave there.
 */
const RETAINED_BATCH_SCAN = 64

function retainedBatch(
  db: Db,
  topicId: number,
  partition: number,
  header: {producerId: number; producerEpoch: number; baseSequence: number},
  lastSequence: number,
): {baseOffset: number; lastOffset: number} | undefined {
  const rows = db.stmt('batchHeadersNewestFirst').all(topicId, partition, RETAINED_BATCH_SCAN) as {
    base_offset: number
    last_offset: number
    header: Buffer
  }[]
  let seen = 0
  for (const row of rows) {
    if (row.header.length < BATCH_HEADER_SIZE) continue
    const stored = readBatchHeader(row.header)
    if (stored.producerId !== header.producerId || stored.producerEpoch !== header.producerEpoch) continue
    if (
      stored.baseSequence === header.baseSequence &&
      addSequence(stored.baseSequence, stored.lastOffsetDelta) === lastSequence
    )
      return {baseOffset: row.base_offset, lastOffset: row.last_offset}
    if (++seen === 5) return undefined
  }

  return undefined
}
