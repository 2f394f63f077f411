// Log compaction (cleanup.policy=compact): the newest record of every key is kept, at its
// original offset; older records of the key are dropped, and tombstones (null values) go once
// delete.retention.ms has passed. Batches are rewritten in place, keeping their base offset and
// lastOffsetDelta (as Kafka's cleaner does), so offsets never move; gaps are normal.
//
// Kafka's segments in kt: a partition's batches are grouped into virtual segments. The active
// segment starts at partitions.segment_base_offset and is rolled by an append that comes
// segment.ms after the segment was started, or that would take it past segment.bytes. As in
// Kafka, only batches before the active segment (and older than min.compaction.lag.ms) are
// cleanable, and a partition is cleaned once the dirty part (after the cleaner checkpoint,
// partitions.cleaned_offset) is at least min.cleanable.dirty.ratio of the cleanable bytes.
import {compress, codecOf, decompress} from './compression.js'
import type {TopicConfigs} from './configs.js'
import {crc32c} from './crc32c.js'
import type {Db} from './db/connection.js'
import {BATCH_HEADER_SIZE, checkBatch, isControlBatch, readInt64, writeInt64} from './record-batch.js'
import {VarintReader} from './varint.js'

const OFF_BATCH_LENGTH = 8
const OFF_CRC = 17
const OFF_ATTRIBUTES = 21
const OFF_MAX_TIMESTAMP = 35
const OFF_RECORD_COUNT = 57
const ATTR_COMPRESSION_MASK = 0x07
const ATTR_LOG_APPEND_TIME = 0x08

/** One record as the cleaner sees it: where it lies in the (decompressed) record bytes. */
export interface CleanerRecord {
  offset: number
  timestamp: number
  /** The key's bytes as a latin1 string (one char per byte), or null for a record without key. */
  key: string | null
  tombstone: boolean
  start: number
  end: number
}

/** Walks the records of a checked, non-control batch. */
export function cleanerRecords(batch: Buffer): {records: CleanerRecord[]; data: Buffer} {
  const header = checkBatch(batch)
  const codec = codecOf(header.attributes & ATTR_COMPRESSION_MASK)!
  let data = batch
  let pos = BATCH_HEADER_SIZE
  let end = header.batchLength + 12
  if (codec !== 'none') {
    data = decompress(codec, batch.subarray(BATCH_HEADER_SIZE, end))
    pos = 0
    end = data.length
  }

  const logAppendTime = (header.attributes & ATTR_LOG_APPEND_TIME) !== 0
  const r = new VarintReader(data, pos, end)
  const records: CleanerRecord[] = []
  for (let i = 0; i < header.recordCount; i++) {
    const start = r.pos
    const length = r.readVarint()
    const recordEnd = r.pos + length
    if (length < 0 || recordEnd > end) throw new Error(`record ${i} overruns its batch`)
    r.pos++ // attributes
    const timestampDelta = r.readVarint()
    const offsetDelta = r.readVarint()
    const keyLength = r.readVarint()
    const key = keyLength < 0 ? null : data.toString('latin1', r.pos, r.pos + keyLength)
    if (keyLength > 0) r.pos += keyLength
    const valueLength = r.readVarint()
    records.push({
      end: recordEnd,
      key,
      offset: header.baseOffset + offsetDelta,
      start,
      timestamp: logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta,
      tombstone: valueLength < 0,
    })
    r.pos = recordEnd
  }

  return {data, records}
}

/**
 * The batch with only the kept records: same base offset, base timestamp, lastOffsetDelta,
 * producer fields and codec; new length, count, max timestamp and CRC.
 */
export function rebuildBatch(batch: Buffer, data: Buffer, kept: readonly CleanerRecord[]): Buffer {
  const attributes = batch.readInt16BE(OFF_ATTRIBUTES)
  const codec = codecOf(attributes & ATTR_COMPRESSION_MASK)!
  let body: Buffer = Buffer.concat(kept.map((r) => data.subarray(r.start, r.end)))
  if (codec !== 'none') body = compress(codec, body)
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + body.length)
  batch.copy(out, 0, 0, BATCH_HEADER_SIZE)
  body.copy(out, BATCH_HEADER_SIZE)
  out.writeInt32BE(out.length - 12, OFF_BATCH_LENGTH)
  out.writeInt32BE(kept.length, OFF_RECORD_COUNT)
  if ((attributes & ATTR_LOG_APPEND_TIME) === 0) {
    let max = -1
    for (const r of kept) if (r.timestamp > max) max = r.timestamp
    writeInt64(out, OFF_MAX_TIMESTAMP, max)
  }

  out.writeUInt32BE(crc32c(out, OFF_ATTRIBUTES, out.length), OFF_CRC)
  return out
}

