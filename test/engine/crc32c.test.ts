import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {crc32c, crc32cPortable} from '../../src/engine/crc32c.js'

const ascii = (s: string) => new TextEncoder().encode(s)

/** Bit-at-a-time CRC-32C straight from the definition (reflected poly 0x82F63B78). */
function crc32cBitwise(buf: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of buf) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1
  }

  return (crc ^ 0xffffffff) >>> 0
}

describe('crc32c', () => {
  it('has the standard check value CRC-32C("123456789") = 0xE3069283', () => {
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283)
    expect(crc32cPortable(ascii('123456789'))).toBe(0xe3069283)
  })

  it('is 0 for no bytes', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0)
    expect(crc32cPortable(new Uint8Array(0))).toBe(0)
  })

  it('matches other published CRC-32C vectors (RFC 3720 B.4)', () => {
    // iSCSI test vectors: 32 bytes of zeros, 32 bytes of 0xff, bytes 0..31 ascending.
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa)
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43)
    expect(crc32c(Uint8Array.from({length: 32}, (_, i) => i))).toBe(0x46dd794e)
    expect(crc32cPortable(Uint8Array.from({length: 32}, (_, i) => 31 - i))).toBe(0x113fdb5c)
  })

  it('returns an unsigned 32-bit number', () => {
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 64}), (buf) => {
        const c = crc32c(buf)
        expect(Number.isInteger(c) && c >= 0 && c <= 0xffffffff).toBe(true)
      }),
    )
  })

  it('portable (slicing-by-8) equals the bitwise definition', () => {
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 100}), (buf) => {
        expect(crc32cPortable(buf)).toBe(crc32cBitwise(buf))
      }),
      {numRuns: 300},
    )
  })

  it('exported crc32c equals crc32cPortable on random buffers', () => {
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 2048}), (buf) => {
        expect(crc32c(buf)).toBe(crc32cPortable(buf))
      }),
      {numRuns: 300},
    )
  })

  it('exported crc32c equals crc32cPortable on random sub-ranges', () => {
    const rangeOf = fc
      .uint8Array({maxLength: 512, minLength: 0})
      .chain((buf) =>
        fc
          .tuple(fc.nat({max: buf.length}), fc.nat({max: buf.length}))
          .map(([a, b]) => ({buf, end: Math.max(a, b), start: Math.min(a, b)})),
      )
    fc.assert(
      fc.property(rangeOf, ({buf, end, start}) => {
        const expected = crc32cBitwise(buf.subarray(start, end))
        expect(crc32cPortable(buf, start, end)).toBe(expected)
        expect(crc32c(buf, start, end)).toBe(expected)
      }),
      {numRuns: 300},
    )
  })

  it('respects the start of a subarray view (byteOffset ≠ 0)', () => {
    const backing = ascii('xx123456789yy')
    const view = backing.subarray(2, 11)
    expect(crc32c(view)).toBe(0xe3069283)
    expect(crc32cPortable(view)).toBe(0xe3069283)
    expect(crc32c(backing, 2, 11)).toBe(0xe3069283)
  })
})
