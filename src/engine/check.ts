// `kt check`: verifies a whole store in one read snapshot, so that writers running meanwhile
// cause no false alarms. What is checked, and what counts as a problem:
//   - SQLite's own integrity check (every page, index and constraint);
//   - every batch: structure, CRC-32C, and a walk of its records; its header agrees with its row
//     (base offset, last offset, record count, size, max timestamp);
//   - offsets per partition: batches in offset order never overlap, and each lies within
//     [log start, log end): its last offset is at least the log start offset (the log start may
//     fall inside a batch, as Kafka's may) and below the log end offset. Gaps BETWEEN batches are
//     accepted: compaction leaves them (DESIGN §2, invariant 1). kt's appender never does today,
//     but a compaction engine may; inside a batch every offset is accounted for by its header;
//   - watermarks: log start ≤ log end; the partition's record count and size are the sums over
//     its batches; its largest timestamp is at least every batch's; the running-max time index
//     never decreases;
//   - committed offsets: 0 ≤ committed offset ≤ log end offset, for partitions that exist
//     (Kafka keeps a group's offsets for deleted topics; those are not checked).
// Every problem names its topic, partition and offsets (or its group), one line each.
import {closeSync, openSync, readSync, statSync} from 'node:fs'

import type {Db} from './db/connection.js'
import {oneLine} from './db/connection.js'
import {isKtError} from './errors.js'
import {checkBatch, forEachRecord} from './record-batch.js'

export type CheckProblemKind = 'batch' | 'committed-offset' | 'integrity' | 'unreadable' | 'watermarks'

export interface CheckProblem {
  kind: CheckProblemKind
  topic?: string
  partition?: number
  /** The batch's first and last offsets, when the problem is one batch. */
  baseOffset?: number
  lastOffset?: number
  group?: string
  /** One line: what is wrong. */
  message: string
}

export interface CheckReport {
  file: string
  topics: number
  partitions: number
  batches: number
  records: number
  bytes: number
  committedOffsets: number
  problems: CheckProblem[]
}

interface PartitionRow {
  topic_id: number
  topic: string
  partition_count: number
  partition: number
  log_start_offset: number
  log_end_offset: number
  record_count: number
  size_bytes: number
  log_max_timestamp: number
}

interface BatchRow {
  base_offset: number
  last_offset: number
  max_timestamp: number
  log_max_timestamp: number
  record_count: number
  size_bytes: number
  data: Buffer
}

/** More problems than this are not listed one by one (a badly damaged store has thousands). */
const MAX_INTEGRITY_LINES = 100

export function checkStore(db: Db): CheckReport {
  // One read snapshot, by hand: better-sqlite3's transaction wrapper turns SQLite's rollback after
  // a corruption error (which the check reports and goes on from) into an error at COMMIT.
  const c = db.connection
  c.exec('BEGIN DEFERRED')
  try {
    return checkSnapshot(db)
  } catch (error) {
    throw db.storageFailure(error, 'read')
  } finally {
    if (c.inTransaction) c.exec('ROLLBACK')
  }
}

