// Property tests of the console consumer's formatters over real record batches: Kafka's
// DefaultMessageFormatter layout for any combination of print.* and separators, its values-only
// fast path against the general path, and kcat-style templates.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {DefaultFormatter, type RecordSlice, TemplateFormatter} from '../../src/cli/formatter.js'
import type {DataWriter} from '../../src/cli/stdout.js'
import {type Header, readBatchHeader, RecordBatchBuilder, RecordView} from '../../src/engine/index.js'

interface Input {
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: Header[]
}

/** Collects what a formatter writes. */
function sink(): {out: DataWriter; bytes: () => Buffer} {
  const parts: Buffer[] = []
  const out = {
    write: (data: Buffer, start = 0, end = data.length) => parts.push(Buffer.from(data.subarray(start, end))),
    writeString: (s: string) => parts.push(Buffer.from(s)),
  }
  return {bytes: () => Buffer.concat(parts), out: out as unknown as DataWriter}
}

function batchOf(records: readonly Input[]): Buffer {
  const b = new RecordBatchBuilder(256)
  for (const r of records)
    b.append(r.timestamp, r.key, 0, r.key?.length ?? 0, r.value, 0, r.value?.length ?? 0, r.headers)
  return b.build('none')
}

/** Every record of the batch through formatter.write (the general path). */
function writeAll(write: (r: RecordSlice, out: DataWriter) => void, batch: Buffer, from = 0, limit = Infinity): Buffer {
  const {bytes, out} = sink()
  const view = new RecordView().reset(batch, readBatchHeader(batch))
  let n = 0
  while (view.next() && n < limit) {
    if (view.offset < from) continue
    write(view as unknown as RecordSlice, out)
    n++
  }

  return bytes()
}

const bytes = fc.uint8Array({maxLength: 10}).map((a) => Buffer.from(a))
const text = fc.string({maxLength: 3})
const record: fc.Arbitrary<Input> = fc.record({
  headers: fc.array(
    fc.record({key: bytes, value: fc.option(bytes, {nil: null})}).map((h) => h as Header),
    {maxLength: 3},
  ),
  key: fc.option(bytes, {nil: null}),
  timestamp: fc.integer({max: 2_000_000_000_000, min: 0}),
  value: fc.option(bytes, {nil: null}),
})
const records = fc.array(record, {maxLength: 8, minLength: 1})

