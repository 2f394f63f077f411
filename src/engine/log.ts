// The partitioned log: appending producer batches with offsets assigned inside the write
// transaction, fetching stored batches, and looking offsets up by position or time.
//
// Invariants (DESIGN §2): offsets are consecutive and never reused; the log end offset never
// decreases and the log start offset never moves backwards; a batch is stored whole or not at all.
import type {BrokerConfig} from './broker-config.js'
import type {TopicConfigs} from './configs.js'
import type {Db} from './db/connection.js'
import {KtError} from './errors.js'
import {
  assignBaseOffset,
  builtHere,
  readBatchHeader,
  checkBatch,
  corruptBatchError,
  forEachRecord,
  isControlBatch,
  setLogAppendTime,
  setMaxTimestamp,
} from './record-batch.js'
import {requireTopic, topicConfigs, type TopicRow} from './topics.js'
import type {FetchResult, OffsetSpec, ProduceBatch, ProduceResult} from './types.js'

interface PartitionState {
  log_start_offset: number
  log_end_offset: number
  log_max_timestamp: number
}

/** A partition as an append sees it: watermarks and its active (virtual) segment. */
interface AppendState extends PartitionState {
  segment_base_offset: number
  segment_rolled_at: number
  segment_bytes: number
}

interface TopicContext {
  row: TopicRow
  maxMessageBytes: number
  logAppendTime: boolean
  timestampBeforeMs: number
  timestampAfterMs: number
  /** cleanup.policy includes compact: every record needs a key. */
  compacted: boolean
  segmentMs: number
  segmentBytes: number
}

function topicContext(db: Db, row: TopicRow, config: BrokerConfig): TopicContext {
  const configs: TopicConfigs = topicConfigs(db, row.topic_id, config)
  return {
    compacted: configs.list('cleanup.policy').includes('compact'),
    logAppendTime: configs.get('message.timestamp.type') === 'LogAppendTime',
    maxMessageBytes: configs.number('max.message.bytes'),
    row,
    segmentBytes: configs.number('segment.bytes'),
    segmentMs: configs.number('segment.ms'),
    timestampAfterMs: configs.number('message.timestamp.after.max.ms'),
    timestampBeforeMs: configs.number('message.timestamp.before.max.ms'),
  }
}

export function noSuchPartition(topic: string, partition: number): KtError {
  return new KtError(
    'UNKNOWN_TOPIC_OR_PARTITION',
    `Partition ${partition} of topic '${topic}' does not exist (the topic has fewer partitions)`,
  )
}

/**
 * Appends batches inside the caller's write transaction. Each batch is validated as a broker
 * validates a produce request (structure, CRC, size, timestamps), then gets the partition's log
 * end offset as its base offset. Either every batch is stored or the transaction rolls back.
 */
