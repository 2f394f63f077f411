import fc from 'fast-check'

import {recordSizeUpperBound} from '../../src/client/producer.js'
import {gunzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'

import {
  assignBaseOffset,
  BATCH_HEADER_SIZE,
  batchSize,
  checkBatch,
  corruptBatchError,
  decodeRecords,
  forEachRecord,
  type Header,
  readBatchHeader,
  readInt64,
  RecordBatchBuilder,
  setLogAppendTime,
  writeInt64,
} from '../../src/engine/record-batch.js'

// ---------------------------------------------------------------------------------------------
// Helpers

/** CRC-32C from its definition, independent of src/engine/crc32c.ts. */
function crc32cRef(buf: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of buf) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1
  }

  return (crc ^ 0xffffffff) >>> 0
}

interface InputRecord {
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: Header[]
  /** Bytes before and after key/value in the buffer passed to append (to exercise ranges). */
  pad: number
}

function withPadding(bytes: Buffer | null, pad: number): {buf: Buffer | null; start: number; end: number} {
  if (bytes === null) return {buf: null, end: 0, start: 0}
  const buf = Buffer.alloc(bytes.length + 2 * pad, 0xee)
  bytes.copy(buf, pad)
  return {buf, end: pad + bytes.length, start: pad}
}

function buildBatch(records: readonly InputRecord[], compression: 'gzip' | 'none' = 'none', capacity = 256): Buffer {
  const b = new RecordBatchBuilder(capacity)
  for (const r of records) {
    const k = withPadding(r.key, r.pad)
    const v = withPadding(r.value, r.pad)
    b.append(r.timestamp, k.buf, k.start, k.end, v.buf, v.start, v.end, r.headers)
  }

  return b.build(compression)
}

const hex = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('hex'))

/** Plain, comparable view of a record. */
function plain(r: {key: Uint8Array | null; value: Uint8Array | null; headers: readonly Header[]}) {
  return {
    headers: r.headers.map((h) => ({key: hex(h.key), value: hex(h.value)})),
    key: hex(r.key),
    value: hex(r.value),
  }
}

const bytesOrNull = fc.option(
  fc.uint8Array({maxLength: 40}).map((u) => Buffer.from(u)),
  {freq: 4, nil: null},
)
const headerArb: fc.Arbitrary<Header> = fc.record({
  // A small key alphabet so that duplicate header keys are common.
  key: fc.constantFrom('a', 'b', 'trace-id', '', 'ключ').map((s) => Buffer.from(s, 'utf8')),
  value: fc.option(
    fc.uint8Array({maxLength: 20}).map((u) => Buffer.from(u)),
    {freq: 3, nil: null},
  ),
})
const recordArb: fc.Arbitrary<InputRecord> = fc.record({
  headers: fc.array(headerArb, {maxLength: 4}),
  key: bytesOrNull,
  pad: fc.nat({max: 3}),
  // Any order (decreasing too), including Kafka's NO_TIMESTAMP (-1) and values above 2^32.
  timestamp: fc.oneof(fc.integer({max: 2 ** 45, min: -1}), fc.constant(1_700_000_000_000)),
  value: bytesOrNull,
})
const recordsArb = fc.array(recordArb, {maxLength: 30, minLength: 1})

// ---------------------------------------------------------------------------------------------