describe('DefaultFormatter (property)', () => {
  it("prints Kafka's fields in Kafka's order, joined by key.separator, nulls as null.literal", () => {
    const flags = ['print.timestamp', 'print.partition', 'print.offset', 'print.headers', 'print.key', 'print.value']
    fc.assert(
      fc.property(
        records,
        fc.array(fc.boolean(), {maxLength: flags.length, minLength: flags.length}),
        fc.record({headers: text, key: text, line: text, nullLiteral: text}),
        fc.nat({max: 9}),
        (inputs, on, seps, partition) => {
          const props = new Map(flags.map((f, i) => [f, String(on[i])]))
          props.set('key.separator', seps.key)
          props.set('line.separator', seps.line)
          props.set('headers.separator', seps.headers)
          props.set('null.literal', seps.nullLiteral)
          const formatter = new DefaultFormatter(props)
          const got = writeAll((r, out) => formatter.write('t', partition, r, out), batchOf(inputs))

          const show = (b: Buffer | null) => b ?? Buffer.from(seps.nullLiteral)
          const expected = inputs.map((r, offset) => {
            const fields: Buffer[] = []
            if (on[0]) fields.push(Buffer.from(`CreateTime:${r.timestamp}`))
            if (on[1]) fields.push(Buffer.from(`Partition:${partition}`))
            if (on[2]) fields.push(Buffer.from(`Offset:${offset}`))
            if (on[3])
              fields.push(
                r.headers.length === 0
                  ? Buffer.from('NO_HEADERS')
                  : Buffer.concat(
                      r.headers.flatMap((h, i) => [
                        Buffer.from(i > 0 ? seps.headers : ''),
                        h.key,
                        Buffer.from(':'),
                        show(h.value),
                      ]),
                    ),
              )
            if (on[4]) fields.push(show(r.key))
            if (on[5]) fields.push(show(r.value))
            if (fields.length === 0) return Buffer.alloc(0)
            return Buffer.concat([
              ...fields.flatMap((f, i) => (i > 0 ? [Buffer.from(seps.key), f] : [f])),
              Buffer.from(seps.line),
            ])
          })
          expect(got.toString('hex')).toBe(Buffer.concat(expected).toString('hex'))
        },
      ),
      {numRuns: 300},
    )
  })

  it('the values-only fast path writes what the general path writes, and reports count, next and completeness', () => {
    fc.assert(
      fc.property(
        records,
        fc.nat({max: 9}),
        fc.integer({max: 10, min: 1}),
        fc.record({line: text, nullLiteral: text}),
        (inputs, from, limit, seps) => {
          const formatter = new DefaultFormatter(
            new Map([
              ['line.separator', seps.line],
              ['null.literal', seps.nullLiteral],
            ]),
          )
          expect(formatter.writeValues).toBeDefined()
          const batch = batchOf(inputs)
          const fast = sink()
          const cursor = new RecordView().reset(batch, readBatchHeader(batch))
          const done = formatter.writeValues!(cursor, from, limit, fast.out)
          const slow = writeAll((r, out) => formatter.write('t', 0, r, out), batch, from, limit)
          expect(fast.bytes().toString('hex')).toBe(slow.toString('hex'))

          const eligible = Math.max(0, inputs.length - from)
          const count = Math.min(limit, eligible)
          expect(done).toEqual({complete: eligible <= limit, count, next: count === 0 ? -1 : from + count})
        },
      ),
      {numRuns: 300},
    )
  })
})

describe('TemplateFormatter (property)', () => {
  it('writes literal text as given and each token as its field', () => {
    const token = fc.constantFrom('%t', '%p', '%o', '%T', '%k', '%s', '%h', '%K', '%S', '%%', '\\n', '\\t', '\\\\')
    const literal = fc.string({maxLength: 4}).map((s) => s.replace(/[%\\]/g, ''))
    fc.assert(
      fc.property(records, fc.array(fc.oneof(token, literal), {maxLength: 8}), (inputs, parts) => {
        const formatter = new TemplateFormatter(parts.join(''))
        const got = writeAll((r, out) => formatter.write('topic', 3, r, out), batchOf(inputs))
        const expected = inputs.map((r, offset) =>
          Buffer.concat(
            parts.map((p) => {
              const field: {[token: string]: Buffer} = {
                '%%': Buffer.from('%'),
                '%K': Buffer.from(String(r.key?.length ?? -1)),
                '%S': Buffer.from(String(r.value?.length ?? -1)),
                '%T': Buffer.from(String(r.timestamp)),
                '%h': Buffer.concat(
                  r.headers.flatMap((h, i) => [
                    Buffer.from(i > 0 ? ',' : ''),
                    h.key,
                    Buffer.from('='),
                    h.value ?? Buffer.alloc(0),
                  ]),
                ),
                '%k': r.key ?? Buffer.alloc(0),
                '%o': Buffer.from(String(offset)),
                '%p': Buffer.from('3'),
                '%s': r.value ?? Buffer.alloc(0),
                '%t': Buffer.from('topic'),
                '\\\\': Buffer.from('\\'),
                '\\n': Buffer.from('\n'),
                '\\t': Buffer.from('\t'),
              }
              return field[p] ?? Buffer.from(p)
            }),
          ),
        )
        expect(got.toString('hex')).toBe(Buffer.concat(expected).toString('hex'))
      }),
      {numRuns: 300},
    )
  })
})
