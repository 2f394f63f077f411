// Property tests of kt's JSON records: what `console-consumer --output json` writes is one line of
// JSON per record, and `console-producer --input json` reads it back to the same bytes (keys,
// values, header keys and values, null versus empty, UTF-8 or not), whatever the chunking.
import {isUtf8} from 'node:buffer'

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {JsonRecordReader, recordToJson} from '../../src/cli/record-json.js'
import type {InputRecord} from '../../src/client/input-record.js'
import type {Header, Record} from '../../src/engine/index.js'

// Valid UTF-8 text (any code point) and arbitrary bytes, which are often not UTF-8.
const bytes = fc.oneof(
  fc.string({maxLength: 12, unit: 'grapheme'}).map((s) => Buffer.from(s)),
  fc.uint8Array({maxLength: 12}).map((a) => Buffer.from(a)),
)
const record: fc.Arbitrary<Record> = fc.record({
  headers: fc.array(
    fc.record({key: bytes, value: fc.option(bytes, {nil: null})}).map((h) => h as Header),
    {
      maxLength: 3,
    },
  ),
  key: fc.option(bytes, {nil: null}),
  offset: fc.nat(),
  timestamp: fc.integer({max: 2 ** 45, min: 0}),
  timestampType: fc.constantFrom('CreateTime' as const, 'LogAppendTime' as const),
  value: fc.option(bytes, {nil: null}),
})

const hex = (b: Buffer | null) => b?.toString('hex') ?? null

describe('kt JSON records (property)', () => {
  it('one line of JSON per record; text fields are utf8 exactly when the bytes are UTF-8', () => {
    fc.assert(
      fc.property(record, fc.string({maxLength: 8}), fc.nat({max: 100}), (r, topic, partition) => {
        const line = recordToJson(topic, partition, r)
        expect(line).not.toMatch(/[\n\r]/)
        const doc = JSON.parse(line)
        expect(doc).toMatchObject({
          offset: r.offset,
          partition,
          timestamp: r.timestamp,
          timestamp_type: r.timestampType,
          topic,
        })
        if (r.value !== null) expect(doc.value_encoding).toBe(isUtf8(r.value) ? 'utf8' : 'base64')
        if (r.key !== null) expect(doc.key_encoding).toBe(isUtf8(r.key) ? 'utf8' : 'base64')
      }),
      {numRuns: 300},
    )
  })

  it('--input json reads --output json back byte for byte, in any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(record, fc.nat({max: 50})), {maxLength: 6}),
        fc.array(fc.nat(), {maxLength: 6}),
        (entries, rawCuts) => {
          const input = Buffer.from(entries.map(([r, p]) => recordToJson('t', p, r) + '\n').join(''))
          const got: Array<{
            key: string | null
            value: string | null
            headers: unknown
            partition: number
            timestamp: number
          }> = []
          const reader = new JsonRecordReader((r: InputRecord) =>
            got.push({
              headers: (r.headers ?? []).map((h) => [hex(h.key), hex(h.value)]),
              key: r.key === null ? null : r.key.subarray(r.keyStart, r.keyEnd).toString('hex'),
              partition: r.partition,
              timestamp: r.timestamp,
              value: r.value === null ? null : r.value.subarray(r.valueStart, r.valueEnd).toString('hex'),
            }),
          )
          let at = 0
          for (const cut of [...new Set(rawCuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b)) {
            reader.push(Buffer.from(input.subarray(at, cut)))
            at = cut
          }

          reader.push(Buffer.from(input.subarray(at)))
          reader.end()
          expect(got).toEqual(
            entries.map(([r, p]) => ({
              headers: r.headers.map((h) => [hex(h.key), hex(h.value)]),
              key: hex(r.key),
              partition: p,
              timestamp: r.timestamp,
              value: hex(r.value),
            })),
          )
          expect(reader.lineNumber).toBe(entries.length)
        },
      ),
      {numRuns: 300},
    )
  })

  it('a base64 value is accepted exactly when it re-encodes to itself, and then it is those bytes', () => {
    // Strings near base64: its alphabet, '=', the url-safe '-' and '_', and a space.
    const near = fc
      .array(
        fc.constantFrom(...'AQgw+/=-_ '.split(''), ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'),
        {
          maxLength: 12,
        },
      )
      .map((a) => a.join(''))
    const text = fc.oneof(
      near,
      fc.uint8Array({maxLength: 9}).map((a) => Buffer.from(a).toString('base64')),
    )
    fc.assert(
      fc.property(text, (value) => {
        const stored: Array<string | null> = []
        const reader = new JsonRecordReader((r: InputRecord) =>
          stored.push(r.value === null ? null : r.value.subarray(r.valueStart, r.valueEnd).toString('base64')),
        )
        const canonical = Buffer.from(value, 'base64').toString('base64') === value
        let error: Error | undefined
        try {
          reader.push(Buffer.from(JSON.stringify({value, value_encoding: 'base64'}) + '\n'))
          reader.end()
        } catch (error_) {
          error = error_ as Error
        }

        if (canonical) expect({error: error?.message, stored}).toEqual({error: undefined, stored: [value]})
        else expect(error?.message).toMatch(/^Invalid JSON record on line number 1: "value" is not valid base64: /)
      }),
      {numRuns: 1000},
    )
  })
})
