import {afterEach, describe, expect, it} from 'vitest'

import type {CompressionType} from '../../src/engine/compression.js'
import {fetchTx, listOffsetTx} from '../../src/engine/log.js'
import {checkBatch, readBatchHeader, RecordBatchBuilder} from '../../src/engine/record-batch.js'
import {cleanLogsTx} from '../../src/engine/retention.js'
import {describeTopic, requireTopic} from '../../src/engine/topics.js'
import {errorOf, memoryStore, NOW, recordsOf, type TestStore} from './support.js'

const ALL = {maxBytes: Number.MAX_SAFE_INTEGER}
const DAY = 86_400_000

/** [key, value] pairs; a null value is a tombstone, a null key a record without key. */
function keyed(
  pairs: readonly (readonly [string | null, string | null])[],
  timestamp = NOW - 1000,
  codec: CompressionType = 'none',
): Buffer {
  const b = new RecordBatchBuilder(256)
  for (const [k, v] of pairs) {
    const key = k === null ? null : Buffer.from(k)
    const value = v === null ? null : Buffer.from(v)
    b.append(timestamp, key, 0, key?.length ?? 0, value, 0, value?.length ?? 0, null)
  }

  return b.build(codec)
}

function contents(s: TestStore, topic = 't') {
  const start = listOffsetTx(s.db, topic, 0, 'earliest')!
  return recordsOf(fetchTx(s.db, topic, 0, start, ALL).batches).map(
    (r) => `${r.offset}:${r.key?.toString() ?? 'null'}=${r.value?.toString() ?? 'null'}`,
  )
}

function clean(s: TestStore, now: number) {
  return s.db.immediate(() => cleanLogsTx(s.db, s.config, now, true))
}

/** A compacted topic whose segments roll at every append 1 ms apart and clean at any dirt. */
function compactedTopic(extra: [string, string][] = []): TestStore {
  const s = memoryStore()
  s.createTopic({
    configs: [['cleanup.policy', 'compact'], ['segment.ms', '1'], ['min.cleanable.dirty.ratio', '0'], ...extra],
    name: 't',
  })
  return s
}

let s: TestStore
afterEach(async () => {
  await s?.db.close()
})