describe('RecordBatch v2 byte layout (kafka-protocol.md §B)', () => {
  const T = 1_700_000_000_123 // 0x0000018bcfe5687b

  it('encodes one record (null key, value "a") exactly as the spec says', () => {
    const b = new RecordBatchBuilder()
    b.append(T, null, 0, 0, Buffer.from('a'), 0, 1, null)
    const batch = b.build()
    // Expected bytes written out field by field; CRC computed independently over bytes 21..68.
    const expected = Buffer.from(
      [
        '0000000000000000', // baseOffset 0
        '00000039', // batchLength 57 = 69 - 12
        'ffffffff', // partitionLeaderEpoch -1
        '02', // magic
        '5e65f168', // crc
        '0000', // attributes: no compression, CreateTime
        '00000000', // lastOffsetDelta 0
        '0000018bcfe5687b', // baseTimestamp
        '0000018bcfe5687b', // maxTimestamp
        'ffffffffffffffff', // producerId -1
        'ffff', // producerEpoch -1
        'ffffffff', // baseSequence -1
        '00000001', // recordCount 1
        // record: length 7 (zig-zag 0x0e), attributes 0, timestampDelta 0, offsetDelta 0,
        // keyLength -1 (0x01), valueLength 1 (0x02), 'a', headersCount 0
        '0e',
        '00',
        '00',
        '00',
        '01',
        '02',
        '61',
        '00',
      ].join(''),
      'hex',
    )
    expect(batch.toString('hex')).toBe(expected.toString('hex'))
    expect(crc32cRef(batch.subarray(21))).toBe(0x5e65f168)
  })

  it('encodes a second record with a key, a null value, headers and a negative timestamp delta', () => {
    const b = new RecordBatchBuilder()
    b.append(T, null, 0, 0, Buffer.from('a'), 0, 1, [])
    b.append(T - 1, Buffer.from('k'), 0, 1, null, 0, 0, [
      {key: Buffer.from('h'), value: Buffer.from('v')},
      {key: Buffer.from('h'), value: null},
    ])
    const batch = b.build()
    const record2 = [
      '1c', // length 14
      '00', // attributes
      '01', // timestampDelta -1
      '02', // offsetDelta 1
      '02',
      '6b', // key "k"
      '01', // value null (-1)
      '04', // 2 headers
      '02',
      '68',
      '02',
      '76', // "h" = "v"
      '02',
      '68',
      '01', // "h" = null
    ].join('')
    expect(batch.subarray(BATCH_HEADER_SIZE).toString('hex')).toBe('0e00000001026100' + record2)
    expect(batch.length).toBe(84)
    expect(batch.readInt32BE(8)).toBe(72)
    expect(batch.readUInt32BE(17)).toBe(0x7fc7b998)
    expect(batch.readInt32BE(23)).toBe(1) // lastOffsetDelta
    expect(readInt64(batch, 27)).toBe(T) // baseTimestamp = first record's
    expect(readInt64(batch, 35)).toBe(T) // maxTimestamp
    expect(batch.readInt32BE(57)).toBe(2)
  })

  it('writes an empty (non-null) key and value as length 0', () => {
    const b = new RecordBatchBuilder()
    b.append(0, Buffer.alloc(0), 0, 0, Buffer.from('xyz'), 1, 1, null)
    expect(b.build().subarray(BATCH_HEADER_SIZE).toString('hex')).toBe('0c' + '00' + '00' + '00' + '00' + '00' + '00')
  })

  it('readInt64 / writeInt64 are big-endian int64 for safe integers', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        const buf = Buffer.alloc(8)
        writeInt64(buf, 0, n)
        expect(buf.readBigInt64BE(0)).toBe(BigInt(n))
        expect(readInt64(buf, 0)).toBe(n)
      }),
    )
  })
})