export function appendTx(db: Db, batches: readonly ProduceBatch[], config: BrokerConfig, now: number): ProduceResult[] {
  const topics = new Map<string, TopicContext>()
  const results: ProduceResult[] = []
  const partitionSelect = db.stmt('partitionForAppend')
  const batchInsert = db.stmt('batchInsert')
  const partitionAppend = db.stmt('partitionAppend')
  // Watermarks change in memory and are written once per partition at the end.
  const touched = new Map<
    string,
    {ctx: TopicContext; partition: number; state: AppendState; records: number; bytes: number}
  >()
  for (const {batch, partition, topic} of batches) {
    let ctx = topics.get(topic)
    if (!ctx) {
      ctx = topicContext(db, requireTopic(db, topic), config)
      topics.set(topic, ctx)
    }

    const key = `${partition}\u0000${topic}`
    let entry = touched.get(key)
    if (!entry) {
      const state = partitionSelect.get(ctx.row.topic_id, partition) as AppendState | undefined
      if (!state) throw noSuchPartition(topic, partition)
      entry = {bytes: 0, ctx, partition, records: 0, state}
      touched.set(key, entry)
    }

    const trusted = builtHere(batch)
    let header
    try {
      header = trusted ? readBatchHeader(batch) : checkBatch(batch)
    } catch (error) {
      throw new KtError(
        'CORRUPT_MESSAGE',
        `Invalid record batch for topic '${topic}' partition ${partition}: ${(error as Error).message}`,
      )
    }

    if (batch.length > ctx.maxMessageBytes)
      throw new KtError(
        'MESSAGE_TOO_LARGE',
        `A record batch of ${batch.length} bytes for topic '${topic}' is larger than its max.message.bytes (${ctx.maxMessageBytes})`,
      )
    if (isControlBatch(header.attributes))
      throw new KtError('INVALID_RECORD', 'Producers may not write control batches')
    if (header.lastOffsetDelta !== header.recordCount - 1)
      throw new KtError(
        'INVALID_RECORD',
        `Record batch lastOffsetDelta ${header.lastOffsetDelta} does not match its ${header.recordCount} records`,
      )

    const baseOffset = entry.state.log_end_offset
    // Like Kafka, trust no header: walk the records (checking their structure) and take the
    // largest timestamp from them, which the time index relies on.
    let recordMax = header.maxTimestamp
    try {
      if (!trusted) {
        recordMax = -1
        forEachRecord(batch, header, (r) => {
          if (r.timestamp > recordMax) recordMax = r.timestamp
        })
      }
    } catch (error) {
      throw new KtError(
        'CORRUPT_MESSAGE',
        `Invalid record batch for topic '${topic}' partition ${partition}: ${(error as Error).message}`,
      )
    }

    if (ctx.compacted) checkKeys(batch, header, topic, partition)

    if (recordMax !== header.maxTimestamp && !ctx.logAppendTime) {
      // As Kafka's log validator does: the stored header says what the records say.
      setMaxTimestamp(batch, recordMax)
      header.maxTimestamp = recordMax
    }

    let maxTimestamp = header.maxTimestamp
    let logAppendTime = -1
    if (ctx.logAppendTime) {
      setLogAppendTime(batch, now)
      maxTimestamp = now
      logAppendTime = now
    } else checkTimestamps(batch, header, ctx, topic, baseOffset, now)

    assignBaseOffset(batch, baseOffset)
    rollSegment(entry.state, ctx, baseOffset, batch.length, now)
    const lastOffset = baseOffset + header.lastOffsetDelta
    const logMax = Math.max(entry.state.log_max_timestamp, maxTimestamp)
    batchInsert.run(
      ctx.row.topic_id,
      partition,
      baseOffset,
      lastOffset,
      maxTimestamp,
      logMax,
      header.recordCount,
      batch.length,
      batch,
    )
    entry.state.log_end_offset = lastOffset + 1
    entry.state.log_max_timestamp = logMax
    entry.records += header.recordCount
    entry.bytes += batch.length
    results.push({baseOffset, lastOffset, logAppendTime, partition, topic})
  }

  for (const e of touched.values())
    partitionAppend.run({
      bytes: e.bytes,
      logEndOffset: e.state.log_end_offset,
      logMaxTimestamp: e.state.log_max_timestamp,
      partition: e.partition,
      records: e.records,
      segmentBaseOffset: e.state.segment_base_offset,
      segmentBytes: e.state.segment_bytes,
      segmentRolledAt: e.state.segment_rolled_at,
      topicId: e.ctx.row.topic_id,
    })
  return results
}

/**
 * Kafka's segment roll, for kt's virtual segments: a batch starts a new active segment when the
 * current one is empty, was started segment.ms ago, or would grow past segment.bytes. Only
 * batches before the active segment can be compacted.
 */
function rollSegment(state: AppendState, ctx: TopicContext, baseOffset: number, size: number, now: number): void {
  if (
    state.segment_bytes === 0 ||
    now - state.segment_rolled_at >= ctx.segmentMs ||
    state.segment_bytes + size > ctx.segmentBytes
  ) {
    state.segment_base_offset = baseOffset
    state.segment_rolled_at = now
    state.segment_bytes = 0
  }

  state.segment_bytes += size
}

/** A compacted topic refuses records without a key (Kafka's LogValidator, INVALID_RECORD). */
function checkKeys(batch: Buffer, header: ReturnType<typeof checkBatch>, topic: string, partition: number): void {
  forEachRecord(batch, header, (r) => {
    if (r.keyLength < 0)
      throw new KtError(
        'INVALID_RECORD',
        `Compacted topic cannot accept message without key in topic partition ${topic}-${partition}`,
      )
  })
}

