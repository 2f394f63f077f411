// DataWriter on its own, over a fake stream that completes writes later and copies each chunk
// only then: output memory reused while the stream still owns it, or a staged batch overwritten
// while it is being read, shows up as wrong bytes.
import {EventEmitter} from 'node:events'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import type {StopController} from '../../src/cli/signals.js'
import {DataWriter} from '../../src/cli/stdout.js'
import {checkBatch, RecordBatchBuilder, RecordView} from '../../src/engine/record-batch.js'

/** A stream that takes chunks and "writes" them (copies them) a few turns of the event loop later. */
class SlowStream extends EventEmitter {
  readonly written: Buffer[] = []
  writableNeedDrain = false
  private pending = 0

  write(chunk: Buffer, cb: (error?: Error | null) => void): boolean {
    this.pending++
    setTimeout(() => {
      this.written.push(Buffer.from(chunk))
      this.pending--
      cb(null)
    }, 1)
    return true
  }

  get output(): Buffer {
    return Buffer.concat(this.written)
  }
}

function writer(stream: SlowStream): DataWriter {
  const stop = {signal: new AbortController().signal, stop() {}} as unknown as StopController
  return new DataWriter(stream as unknown as NodeJS.WriteStream, stop)
}

/** Bytes that tell positions apart: byte i of piece `seed` is (seed * 31 + i) mod 251. */
function piece(seed: number, length: number): Buffer {
  const b = Buffer.allocUnsafe(length)
  for (let i = 0; i < length; i++) b[i] = (seed * 31 + i) % 251
  return b
}

describe('DataWriter', () => {
  it('a string longer than a chunk, then a staged batch: both arrive intact (issue 9 regression)', async () => {
    const stream = new SlowStream()
    const out = writer(stream)
    const big = 'x'.repeat(300_000)
    const batch = piece(1, 20_000)
    out.writeString(big)
    const staged = out.stage(batch)
    out.write(staged, 100, 20_000)
    out.writeString('\n')
    await out.end()
    expect(stream.output.equals(Buffer.concat([Buffer.from(big), batch.subarray(100), Buffer.from('\n')]))).toBe(true)
  })

  it('a staged batch stays readable while strings of any size are written', async () => {
    const stream = new SlowStream()
    const out = writer(stream)
    const batch = piece(2, 50_000)
    const staged = out.stage(batch)
    const expected: Buffer[] = []
    for (const size of [10, 300_000, 5, 2_000_000, 7]) {
      out.writeString('y'.repeat(size))
      expected.push(Buffer.from('y'.repeat(size)))
      out.write(staged, 1000, 2000)
      expected.push(batch.subarray(1000, 2000))
    }

    await out.end()
    expect(stream.output.equals(Buffer.concat(expected))).toBe(true)
  })

  it('any mix of staged batches, plain bytes and strings of 0 B to 3 MB comes out in order', async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('stage' as const),
        size: fc.oneof(fc.integer({max: 70_000, min: 1}), fc.constantFrom(1_200_000, 2_000_000)),
      }),
      fc.record({kind: fc.constant('slice' as const), a: fc.nat(), b: fc.nat()}),
      fc.record({
        kind: fc.constant('string' as const),
        size: fc.oneof(fc.nat(1000), fc.constantFrom(262_144, 300_000, 3_000_000)),
      }),
      fc.record({
        kind: fc.constant('bytes' as const),
        size: fc.oneof(fc.nat(1000), fc.constantFrom(262_145, 1_500_000)),
      }),
      fc.record({kind: fc.constant('flush' as const)}),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(op, {maxLength: 40}), async (ops) => {
        const stream = new SlowStream()
        const out = writer(stream)
        const expected: Buffer[] = []
        let source: Buffer | undefined
        let staged: Buffer | undefined
        let seed = 0
        for (const o of ops) {
          seed++
          switch (o.kind) {
            case 'stage': {
              source = piece(seed, o.size)
              staged = out.stage(source)
              break
            }

            case 'slice': {
              if (!source || !staged) break
              const a = o.a % (source.length + 1)
              const b = a + (o.b % (source.length - a + 1))
              out.write(staged, a, b)
              expected.push(source.subarray(a, b))
              break
            }

            case 'string': {
              const s = String.fromCharCode(97 + (seed % 26)).repeat(o.size)
              out.writeString(s)
              expected.push(Buffer.from(s))
              break
            }

            case 'bytes': {
              const b = piece(seed, o.size)
              out.write(b)
              expected.push(b)
              break
            }

            case 'flush': {
              await out.flush()
              break
            }
          }
        }

        await out.end()
        const want = Buffer.concat(expected)
        const got = stream.output
        expect(got.length).toBe(want.length)
        expect(got.equals(want)).toBe(true)
      }),
      {numRuns: 60},
    )
  })

  it('whenWritten fires only once the bytes before it were written (the chunk holding them)', async () => {
    const stream = new SlowStream()
    const out = writer(stream)
    out.writeString('abc')
    let seen = -1
    out.whenWritten(() => (seen = stream.output.length))
    out.writeString('def')
    await out.end()
    expect(seen).toBeGreaterThanOrEqual(3)
    expect(stream.output.toString()).toBe('abcdef')
  })
})

describe('RecordView.toRecord (the ownership rule on the reading side)', () => {
  it('returns copies that survive the batch memory being reused', () => {
    const b = new RecordBatchBuilder()
    const key = Buffer.from('k1')
    const value = Buffer.from('value one')
    b.append(5, key, 0, 2, value, 0, value.length, [{key: Buffer.from('h'), value: Buffer.from('hv')}])
    const batch = b.build()
    const memory = Buffer.from(batch)
    const view = new RecordView().reset(memory, checkBatch(memory))
    expect(view.next()).toBe(true)
    const record = view.toRecord()
    memory.fill(0x7a)
    expect(record.key?.toString()).toBe('k1')
    expect(record.value?.toString()).toBe('value one')
    expect(record.headers.map((h) => [h.key.toString(), h.value?.toString()])).toEqual([['h', 'hv']])
  })
})
