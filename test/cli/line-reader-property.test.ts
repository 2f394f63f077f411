// Property tests of the console producer's line reader (Kafka's LineMessageReader rules): the
// records it makes do not depend on how stdin was cut into chunks, lines end at \n, \r\n or a lone
// \r, and keys, headers and values come back byte for byte, including bytes that are not UTF-8.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {DEFAULT_LINE_READER_CONFIG, type LineReaderConfig, LineMessageReader} from '../../src/cli/line-reader.js'
import type {InputRecord} from '../../src/client/input-record.js'

interface Out {
  key: Buffer | null
  value: Buffer | null
  headers: Array<{key: string; value: string | null}> | null
}

/** Feeds input in the given pieces and returns the records (copied: the reader reuses its record). */
function read(config: LineReaderConfig, input: Buffer, cuts: number[]): {records: Out[]; lines: number} {
  const records: Out[] = []
  const reader = new LineMessageReader(config, (r: InputRecord) =>
    records.push({
      headers:
        r.headers?.map((h) => ({key: h.key.toString('latin1'), value: h.value?.toString('latin1') ?? null})) ?? null,
      key: r.key === null ? null : Buffer.from(r.key.subarray(r.keyStart, r.keyEnd)),
      value: r.value === null ? null : Buffer.from(r.value.subarray(r.valueStart, r.valueEnd)),
    }),
  )
  let at = 0
  for (const cut of [...new Set(cuts.map((c) => Math.min(c, input.length)))].sort((a, b) => a - b)) {
    // Each chunk in memory of its own, as stdin delivers it.
    reader.push(Buffer.from(input.subarray(at, cut)))
    at = cut
  }

  reader.push(Buffer.from(input.subarray(at)))
  reader.end()
  return {lines: reader.lineNumber, records}
}

/** The lines of input by the reference rule: \r\n, \r and \n each end a line; a last line without one counts. */
function referenceLines(input: Buffer): Buffer[] {
  const lines: Buffer[] = []
  let start = 0
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== 10 && input[i] !== 13) continue
    lines.push(input.subarray(start, i))
    if (input[i] === 13 && input[i + 1] === 10) i++
    start = i + 1
  }

  if (start < input.length) lines.push(input.subarray(start))
  return lines
}

/** Bytes without line ends (any other byte, UTF-8 or not). */
const lineBytes = (exclude: number[] = []) =>
  fc.uint8Array({maxLength: 12}).map((a) => Buffer.from(a.filter((b) => b !== 10 && b !== 13 && !exclude.includes(b))))
const terminator = fc.constantFrom('\n', '\r\n', '\r')
const cutsOf = (input: Buffer) => fc.array(fc.integer({max: input.length, min: 0}), {maxLength: 8})

describe('LineMessageReader (property)', () => {
  it('plain lines: one record per line by the \\n, \\r\\n, \\r rule, whatever the chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(lineBytes(), terminator), {maxLength: 12}).chain((lines) => {
          const input = Buffer.concat(lines.flatMap(([l, t]) => [l, Buffer.from(t)]))
          return fc.tuple(fc.constant(input), fc.boolean(), cutsOf(input))
        }),
        ([input, dropLast, cuts]) => {
          // Sometimes the input ends without a line end.
          const data = dropLast && input.length > 0 ? input.subarray(0, -1) : input
          const expected = referenceLines(data)
          const {lines, records} = read(DEFAULT_LINE_READER_CONFIG, data, cuts)
          expect(records.map((r) => r.value!.toString('hex'))).toEqual(expected.map((l) => l.toString('hex')))
          expect(records.every((r) => r.key === null && r.headers === null)).toBe(true)
          expect(lines).toBe(expected.length)
        },
      ),
      {numRuns: 300},
    )
  })

  it('parse.key: the key ends at the first separator; the value keeps any later ones', () => {
    const separator = fc.constantFrom('\t', ':', '::', '=>', 'é')
    fc.assert(
      fc.property(
        separator,
        fc.array(fc.tuple(lineBytes(), lineBytes(), terminator), {maxLength: 8}),
        fc.array(fc.nat(), {maxLength: 6}),
        (sep, pairs, rawCuts) => {
          const sepBytes = Buffer.from(sep)
          // A key holds no separator (not even one that would straddle key and separator).
          const records = pairs.map(([k, v]) => {
            let key = k
            while (Buffer.concat([key, sepBytes]).indexOf(sepBytes) < key.length) key = key.subarray(1)
            return {key, value: v}
          })
          const input = Buffer.concat(records.flatMap((r, i) => [r.key, sepBytes, r.value, Buffer.from(pairs[i][2])]))
          const config = {...DEFAULT_LINE_READER_CONFIG, keySeparator: sep, parseKey: true}
          const got = read(
            config,
            input,
            rawCuts.map((c) => c % (input.length + 1)),
          )
          expect(got.records.map((r) => [r.key!.toString('hex'), r.value!.toString('hex')])).toEqual(
            records.map((r) => [r.key.toString('hex'), r.value.toString('hex')]),
          )
        },
      ),
      {numRuns: 300},
    )
  })

  it('parse.headers with parse.key and null.marker: headers, key and value round-trip, and the marker means null', () => {
    // Bytes other than the separators in play (\t , : and the marker's letters) and line ends.
    const text = lineBytes([9, 44, 58, 0x7e])
    const maybeNull = (arb: fc.Arbitrary<Buffer>) => fc.option(arb, {freq: 4, nil: null})
    const header = fc.tuple(
      text.filter((k) => k.length > 0),
      maybeNull(text),
    )
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            headers: fc.array(header, {maxLength: 3, minLength: 1}),
            key: maybeNull(text),
            value: maybeNull(text),
          }),
          {maxLength: 6},
        ),
        fc.array(fc.nat(), {maxLength: 6}),
        (records, rawCuts) => {
          const marker = Buffer.from('~')
          const field = (b: Buffer | null) => b ?? marker
          const input = Buffer.concat(
            records.map((r) =>
              Buffer.concat([
                Buffer.concat(
                  r.headers.flatMap(([k, v], i) => [Buffer.from(i > 0 ? ',' : ''), k, Buffer.from(':'), field(v)]),
                ),
                Buffer.from('\t'),
                field(r.key),
                Buffer.from('\t'),
                field(r.value),
                Buffer.from('\n'),
              ]),
            ),
          )
          const config = {
            ...DEFAULT_LINE_READER_CONFIG,
            nullMarker: '~',
            parseHeaders: true,
            parseKey: true,
          }
          const got = read(
            config,
            input,
            rawCuts.map((c) => c % (input.length + 1)),
          )
          expect(got.records).toEqual(
            records.map((r) => ({
              headers: r.headers.map(([k, v]) => ({key: k.toString('latin1'), value: v?.toString('latin1') ?? null})),
              key: r.key,
              value: r.value,
            })),
          )
        },
      ),
      {numRuns: 300},
    )
  })

  it('a line without its key separator is refused with its line number (ignore.error=false)', () => {
    fc.assert(
      fc.property(fc.array(lineBytes([9]), {maxLength: 5, minLength: 1}), (lines) => {
        // Every line but the last has a key; the last has none.
        const input = Buffer.concat(
          lines.flatMap((l, i) =>
            i < lines.length - 1 ? [Buffer.from('k\t'), l, Buffer.from('\n')] : [l, Buffer.from('\n')],
          ),
        )
        const config = {...DEFAULT_LINE_READER_CONFIG, parseKey: true}
        expect(() => read(config, input, [])).toThrow(`No key separator found on line number ${lines.length}`)
      }),
    )
  })
})