describe('RecordBatchBuilder → checkBatch → decodeRecords', () => {
  it.each(['none', 'gzip'] as const)('round-trips arbitrary records (%s)', (compression) => {
    fc.assert(
      fc.property(recordsArb, fc.integer({max: 512, min: 1}), (records, capacity) => {
        const batch = buildBatch(records, compression, capacity)
        const header = checkBatch(batch)
        const decoded = decodeRecords(batch, header)
        expect(decoded).toHaveLength(records.length)
        decoded.forEach((d, i) => {
          expect(d.offset).toBe(i)
          expect(d.timestamp).toBe(records[i].timestamp)
          expect(d.timestampType).toBe('CreateTime')
          expect(plain(d)).toEqual(plain(records[i]))
        })
      }),
      {numRuns: 150},
    )
  })

  it.each(['none', 'gzip'] as const)('fills in the header fields (%s)', (compression) => {
    fc.assert(
      fc.property(recordsArb, (records) => {
        const batch = buildBatch(records, compression)
        const h = readBatchHeader(batch)
        expect(h.baseOffset).toBe(0)
        expect(h.batchLength).toBe(batch.length - 12)
        expect(batchSize(batch)).toBe(batch.length)
        expect(h.partitionLeaderEpoch).toBe(-1)
        expect(h.magic).toBe(2)
        expect(h.crc).toBe(crc32cRef(batch.subarray(21)))
        expect(h.attributes).toBe(compression === 'gzip' ? 1 : 0)
        expect(h.lastOffsetDelta).toBe(records.length - 1)
        expect(h.recordCount).toBe(records.length)
        expect(h.baseTimestamp).toBe(records[0].timestamp)
        expect(h.maxTimestamp).toBe(Math.max(...records.map((r) => r.timestamp)))
        expect(h.producerId).toBe(-1)
        expect(h.producerEpoch).toBe(-1)
        expect(h.baseSequence).toBe(-1)
      }),
      {numRuns: 100},
    )
  })

  it('gzip compresses exactly the uncompressed records section as one blob', () => {
    fc.assert(
      fc.property(recordsArb, (records) => {
        const plainBatch = buildBatch(records, 'none')
        const gz = buildBatch(records, 'gzip')
        expect(gz.subarray(0, 2).toString('hex')).toBe('0000') // baseOffset's first bytes
        expect(gz[BATCH_HEADER_SIZE]).toBe(0x1f) // gzip magic
        expect(gz[BATCH_HEADER_SIZE + 1]).toBe(0x8b)
        expect(gunzipSync(gz.subarray(BATCH_HEADER_SIZE)).toString('hex')).toBe(
          plainBatch.subarray(BATCH_HEADER_SIZE).toString('hex'),
        )
        // Header fields other than length, CRC and attributes are the same.
        expect(gz.subarray(23, BATCH_HEADER_SIZE).toString('hex')).toBe(
          plainBatch.subarray(23, BATCH_HEADER_SIZE).toString('hex'),
        )
      }),
      {numRuns: 50},
    )
  })

  it('sizeInBytes and recordCount track what append wrote', () => {
    fc.assert(
      fc.property(recordsArb, (records) => {
        const b = new RecordBatchBuilder(64)
        expect(b.sizeInBytes).toBe(BATCH_HEADER_SIZE)
        let previous = b.sizeInBytes
        for (const r of records) {
          b.append(r.timestamp, r.key, 0, r.key?.length ?? 0, r.value, 0, r.value?.length ?? 0, r.headers)
          const added = b.sizeInBytes - previous
          const input = {
            headers: r.headers,
            key: r.key,
            keyEnd: r.key?.length ?? 0,
            keyStart: 0,
            partition: -1,
            timestamp: r.timestamp,
            value: r.value,
            valueEnd: r.value?.length ?? 0,
            valueStart: 0,
          }
          expect(added).toBeLessThanOrEqual(recordSizeUpperBound(input))
          previous = b.sizeInBytes
        }

        expect(b.recordCount).toBe(records.length)
        expect(b.build('none').length).toBe(previous)
      }),
      {numRuns: 100},
    )
  })

  it('refuses to build an empty batch', () => {
    expect(() => new RecordBatchBuilder().build()).toThrow(/empty/)
  })

  it('refuses codecs Node 20 cannot write', () => {
    const b = new RecordBatchBuilder()
    b.append(0, null, 0, 0, Buffer.from('x'), 0, 1, null)
    expect(() => b.build('zstd')).toThrow(expect.objectContaining({code: 'UNSUPPORTED_COMPRESSION_TYPE'}))
  })

  it('forEachRecord visits records in offset order', () => {
    const batch = buildBatch([
      {headers: [], key: Buffer.from('k1'), pad: 0, timestamp: 5, value: Buffer.from('v1')},
      {headers: [], key: Buffer.from('k2'), pad: 0, timestamp: 6, value: Buffer.from('v2')},
    ])
    const out: string[] = []
    forEachRecord(batch, checkBatch(batch), (r) => {
      out.push(`${r.offset}:${r.key}=${r.value}@${r.timestamp}`)
    })
    expect(out).toEqual(['0:k1=v1@5', '1:k2=v2@6'])
  })
})

