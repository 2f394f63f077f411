import fc from 'fast-check'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'

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

  it.each(['snappy', 'lz4', 'zstd'] as const)('%s is refused with UNSUPPORTED_COMPRESSION_TYPE', (type) => {
    for (const fn of [() => compress(type, Buffer.from('x')), () => decompress(type, Buffer.from('x'))])
      expect(fn).toThrow(
        expect.objectContaining({
          code: 'UNSUPPORTED_COMPRESSION_TYPE',
          message: `Compression type '${type}' is not supported by kt yet (supported: none, gzip)`,
        }),
      )
  })
})