export interface CleanerPartition {
  topic_id: number
  topic: string
  partition: number
  log_start_offset: number
  log_end_offset: number
  size_bytes: number
  segment_base_offset: number
  cleaned_offset: number
  tombstone_expiry: number | null
}

export interface CompactionResult {
  /** Records removed. */
  records: number
  /** Bytes freed. */
  bytes: number
}

interface StoredBatch {
  batch_id: number
  base_offset: number
  last_offset: number
  record_count: number
  size_bytes: number
  data: Buffer
}

/** The end of the cleanable part: the active segment, and batches younger than min.compaction.lag.ms. */
function firstUncleanableOffset(db: Db, p: CleanerPartition, configs: TopicConfigs, now: number): number {
  const lag = configs.number('min.compaction.lag.ms')
  // Long.MAX_VALUE: no record is ever old enough.
  if (!Number.isFinite(lag)) return p.log_start_offset
  const young = db
    .stmt('batchesFirstNewerThan')
    .pluck()
    .get({cutoff: now - lag, partition: p.partition, topicId: p.topic_id}) as number | null
  const end = Math.min(p.segment_base_offset, p.log_end_offset)
  return young === null ? end : Math.min(end, young)
}

/**
 * Cleans one partition inside the caller's write transaction if it is due: its dirty ratio
 * reached min.cleanable.dirty.ratio, or a kept tombstone's delete.retention.ms ran out.
 * Returns what was removed, or undefined when the partition was not due.
 */
export function compactPartitionTx(
  db: Db,
  p: CleanerPartition,
  configs: TopicConfigs,
  now: number,
  force = false,
): CompactionResult | undefined {
  const end = firstUncleanableOffset(db, p, configs, now)
  const start = p.log_start_offset
  if (end <= start) return undefined
  const dirtyFrom = Math.max(p.cleaned_offset, start)
  const ids = {partition: p.partition, topicId: p.topic_id}
  const bytes = (from: number, to: number) =>
    to <= from
      ? 0
      : (db
          .stmt('batchesBytesBetween')
          .pluck()
          .get({...ids, from, to}) as number)
  const dirty = bytes(dirtyFrom, end)
  const total = dirty + bytes(start, dirtyFrom)
  const tombstonesDue = p.tombstone_expiry !== null && p.tombstone_expiry <= now
  const ratioDue = dirty > 0 && total > 0 && dirty / total >= configs.number('min.cleanable.dirty.ratio')
  if (!force && !ratioDue && !tombstonesDue) return undefined

  const deleteRetentionMs = configs.number('delete.retention.ms')
  const batches = db.stmt('batchesForCleaning').all({...ids, from: start, to: end}) as StoredBatch[]
  // The offset map (Kafka's OffsetMap): each key's newest offset in the cleanable part. Clean
  // batches hold no duplicates among themselves, so only dirty records can make one obsolete;
  // walking everything keeps the code simple and costs one decode per cleaning.
  const decoded = new Map<number, {records: CleanerRecord[]; data: Buffer}>()
  const latest = new Map<string, number>()
  for (const b of batches) {
    const header = b.data.readInt16BE(OFF_ATTRIBUTES)
    if (isControlBatch(header)) continue
    let walked
    try {
      walked = cleanerRecords(b.data)
    } catch {
      continue // A corrupt batch is left as it is; fetches report it.
    }

    decoded.set(b.batch_id, walked)
    for (const r of walked.records) if (r.key !== null && r.offset >= dirtyFrom) latest.set(r.key, r.offset)
  }

  const rewrite = db.stmt('batchRewrite')
  const remove = db.stmt('batchDelete')
  const result: CompactionResult = {bytes: 0, records: 0}
  let tombstoneExpiry: number | null = null
  for (const b of batches) {
    const walked = decoded.get(b.batch_id)
    if (!walked) continue
    const kept = walked.records.filter((r) => {
      if (r.key === null || r.offset < start) return false
      const newest = latest.get(r.key)
      if (newest !== undefined && newest > r.offset) return false
      if (!r.tombstone) return true
      const expiry = r.timestamp + deleteRetentionMs
      if (expiry <= now) return false
      tombstoneExpiry = tombstoneExpiry === null ? expiry : Math.min(tombstoneExpiry, expiry)
      return true
    })
    if (kept.length === walked.records.length) continue
    result.records += b.record_count - kept.length
    if (kept.length === 0) {
      remove.run(b.batch_id)
      result.bytes += b.size_bytes
      continue
    }

    const rebuilt = rebuildBatch(b.data, walked.data, kept)
    rewrite.run(rebuilt, rebuilt.length, kept.length, readInt64(rebuilt, OFF_MAX_TIMESTAMP), b.batch_id)
    result.bytes += b.size_bytes - rebuilt.length
  }

  db.stmt('partitionCleaned').run({
    ...ids,
    bytes: result.bytes,
    cleanedOffset: end,
    records: result.records,
    tombstoneExpiry,
  })
  return result
}
