// Retention without a daemon (DESIGN §5): the kt processes that write run the log cleaner, at
// most once every log.retention.check.interval.ms across all of them (the time of the last check
// is a row in the store), in its own short write transaction after their append. Time and size
// retention delete whole batches from the start of the log and advance the log start offset;
// compaction keeps the newest record per key. Offsets are never reused: the log end offset never
// moves here, and the log start offset only moves forwards. SQLite's freelist takes the pages of
// deleted batches, and later appends reuse them, so the file stops growing under steady retention.
import type {BrokerConfig} from './broker-config.js'
import {compactPartitionTx, type CleanerPartition} from './compaction.js'
import type {Db} from './db/connection.js'
import {KtError} from './errors.js'
import {noSuchPartition} from './log.js'
import {requireTopic, topicConfigs} from './topics.js'

export interface CleanerReport {
  /** Partitions whose log start offset moved (time or size retention). */
  retained: number
  /** Partitions compacted. */
  compacted: number
  /** Bytes of batches freed. */
  bytes: number
}

/**
 * True when the store-wide retention check interval has passed since the last check (or the
 * clock went back past it). A new store's first check is one interval after its creation.
 */
export function retentionCheckDue(db: Db, config: BrokerConfig, now: number): boolean {
  const last = db.stmt('cleanerLastCheck').pluck().get() as number | undefined
  return last === undefined || now < last || now - last >= config.retentionCheckIntervalMs
}

/**
 * Runs the log cleaner over every partition, inside the caller's write transaction, if the check
 * interval has passed (another process may have just run it). Returns undefined when not due.
 */
export function cleanLogsTx(db: Db, config: BrokerConfig, now: number, force = false): CleanerReport | undefined {
  if (!force && !retentionCheckDue(db, config, now)) return undefined
  db.stmt('cleanerSetLastCheck').run(now)
  const report: CleanerReport = {bytes: 0, compacted: 0, retained: 0}
  const partitions = db.stmt('cleanerPartitions').all() as CleanerPartition[]
  let configsOf: {topicId: number; configs: ReturnType<typeof topicConfigs>} | undefined
  for (const p of partitions) {
    if (configsOf?.topicId !== p.topic_id)
      configsOf = {configs: topicConfigs(db, p.topic_id, config), topicId: p.topic_id}
    const {configs} = configsOf
    const policy = configs.list('cleanup.policy')
    if (policy.includes('delete')) {
      const freed = applyRetentionTx(db, p, configs.number('retention.ms'), configs.number('retention.bytes'), now)
      if (freed > 0) {
        report.retained++
        report.bytes += freed
      }
    }

    if (policy.includes('compact')) {
      const current = db.stmt('cleanerPartition').get(p.topic_id, p.partition) as CleanerPartition
      const result = compactPartitionTx(db, current, configs, now)
      if (result) {
        report.compacted++
        report.bytes += result.bytes
      }
    }
  }

  return report
}

/**
 * Time then size retention for one partition: the batches whose records (and every earlier
 * record) are older than retention.ms, then the oldest batches while the partition stays at or
 * above retention.bytes without them (Kafka's rule for segments). Returns the bytes freed.
 */
export function applyRetentionTx(
  db: Db,
  p: CleanerPartition,
  retentionMs: number,
  retentionBytes: number,
  now: number,
): number {
  const ids = {partition: p.partition, topicId: p.topic_id}
  let freed = 0
  let size = p.size_bytes
  if (retentionMs >= 0 && Number.isFinite(retentionMs)) {
    const cutoff = now - retentionMs
    const expired = db.stmt('batchesExpiredStats').get({...ids, cutoff}) as {
      batches: number
      last_offset: number | null
      records: number
      bytes: number
    }
    if (expired.batches > 0) {
      db.stmt('batchesDeleteExpired').run({...ids, cutoff})
      db.stmt('partitionTrim').run({
        ...ids,
        bytes: expired.bytes,
        records: expired.records,
        start: expired.last_offset! + 1,
      })
      freed += expired.bytes
      size -= expired.bytes
    }
  }

  if (retentionBytes >= 0 && size > retentionBytes) {
    let excess = size - retentionBytes
    let before = -1
    for (const b of db.stmt('batchesOldestFirst').iterate(p.topic_id, p.partition) as Iterable<{
      last_offset: number
      size_bytes: number
    }>) {
      if (excess - b.size_bytes < 0) break
      excess -= b.size_bytes
      before = b.last_offset + 1
    }

    if (before >= 0) freed += deleteBelowTx(db, p.topic_id, p.partition, before)
  }

  return freed
}

/** Deletes the batches wholly below `offset` and moves the log start offset up to it. Returns bytes freed. */
function deleteBelowTx(db: Db, topicId: number, partition: number, offset: number): number {
  const ids = {offset, partition, topicId}
  const stats = db.stmt('batchesBelowStats').get(ids) as {batches: number; records: number; bytes: number}
  if (stats.batches > 0) db.stmt('batchesDeleteBelow').run(ids)
  db.stmt('partitionTrim').run({bytes: stats.bytes, partition, records: stats.records, start: offset, topicId})
  return stats.bytes
}

/**
 * Kafka's DeleteRecords for one partition: the log start offset moves to `beforeOffset` (-1: the
 * log end offset, as Kafka's high watermark), and batches wholly below it are deleted. Returns
 * the new low watermark (log start offset). An offset past the log end is OFFSET_OUT_OF_RANGE.
 */
export function deleteRecordsTx(db: Db, topic: string, partition: number, beforeOffset: number): number {
  const row = requireTopic(db, topic)
  const p = db.stmt('cleanerPartition').get(row.topic_id, partition) as CleanerPartition | undefined
  if (!p) throw noSuchPartition(topic, partition)
  const offset = beforeOffset === -1 ? p.log_end_offset : beforeOffset
  if (offset < 0 || offset > p.log_end_offset)
    throw new KtError(
      'OFFSET_OUT_OF_RANGE',
      `Cannot delete records of topic '${topic}' partition ${partition} before offset ${beforeOffset}: the log end offset is ${p.log_end_offset}`,
    )
  if (offset > p.log_start_offset) deleteBelowTx(db, row.topic_id, partition, offset)
  return Math.max(offset, p.log_start_offset)
}
