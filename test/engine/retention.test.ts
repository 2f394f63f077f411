import {afterEach, describe, expect, it} from 'vitest'

import {Db} from '../../src/engine/db/connection.js'
import {appendTx, fetchTx, listOffsetTx} from '../../src/engine/log.js'
import {RecordBatchBuilder} from '../../src/engine/record-batch.js'
import {cleanLogsTx, deleteRecordsTx, retentionCheckDue} from '../../src/engine/retention.js'
import {deleteTopicTx, describeTopic, requireTopic} from '../../src/engine/topics.js'
import {
  batchOfCount,
  defaultConfig,
  errorOf,
  memoryStore,
  NOW,
  recordsOf,
  store,
  tempDir,
  type TestStore,
} from './support.js'

const ALL = {maxBytes: Number.MAX_SAFE_INTEGER}
const HOUR = 3_600_000

function watermarks(s: TestStore, topic = 't', partition = 0) {
  const p = describeTopic(s.db, requireTopic(s.db, topic), s.config).partitions[partition]
  return {end: p.logEndOffset, records: p.recordCount, size: p.sizeBytes, start: p.logStartOffset}
}

function clean(s: TestStore, now = NOW) {
  return s.db.immediate(() => cleanLogsTx(s.db, s.config, now, true))
}

function storedBytes(s: TestStore): number {
  return s.db.connection.prepare('SELECT total(size_bytes) AS n FROM batches').pluck().get() as number
}

let s: TestStore
afterEach(async () => {
  await s?.db.close()
})

describe('time retention (retention.ms)', () => {
  it('deletes whole batches older than retention.ms; log start moves up, log end stays', () => {
    s = memoryStore()
    s.createTopic({configs: [['retention.ms', '60000']], name: 't'})
    const old = NOW - 2 * 60_000
    s.append([
      {batch: batchOfCount(3, 'old', [old, old, old]), partition: 0, topic: 't'},
      {batch: batchOfCount(2, 'old', [old, old + 1]), partition: 0, topic: 't'},
      {batch: batchOfCount(2, 'new', [NOW - 1000, NOW - 999]), partition: 0, topic: 't'},
    ])
    expect(clean(s)).toMatchObject({retained: 1})
    expect(watermarks(s)).toMatchObject({end: 7, records: 2, start: 5})
    expect(listOffsetTx(s.db, 't', 0, 'earliest')).toBe(5)
    expect(errorOf(() => fetchTx(s.db, 't', 0, 4, ALL)).code).toBe('OFFSET_OUT_OF_RANGE')
    expect(recordsOf(fetchTx(s.db, 't', 0, 5, ALL).batches).map((r) => r.offset)).toEqual([5, 6])
    // New records continue after the old log end.
    expect(s.append([{batch: batchOfCount(1), partition: 0, topic: 't'}])[0].baseOffset).toBe(7)
  })

  it('an old batch after a new one stays (retention deletes a prefix of the log)', () => {
    s = memoryStore()
    s.createTopic({configs: [['retention.ms', '60000']], name: 't'})
    s.append([
      {batch: batchOfCount(1, 'new', [NOW]), partition: 0, topic: 't'},
      {batch: batchOfCount(1, 'old', [NOW - HOUR]), partition: 0, topic: 't'},
    ])
    clean(s)
    expect(watermarks(s)).toMatchObject({end: 2, start: 0})
  })

  it('when every batch expired, log start = log end and offsets are not reused', () => {
    s = memoryStore()
    s.createTopic({configs: [['retention.ms', '1000']], name: 't'})
    s.append([{batch: batchOfCount(4, 'v', [1, 2, 3, 4]), partition: 0, topic: 't'}])
    clean(s)
    expect(watermarks(s)).toMatchObject({end: 4, records: 0, size: 0, start: 4})
    expect(fetchTx(s.db, 't', 0, 4, ALL).batches).toEqual([])
    expect(s.append([{batch: batchOfCount(1), partition: 0, topic: 't'}])[0].baseOffset).toBe(4)
  })

  it('retention.ms=-1 keeps records forever; the default keeps a week', () => {
    s = memoryStore()
    s.createTopic({configs: [['retention.ms', '-1']], name: 'forever'})
    s.createTopic({name: 'week'})
    const ancient = [NOW - 30 * 24 * HOUR]
    const lastWeek = [NOW - 6 * 24 * HOUR]
    s.append([
      {batch: batchOfCount(1, 'v', ancient), partition: 0, topic: 'forever'},
      {batch: batchOfCount(1, 'v', ancient), partition: 0, topic: 'week'},
      {batch: batchOfCount(1, 'v', lastWeek), partition: 0, topic: 'week'},
    ])
    clean(s)
    expect(watermarks(s, 'forever')).toMatchObject({end: 1, start: 0})
    expect(watermarks(s, 'week')).toMatchObject({end: 2, start: 1})
  })

  it('cleanup.policy=compact alone does not delete by time; compact,delete does', () => {
    s = memoryStore()
    s.createTopic({
      configs: [
        ['cleanup.policy', 'compact'],
        ['retention.ms', '1000'],
      ],
      name: 'c',
    })
    s.createTopic({
      configs: [
        ['cleanup.policy', 'compact,delete'],
        ['retention.ms', '1000'],
      ],
      name: 'cd',
    })
    const old = () =>
      keyedBatch(
        [
          ['k1', 'v'],
          ['k2', 'v'],
        ],
        NOW - HOUR,
      )
    s.append([
      {batch: old(), partition: 0, topic: 'c'},
      {batch: old(), partition: 0, topic: 'cd'},
    ])
    clean(s)
    expect(watermarks(s, 'c')).toMatchObject({end: 2, start: 0})
    expect(watermarks(s, 'cd')).toMatchObject({end: 2, start: 2})
  })
})

