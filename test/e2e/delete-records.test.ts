// End-to-end tests of `kt delete-records` (kafka-delete-records): Kafka's offset JSON file and
// low_watermark report, kt's direct --topic/--partition/--before-offset form, per-partition
// errors (exit 1 when any failed), and what consumers and producers see afterwards.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, test, vi} from 'vitest'

import {describeJson, kt, type KtResult, tempDirsForFile} from '../helpers/kt.js'

vi.setConfig({testTimeout: 120_000})

const store = tempDirsForFile()

interface Outcome {
  status: number | null
  stdout: string
  stderr: string
}

function expectOutcome(r: KtResult, expected: Outcome): void {
  expect({status: r.status, stderr: r.stderr, stdout: r.stdout}).toEqual(expected)
}

const HEAD = 'Executing records delete operation\nRecords delete operation completed:\n'
const usage = (message: string): Outcome => ({status: 2, stderr: `${message}\n`, stdout: ''})

/** A store with topic t (2 partitions) holding 10 records in partition 0 and 3 in partition 1. */
async function filled(): Promise<string> {
  const dir = store()
  expect((await kt(dir, ['topics', '--create', '--topic', 't', '--partitions', '2'])).status).toBe(0)
  // Explicit partitions through the JSON input: v0..v9 to partition 0, w0..w2 to partition 1.
  const records = [
    ...Array.from({length: 10}, (_, i) => ({partition: 0, value: `v${i}`})),
    ...Array.from({length: 3}, (_, i) => ({partition: 1, value: `w${i}`})),
  ]
  const input = records.map((r) => JSON.stringify(r) + '\n').join('')
  const r = await kt(dir, ['console-producer', '--topic', 't', '--input', 'json'], {input})
  expect(r.status).toBe(0)
  return dir
}

function deleteRecords(dir: string, ...args: string[]): Promise<KtResult> {
  return kt(dir, ['delete-records', ...args])
}