describe('compaction', () => {
  it('keeps the newest record per key at its original offset (a,b,a,c,b,a → c@3, b@4, a@5)', () => {
    s = compactedTopic()
    s.append(
      [
        {
          batch: keyed([
            ['a', '1'],
            ['b', '2'],
            ['a', '3'],
            ['c', '4'],
            ['b', '5'],
            ['a', '6'],
          ]),
          partition: 0,
          topic: 't',
        },
      ],
      NOW,
    )
    // The batch is in the active segment until a later append rolls it.
    clean(s, NOW)
    expect(contents(s)).toHaveLength(6)
    s.append([{batch: keyed([['d', '7']]), partition: 0, topic: 't'}], NOW + 1)
    expect(clean(s, NOW + 1)).toMatchObject({compacted: 1})
    expect(contents(s)).toEqual(['3:c=4', '4:b=5', '5:a=6', '6:d=7'])
    // The rewritten batch keeps its offsets: base 0, last 5, a valid CRC.
    const stored = fetchTx(s.db, 't', 0, 0, ALL).batches[0]
    expect(stored).toMatchObject({baseOffset: 0, lastOffset: 5})
    expect(checkBatch(stored.data)).toMatchObject({baseOffset: 0, lastOffsetDelta: 5, recordCount: 3})
    // Log start and end do not move; counters follow.
    const p = describeTopic(s.db, requireTopic(s.db, 't'), s.config).partitions[0]
    expect(p).toMatchObject({logEndOffset: 7, logStartOffset: 0, recordCount: 4})
    expect(p.sizeBytes).toBe(fetchTx(s.db, 't', 0, 0, ALL).batches.reduce((n, b) => n + b.data.length, 0))
  })

  it('drops a whole batch whose records were all superseded; a fetch in the gap finds the next batch', () => {
    s = compactedTopic()
    s.append(
      [
        {
          batch: keyed([
            ['a', '1'],
            ['b', '1'],
          ]),
          partition: 0,
          topic: 't',
        },
      ],
      NOW,
    )
    s.append(
      [
        {
          batch: keyed([
            ['a', '2'],
            ['b', '2'],
          ]),
          partition: 0,
          topic: 't',
        },
      ],
      NOW + 1,
    )
    s.append([{batch: keyed([['z', '0']]), partition: 0, topic: 't'}], NOW + 2)
    clean(s, NOW + 2)
    expect(contents(s)).toEqual(['2:a=2', '3:b=2', '4:z=0'])
    expect(recordsOf(fetchTx(s.db, 't', 0, 1, ALL).batches).map((r) => r.offset)).toEqual([2, 3, 4])
  })

  it('a tombstone removes its key at once and itself after delete.retention.ms', () => {
    s = compactedTopic([['delete.retention.ms', String(DAY)]])
    s.append(
      [
        {
          batch: keyed([
            ['a', '1'],
            ['c', '2'],
          ]),
          partition: 0,
          topic: 't',
        },
      ],
      NOW,
    )
    s.append([{batch: keyed([['c', null]], NOW), partition: 0, topic: 't'}], NOW + 1)
    s.append([{batch: keyed([['b', '3']]), partition: 0, topic: 't'}], NOW + 2)
    clean(s, NOW + 2)
    expect(contents(s)).toEqual(['0:a=1', '2:c=null', '3:b=3'])
    // Not yet: the tombstone stays for delete.retention.ms after its timestamp.
    clean(s, NOW + DAY - 1)
    expect(contents(s)).toEqual(['0:a=1', '2:c=null', '3:b=3'])
    clean(s, NOW + DAY)
    expect(contents(s)).toEqual(['0:a=1', '3:b=3'])
  })

  it('the active segment is not cleaned until segment.ms rolls it', () => {
    s = memoryStore()
    s.createTopic({
      configs: [
        ['cleanup.policy', 'compact'],
        ['segment.ms', '60000'],
        ['min.cleanable.dirty.ratio', '0'],
      ],
      name: 't',
    })
    s.append(
      [
        {
          batch: keyed([
            ['a', '1'],
            ['a', '2'],
          ]),
          partition: 0,
          topic: 't',
        },
      ],
      NOW,
    )
    s.append([{batch: keyed([['a', '3']]), partition: 0, topic: 't'}], NOW + 59_999)
    clean(s, NOW + 59_999)
    expect(contents(s)).toHaveLength(3)
    s.append([{batch: keyed([['b', '4']]), partition: 0, topic: 't'}], NOW + 60_000)
    clean(s, NOW + 60_000)
    expect(contents(s)).toEqual(['2:a=3', '3:b=4'])
  })

  it('min.cleanable.dirty.ratio: a partition is cleaned once its dirty share reaches the ratio', () => {
    s = compactedTopic([['min.cleanable.dirty.ratio', '0.9']])
    const big = Array.from({length: 20}, (_, i) => [`k${i}`, 'v'] as const)
    s.append([{batch: keyed(big), partition: 0, topic: 't'}], NOW)
    s.append([{batch: keyed([['k0', 'w']]), partition: 0, topic: 't'}], NOW + 1)
    // Everything before the active segment is dirty (ratio 1): cleaned, nothing superseded yet.
    expect(clean(s, NOW + 1)).toMatchObject({compacted: 1})
    expect(contents(s)).toHaveLength(21)
    s.append([{batch: keyed([['k1', 'w']]), partition: 0, topic: 't'}], NOW + 2)
    // Now the dirty part (the k0=w batch) is far below 90% of the cleanable bytes: k0=v stays.
    expect(clean(s, NOW + 2)).toMatchObject({compacted: 0})
    expect(contents(s)).toHaveLength(22)
  })

  it('compacts compressed batches and keeps their codec', () => {
    s = compactedTopic()
    s.append(
      [
        {
          batch: keyed(
            [
              ['a', '1'],
              ['b', '2'],
              ['a', '3'],
            ],
            NOW - 1000,
            'gzip',
          ),
          partition: 0,
          topic: 't',
        },
      ],
      NOW,
    )
    s.append([{batch: keyed([['c', '4']]), partition: 0, topic: 't'}], NOW + 1)
    clean(s, NOW + 1)
    expect(contents(s)).toEqual(['1:b=2', '2:a=3', '3:c=4'])
    expect(readBatchHeader(fetchTx(s.db, 't', 0, 0, ALL).batches[0].data).attributes & 7).toBe(1)
  })

  it('compact,delete applies both', () => {
    s = compactedTopic([
      ['cleanup.policy', 'compact,delete'],
      ['retention.ms', '60000'],
    ])
    s.append([{batch: keyed([['a', '1']], NOW - DAY), partition: 0, topic: 't'}], NOW)
    s.append(
      [
        {
          batch: keyed([
            ['b', '1'],
            ['b', '2'],
          ]),
          partition: 0,
          topic: 't',
        },
      ],
      NOW + 1,
    )
    s.append([{batch: keyed([['c', '1']]), partition: 0, topic: 't'}], NOW + 2)
    clean(s, NOW + 2)
    expect(contents(s)).toEqual(['2:b=2', '3:c=1'])
    expect(listOffsetTx(s.db, 't', 0, 'earliest')).toBe(1)
  })
})