function checkSnapshot(db: Db): CheckReport {
  const report: CheckReport = {
    batches: 0,
    bytes: 0,
    committedOffsets: 0,
    file: db.file,
    partitions: 0,
    problems: [],
    records: 0,
    topics: 0,
  }
  const problems = report.problems
  try {
    const lines = db.connection.prepare(`PRAGMA integrity_check(${MAX_INTEGRITY_LINES})`).pluck().all() as string[]
    for (const line of lines)
      if (line !== 'ok') problems.push({kind: 'integrity', message: `SQLite integrity check: ${oneLine(line)}`})
  } catch (error) {
    problems.push({kind: 'integrity', message: `SQLite integrity check stopped: ${(error as Error).message}`})
  }

  let partitions: PartitionRow[]
  try {
    partitions = db.stmt('checkPartitions').all() as PartitionRow[]
  } catch (error) {
    problems.push({kind: 'unreadable', message: `cannot read the partitions: ${(error as Error).message}`})
    return report
  }

  const logEnds = new Map<string, number>()
  const partitionCounts = new Map<string, {expected: number; found: number}>()
  for (const p of partitions) {
    report.partitions++
    logEnds.set(`${p.topic}\u0000${p.partition}`, p.log_end_offset)
    const count = partitionCounts.get(p.topic) ?? {expected: p.partition_count, found: 0}
    count.found++
    partitionCounts.set(p.topic, count)
    checkPartition(db, p, report)
  }

  report.topics = partitionCounts.size
  for (const [topic, {expected, found}] of partitionCounts)
    if (expected !== found)
      problems.push({
        kind: 'watermarks',
        message: `topic '${topic}' has ${found} partition rows but a partition count of ${expected}`,
        topic,
      })

  try {
    const orphans = db.stmt('checkOrphanBatches').pluck().get() as number
    if (orphans > 0) problems.push({kind: 'batch', message: `${orphans} batches belong to no partition`})

    for (const c of db.stmt('checkCommittedOffsets').all() as {
      group_id: string
      topic: string
      partition: number
      committed_offset: number
    }[]) {
      report.committedOffsets++
      const logEnd = logEnds.get(`${c.topic}\u0000${c.partition}`)
      if (logEnd === undefined) continue
      if (c.committed_offset < 0 || c.committed_offset > logEnd)
        problems.push({
          group: c.group_id,
          kind: 'committed-offset',
          message: `committed offset ${c.committed_offset} is outside [0, log end offset ${logEnd}]`,
          partition: c.partition,
          topic: c.topic,
        })
    }
  } catch (error) {
    problems.push({
      kind: 'unreadable',
      message: `cannot read all batch rows or committed offsets: ${(error as Error).message}`,
    })
  }

  return report
}

function checkPartition(db: Db, p: PartitionRow, report: CheckReport): void {
  const {partition, topic} = p
  const problems = report.problems
  const at = (b: {base_offset: number; last_offset: number}, message: string) =>
    problems.push({baseOffset: b.base_offset, kind: 'batch', lastOffset: b.last_offset, message, partition, topic})
  if (p.log_start_offset > p.log_end_offset || p.log_start_offset < 0)
    problems.push({
      kind: 'watermarks',
      message: `log start offset ${p.log_start_offset} is outside [0, log end offset ${p.log_end_offset}]`,
      partition,
      topic,
    })

  let records = 0
  let bytes = 0
  let previous: BatchRow | undefined
  let maxTimestamp = -1
  let from = -1
  try {
    for (const b of db
      .stmt('checkBatches')
      .iterate(p.topic_id, partition, Number.MIN_SAFE_INTEGER) as Iterable<BatchRow>) {
      from = b.last_offset + 1
      report.batches++
      records += b.record_count
      bytes += b.size_bytes
      checkOneBatch(b, at)
      if (b.last_offset < p.log_start_offset)
        at(b, `batch lies wholly below the log start offset ${p.log_start_offset}`)
      if (b.last_offset >= p.log_end_offset) at(b, `batch reaches past the log end offset ${p.log_end_offset}`)
      if (previous && b.base_offset <= previous.last_offset)
        at(b, `batch overlaps the previous batch (offsets ${previous.base_offset}-${previous.last_offset})`)
      if (previous && b.log_max_timestamp < previous.log_max_timestamp)
        at(b, `time index decreases (${b.log_max_timestamp} after ${previous.log_max_timestamp})`)
      if (b.log_max_timestamp < b.max_timestamp)
        at(b, `time index ${b.log_max_timestamp} is below the batch's max timestamp ${b.max_timestamp}`)
      if (b.max_timestamp > maxTimestamp) maxTimestamp = b.max_timestamp
      previous = b
    }
  } catch (error) {
    // A damaged page: what follows it in this partition cannot be read.
    problems.push({
      baseOffset: from < 0 ? undefined : from,
      kind: 'unreadable',
      message: `cannot read the batches${from < 0 ? '' : ` from offset ${from} on`}: ${(error as Error).message}`,
      partition,
      topic,
    })
    return
  }

  report.records += records
  report.bytes += bytes
  if (records !== p.record_count || bytes !== p.size_bytes)
    problems.push({
      kind: 'watermarks',
      message: `partition says ${p.record_count} records in ${p.size_bytes} bytes; its batches hold ${records} records in ${bytes} bytes`,
      partition,
      topic,
    })
  if (maxTimestamp > p.log_max_timestamp)
    problems.push({
      kind: 'watermarks',
      message: `largest timestamp ${p.log_max_timestamp} is below a batch's max timestamp ${maxTimestamp}`,
      partition,
      topic,
    })
}