/** Kafka's message.timestamp.before/after.max.ms checks for CreateTime batches. */
function checkTimestamps(
  batch: Buffer,
  header: ReturnType<typeof checkBatch>,
  ctx: TopicContext,
  topic: string,
  baseOffset: number,
  now: number,
): void {
  const outOfRange = (timestamp: number, offset: number) =>
    new KtError(
      'INVALID_TIMESTAMP',
      `Timestamp ${timestamp} of message with offset ${offset} in topic '${topic}' is out of range. The timestamp should be within [${
        Number.isFinite(ctx.timestampBeforeMs) ? now - ctx.timestampBeforeMs : '-inf'
      }, ${Number.isFinite(ctx.timestampAfterMs) ? now + ctx.timestampAfterMs : '+inf'}]`,
    )
  if (header.maxTimestamp > now + ctx.timestampAfterMs) {
    // Name the first offending record, as Kafka does.
    let bad: {t: number; o: number} | undefined
    forEachRecord(batch, {...header, baseOffset}, (r) => {
      if (!bad && r.timestamp > now + ctx.timestampAfterMs) bad = {o: r.offset, t: r.timestamp}
    })
    throw outOfRange(bad?.t ?? header.maxTimestamp, bad?.o ?? baseOffset)
  }

  if (Number.isFinite(ctx.timestampBeforeMs)) {
    forEachRecord(batch, {...header, baseOffset}, (r) => {
      if (r.timestamp < now - ctx.timestampBeforeMs) throw outOfRange(r.timestamp, r.offset)
    })
  }
}

export interface FetchOptions {
  /** Stop adding batches once this many bytes are collected (at least one batch is returned). */
  maxBytes: number
}

/**
 * Reads stored batches from the one containing `offset`, verifying each batch's CRC-32C.
 * An offset outside [log start, log end] is OFFSET_OUT_OF_RANGE.
 */
export function fetchTx(db: Db, topic: string, partition: number, offset: number, options: FetchOptions): FetchResult {
  const row = requireTopic(db, topic)
  const state = db.stmt('partitionState').get(row.topic_id, partition) as PartitionState | undefined
  if (!state) throw noSuchPartition(topic, partition)
  const result: FetchResult = {
    batches: [],
    logEndOffset: state.log_end_offset,
    logStartOffset: state.log_start_offset,
    partition,
    topic,
  }
  if (offset < state.log_start_offset || offset > state.log_end_offset)
    throw new KtError(
      'OFFSET_OUT_OF_RANGE',
      `Offset ${offset} is out of range for topic '${topic}' partition ${partition} (log start ${state.log_start_offset}, log end ${state.log_end_offset})`,
    )
  if (offset === state.log_end_offset) return result
  let bytes = 0
  for (const b of db.stmt('batchesFrom').iterate({offset, partition, topicId: row.topic_id}) as Iterable<{
    base_offset: number
    last_offset: number
    data: Buffer
  }>) {
    try {
      checkBatch(b.data)
    } catch (error) {
      // The good batches before a corrupt one are still served; the next fetch reports it.
      if (result.batches.length > 0) break
      throw corruptBatchError(topic, partition, b.base_offset, (error as Error).message)
    }

    result.batches.push({baseOffset: b.base_offset, data: b.data, lastOffset: b.last_offset})
    bytes += b.data.length
    if (bytes >= options.maxBytes) break
  }

  return result
}

/** Resolves an offset spec for one partition; a timestamp with no record at or after it gives null. */
export function listOffsetTx(db: Db, topic: string, partition: number, spec: OffsetSpec): number | null {
  const row = requireTopic(db, topic)
  const state = db.stmt('partitionState').get(row.topic_id, partition) as PartitionState | undefined
  if (!state) throw noSuchPartition(topic, partition)
  if (spec === 'earliest') return state.log_start_offset
  if (spec === 'latest') return state.log_end_offset
  const target = spec.timestamp
  // Batches whose running max timestamp reaches the target, in offset order: the first record at
  // or after the target lies in the first of them (Kafka's time index lookup). Later ones are only
  // needed when records below the log start offset are skipped.
  for (const b of db.stmt('batchesAtTime').iterate({
    logStartOffset: state.log_start_offset,
    partition,
    timestamp: target,
    topicId: row.topic_id,
  }) as Iterable<{
    base_offset: number
    data: Buffer
  }>) {
    let header
    try {
      header = checkBatch(b.data)
    } catch (error) {
      throw corruptBatchError(topic, partition, b.base_offset, (error as Error).message)
    }

    let found: number | null = null
    forEachRecord(b.data, header, (r) => {
      if (found === null && r.timestamp >= target && r.offset >= state.log_start_offset) found = r.offset
    })
    if (found !== null) return found
  }

  return null
}