function keyedBatch(pairs: readonly [string, string][], timestamp: number): Buffer {
  const b = new RecordBatchBuilder(256)
  for (const [k, v] of pairs) {
    const key = Buffer.from(k)
    const value = Buffer.from(v)
    b.append(timestamp, key, 0, key.length, value, 0, value.length, null)
  }

  return b.build('none')
}

describe('size retention (retention.bytes)', () => {
  it('trims the oldest batches first while the partition stays at or above retention.bytes', () => {
    s = memoryStore()
    const one = batchOfCount(10).length
    s.createTopic({configs: [['retention.bytes', String(3 * one)]], name: 't', partitions: 2})
    const batches = Array.from({length: 6}, () => ({batch: batchOfCount(10), partition: 0, topic: 't'}))
    s.append([...batches, {batch: batchOfCount(10), partition: 1, topic: 't'}])
    clean(s)
    expect(watermarks(s, 't', 0)).toMatchObject({end: 60, records: 30, size: 3 * one, start: 30})
    // Per partition: partition 1 holds less than retention.bytes and keeps everything.
    expect(watermarks(s, 't', 1)).toMatchObject({end: 10, start: 0})
    expect(recordsOf(fetchTx(s.db, 't', 0, 30, ALL).batches).at(-1)!.offset).toBe(59)
  })

  it('never deletes the newest batch while retention.bytes is above zero', () => {
    s = memoryStore()
    s.createTopic({configs: [['retention.bytes', '1']], name: 't'})
    s.append([
      {batch: batchOfCount(5), partition: 0, topic: 't'},
      {batch: batchOfCount(5), partition: 0, topic: 't'},
    ])
    clean(s)
    expect(watermarks(s)).toMatchObject({end: 10, records: 5, start: 5})
  })

  it('retention.bytes=-1 (the default) keeps everything', () => {
    s = memoryStore()
    s.createTopic({name: 't'})
    for (let i = 0; i < 5; i++) s.append([{batch: batchOfCount(100), partition: 0, topic: 't'}])
    clean(s)
    expect(watermarks(s)).toMatchObject({end: 500, start: 0})
  })
})

describe('log.retention.check.interval.ms', () => {
  it('runs at most once per interval across connections (the last check is in the store)', () => {
    s = memoryStore(defaultConfig({'log.retention.check.interval.ms': '1000'}))
    const created = Date.now()
    // A new store waits one interval before its first check.
    expect(retentionCheckDue(s.db, s.config, created + 200)).toBe(false)
    const first = created + 5000
    expect(retentionCheckDue(s.db, s.config, first)).toBe(true)
    expect(s.db.immediate(() => cleanLogsTx(s.db, s.config, first))).toBeDefined()
    expect(retentionCheckDue(s.db, s.config, first + 999)).toBe(false)
    expect(s.db.immediate(() => cleanLogsTx(s.db, s.config, first + 999))).toBeUndefined()
    expect(s.db.immediate(() => cleanLogsTx(s.db, s.config, first + 1000))).toBeDefined()
    // A clock set back does not stop retention.
    expect(retentionCheckDue(s.db, s.config, first - 60_000)).toBe(true)
  })
})