describe('broker-side rewrites', () => {
  it('assignBaseOffset keeps the CRC valid and shifts every offset', () => {
    fc.assert(
      fc.property(
        recordsArb,
        fc.integer({max: 2 ** 50, min: 0}),
        fc.integer({max: 1000, min: 0}),
        (records, base, epoch) => {
          const batch = buildBatch(records)
          const before = Buffer.from(batch)
          assignBaseOffset(batch, base, epoch)
          // Only bytes 0..7 (baseOffset) and 12..15 (partitionLeaderEpoch) may change.
          expect(batch.subarray(8, 12).equals(before.subarray(8, 12))).toBe(true)
          expect(batch.subarray(16).equals(before.subarray(16))).toBe(true)
          const h = checkBatch(batch)
          expect(h.baseOffset).toBe(base)
          expect(h.partitionLeaderEpoch).toBe(epoch)
          expect(decodeRecords(batch, h).map((r) => r.offset)).toEqual(records.map((_, i) => base + i))
        },
      ),
      {numRuns: 100},
    )
  })

  it('assignBaseOffset sets partitionLeaderEpoch 0 by default', () => {
    const batch = buildBatch([{headers: [], key: null, pad: 0, timestamp: 1, value: null}])
    assignBaseOffset(batch, 42)
    expect(readBatchHeader(batch).partitionLeaderEpoch).toBe(0)
    expect(readBatchHeader(batch).baseOffset).toBe(42)
  })

  it('flipping any byte at or after offset 21 makes checkBatch report a CRC mismatch', () => {
    fc.assert(
      fc.property(
        recordsArb,
        fc.constantFrom('none', 'gzip' as const),
        fc.nat(),
        fc.integer({max: 255, min: 1}),
        (records, compression, where, mask) => {
          const batch = buildBatch(records, compression as 'gzip' | 'none')
          const pos = 21 + (where % (batch.length - 21))
          batch[pos] ^= mask
          expect(() => checkBatch(batch)).toThrow(/CRC-32C mismatch/)
        },
      ),
      {numRuns: 300},
    )
  })

  it('checks every single-byte flip after offset 21 of a small batch', () => {
    const batch = buildBatch([
      {headers: [{key: Buffer.from('h'), value: null}], key: Buffer.from('k'), pad: 0, timestamp: 9, value: null},
    ])
    for (let pos = 21; pos < batch.length; pos++) {
      const copy = Buffer.from(batch)
      copy[pos] ^= 0x01
      expect(() => checkBatch(copy), `byte ${pos}`).toThrow(/CRC-32C mismatch/)
    }
  })

  it('a wrong stored CRC (bytes 17..20) is a CRC mismatch too', () => {
    const batch = buildBatch([{headers: [], key: null, pad: 0, timestamp: 9, value: Buffer.from('x')}])
    batch[19] ^= 0x10
    expect(() => checkBatch(batch)).toThrow(/CRC-32C mismatch/)
  })

  it.each(['none', 'gzip'] as const)(
    'setLogAppendTime gives every record the append time and keeps the CRC valid (%s)',
    (compression) => {
      fc.assert(
        fc.property(recordsArb, fc.integer({max: 2 ** 45, min: 0}), (records, appendTime) => {
          const batch = buildBatch(records, compression)
          setLogAppendTime(batch, appendTime)
          const h = checkBatch(batch)
          expect(h.maxTimestamp).toBe(appendTime)
          expect(h.attributes & 0x08).toBe(0x08)
          expect(h.attributes & 0x07).toBe(compression === 'gzip' ? 1 : 0)
          expect(h.crc).toBe(crc32cRef(batch.subarray(21)))
          const decoded = decodeRecords(batch, h)
          expect(decoded).toHaveLength(records.length)
          for (const [i, d] of decoded.entries()) {
            expect(d.timestamp).toBe(appendTime)
            expect(d.timestampType).toBe('LogAppendTime')
            expect(plain(d)).toEqual(plain(records[i]))
          }
        }),
        {numRuns: 100},
      )
    },
  )
})

describe('checkBatch structural errors', () => {
  const one = () => buildBatch([{headers: [], key: null, pad: 0, timestamp: 1, value: Buffer.from('abc')}])

  it('rejects fewer bytes than the 61-byte header', () => {
    expect(() => checkBatch(one().subarray(0, 60))).toThrow(/shorter than its 61-byte header/)
  })

  it('rejects a batch cut short', () => {
    const batch = one()
    expect(() => checkBatch(batch, 0, batch.length - 1)).toThrow(/batch length/)
  })

  it('rejects a batch length that is below the header size', () => {
    const batch = one()
    batch.writeInt32BE(10, 8)
    expect(() => checkBatch(batch)).toThrow(/batch length 10/)
  })

  it('rejects magic other than 2', () => {
    const batch = one()
    batch[16] = 1
    expect(() => checkBatch(batch)).toThrow(/magic 1/)
  })

  it('rejects an unknown codec even with a correct CRC', () => {
    const batch = one()
    batch.writeInt16BE(5, 21)
    batch.writeUInt32BE(crc32cRef(batch.subarray(21)), 17)
    expect(() => checkBatch(batch)).toThrow(/unknown compression codec 5/)
  })

  it('checks a batch at an offset inside a larger buffer', () => {
    const a = one()
    const b = buildBatch([{headers: [], key: Buffer.from('k'), pad: 0, timestamp: 2, value: null}])
    const both = Buffer.concat([a, b])
    expect(checkBatch(both, 0, a.length).recordCount).toBe(1)
    const h = checkBatch(both, a.length)
    expect(h.batchLength).toBe(b.length - 12)
    expect(batchSize(both, a.length)).toBe(b.length)
  })

  it('forEachRecord skips control batches', () => {
    const batch = one()
    batch.writeInt16BE(0x30, 21) // transactional + control
    batch.writeUInt32BE(crc32cRef(batch.subarray(21)), 17)
    const h = checkBatch(batch)
    expect(decodeRecords(batch, h)).toEqual([])
  })

  it('a record whose length prefix overruns the batch is an error, not garbage', () => {
    const batch = one()
    batch[BATCH_HEADER_SIZE] = 0x7e // length 63 > the bytes left
    batch.writeUInt32BE(crc32cRef(batch.subarray(21)), 17)
    expect(() => decodeRecords(batch)).toThrow(/overruns/)
  })

  it('corruptBatchError names topic, partition and offset', () => {
    const e = corruptBatchError('orders', 3, 120, 'CRC-32C mismatch')
    expect(e.code).toBe('CORRUPT_MESSAGE')
    expect(e.message).toBe("Corrupt record batch in topic 'orders' partition 3 at offset 120: CRC-32C mismatch")
  })
})
