import fc from 'fast-check'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {Db} from '../../src/engine/db/connection.js'
import {appendTx, fetchTx, listOffsetTx} from '../../src/engine/log.js'
import {crc32c} from '../../src/engine/crc32c.js'
import {checkBatch, readBatchHeader, writeInt64} from '../../src/engine/record-batch.js'
import {deleteTopicTx, describeTopic, requireTopic} from '../../src/engine/topics.js'
import {
  batchOf,
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

function logEnd(s: TestStore, topic: string, partition: number): number {
  return listOffsetTx(s.db, topic, partition, 'latest')!
}

function batchRows(s: TestStore): number {
  return (s.db.connection.prepare('SELECT count(*) AS n FROM batches').get() as {n: number}).n
}

/** Flips one byte of a stored batch blob with raw SQL. */
function corruptStoredBatch(db: Db, baseOffset: number, byte: number): void {
  const row = db.connection.prepare('SELECT batch_id, data FROM batches WHERE base_offset = ?').get(baseOffset) as {
    batch_id: number
    data: Buffer
  }
  const data = Buffer.from(row.data)
  data[byte] ^= 0xff
  db.connection.prepare('UPDATE batches SET data = ? WHERE batch_id = ?').run(data, row.batch_id)
}

let s: TestStore
beforeEach(() => {
  s = memoryStore()
  s.createTopic({name: 't', partitions: 3})
})
afterEach(async () => {
  await s.db.close()
})

describe('appendTx', () => {
  it('assigns offsets from 0, consecutively, per partition', () => {
    const r = s.append([
      {batch: batchOfCount(3), partition: 0, topic: 't'},
      {batch: batchOfCount(2), partition: 0, topic: 't'},
      {batch: batchOfCount(4), partition: 2, topic: 't'},
    ])
    expect(r).toEqual([
      {baseOffset: 0, lastOffset: 2, logAppendTime: -1, partition: 0, topic: 't'},
      {baseOffset: 3, lastOffset: 4, logAppendTime: -1, partition: 0, topic: 't'},
      {baseOffset: 0, lastOffset: 3, logAppendTime: -1, partition: 2, topic: 't'},
    ])
    expect(s.append([{batch: batchOfCount(1), partition: 0, topic: 't'}])[0].baseOffset).toBe(5)
    expect([0, 1, 2].map((p) => logEnd(s, 't', p))).toEqual([6, 0, 4])
  })

  it('offsets are contiguous, unique and the log end never decreases (property)', () => {
    const step = fc.record({
      batches: fc.array(fc.record({partition: fc.nat({max: 2}), size: fc.integer({max: 12, min: 1})}), {
        maxLength: 4,
        minLength: 1,
      }),
    })
    fc.assert(
      fc.property(fc.array(step, {maxLength: 12, minLength: 1}), (steps) => {
        const t = memoryStore()
        try {
          t.createTopic({name: 't', partitions: 3})
          const expectedEnd = [0, 0, 0]
          const seen: number[][] = [[], [], []]
          for (const {batches} of steps) {
            const before = [0, 1, 2].map((p) => logEnd(t, 't', p))
            const results = t.append(
              batches.map(({partition, size}) => ({
                batch: batchOfCount(size, `p${partition}-`),
                partition,
                topic: 't',
              })),
            )
            results.forEach((r, i) => {
              const {partition, size} = batches[i]
              expect(r.baseOffset).toBe(expectedEnd[partition])
              expect(r.lastOffset).toBe(expectedEnd[partition] + size - 1)
              for (let o = r.baseOffset; o <= r.lastOffset; o++) seen[partition].push(o)
              expectedEnd[partition] += size
            })
            const after = [0, 1, 2].map((p) => logEnd(t, 't', p))
            after.forEach((end, p) => expect(end).toBeGreaterThanOrEqual(before[p]))
            expect(after).toEqual(expectedEnd)
          }

          for (let p = 0; p < 3; p++) {
            // Offsets handed out: exactly 0..end-1, each once.
            expect(seen[p]).toEqual(Array.from({length: expectedEnd[p]}, (_, i) => i))
            // And what is stored reads back the same way.
            const fetched = recordsOf(fetchTx(t.db, 't', p, 0, ALL).batches)
            expect(fetched.map((r) => r.offset)).toEqual(seen[p])
            const description = describeTopic(t.db, requireTopic(t.db, 't'), t.config).partitions[p]
            expect(description.recordCount).toBe(expectedEnd[p])
            expect(description.logEndOffset).toBe(expectedEnd[p])
          }
        } finally {
          void t.db.close()
        }
      }),
      {numRuns: 40},
    )
  })

  it('stores the batch byte-exact, with the base offset and leader epoch 0 patched in', () => {
    s.append([{batch: batchOfCount(2), partition: 1, topic: 't'}])
    const original = batchOfCount(3, 'x')
    const copy = Buffer.from(original)
    s.append([{batch: original, partition: 1, topic: 't'}])
    const [stored] = fetchTx(s.db, 't', 1, 2, ALL).batches
    expect(stored.baseOffset).toBe(2)
    expect(stored.lastOffset).toBe(4)
    expect(stored.data.subarray(16).equals(copy.subarray(16))).toBe(true) // magic, CRC, attributes … records
    expect(stored.data.subarray(8, 12).equals(copy.subarray(8, 12))).toBe(true) // batchLength
    const h = readBatchHeader(stored.data)
    expect(h.baseOffset).toBe(2)
    expect(h.partitionLeaderEpoch).toBe(0)
  })

  it('rejects a batch with a bad CRC, and stores nothing of that transaction', () => {
    s.append([{batch: batchOfCount(2), partition: 0, topic: 't'}])
    // A copy: batches a RecordBatchBuilder of this process made are trusted; foreign bytes are not.
    const bad = Buffer.from(batchOfCount(3))
    bad[bad.length - 1] ^= 0x01
    const e = errorOf(() =>
      s.append([
        {batch: batchOfCount(5), partition: 0, topic: 't'},
        {batch: batchOfCount(1), partition: 1, topic: 't'},
        {batch: bad, partition: 0, topic: 't'},
      ]),
    )
    expect(e.code).toBe('CORRUPT_MESSAGE')
    expect(e.message).toMatch(/topic 't' partition 0: CRC-32C mismatch/)
    expect([0, 1, 2].map((p) => logEnd(s, 't', p))).toEqual([2, 0, 0])
    expect(batchRows(s)).toBe(1)
    expect(recordsOf(fetchTx(s.db, 't', 0, 0, ALL).batches).map((r) => r.value?.toString())).toEqual(['v0', 'v1'])
    // The log continues where it was.
    expect(s.append([{batch: batchOfCount(1), partition: 0, topic: 't'}])[0].baseOffset).toBe(2)
  })

  it('rejects a structurally broken batch as CORRUPT_MESSAGE', () => {
    const batch = batchOfCount(2)
    expect(errorOf(() => s.append([{batch: batch.subarray(0, 40), partition: 0, topic: 't'}])).code).toBe(
      'CORRUPT_MESSAGE',
    )
    expect(errorOf(() => s.append([{batch: batch.subarray(0, batch.length - 1), partition: 0, topic: 't'}])).code).toBe(
      'CORRUPT_MESSAGE',
    )
    expect(batchRows(s)).toBe(0)
  })

  it('rejects a batch larger than max.message.bytes with MESSAGE_TOO_LARGE', () => {
    const big = batchOf(['x'.repeat(200)])
    s.createTopic({configs: [['max.message.bytes', String(big.length - 1)]], name: 'small', partitions: 1})
    const e = errorOf(() => s.append([{batch: big, partition: 0, topic: 'small'}]))
    expect(e.code).toBe('MESSAGE_TOO_LARGE')
    expect(e.message).toContain(`${big.length} bytes`)
    expect(e.message).toContain(`(${big.length - 1})`)
    expect(logEnd(s, 'small', 0)).toBe(0)
    expect(batchRows(s)).toBe(0)
  })

  it('accepts a batch of exactly max.message.bytes', () => {
    const big = batchOf(['x'.repeat(200)])
    s.createTopic({configs: [['max.message.bytes', String(big.length)]], name: 'exact', partitions: 1})
    expect(s.append([{batch: big, partition: 0, topic: 'exact'}])[0].baseOffset).toBe(0)
  })

  it('uses the default max.message.bytes of 1048588', () => {
    const justOver = batchOf(['x'.repeat(1_048_588)])
    expect(errorOf(() => s.append([{batch: justOver, partition: 0, topic: 't'}])).code).toBe('MESSAGE_TOO_LARGE')
    const under = batchOf(['x'.repeat(1_048_588 - 61 - 20)])
    expect(under.length).toBeLessThanOrEqual(1_048_588)
    expect(s.append([{batch: under, partition: 0, topic: 't'}])[0].lastOffset).toBe(0)
  })

  it('rejects an unknown topic or partition', () => {
    expect(errorOf(() => s.append([{batch: batchOfCount(1), partition: 0, topic: 'nope'}])).message).toBe(
      "Topic 'nope' does not exist as expected",
    )
    const e = errorOf(() => s.append([{batch: batchOfCount(1), partition: 3, topic: 't'}]))
    expect(e.code).toBe('UNKNOWN_TOPIC_OR_PARTITION')
    expect(e.message).toContain('Partition 3')
  })

  it('rejects CreateTime timestamps more than message.timestamp.after.max.ms in the future', () => {
    const e = errorOf(() => s.append([{batch: batchOf(['a', 'b'], [NOW, NOW + 3_600_001]), partition: 0, topic: 't'}]))
    expect(e.code).toBe('INVALID_TIMESTAMP')
    expect(e.message).toContain(`Timestamp ${NOW + 3_600_001} of message with offset 1`)
    expect(s.append([{batch: batchOf(['a'], [NOW + 3_600_000]), partition: 0, topic: 't'}])[0].baseOffset).toBe(0)
  })

  it('LogAppendTime topics stamp every record with the append time and keep the CRC valid', () => {
    s.createTopic({configs: [['message.timestamp.type', 'LogAppendTime']], name: 'lat', partitions: 1})
    const [r] = s.append([{batch: batchOf(['a', 'b'], [5, 4]), partition: 0, topic: 'lat'}], NOW + 7)
    expect(r.logAppendTime).toBe(NOW + 7)
    const {batches} = fetchTx(s.db, 'lat', 0, 0, ALL)
    expect(() => checkBatch(batches[0].data)).not.toThrow()
    expect(recordsOf(batches).map((x) => [x.timestamp, x.timestampType])).toEqual([
      [NOW + 7, 'LogAppendTime'],
      [NOW + 7, 'LogAppendTime'],
    ])
  })
})

describe('fetchTx', () => {
  beforeEach(() => {
    // Partition 0: batches [0..2], [3..4], [5..8]
    s.append([{batch: batchOfCount(3, 'a'), partition: 0, topic: 't'}])
    s.append([{batch: batchOfCount(2, 'b'), partition: 0, topic: 't'}])
    s.append([{batch: batchOfCount(4, 'c'), partition: 0, topic: 't'}])
  })

  it('returns batches from the one containing the offset', () => {
    for (const [offset, bases] of [
      [0, [0, 3, 5]],
      [2, [0, 3, 5]],
      [3, [3, 5]],
      [4, [3, 5]],
      [5, [5]],
      [8, [5]],
    ] as const) {
      const r = fetchTx(s.db, 't', 0, offset, ALL)
      expect(
        r.batches.map((b) => b.baseOffset),
        `offset ${offset}`,
      ).toEqual(bases)
      expect(r.logStartOffset).toBe(0)
      expect(r.logEndOffset).toBe(9)
    }

    const values = recordsOf(fetchTx(s.db, 't', 0, 4, ALL).batches).map((r) => `${r.offset}:${r.value}`)
    expect(values).toEqual(['3:b0', '4:b1', '5:c0', '6:c1', '7:c2', '8:c3'])
  })

  it('returns nothing at the log end', () => {
    expect(fetchTx(s.db, 't', 0, 9, ALL).batches).toEqual([])
    expect(fetchTx(s.db, 't', 1, 0, ALL)).toMatchObject({batches: [], logEndOffset: 0, logStartOffset: 0})
  })

  it('stops once maxBytes is reached but always returns at least one batch', () => {
    const sizes = fetchTx(s.db, 't', 0, 0, ALL).batches.map((b) => b.data.length)
    expect(fetchTx(s.db, 't', 0, 0, {maxBytes: 1}).batches.map((b) => b.baseOffset)).toEqual([0])
    expect(fetchTx(s.db, 't', 0, 0, {maxBytes: sizes[0]}).batches.map((b) => b.baseOffset)).toEqual([0])
    expect(fetchTx(s.db, 't', 0, 0, {maxBytes: sizes[0] + 1}).batches.map((b) => b.baseOffset)).toEqual([0, 3])
  })

  it('is OFFSET_OUT_OF_RANGE above the log end and below the log start', () => {
    const above = errorOf(() => fetchTx(s.db, 't', 0, 10, ALL))
    expect(above.code).toBe('OFFSET_OUT_OF_RANGE')
    expect(above.message).toContain('Offset 10')
    expect(errorOf(() => fetchTx(s.db, 't', 0, -1, ALL)).code).toBe('OFFSET_OUT_OF_RANGE')
    // Move the log start as retention would, then fetch below it.
    s.db.connection
      .prepare('UPDATE partitions SET log_start_offset = 3 WHERE partition = 0 AND topic_id = ?')
      .run(requireTopic(s.db, 't').topic_id)
    expect(errorOf(() => fetchTx(s.db, 't', 0, 2, ALL)).code).toBe('OFFSET_OUT_OF_RANGE')
    expect(fetchTx(s.db, 't', 0, 3, ALL).logStartOffset).toBe(3)
  })

  it('an unknown topic or partition is UNKNOWN_TOPIC_OR_PARTITION', () => {
    expect(errorOf(() => fetchTx(s.db, 'nope', 0, 0, ALL)).code).toBe('UNKNOWN_TOPIC_OR_PARTITION')
    expect(errorOf(() => fetchTx(s.db, 't', 7, 0, ALL)).code).toBe('UNKNOWN_TOPIC_OR_PARTITION')
  })

  it('verifies CRCs: a corrupted stored batch is CORRUPT_MESSAGE naming topic, partition and offset', () => {
    corruptStoredBatch(s.db, 3, 70)
    // The batches before the damage are served; the fetch that reaches the damage fails.
    expect(fetchTx(s.db, 't', 0, 0, ALL).batches.map((b) => b.baseOffset)).toEqual([0])
    const e = errorOf(() => fetchTx(s.db, 't', 0, 3, ALL))
    expect(e.code).toBe('CORRUPT_MESSAGE')
    expect(e.message).toMatch(/^Corrupt record batch in topic 't' partition 0 at offset 3: CRC-32C mismatch/)
    // A damaged header field inside the CRC range (maxTimestamp) is caught too.
    corruptStoredBatch(s.db, 5, 40)
    expect(errorOf(() => fetchTx(s.db, 't', 0, 5, ALL)).message).toContain("topic 't' partition 0 at offset 5")
  })
})

describe('listOffsetTx', () => {
  it('earliest and latest are the log start and log end', () => {
    expect(listOffsetTx(s.db, 't', 0, 'earliest')).toBe(0)
    expect(listOffsetTx(s.db, 't', 0, 'latest')).toBe(0)
    s.append([{batch: batchOfCount(4), partition: 0, topic: 't'}])
    expect(listOffsetTx(s.db, 't', 0, 'earliest')).toBe(0)
    expect(listOffsetTx(s.db, 't', 0, 'latest')).toBe(4)
    expect(errorOf(() => listOffsetTx(s.db, 't', 9, 'latest')).code).toBe('UNKNOWN_TOPIC_OR_PARTITION')
  })

  it('by time: the first offset whose timestamp is at or after T, with non-monotonic timestamps', () => {
    // offsets:     0    1    2  |  3    4  |  5    6
    s.append([{batch: batchOf(['a', 'b', 'c'], [100, 300, 200]), partition: 0, topic: 't'}])
    s.append([{batch: batchOf(['d', 'e'], [150, 120]), partition: 0, topic: 't'}])
    s.append([{batch: batchOf(['f', 'g'], [500, 400]), partition: 0, topic: 't'}])
    const at = (timestamp: number) => listOffsetTx(s.db, 't', 0, {timestamp})
    expect(at(0)).toBe(0)
    expect(at(100)).toBe(0)
    expect(at(101)).toBe(1)
    expect(at(200)).toBe(1)
    expect(at(300)).toBe(1)
    expect(at(301)).toBe(5)
    expect(at(450)).toBe(5)
    expect(at(500)).toBe(5)
    expect(at(501)).toBeNull()
  })

  it('by time: a later batch with smaller timestamps does not hide an earlier match', () => {
    s.append([{batch: batchOf(['a'], [1000]), partition: 0, topic: 't'}])
    s.append([{batch: batchOf(['b'], [10]), partition: 0, topic: 't'}])
    s.append([{batch: batchOf(['c'], [20]), partition: 0, topic: 't'}])
    expect(listOffsetTx(s.db, 't', 0, {timestamp: 15})).toBe(0)
    expect(listOffsetTx(s.db, 't', 0, {timestamp: 1001})).toBeNull()
  })

  it('by time on an empty partition is null', () => {
    expect(listOffsetTx(s.db, 't', 1, {timestamp: 0})).toBeNull()
  })

  it('by time matches a brute-force scan (property)', () => {
    const batchesArb = fc.array(fc.array(fc.integer({max: 1000, min: 0}), {maxLength: 6, minLength: 1}), {
      maxLength: 8,
      minLength: 1,
    })
    fc.assert(
      fc.property(
        batchesArb,
        fc.array(fc.integer({max: 1002, min: -1}), {maxLength: 10, minLength: 1}),
        (batches, targets) => {
          const t = memoryStore()
          try {
            t.createTopic({name: 't', partitions: 1})
            for (const timestamps of batches)
              t.append([{batch: batchOfCount(timestamps.length, 'v', timestamps), partition: 0, topic: 't'}])
            const all = batches.flat()
            for (const target of targets) {
              const index = all.findIndex((ts) => ts >= target)
              expect(listOffsetTx(t.db, 't', 0, {timestamp: target})).toBe(index === -1 ? null : index)
            }
          } finally {
            void t.db.close()
          }
        },
      ),
      {numRuns: 60},
    )
  })

  it('by time skips records below the log start offset', () => {
    s.append([{batch: batchOf(['a', 'b', 'c'], [100, 200, 300]), partition: 0, topic: 't'}])
    s.db.connection
      .prepare('UPDATE partitions SET log_start_offset = 2 WHERE partition = 0 AND topic_id = ?')
      .run(requireTopic(s.db, 't').topic_id)
    expect(listOffsetTx(s.db, 't', 0, {timestamp: 50})).toBe(2)
    expect(listOffsetTx(s.db, 't', 0, 'earliest')).toBe(2)
  })

  it('by time verifies the CRC of the batch it reads', () => {
    s.append([{batch: batchOf(['a'], [100]), partition: 0, topic: 't'}])
    s.append([{batch: batchOf(['b'], [200]), partition: 0, topic: 't'}])
    corruptStoredBatch(s.db, 1, 62)
    const e = errorOf(() => listOffsetTx(s.db, 't', 0, {timestamp: 150}))
    expect(e.code).toBe('CORRUPT_MESSAGE')
    expect(e.message).toContain("topic 't' partition 0 at offset 1")
  })
})

describe('topic lifecycle', () => {
  it('deleting and re-creating a topic restarts offsets at 0 with a new topic id', () => {
    s.append([{batch: batchOfCount(5), partition: 0, topic: 't'}])
    const oldId = describeTopic(s.db, requireTopic(s.db, 't'), s.config).topicId
    s.db.immediate(() => deleteTopicTx(s.db, 't', s.config))
    s.createTopic({name: 't', partitions: 3})
    const d = describeTopic(s.db, requireTopic(s.db, 't'), s.config)
    expect(d.topicId).not.toBe(oldId)
    expect(d.partitions.map((p) => p.logEndOffset)).toEqual([0, 0, 0])
    expect(fetchTx(s.db, 't', 0, 0, ALL).batches).toEqual([])
    expect(errorOf(() => fetchTx(s.db, 't', 0, 1, ALL)).code).toBe('OFFSET_OUT_OF_RANGE')
    const [r] = s.append([{batch: batchOfCount(2, 'new'), partition: 0, topic: 't'}])
    expect([r.baseOffset, r.lastOffset]).toEqual([0, 1])
    expect(recordsOf(fetchTx(s.db, 't', 0, 0, ALL).batches).map((x) => `${x.offset}:${x.value}`)).toEqual([
      '0:new0',
      '1:new1',
    ])
  })
})

describe('two connections on one store', () => {
  it('appending alternately from two connections gives contiguous offsets', async () => {
    const {cleanup, dir} = tempDir()
    const a = store(Db.open(dir))
    const b = store(Db.open(dir))
    try {
      a.createTopic({name: 'shared', partitions: 2})
      const offsets: number[][] = [[], []]
      for (let i = 0; i < 40; i++) {
        const writer = i % 2 === 0 ? a : b
        const partition = i % 3 === 0 ? 1 : 0
        const size = (i % 4) + 1
        const [r] = writer.append([{batch: batchOfCount(size, `${i}-`), partition, topic: 'shared'}])
        expect(r.baseOffset).toBe(offsets[partition].length)
        for (let o = r.baseOffset; o <= r.lastOffset; o++) offsets[partition].push(o)
      }

      for (const reader of [a, b])
        for (const p of [0, 1]) {
          const fetched = recordsOf(fetchTx(reader.db, 'shared', p, 0, ALL).batches)
          expect(fetched.map((r) => r.offset)).toEqual(offsets[p])
          expect(listOffsetTx(reader.db, 'shared', p, 'latest')).toBe(offsets[p].length)
        }
    } finally {
      await a.db.close()
      await b.db.close()
      cleanup()
    }
  })

  it('a topic created on one connection is visible to appends on the other', async () => {
    const {cleanup, dir} = tempDir()
    const a = store(Db.open(dir))
    const b = store(Db.open(dir))
    try {
      a.createTopic({name: 'x', partitions: 1})
      expect(b.append([{batch: batchOfCount(2), partition: 0, topic: 'x'}])[0].lastOffset).toBe(1)
      expect(a.append([{batch: batchOfCount(1), partition: 0, topic: 'x'}])[0].baseOffset).toBe(2)
    } finally {
      await a.db.close()
      await b.db.close()
      cleanup()
    }
  })
})

describe('broker-level defaults', () => {
  it('message.max.bytes in the broker config is the max.message.bytes default', async () => {
    const config = defaultConfig({'message.max.bytes': '100'})
    const t = memoryStore(config)
    t.createTopic({name: 'm', partitions: 1})
    const batch = batchOf(['x'.repeat(100)])
    const e = errorOf(() => t.db.immediate(() => appendTx(t.db, [{batch, partition: 0, topic: 'm'}], config, NOW)))
    expect(e.code).toBe('MESSAGE_TOO_LARGE')
    await t.db.close()
  })
})

/** A CreateTime batch whose header maxTimestamp understates its records' timestamps (CRC fixed up). */
function batchWithUnderstatedMaxTimestamp(timestamps: number[], headerMax: number): Buffer {
  // Bytes from a foreign client (a copy, not this process's own built batch).
  const batch = Buffer.from(batchOfCount(timestamps.length, 'v', timestamps))
  writeInt64(batch, 35, headerMax)
  batch.writeUInt32BE(crc32c(batch, 21, batch.length), 17)
  expect(() => checkBatch(batch)).not.toThrow()
  return batch
}

// The batch header's maxTimestamp is not trusted: Kafka's LogValidator recomputes it from the
// records (batch.setMaxTimestamp(CREATE_TIME, max)) and checks every record's timestamp against
// message.timestamp.after.max.ms. A client that sent a wrong maxTimestamp (kt broker will accept
// batches from any client) would otherwise make the time index wrong and bypass that check.
describe('appendTx with a header maxTimestamp lower than its records', () => {
  it('listOffsetTx by time still finds the record (Kafka recomputes maxTimestamp)', () => {
    s.append([{batch: batchWithUnderstatedMaxTimestamp([100, 500], 100), partition: 0, topic: 't'}])
    // The first offset whose timestamp is >= 400 is 1 (timestamp 500).
    expect(listOffsetTx(s.db, 't', 0, {timestamp: 400})).toBe(1)
  })

  it('a record too far in the future is rejected even if the header hides it', () => {
    const batch = batchWithUnderstatedMaxTimestamp([NOW, NOW + 10 * 3_600_000], NOW)
    expect(errorOf(() => s.append([{batch, partition: 0, topic: 't'}])).code).toBe('INVALID_TIMESTAMP')
  })
})
