import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {VarintReader, varintSize, writeVarint} from '../../src/engine/varint.js'

function encode(n: number): Uint8Array {
  const buf = new Uint8Array(16)
  const end = writeVarint(buf, 0, n)
  return buf.slice(0, end)
}

function decode(bytes: Uint8Array): {value: number; pos: number} {
  const r = new VarintReader(bytes, 0, bytes.length)
  const value = r.readVarint()
  return {pos: r.pos, value}
}

/** Zig-zag + base-128 from the definition, with BigInt (protobuf sint64). */
function referenceEncode(n: number): number[] {
  const big = BigInt(n)
  let z = BigInt.asUintN(64, (big << 1n) ^ (big >> 63n))
  const out: number[] = []
  while (z >= 0x80n) {
    out.push(Number(z & 0x7fn) | 0x80)
    z >>= 7n
  }

  out.push(Number(z))
  return out
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER

describe('varint (zig-zag)', () => {
  it('encodes known values as protobuf sint does', () => {
    expect([...encode(0)]).toEqual([0x00])
    expect([...encode(-1)]).toEqual([0x01])
    expect([...encode(1)]).toEqual([0x02])
    expect([...encode(-2)]).toEqual([0x03])
    expect([...encode(63)]).toEqual([0x7e])
    expect([...encode(-64)]).toEqual([0x7f])
    expect([...encode(64)]).toEqual([0x80, 0x01])
    expect([...encode(300)]).toEqual([0xd8, 0x04])
    expect([...encode(2_147_483_647)]).toEqual([0xfe, 0xff, 0xff, 0xff, 0x0f])
    expect([...encode(-2_147_483_648)]).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f])
  })

  it('round-trips every int32', () => {
    fc.assert(
      fc.property(fc.integer({max: 2_147_483_647, min: -2_147_483_648}), (n) => {
        const bytes = encode(n)
        expect([...bytes]).toEqual(referenceEncode(n))
        const r = new VarintReader(bytes, 0, bytes.length)
        expect(r.readVarint()).toBe(n)
        expect(r.pos).toBe(bytes.length)
      }),
      {numRuns: 2000},
    )
  })

  it('round-trips int32 boundaries and the switch between the two encoders (±2^30)', () => {
    for (const n of [
      2 ** 30 - 1,
      2 ** 30,
      -(2 ** 30),
      -(2 ** 30) - 1,
      2 ** 31 - 1,
      -(2 ** 31),
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 32,
      -(2 ** 32),
    ]) {
      expect(decode(encode(n)).value, String(n)).toBe(n)
      expect([...encode(n)], String(n)).toEqual(referenceEncode(n))
    }
  })

  it('round-trips safe integers up to ±2^52 (varlong)', () => {
    fc.assert(
      fc.property(fc.integer({max: 2 ** 52, min: -(2 ** 52)}), (n) => {
        const bytes = encode(n)
        expect([...bytes]).toEqual(referenceEncode(n))
        expect(decode(bytes)).toEqual({pos: bytes.length, value: n})
      }),
      {numRuns: 2000},
    )
  })

  it('round-trips safe integers from −2^52 up to 2^53 − 1 (varlong)', () => {
    fc.assert(
      fc.property(fc.integer({max: MAX_SAFE, min: -(2 ** 52)}), (n) => {
        expect(decode(encode(n)).value).toBe(n)
      }),
      {numRuns: 2000},
    )
  })

  it('round-trips positive safe integers beyond 2^52', () => {
    for (const n of [2 ** 52 + 1, 2 ** 53 - 2, MAX_SAFE]) expect(decode(encode(n)).value).toBe(n)
  })

  // The module promises safe integers (|n| < 2^53), but for n < −2^52 the zig-zag value −2n−1 is
  // an odd number above 2^53, which a double cannot hold: computed naively it rounds to an even
  // number and decodes as a positive value (−2^52−1 → 4503599627370496).
  it('round-trips negative safe integers below −2^52 (zig-zag 2|n|−1 exceeds 2^53)', () => {
    for (const n of [-(2 ** 52) - 1, -(2 ** 53) + 2, -MAX_SAFE]) {
      expect([...encode(n)], String(n)).toEqual(referenceEncode(n))
      expect(decode(encode(n)).value, String(n)).toBe(n)
    }
  })

  it('varintSize equals the number of bytes writeVarint wrote', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.integer({max: 2 ** 52, min: -(2 ** 52)}), fc.maxSafeInteger()), (n) => {
        const buf = new Uint8Array(16)
        expect(writeVarint(buf, 3, n) - 3).toBe(varintSize(n))
      }),
      {numRuns: 2000},
    )
    // Each size boundary: 2^(7k) zig-zag values.
    for (let k = 1; k <= 7; k++) {
      const z = 2 ** (7 * k) // first zig-zag value needing k+1 bytes
      const positive = z / 2 // zig-zag(positive) = 2·positive
      const negative = -(z / 2) - 1 // zig-zag(negative) = −2·negative − 1 = z + 1
      expect(varintSize(positive - 1), `k=${k}`).toBe(k)
      expect(varintSize(positive), `k=${k}`).toBe(k + 1)
      expect(varintSize(-(z / 2)), `k=${k}`).toBe(k)
      expect(varintSize(negative), `k=${k}`).toBe(k + 1)
      expect(encode(positive).length).toBe(k + 1)
      expect(encode(-(z / 2)).length).toBe(k)
    }
  })

  it('writes at the given position and leaves the rest of the buffer alone', () => {
    const buf = new Uint8Array(8).fill(0xaa)
    expect(writeVarint(buf, 2, 300)).toBe(4)
    expect([...buf]).toEqual([0xaa, 0xaa, 0xd8, 0x04, 0xaa, 0xaa, 0xaa, 0xaa])
  })

  it('reads consecutive values from a range', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({max: 2 ** 40, min: -(2 ** 40)}), {maxLength: 20}), (values) => {
        const buf = new Uint8Array(values.length * 10 + 4)
        let pos = 4
        for (const v of values) pos = writeVarint(buf, pos, v)
        const r = new VarintReader(buf, 4, pos)
        for (const v of values) expect(r.readVarint()).toBe(v)
        expect(r.pos).toBe(pos)
        expect(() => r.readVarint()).toThrow(RangeError)
      }),
    )
  })

  it('throws on truncated input, without moving pos', () => {
    fc.assert(
      fc.property(
        fc.integer({max: 2 ** 50, min: -(2 ** 50)}).filter((n) => n > 63 || n < -64),
        (n) => {
          const bytes = encode(n)
          for (let cut = 0; cut < bytes.length; cut++) {
            const r = new VarintReader(bytes, 0, cut)
            expect(() => r.readVarint()).toThrow(/truncated/)
            expect(r.pos).toBe(0)
          }
        },
      ),
    )
  })

  it('stops at the range end even if the buffer has more bytes', () => {
    const bytes = encode(300) // 2 bytes, continuation bit on the first
    const r = new VarintReader(bytes, 0, 1)
    expect(() => r.readVarint()).toThrow(/truncated/)
  })

  it('throws on a varint longer than 10 bytes', () => {
    const bytes = new Uint8Array(11).fill(0x80)
    bytes[10] = 0x01
    expect(() => new VarintReader(bytes, 0, bytes.length).readVarint()).toThrow(RangeError)
  })
})
