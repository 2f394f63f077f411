import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {
  murmur2,
  partitionForKey,
  RoundRobinPartitioner,
  StickyPartitioner,
  toPositive,
} from '../../src/engine/partitioner.js'

const utf8 = (s: string) => Buffer.from(s, 'utf8')

describe('murmur2 (kafka-cli.md §6.3)', () => {
  // Kafka's own UtilsTest.testMurmur2.
  it.each([
    ['21', -973_932_308],
    ['foobar', -790_332_482],
    ['a-little-bit-long-string', -985_981_536],
    ['a-little-bit-longer-string', -1_486_304_829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58_897_971],
    ['abc', 479_470_107],
  ])('official Kafka vector %j → %d', (key, hash) => {
    expect(murmur2(utf8(key))).toBe(hash)
  })

  // key, murmur2, toPositive, partition for n = 1, 2, 3, 6, 12
  const table: [string, number, number, number[]][] = [
    ['a', -1_563_381_124, 584_102_524, [0, 0, 1, 4, 4]],
    ['b', -1_853_091_852, 294_391_796, [0, 0, 2, 2, 8]],
    ['key1', 28_543_940, 28_543_940, [0, 0, 2, 2, 8]],
    ['user-42', 1_459_644_460, 1_459_644_460, [0, 0, 1, 4, 4]],
    ['', 275_646_681, 275_646_681, [0, 1, 0, 3, 9]],
    ['hello world', 1_221_641_059, 1_221_641_059, [0, 1, 1, 1, 7]],
    ['k'.repeat(100), -960_995_920, 1_186_487_728, [0, 0, 1, 4, 4]],
    ['ключ', 2_122_343_024, 2_122_343_024, [0, 0, 2, 2, 8]],
    ['key0', 452_605_474, 452_605_474, [0, 0, 1, 4, 10]],
    ['key2', 1_674_751_211, 1_674_751_211, [0, 1, 2, 5, 11]],
    ['key3', -1_745_673_403, 401_810_245, [0, 1, 1, 1, 1]],
    ['order-1001', 297_523_878, 297_523_878, [0, 0, 0, 0, 6]],
    ['0', 971_027_396, 971_027_396, [0, 0, 2, 2, 8]],
    ['1', -1_993_445_489, 154_038_159, [0, 1, 0, 3, 3]],
    ['123', -267_702_483, 1_879_781_165, [0, 1, 2, 5, 5]],
  ]
  it.each(table)('vector %j', (key, hash, positive, partitions) => {
    const bytes = utf8(key)
    expect(murmur2(bytes)).toBe(hash)
    expect(toPositive(murmur2(bytes))).toBe(positive)
    expect([1, 2, 3, 6, 12].map((n) => partitionForKey(bytes, n))).toEqual(partitions)
  })

  it('"ключ" is hashed as its 8 UTF-8 bytes', () => {
    expect(utf8('ключ').toString('hex')).toBe('d0bad0bbd18ed187')
  })

  it('hand trace of "a" (§6.4): 0xa2d0b27c', () => {
    expect(murmur2(utf8('a')) >>> 0).toBe(0xa2_d0_b2_7c)
  })

  it('hashes a sub-range exactly like a copy of those bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 64}), fc.nat(), fc.nat(), (buf, a, b) => {
        const start = a % (buf.length + 1)
        const end = start + (b % (buf.length - start + 1))
        const copy = Uint8Array.from(buf.subarray(start, end))
        expect(murmur2(buf, start, end)).toBe(murmur2(copy))
        expect(partitionForKey(buf, 7, start, end)).toBe(partitionForKey(copy, 7))
      }),
    )
  })

  it('returns a signed int32 and partitions in range', () => {
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 40}), fc.integer({max: 1000, min: 1}), (buf, n) => {
        const h = murmur2(buf)
        expect(h).toBe(h | 0)
        const p = partitionForKey(buf, n)
        expect(Number.isInteger(p) && p >= 0 && p < n).toBe(true)
      }),
    )
  })
})