describe('records without a key', () => {
  it('are refused by a compacted topic with Kafka’s message; nothing of the produce is stored', () => {
    s = compactedTopic()
    const e = errorOf(() =>
      s.append([
        {batch: keyed([['a', '1']]), partition: 0, topic: 't'},
        {
          batch: keyed([
            ['b', '1'],
            [null, 'x'],
          ]),
          partition: 0,
          topic: 't',
        },
      ]),
    )
    expect(e.code).toBe('INVALID_RECORD')
    expect(e.message).toBe('Compacted topic cannot accept message without key in topic partition t-0')
    expect(listOffsetTx(s.db, 't', 0, 'latest')).toBe(0)
  })

  it('are accepted by a topic with cleanup.policy=delete', () => {
    s = memoryStore()
    s.createTopic({name: 't'})
    expect(s.append([{batch: keyed([[null, 'x']]), partition: 0, topic: 't'}])[0].baseOffset).toBe(0)
  })
})

describe('min.compaction.lag.ms', () => {
  it('records younger than the lag are not cleaned; Long.MAX_VALUE cleans nothing', () => {
    s = compactedTopic([['min.compaction.lag.ms', '60000']])
    s.append(
      [
        {
          batch: keyed(
            [
              ['a', '1'],
              ['a', '2'],
            ],
            NOW,
          ),
          partition: 0,
          topic: 't',
        },
      ],
      NOW,
    )
    s.append([{batch: keyed([['b', '3']], NOW + 1), partition: 0, topic: 't'}], NOW + 1)
    clean(s, NOW + 59_999)
    expect(contents(s)).toHaveLength(3)
    clean(s, NOW + 60_000)
    expect(contents(s)).toEqual(['1:a=2', '2:b=3'])
    s.db.immediate(() =>
      s.db
        .stmt('topicConfigUpsert')
        .run(requireTopic(s.db, 't').topic_id, 'min.compaction.lag.ms', '9223372036854775807'),
    )
    s.append([{batch: keyed([['b', '4']], NOW + 2), partition: 0, topic: 't'}], NOW + 2)
    s.append([{batch: keyed([['c', '5']], NOW + 3), partition: 0, topic: 't'}], NOW + 3)
    clean(s, NOW + 10 * DAY)
    expect(contents(s)).toEqual(['1:a=2', '2:b=3', '3:b=4', '4:c=5'])
  })
})