/** One batch against its row: structure, CRC-32C, every record, and the header's figures. */
function checkOneBatch(b: BatchRow, at: (b: BatchRow, message: string) => void): void {
  // A row whose offsets are inverted holds no offset at all; said first, in words.
  if (b.base_offset > b.last_offset) at(b, 'the base offset is above the last offset')
  let header
  try {
    header = checkBatch(b.data)
  } catch (error) {
    at(b, (error as Error).message)
    return
  }

  if (header.baseOffset !== b.base_offset) at(b, `header says base offset ${header.baseOffset}`)
  if (header.baseOffset + header.lastOffsetDelta !== b.last_offset)
    at(b, `header says last offset ${header.baseOffset + header.lastOffsetDelta}`)
  if (header.recordCount !== b.record_count)
    at(b, `header says ${header.recordCount} records, the row ${b.record_count}`)
  if (b.data.length !== b.size_bytes) at(b, `batch is ${b.data.length} bytes, the row says ${b.size_bytes}`)
  if (header.maxTimestamp !== b.max_timestamp)
    at(b, `header says max timestamp ${header.maxTimestamp}, the row ${b.max_timestamp}`)
  let last = header.baseOffset - 1
  try {
    forEachRecord(b.data, header, (r) => {
      if (r.offset <= last || r.offset > b.last_offset) throw new Error(`record offset ${r.offset} out of order`)
      last = r.offset
    })
  } catch (error) {
    at(b, (error as Error).message)
  }
}

/**
 * kt check on a store that could not be opened: a damaged kt.db (SQLite reports corruption or
 * "not a database" behind a valid magic string) or an empty one is the check's own finding,
 * kind `unreadable`, rather than an error telling the user to run kt check. Other open failures
 * (no store, another program's file, a newer kt, a lock) are not findings about the store's
 * health: undefined, and the caller reports the error as it is.
 */
export function unopenableStoreReport(file: string, error: unknown): CheckReport | undefined {
  if (!isKtError(error, 'KAFKA_STORAGE_ERROR')) return undefined
  let size: number
  try {
    size = statSync(file).size
  } catch {
    return undefined
  }

  const code = (error.cause as {code?: unknown} | undefined)?.code
  let what: string
  if (size === 0) what = 'it is empty (0 bytes): it was truncated or replaced'
  else if (typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')) {
    what = (error.cause as Error).message
    const declared = declaredSize(file)
    if (declared !== undefined && size < declared)
      what += `; the file is ${size} bytes, but its header says ${declared}: it was cut short`
  } else return undefined

  return {
    batches: 0,
    bytes: 0,
    committedOffsets: 0,
    file,
    partitions: 0,
    problems: [{kind: 'unreadable', message: `The kt store '${file}' cannot be read: ${what}.`}],
    records: 0,
    topics: 0,
  }
}

/**
 * The database size an SQLite file's header states (page size × page count), when the header
 * vouches for it (its change counter equals its version-valid-for number); else undefined.
 */
function declaredSize(file: string): number | undefined {
  const header = Buffer.alloc(100)
  const fd = openSync(file, 'r')
  try {
    if (readSync(fd, header, 0, 100, 0) < 100) return undefined
  } finally {
    closeSync(fd)
  }

  const pageSize = header.readUInt16BE(16) === 1 ? 65_536 : header.readUInt16BE(16)
  const pages = header.readUInt32BE(28)
  if (pages === 0 || header.readUInt32BE(24) !== header.readUInt32BE(92)) return undefined
  return pageSize * pages
}
