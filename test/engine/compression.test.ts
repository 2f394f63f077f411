import fc from 'fast-check'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {compressFrameSync} from 'lz4-napi'
import {compressSync as snappyCompressSync} from 'snappy'

import {
  codecOf,
  compress,
  compressionTypeOf,
  decompress,
  isCompressionType,
  SUPPORTED_COMPRESSION,
} from '../../src/engine/compression.js'

describe('compression codecs (attributes bits 0–2, kafka-protocol.md §B.1)', () => {
  it('maps codec ids as Kafka does', () => {
    expect([0, 1, 2, 3, 4].map((id) => codecOf(id))).toEqual(['none', 'gzip', 'snappy', 'lz4', 'zstd'])
    for (const id of [5, 6, 7]) expect(codecOf(id)).toBeUndefined()
    expect(compressionTypeOf('none')).toBe(0)
    expect(compressionTypeOf('gzip')).toBe(1)
    expect(compressionTypeOf('snappy')).toBe(2)
    expect(compressionTypeOf('lz4')).toBe(3)
    expect(compressionTypeOf('zstd')).toBe(4)
  })

  it('isCompressionType knows the five names only', () => {
    for (const name of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) expect(isCompressionType(name)).toBe(true)
    for (const name of ['producer', 'uncompressed', 'GZIP', '']) expect(isCompressionType(name)).toBe(false)
  })

  it('gzip and none round-trip any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 2000}), fc.constantFrom(...SUPPORTED_COMPRESSION), (data, type) => {
        const out = decompress(type, compress(type, data))
        expect(Buffer.from(out).equals(Buffer.from(data))).toBe(true)
      }),
      {numRuns: 100},
    )
  })

  it('gzip output is standard gzip; standard gzip input is read', () => {
    const data = Buffer.from('hello hello hello hello')
    const out = compress('gzip', data)
    expect([out[0], out[1]]).toEqual([0x1f, 0x8b])
    expect(decompress('gzip', gzipSync(data)).toString()).toBe(data.toString())
  })

  it.each(['snappy', 'lz4', 'zstd'] as const)(
    'kt does not write %s: refused with UNSUPPORTED_COMPRESSION_TYPE',
    (type) => {
      expect(() => compress(type, Buffer.from('x'))).toThrow(
        expect.objectContaining({
          code: 'UNSUPPORTED_COMPRESSION_TYPE',
          message: `Compression type '${type}' is not supported by kt yet (supported: none, gzip)`,
        }),
      )
    },
  )

  it('reads raw snappy (librdkafka) and xerial-framed snappy (Java, kafka-python)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({maxLength: 3000}), {maxLength: 4, minLength: 1}), (blocks) => {
        const whole = Buffer.concat(blocks.map((b) => Buffer.from(b)))
        expect(decompress('snappy', snappyCompressSync(whole)).equals(whole)).toBe(true)
        const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0, 0, 0, 0, 1, 0, 0, 0, 1])
        const framed = Buffer.concat([
          header,
          ...blocks.flatMap((b) => {
            const c = snappyCompressSync(Buffer.from(b))
            const length = Buffer.alloc(4)
            length.writeInt32BE(c.length)
            return [length, c]
          }),
        ])
        expect(decompress('snappy', framed).equals(whole)).toBe(true)
      }),
      {numRuns: 50},
    )
  })

  it('reads the LZ4 frame format and zstd frames', () => {
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 5000}), (data) => {
        const b = Buffer.from(data)
        expect(decompress('lz4', compressFrameSync(b)).equals(b)).toBe(true)
      }),
      {numRuns: 50},
    )
    // "kt zstd\n" compressed by the zstd CLI (level 3)
    const frame = Buffer.from('KLUv/QRYQQAAa3QgenN0ZAotagDQ', 'base64')
    expect(decompress('zstd', frame).toString()).toBe('kt zstd\n')
  })
})