describe('deleteRecordsTx', () => {
  it('moves the log start into a batch; the batch stays, records below are not served', () => {
    s = memoryStore()
    s.createTopic({name: 't'})
    s.append([{batch: batchOfCount(10), partition: 0, topic: 't'}])
    expect(s.db.immediate(() => deleteRecordsTx(s.db, 't', 0, 5))).toBe(5)
    expect(watermarks(s)).toMatchObject({end: 10, start: 5})
    expect(listOffsetTx(s.db, 't', 0, 'earliest')).toBe(5)
    expect(errorOf(() => fetchTx(s.db, 't', 0, 4, ALL)).code).toBe('OFFSET_OUT_OF_RANGE')
    // The fetch returns the whole stored batch; the consumer skips records below its position.
    expect(fetchTx(s.db, 't', 0, 5, ALL).batches[0].baseOffset).toBe(0)
    // Never backwards; -1 is the log end offset.
    expect(s.db.immediate(() => deleteRecordsTx(s.db, 't', 0, 2))).toBe(5)
    expect(s.db.immediate(() => deleteRecordsTx(s.db, 't', 0, -1))).toBe(10)
    expect(watermarks(s)).toMatchObject({end: 10, records: 0, size: 0, start: 10})
    expect(s.append([{batch: batchOfCount(1), partition: 0, topic: 't'}])[0].baseOffset).toBe(10)
  })

  it('deletes the batches wholly below the offset', () => {
    s = memoryStore()
    s.createTopic({name: 't'})
    s.append([
      {batch: batchOfCount(3), partition: 0, topic: 't'},
      {batch: batchOfCount(3), partition: 0, topic: 't'},
    ])
    s.db.immediate(() => deleteRecordsTx(s.db, 't', 0, 3))
    expect(watermarks(s)).toMatchObject({records: 3, start: 3})
    expect(storedBytes(s)).toBe(batchOfCount(3).length)
  })

  it('refuses an offset past the log end, an unknown partition and an unknown topic', () => {
    s = memoryStore()
    s.createTopic({name: 't'})
    s.append([{batch: batchOfCount(3), partition: 0, topic: 't'}])
    expect(errorOf(() => s.db.immediate(() => deleteRecordsTx(s.db, 't', 0, 4))).code).toBe('OFFSET_OUT_OF_RANGE')
    expect(errorOf(() => s.db.immediate(() => deleteRecordsTx(s.db, 't', 1, 0))).code).toBe(
      'UNKNOWN_TOPIC_OR_PARTITION',
    )
    expect(errorOf(() => s.db.immediate(() => deleteRecordsTx(s.db, 'x', 0, 0))).code).toBe(
      'UNKNOWN_TOPIC_OR_PARTITION',
    )
  })
})

describe('space', () => {
  it('pages freed by retention are reused: the file stops growing under steady retention', async () => {
    const {cleanup, dir} = tempDir()
    const db = Db.open(dir)
    try {
      s = store(db)
      const batch = () => batchOfCount(150, 'x'.repeat(100))
      const size = batch().length
      s.createTopic({configs: [['retention.bytes', String(20 * size)]], name: 't'})
      const fileBytes = () =>
        (db.connection.pragma('page_count', {simple: true}) as number) *
        (db.connection.pragma('page_size', {simple: true}) as number)
      let settled = 0
      for (let round = 0; round < 40; round++) {
        db.immediate(() =>
          appendTx(
            db,
            Array.from({length: 5}, () => ({batch: batch(), partition: 0, topic: 't'})),
            s.config,
            NOW,
          ),
        )
        clean(s)
        if (round === 9) settled = fileBytes()
      }

      expect(watermarks(s).size).toBeLessThan(21 * size)
      // 50 batches had gone through at round 10, 200 at the end: the file did not grow since.
      expect(fileBytes()).toBeLessThanOrEqual(settled * 1.1)
      expect(db.connection.pragma('freelist_count', {simple: true})).toBeGreaterThan(0)
    } finally {
      s = undefined as unknown as TestStore
      await db.close()
      cleanup()
    }
  })
})

describe('space after deletion', () => {
  it('pages of a deleted topic and of delete-records are reused by later appends', async () => {
    const {cleanup, dir} = tempDir()
    const db = Db.open(dir)
    try {
      s = store(db)
      const fileBytes = () =>
        (db.connection.pragma('page_count', {simple: true}) as number) *
        (db.connection.pragma('page_size', {simple: true}) as number)
      const fill = (topic: string, n: number) => {
        for (let i = 0; i < n; i++)
          db.immediate(() =>
            appendTx(db, [{batch: batchOfCount(100, 'y'.repeat(100)), partition: 0, topic}], s.config, NOW),
          )
      }

      s.createTopic({name: 'a'})
      fill('a', 60)
      const full = fileBytes()
      db.immediate(() => deleteTopicTx(db, 'a', s.config))
      s.createTopic({name: 'b'})
      fill('b', 60)
      expect(fileBytes()).toBeLessThanOrEqual(full * 1.05)
      db.immediate(() => deleteRecordsTx(db, 'b', 0, -1))
      s.createTopic({name: 'c'})
      fill('c', 60)
      expect(fileBytes()).toBeLessThanOrEqual(full * 1.1)
    } finally {
      s = undefined as unknown as TestStore
      await db.close()
      cleanup()
    }
  })
})
