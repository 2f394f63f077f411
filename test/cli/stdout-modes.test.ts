// Every output mode of console-consumer over one topic of mixed record sizes, 1 B to 10 MB:
// issue 9's crash (--output json dying after a large record) and its neighbours.
import {describe, expect, it} from 'vitest'

import {kt, tempDirsForFile} from '../helpers/kt.js'

const newDir = tempDirsForFile()
const LIMIT = String(16 * 1024 * 1024)

/** Lines of 1 B to 10 MB: the repro (100,000 characters, then 20,000 short lines) and more. */
function mixedLines(): Buffer[] {
  const lines: Buffer[] = [Buffer.from('a'), Buffer.from('x'.repeat(100_000))]
  for (let i = 0; i < 20_000; i++) lines.push(Buffer.from(`line-${i}`))
  lines.push(Buffer.from('y'.repeat(1_000_000)), Buffer.from([0x66, 0xff, 0x00, 0xfe]), Buffer.from('b'))
  lines.push(Buffer.alloc(10 * 1024 * 1024, 'z'), Buffer.from('é'.repeat(300_000)), Buffer.from('c'))
  return lines
}

const join = (lines: Buffer[]) => Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]))

async function topicOf(dir: string, topic: string, input: Buffer, format = 'text'): Promise<void> {
  const create = await kt(dir, ['topics', '--create', '--topic', topic, '--config', `max.message.bytes=${LIMIT}`])
  expect(create.status).toBe(0)
  const r = await kt(
    dir,
    ['console-producer', '--topic', topic, '--input', format, '--producer-property', `max.request.size=${LIMIT}`],
    {input, timeoutMs: 60_000},
  )
  expect({status: r.status, stderr: r.stderr}).toEqual({status: 0, stderr: ''})
}

async function consume(dir: string, topic: string, ...extra: string[]) {
  const r = await kt(dir, ['console-consumer', '--topic', topic, '--from-beginning', '--exit-at-end', ...extra], {
    timeoutMs: 60_000,
  })
  expect({status: r.status, stderr: r.stderr}).toEqual({status: 0, stderr: `Processed a total of ${count} messages\n`})
  return r.stdoutBytes
}

const lines = mixedLines()
const count = lines.length
const input = join(lines)

describe('console-consumer output modes over records of 1 B to 10 MB', () => {
  const dir = newDir()

  it('default output prints every record byte for byte', async () => {
    await topicOf(dir, 'mixed', input)
    expect((await consume(dir, 'mixed')).equals(input)).toBe(true)
  }, 120_000)

  it('--format prints every record (values alone, and with offsets)', async () => {
    expect((await consume(dir, 'mixed', '--format', '%s\\n')).equals(input)).toBe(true)
    const withOffsets = await consume(dir, 'mixed', '--format', '%o:%S\\n')
    expect(withOffsets.toString()).toBe(lines.map((l, i) => `${i}:${l.length}\n`).join(''))
  }, 120_000)

  it('--output json prints every record, and round-trips through --input json byte for byte', async () => {
    const json = await consume(dir, 'mixed', '--output', 'json')
    const records = json
      .toString()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as {offset: number; value: string; value_encoding: string})
    expect(records.map((r) => r.offset)).toEqual(lines.map((_, i) => i))
    records.forEach((r, i) =>
      expect(Buffer.from(r.value, r.value_encoding as BufferEncoding).equals(lines[i])).toBe(true),
    )

    await topicOf(dir, 'copy', json, 'json')
    const again = await consume(dir, 'copy', '--output', 'json')
    expect(again.toString().replaceAll('"topic":"copy"', '"topic":"mixed"') === json.toString()).toBe(true)
    expect((await consume(dir, 'copy')).equals(input)).toBe(true)
  }, 180_000)
})