describe.concurrent('kt delete-records', () => {
  test('--before-offset 5: --from-beginning starts at 5 and the next record gets the old log end', async () => {
    const dir = await filled()
    expectOutcome(await deleteRecords(dir, '--topic', 't', '--partition', '0', '--before-offset', '5'), {
      status: 0,
      stderr: '',
      stdout: `${HEAD}partition: t-0\tlow_watermark: 5\n`,
    })
    const read = () =>
      kt(dir, [
        'console-consumer',
        '--topic',
        't',
        '--partition',
        '0',
        '--from-beginning',
        '--timeout-ms',
        '1500',
        '--property',
        'print.offset=true',
      ])
    const r = await read()
    expect(r.stdout).toBe('Offset:5\tv5\nOffset:6\tv6\nOffset:7\tv7\nOffset:8\tv8\nOffset:9\tv9\n')
    expect(
      (
        await kt(dir, ['console-producer', '--topic', 't', '--input', 'json'], {
          input: '{"partition":0,"value":"next"}\n',
        })
      ).status,
    ).toBe(0)
    expect((await read()).stdout.split('\n').at(-2)).toBe('Offset:10\tnext')
    const p = (await describeJson(dir, 't')).partitions[0]
    expect({end: p.logEndOffset, start: p.logStartOffset}).toEqual({end: 11, start: 5})
  })

  test('--offset-json-file: Kafka’s format and report; -1 deletes up to the log end', async () => {
    const dir = await filled()
    const file = join(dir, 'offsets.json')
    writeFileSync(
      file,
      JSON.stringify({
        partitions: [
          {offset: -1, partition: 1, topic: 't'},
          {offset: 3, partition: 0, topic: 't'},
        ],
        version: 1,
      }),
    )
    expectOutcome(await deleteRecords(dir, '--offset-json-file', file), {
      status: 0,
      stderr: '',
      stdout: `${HEAD}partition: t-0\tlow_watermark: 3\npartition: t-1\tlow_watermark: 3\n`,
    })
    const t = await describeJson(dir, 't')
    expect(t.partitions.map((p) => [p.logStartOffset, p.logEndOffset])).toEqual([
      [3, 10],
      [3, 3],
    ])
    // An offset below the log start changes nothing (the log start never moves back).
    writeFileSync(file, '{"partitions": [{"topic": "t", "partition": 0, "offset": 1}]}')
    expectOutcome(await deleteRecords(dir, '--offset-json-file', file), {
      status: 0,
      stderr: '',
      stdout: `${HEAD}partition: t-0\tlow_watermark: 3\n`,
    })
  })

  test('per-partition errors as Kafka’s admin client reports them; the others still apply; exit 1', async () => {
    const dir = await filled()
    const file = join(dir, 'offsets.json')
    writeFileSync(
      file,
      JSON.stringify({
        partitions: [
          {offset: 11, partition: 0, topic: 't'},
          {offset: 2, partition: 1, topic: 't'},
          {offset: 0, partition: 0, topic: 'nope'},
          {offset: 0, partition: 7, topic: 't'},
        ],
      }),
    )
    const out =
      HEAD +
      'partition: nope-0\terror: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.\n' +
      'partition: t-0\terror: org.apache.kafka.common.errors.OffsetOutOfRangeException: The requested offset is not within the range of offsets maintained by the server.\n' +
      'partition: t-1\tlow_watermark: 2\n' +
      'partition: t-7\terror: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.\n'
    expectOutcome(await deleteRecords(dir, '--offset-json-file', file), {status: 1, stderr: '', stdout: out})
    const json = await deleteRecords(dir, '--offset-json-file', file, '--json')
    expect(json.status).toBe(1)
    expect(JSON.parse(json.stdout).partitions[2]).toEqual({lowWatermark: 2, partition: 1, topic: 't'})
    expect(JSON.parse(json.stdout).partitions[1]).toMatchObject({
      error: 'OFFSET_OUT_OF_RANGE',
      partition: 0,
      topic: 't',
    })
  })

  test('bad offset JSON files: Kafka’s messages, nothing deleted', async () => {
    const dir = await filled()
    const file = join(dir, 'offsets.json')
    const cases: Array<[string, string]> = [
      ['{not json', 'The input string is not a valid JSON'],
      ['{"version": 1}', 'Missing partitions field'],
      ['{"version": 2, "partitions": []}', 'Not supported version field value 2'],
      ['{"partitions": [{"topic": "t", "offset": 1}]}', "No such field exists: 'partition'"],
      [
        '{"partitions": [{"topic": "t", "partition": 0, "offset": 1}, {"topic": "t", "partition": 0, "offset": 2}]}',
        'Offset json file contains duplicate topic partitions: t-0',
      ],
    ]
    for (const [text, message] of cases) {
      writeFileSync(file, text)
      expectOutcome(await deleteRecords(dir, '--offset-json-file', file), {
        status: 1,
        stderr: `Error: ${message}\n`,
        stdout: '',
      })
    }

    expect((await describeJson(dir, 't')).partitions[0].logStartOffset).toBe(0)
  })

  test('usage errors (exit 2)', async () => {
    const dir = store()
    expectOutcome(await deleteRecords(dir), usage('Missing required argument "[offset-json-file]"'))
    expectOutcome(
      await deleteRecords(dir, '--topic', 't', '--partition', '0'),
      usage('Missing required argument "[before-offset]"'),
    )
    expectOutcome(
      await deleteRecords(dir, '--offset-json-file', 'f', '--topic', 't'),
      usage('Option "[offset-json-file]" can\'t be used with option "[topic]"'),
    )
    expectOutcome(
      await deleteRecords(dir, '--topic', 't', '--partition', '0', '--before-offset', 'x'),
      usage("Cannot parse argument 'x' of option before-offset."),
    )
  })
})
