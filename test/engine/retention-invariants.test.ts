// DESIGN §2's invariants under any mix of appends, retention, compaction and delete-records:
// the log end offset never decreases, the log start offset never moves backwards and never
// passes the log end, offsets are never reused, the newest record of every key on a compacted
// topic survives, and the partition's counters match the batches stored.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {fetchTx, listOffsetTx} from '../../src/engine/log.js'
import {RecordBatchBuilder} from '../../src/engine/record-batch.js'
import {cleanLogsTx, deleteRecordsTx} from '../../src/engine/retention.js'
import {describeTopic, requireTopic} from '../../src/engine/topics.js'
import {memoryStore, NOW, recordsOf} from './support.js'

const ALL = {maxBytes: Number.MAX_SAFE_INTEGER}

type Op =
  | {kind: 'append'; records: {key: string; value: string | null; age: number}[]}
  | {kind: 'clean'; advance: number}
  | {kind: 'deleteRecords'; fraction: number}

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      records: fc.array(
        fc.record({
          age: fc.integer({max: 120_000, min: 0}),
          key: fc.constantFrom('a', 'b', 'c', 'd'),
          value: fc.option(fc.string({maxLength: 20}), {freq: 5}),
        }),
        {maxLength: 8, minLength: 1},
      ),
    }),
    weight: 4,
  },
  {arbitrary: fc.record({advance: fc.integer({max: 90_000, min: 0}), kind: fc.constant('clean' as const)}), weight: 2},
  {
    arbitrary: fc.record({
      fraction: fc.double({max: 1, min: 0, noNaN: true}),
      kind: fc.constant('deleteRecords' as const),
    }),
    weight: 1,
  },
)

function batch(records: {key: string; value: string | null; age: number}[], now: number): Buffer {
  const b = new RecordBatchBuilder(256)
  for (const r of records) {
    const key = Buffer.from(r.key)
    const value = r.value === null ? null : Buffer.from(r.value)
    b.append(now - r.age, key, 0, key.length, value, 0, value?.length ?? 0, null)
  }

  return b.build('none')
}

describe('retention, compaction and delete-records keep the log invariants', () => {
  it('holds for random operation sequences', () => {
    fc.assert(
      fc.property(
        fc.array(op, {maxLength: 25, minLength: 1}),
        fc.constantFrom('delete', 'compact', 'compact,delete'),
        fc.constantFrom('-1', '300', '2000'),
        (ops, policy, retentionBytes) => {
          const s = memoryStore()
          s.createTopic({
            configs: [
              ['cleanup.policy', policy],
              ['retention.ms', '60000'],
              ['retention.bytes', retentionBytes],
              ['segment.ms', '1'],
              ['min.cleanable.dirty.ratio', '0'],
              ['delete.retention.ms', '30000'],
            ],
            name: 't',
          })
          let now = NOW
          let start = 0
          let end = 0
          /** The newest offset of each key that no deletion of the log start has passed. */
          const newest = new Map<string, number>()
          try {
            for (const o of ops) {
              now += 1
              if (o.kind === 'append') {
                const [r] = s.append([{batch: batch(o.records, now), partition: 0, topic: 't'}], now)
                expect(r.baseOffset).toBe(end)
                o.records.forEach((rec, i) => {
                  if (rec.value !== null) newest.set(rec.key, r.baseOffset + i)
                  else newest.delete(rec.key)
                })
              } else if (o.kind === 'clean') {
                now += o.advance
                s.db.immediate(() => cleanLogsTx(s.db, s.config, now, true))
              } else {
                const target = start + Math.floor(o.fraction * (end - start))
                expect(s.db.immediate(() => deleteRecordsTx(s.db, 't', 0, target))).toBe(Math.max(target, start))
              }

              const p = describeTopic(s.db, requireTopic(s.db, 't'), s.config).partitions[0]
              expect(p.logEndOffset).toBeGreaterThanOrEqual(end)
              expect(p.logStartOffset).toBeGreaterThanOrEqual(start)
              expect(p.logStartOffset).toBeLessThanOrEqual(p.logEndOffset)
              start = p.logStartOffset
              end = p.logEndOffset
              expect(listOffsetTx(s.db, 't', 0, 'earliest')).toBe(start)

              const fetched = fetchTx(s.db, 't', 0, start, ALL).batches
              expect(p.sizeBytes).toBe(fetched.reduce((n, b) => n + b.data.length, 0))
              const offsets = recordsOf(fetched)
                .map((r) => r.offset)
                .filter((x) => x >= start)
              for (let i = 1; i < offsets.length; i++) expect(offsets[i]).toBeGreaterThan(offsets[i - 1])
              if (offsets.length > 0) expect(offsets.at(-1)!).toBeLessThan(end)

              // Compaction never removes the newest live record of a key (retention may).
              if (policy === 'compact') {
                const present = new Set(offsets)
                for (const offset of newest.values()) if (offset >= start) expect(present.has(offset)).toBe(true)
              }
            }
          } finally {
            s.db.connection.close()
          }
        },
      ),
      {numRuns: 60},
    )
  })
})