describe('toPositive', () => {
  it('clears the sign bit; it is not Math.abs', () => {
    expect(toPositive(-1)).toBe(0x7f_ff_ff_ff)
    expect(toPositive(-2_147_483_648)).toBe(0)
    expect(toPositive(-1_563_381_124)).toBe(584_102_524)
    expect(toPositive(-5)).not.toBe(5)
    expect(toPositive(-5)).toBe(2_147_483_643)
    expect(toPositive(12_345)).toBe(12_345)
    expect(toPositive(0)).toBe(0)
  })

  it('equals x & 0x7fffffff on every int32 (BigInt check)', () => {
    fc.assert(
      fc.property(fc.integer({max: 2_147_483_647, min: -2_147_483_648}), (x) => {
        const expected = Number(BigInt.asUintN(32, BigInt(x)) & 0x7f_ff_ff_ffn)
        expect(toPositive(x)).toBe(expected)
      }),
    )
  })
})

describe('StickyPartitioner', () => {
  /** A scripted random source: returns the given values in order, and records calls. */
  function scripted(values: number[]) {
    const calls = {n: 0}
    return {
      calls,
      random: () => {
        if (calls.n >= values.length) throw new Error('random() called more often than expected')
        return values[calls.n++]
      },
    }
  }

  it('stays on one partition until batch.size bytes went there, then picks again', () => {
    // 6 partitions: 0.5 → 3, then 0.9 → 5, then 0.0 → 0.
    const {calls, random} = scripted([0.5, 0.9, 0.0])
    const p = new StickyPartitioner(100, random)
    expect(p.partition(6, 40)).toBe(3) // 40 bytes on 3
    expect(p.partition(6, 40)).toBe(3) // 80
    expect(p.partition(6, 40)).toBe(3) // 120 ≥ 100: the next record re-picks
    expect(calls.n).toBe(1)
    expect(p.partition(6, 100)).toBe(5) // exactly 100 on 5
    expect(calls.n).toBe(2)
    expect(p.partition(6, 1)).toBe(0)
    expect(calls.n).toBe(3)
  })

  it('does not switch before batch.size is reached', () => {
    const {calls, random} = scripted([0.2])
    const p = new StickyPartitioner(16_384, random)
    for (let i = 0; i < 16_383; i++) expect(p.partition(4, 1)).toBe(0)
    expect(calls.n).toBe(1)
  })

  it('may pick the same partition again', () => {
    const {random} = scripted([0.1, 0.1])
    const p = new StickyPartitioner(10, random)
    expect([p.partition(3, 10), p.partition(3, 10)]).toEqual([0, 0])
  })

  it('re-picks when the partition count shrinks below its current choice', () => {
    const {calls, random} = scripted([0.99, 0.5])
    const p = new StickyPartitioner(1000, random)
    expect(p.partition(10, 1)).toBe(9)
    expect(p.partition(4, 1)).toBe(2)
    expect(calls.n).toBe(2)
  })

  it('switches exactly after the records that reach batch.size (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({max: 500, min: 1}),
        fc.array(fc.integer({max: 200, min: 1}), {maxLength: 60, minLength: 1}),
        fc.integer({max: 16, min: 1}),
        (batchSize, sizes, n) => {
          let draws = 0
          const random = () => (draws++ * 0.37) % 1
          const p = new StickyPartitioner(batchSize, random)
          // Model: a new draw happens before a record whenever the bytes since the last draw ≥ batchSize.
          let expectedDraws = 0
          let bytes = Infinity
          let current = -1
          for (const size of sizes) {
            if (bytes >= batchSize) {
              current = Math.floor(((expectedDraws * 0.37) % 1) * n)
              expectedDraws++
              bytes = 0
            }

            bytes += size
            expect(p.partition(n, size)).toBe(current)
            expect(draws).toBe(expectedDraws)
          }
        },
      ),
    )
  })
})

describe('RoundRobinPartitioner', () => {
  it('cycles 0, 1, 2, 0, 1, 2 …', () => {
    const p = new RoundRobinPartitioner()
    expect(Array.from({length: 7}, () => p.partition(3))).toEqual([0, 1, 2, 0, 1, 2, 0])
  })

  it('ignores record sizes and follows the partition count it is given', () => {
    const p = new RoundRobinPartitioner()
    expect([p.partition(2), p.partition(2), p.partition(5), p.partition(5)]).toEqual([0, 1, 2, 3])
  })

  it('implements the NullKeyPartitioner signature (size argument accepted and ignored)', () => {
    const p: {partition(n: number, size: number): number} = new RoundRobinPartitioner()
    expect([p.partition(4, 99_999), p.partition(4, 1)]).toEqual([0, 1])
  })
})
