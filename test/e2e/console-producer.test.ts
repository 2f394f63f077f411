// End-to-end tests of `kt console-producer` (kafka-console-producer): every case spawns the built
// bin/run.js with its own temporary data dir, feeds stdin, and checks stdout, stderr and the exit
// status exactly; what was produced is read back with `kt console-consumer --output json` (or the
// text formatter with print.partition/print.offset) and `kt topics --describe --json`.
// Reference: shared/reference/kafka-cli.md §1, §3 (LineMessageReader rules, including Kafka's own
// LineMessageReaderTest vectors), §6 (murmur2 partitioning, the §6.3 table) and §8.1; DESIGN.md
// §2–3 and §6–7. kt's conventions: runtime errors are one line `Error: <message>` on stderr, exit 1;
// usage errors one line, exit 2; notices start with `WARN `; SIGINT/SIGTERM keep what was read and
// exit 130; EOF exits 0 printing nothing.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {describe, expect, test} from 'vitest'

import {collect, describeJson, kt, type KtResult, spawnKt, tempDirsForFile, waitFor} from '../helpers/kt.js'

// ---------------------------------------------------------------------------------------------
// Helpers

/** A fresh temporary data dir, removed after the file's tests. */
const store = tempDirsForFile()

interface Outcome {
  status: number | null
  stdout: string
  stderr: string
}

const ok = (stderr = ''): Outcome => ({status: 0, stderr, stdout: ''})
/** A runtime error: one `Error: ` line on stderr (after any notices), exit 1. */
const failed = (message: string, before = ''): Outcome => ({
  status: 1,
  stderr: `${before}Error: ${message}\n`,
  stdout: '',
})
/** A usage error: exactly one line on stderr, exit 2. */
const usage = (message: string): Outcome => ({status: 2, stderr: `${message}\n`, stdout: ''})

/** The notice of an auto-created topic. */
const autoCreated = (topic: string, partitions = 1): string =>
  `WARN Topic '${topic}' did not exist: created it with ${partitions} partition(s) (auto.create.topics.enable=true)\n`

function expectOutcome(r: KtResult, expected: Outcome): void {
  expect(r.signal).toBeNull()
  expect({status: r.status, stderr: r.stderr, stdout: r.stdout}).toEqual(expected)
}

/** A failure whose one `Error: ` line must match `pattern` (after the notices in `before`). */
function expectFailure(r: KtResult, pattern: RegExp, before = ''): void {
  expect(r.signal).toBeNull()
  expect({status: r.status, stdout: r.stdout}).toEqual({status: 1, stdout: ''})
  expect(r.stderr.startsWith(before), r.stderr).toBe(true)
  const rest = r.stderr.slice(before.length)
  expect(rest).toMatch(/^Error: [^\n]+\n$/)
  expect(rest).toMatch(pattern)
}

/** `kt console-producer --topic <topic> <args>` with `input` on stdin. */
function produce(dir: string, topic: string, input: string | Buffer, ...args: string[]): Promise<KtResult> {
  return kt(dir, ['console-producer', '--topic', topic, ...args], {input})
}

/** A producer whose stdin is written in steps: strings/buffers are written, numbers are pauses (ms). */
async function produceInSteps(dir: string, args: string[], steps: Array<string | Buffer | number>): Promise<KtResult> {
  const child = spawnKt(dir, ['console-producer', ...args])
  const done = collect(child)
  child.stdin!.on('error', () => {})
  for (const step of steps) {
    if (typeof step === 'number') await sleep(step)
    else child.stdin!.write(step)
  }

  child.stdin!.end()
  return done
}

async function createTopic(dir: string, topic: string, partitions: number, ...configs: string[]): Promise<void> {
  const args = ['topics', '--create', '--topic', topic, '--partitions', String(partitions)]
  for (const c of configs) args.push('--config', c)
  expectOutcome(await kt(dir, args), {status: 0, stderr: '', stdout: `Created topic ${topic}.\n`})
}

async function listTopics(dir: string): Promise<string[]> {
  const r = await kt(dir, ['topics', '--list'])
  expect({status: r.status, stderr: r.stderr}).toEqual({status: 0, stderr: ''})
  // (An empty store's list may be an empty line.)
  return r.stdout.split('\n').filter((name) => name !== '')
}

interface JsonHeader {
  key: string
  key_encoding?: string
  value: string | null
  value_encoding?: string
}

interface JsonRecord {
  topic: string
  partition: number
  offset: number
  timestamp: number
  timestamp_type: string
  key: string | null
  key_encoding?: string
  value: string | null
  value_encoding?: string
  headers: JsonHeader[]
}

/** Everything in a topic, via `console-consumer --output json`, sorted by (partition, offset). */
async function readJson(dir: string, topic: string, notices = ''): Promise<{records: JsonRecord[]; stdout: string}> {
  const r = await kt(dir, [
    'console-consumer',
    '--topic',
    topic,
    '--from-beginning',
    '--exit-at-end',
    '--output',
    'json',
  ])
  expect(r.status, r.stderr).toBe(0)
  const lines = r.stdout === '' ? [] : r.stdout.replace(/\n$/, '').split('\n')
  expect(r.stderr).toBe(`${notices}Processed a total of ${lines.length} messages\n`)
  const records = lines.map((l) => JSON.parse(l) as JsonRecord)
  records.sort((a, b) => a.partition - b.partition || a.offset - b.offset)
  return {records, stdout: r.stdout}
}

/** A record as the line reader decides it: key, value, headers (utf8 text, null for null). */
interface Rec {
  key: string | null
  value: string | null
  headers: Array<[string, string | null]>
}

const rec = (key: string | null, value: string | null, ...headers: Array<[string, string | null]>): Rec => ({
  headers,
  key,
  value,
})

function toRec(r: JsonRecord): Rec {
  for (const enc of [r.key_encoding, r.value_encoding, ...r.headers.map((h) => h.value_encoding)])
    if (enc !== undefined) expect(enc).toBe('utf8')
  return {headers: r.headers.map((h) => [h.key, h.value]), key: r.key, value: r.value}
}

async function readRecs(dir: string, topic: string): Promise<Rec[]> {
  return (await readJson(dir, topic)).records.map((r) => toRec(r))
}

async function readValues(dir: string, topic: string, notices = ''): Promise<Array<string | null>> {
  return (await readJson(dir, topic, notices)).records.map((r) => r.value)
}

const ROUND_ROBIN = 'partitioner.class=org.apache.kafka.clients.producer.RoundRobinPartitioner'

/** reference §6.3: key → partition for 3, 6 and 12 partitions. */
const VECTORS: Array<{key: string; p3: number; p6: number; p12: number}> = [
  {key: 'a', p12: 4, p3: 1, p6: 4},
  {key: 'b', p12: 8, p3: 2, p6: 2},
  {key: 'key1', p12: 8, p3: 2, p6: 2},
  {key: 'user-42', p12: 4, p3: 1, p6: 4},
  {key: '', p12: 9, p3: 0, p6: 3},
  {key: 'hello world', p12: 7, p3: 1, p6: 1},
  {key: 'k'.repeat(100), p12: 4, p3: 1, p6: 4},
  {key: 'ключ', p12: 8, p3: 2, p6: 2},
  {key: 'key0', p12: 10, p3: 1, p6: 4},
  {key: 'key2', p12: 11, p3: 2, p6: 5},
  {key: 'key3', p12: 1, p3: 1, p6: 1},
  {key: 'order-1001', p12: 6, p3: 0, p6: 0},
  {key: '0', p12: 8, p3: 2, p6: 2},
  {key: '1', p12: 3, p3: 0, p6: 3},
  {key: '123', p12: 5, p3: 2, p6: 5},
]

// ---------------------------------------------------------------------------------------------

describe.concurrent('kt console-producer: command line', {timeout: 120_000}, () => {
  test('EOF on an existing topic exits 0 and prints nothing; each line is one record', async () => {
    const dir = store()
    await createTopic(dir, 'quiet', 1)
    expectOutcome(await produce(dir, 'quiet', ''), ok())
    expect(await readValues(dir, 'quiet')).toEqual([])
    expectOutcome(await produce(dir, 'quiet', 'one\ntwo\n'), ok())
    expect(await readValues(dir, 'quiet')).toEqual(['one', 'two'])
  })

  test('a missing topic is auto-created with one partition and a WARN notice; records are CreateTime', async () => {
    const dir = store()
    const before = Date.now()
    expectOutcome(await produce(dir, 'fresh', 'hello\n'), ok(autoCreated('fresh')))
    const after = Date.now()
    const {records} = await readJson(dir, 'fresh')
    expect(records).toHaveLength(1)
    const [r] = records
    expect(r.timestamp).toBeGreaterThanOrEqual(before)
    expect(r.timestamp).toBeLessThanOrEqual(after)
    expect(r).toEqual({
      headers: [],
      key: null,
      offset: 0,
      partition: 0,
      timestamp: r.timestamp,
      timestamp_type: 'CreateTime',
      topic: 'fresh',
      value: 'hello',
      value_encoding: 'utf8',
    })
    expect((await describeJson(dir, 'fresh')).partitionCount).toBe(1)
  })

  test('usage errors exit 2 with one line: missing --topic, unknown option', async () => {
    const dir = store()
    expectOutcome(await kt(dir, ['console-producer'], {input: 'x\n'}), usage('Missing required argument "[topic]"'))
    expectOutcome(
      await kt(dir, ['console-producer', '--topic', 't', '--foo'], {input: 'x\n'}),
      usage('foo is not a recognized option'),
    )
    const reader = await kt(dir, ['console-producer', '--topic', 't', '--line-reader', 'com.example.MyReader'], {
      input: 'x\n',
    })
    expect({status: reader.status, stdout: reader.stdout}).toEqual({status: 2, stdout: ''})
    expect(reader.stderr).toMatch(/^[^\n]*com\.example\.MyReader[^\n]*\n$/)
    // None of them touched the store.
    expect(await listTopics(dir)).toEqual([])
  })

  test('single-dash long options (-topic, -property) work as in Kafka', async () => {
    const dir = store()
    expectOutcome(
      await kt(dir, ['console-producer', '-topic', 'dash', '-property', 'parse.key=true'], {input: 'k\tv\n'}),
      ok(autoCreated('dash')),
    )
    expect(await readRecs(dir, 'dash')).toEqual([rec('k', 'v')])
  })
})

describe.concurrent('kt console-producer: line parsing (reference §3.3)', {timeout: 120_000}, () => {
  test('\\n, \\r\\n and a lone \\r end lines; an empty line is an empty value; the last line needs no newline', async () => {
    const dir = store()
    expectOutcome(await produce(dir, 'ends', 'a\nb\r\nc\rd\n\n\r\ne'), ok(autoCreated('ends')))
    const {records} = await readJson(dir, 'ends')
    expect(records.map((r) => [r.offset, r.key, r.value, r.value_encoding])).toEqual([
      [0, null, 'a', 'utf8'],
      [1, null, 'b', 'utf8'],
      [2, null, 'c', 'utf8'],
      [3, null, 'd', 'utf8'],
      [4, null, '', 'utf8'],
      [5, null, '', 'utf8'],
      [6, null, 'e', 'utf8'],
    ])
  })

  test('a line split across reads is one record, and \\r then \\n in the next read is one line end', async () => {
    const dir = store()
    const r = await produceInSteps(dir, ['--topic', 'split'], ['first\n', 1000, 'hel', 300, 'lo\r', 300, '\nworld'])
    expectOutcome(r, ok(autoCreated('split')))
    expect(await readValues(dir, 'split')).toEqual(['first', 'hello', 'world'])
  })

  test('parse.key with the default TAB: the first separator splits; a leading TAB gives an empty key', async () => {
    const dir = store()
    expectOutcome(
      await produce(dir, 'tab', 'k1\tv1\nk\tv\tw\n\tempty key\nk2\t\n', '--property', 'parse.key=true'),
      ok(autoCreated('tab')),
    )
    expect(await readRecs(dir, 'tab')).toEqual([rec('k1', 'v1'), rec('k', 'v\tw'), rec('', 'empty key'), rec('k2', '')])
  })

  test('key.separator: one character (a:b:c → a, b:c) and several characters', async () => {
    const dir = store()
    expectOutcome(
      await produce(dir, 'one', 'a:b:c\n:v\n', '--property', 'parse.key=true', '--property', 'key.separator=:'),
      ok(autoCreated('one')),
    )
    expect(await readRecs(dir, 'one')).toEqual([rec('a', 'b:c'), rec('', 'v')])
    expectOutcome(
      await produce(
        dir,
        'multi',
        'a::b::c\nx::\ny:z::w\n',
        '--property',
        'parse.key=true',
        '--property',
        'key.separator=::',
      ),
      ok(autoCreated('multi')),
    )
    expect(await readRecs(dir, 'multi')).toEqual([rec('a', 'b::c'), rec('x', ''), rec('y:z', 'w')])
  })

  test('--property splits at the first = only: key.separator== makes = the separator', async () => {
    const dir = store()
    expectOutcome(
      await produce(dir, 'eq', 'k=v=w\n', '--property', 'parse.key=true', '--property', 'key.separator=='),
      ok(autoCreated('eq')),
    )
    expect(await readRecs(dir, 'eq')).toEqual([rec('k', 'v=w')])
  })

  test('parse.headers with the defaults: h1:v1,h2:v2<TAB>key<TAB>value; duplicates kept in order; h: is an empty value', async () => {
    const dir = store()
    const input = 'h1:v1,h2:v2\tkey\tvalue\nh:,h:x,h:y\tk\tv\nh1:v1,\tk\tv\nh:a:b\tk\tv\tw\n'
    expectOutcome(
      await produce(dir, 'hdr', input, '--property', 'parse.key=true', '--property', 'parse.headers=true'),
      ok(autoCreated('hdr')),
    )
    expect(await readRecs(dir, 'hdr')).toEqual([
      rec('key', 'value', ['h1', 'v1'], ['h2', 'v2']),
      rec('k', 'v', ['h', ''], ['h', 'x'], ['h', 'y']),
      // Trailing empty pieces of the split are dropped (Java's String.split).
      rec('k', 'v', ['h1', 'v1']),
      // A pair splits at its first headers.key.separator.
      rec('k', 'v\tw', ['h', 'a:b']),
    ])
  })

  test('parse.headers without parse.key: the rest of the line is the value, key null', async () => {
    const dir = store()
    expectOutcome(await produce(dir, 'hv', 'a:1\tx\ty\n', '--property', 'parse.headers=true'), ok(autoCreated('hv')))
    expect(await readRecs(dir, 'hv')).toEqual([rec(null, 'x\ty', ['a', '1'])])
  })

  test('headers.separator is a regular expression; custom delimiter and key separator', async () => {
    const dir = store()
    expectOutcome(
      await produce(
        dir,
        're',
        'a=1;b=2 , c=3|k|v\n',
        '--property',
        'parse.key=true',
        '--property',
        'parse.headers=true',
        '--property',
        'headers.separator=\\s*[,;]\\s*',
        '--property',
        'headers.key.separator==',
        '--property',
        'headers.delimiter=|',
        '--property',
        'key.separator=|',
      ),
      ok(autoCreated('re')),
    )
    expect(await readRecs(dir, 're')).toEqual([rec('k', 'v', ['a', '1'], ['b', '2'], ['c', '3'])])
  })

  test('null.marker (Kafka testNullMarker): key and value equal to the marker become null, nothing else', async () => {
    const dir = store()
    const input = 'key\t\nkey\t<NULL>\nkey\t<NULL>value\n<NULL>\tvalue\n<NULL>\t<NULL>'
    expectOutcome(
      await produce(dir, 'nm', input, '--property', 'parse.key=true', '--property', 'null.marker=<NULL>'),
      ok(autoCreated('nm')),
    )
    expect(await readRecs(dir, 'nm')).toEqual([
      rec('key', ''),
      rec('key', null),
      rec('key', '<NULL>value'),
      rec(null, 'value'),
      rec(null, null),
    ])
    // Without the marker the same text is kept as it is.
    expectOutcome(await produce(dir, 'plain', input, '--property', 'parse.key=true'), ok(autoCreated('plain')))
    expect(await readRecs(dir, 'plain')).toEqual([
      rec('key', ''),
      rec('key', '<NULL>'),
      rec('key', '<NULL>value'),
      rec('<NULL>', 'value'),
      rec('<NULL>', '<NULL>'),
    ])
  })

  test('null.marker with headers (Kafka testNullMarkerWithHeaders): header values and the whole header block', async () => {
    const dir = store()
    const input =
      'h0:v0,h1:v1\t<NULL>\tvalue\n' +
      '<NULL>\tkey\t<NULL>\n' +
      'h0:,h1:v1\t<NULL>\t<NULL>\n' +
      'h0:<NULL>,h1:v1\tkey\t<NULL>\n' +
      'h0:<NULL>,h1:<NULL>value\tkey\t<NULL>\n'
    const props = ['--property', 'parse.key=true', '--property', 'parse.headers=true']
    expectOutcome(
      await produce(dir, 'nmh', input, ...props, '--property', 'null.marker=<NULL>'),
      ok(autoCreated('nmh')),
    )
    expect(await readRecs(dir, 'nmh')).toEqual([
      rec(null, 'value', ['h0', 'v0'], ['h1', 'v1']),
      rec('key', null),
      rec(null, null, ['h0', ''], ['h1', 'v1']),
      rec('key', null, ['h0', null], ['h1', 'v1']),
      rec('key', null, ['h0', null], ['h1', '<NULL>value']),
    ])
    // Without the marker, line 2's header block `<NULL>` is a pair without a separator.
    expectOutcome(
      await produce(dir, 'nmh2', input, ...props),
      failed("No header key separator found in pair '<NULL>' on line number 2", autoCreated('nmh2')),
    )
    expect(await readRecs(dir, 'nmh2')).toEqual([rec('<NULL>', 'value', ['h0', 'v0'], ['h1', 'v1'])])
  })

  test('a header key equal to null.marker is an error (Kafka testNullMarkerHeaderKeyThrows)', async () => {
    const dir = store()
    const r = await produce(
      dir,
      'hk',
      'ok:1\tk\tfirst\n<NULL>:v0,h1:v1\tkey\tvalue\nok:2\tk\tlast\n',
      '--property',
      'parse.key=true',
      '--property',
      'parse.headers=true',
      '--property',
      'null.marker=<NULL>',
    )
    // Kafka's message; kt may name the line (it is line 2).
    expectFailure(
      r,
      /^Error: (Line number 2: )?Header keys should not be equal to the null marker '<NULL>' as they can't be null\n$/,
      autoCreated('hk'),
    )
    expect(await readValues(dir, 'hk')).toEqual(['first'])
  })

  test('null.marker= (empty) turns an empty line into a null value', async () => {
    const dir = store()
    expectOutcome(await produce(dir, 'en', 'a\n\nb\n', '--property', 'null.marker='), ok(autoCreated('en')))
    const {records} = await readJson(dir, 'en')
    expect(records.map((r) => [r.value, r.value_encoding])).toEqual([
      ['a', 'utf8'],
      [null, undefined],
      ['b', 'utf8'],
    ])
  })

  test('No key separator: exit 1 naming the line; earlier lines are stored, nothing after', async () => {
    const dir = store()
    expectOutcome(
      await produce(dir, 'nokey', 'a\t1\nb\t2\nc\nd\t4\n', '--property', 'parse.key=true'),
      failed("No key separator found on line number 3: 'c'", autoCreated('nokey')),
    )
    expect(await readRecs(dir, 'nokey')).toEqual([rec('a', '1'), rec('b', '2')])
    // Line numbers count every line, empty ones included.
    expectOutcome(
      await produce(dir, 'nokey2', 'a\t1\n\nb\t2\n', '--property', 'parse.key=true'),
      failed("No key separator found on line number 2: ''", autoCreated('nokey2')),
    )
    expect(await readRecs(dir, 'nokey2')).toEqual([rec('a', '1')])
  })

  test('No key separator quotes the full line, headers included', async () => {
    const dir = store()
    expectOutcome(
      await produce(
        dir,
        'full',
        'h:1\tk\tv\nh:3\tkeyonly\n',
        '--property',
        'parse.key=true',
        '--property',
        'parse.headers=true',
      ),
      failed("No key separator found on line number 2: 'h:3\tkeyonly'", autoCreated('full')),
    )
    expect(await readRecs(dir, 'full')).toEqual([rec('k', 'v', ['h', '1'])])
  })

  test('No headers delimiter: exit 1 naming the line; earlier lines stored, nothing after', async () => {
    const dir = store()
    expectOutcome(
      await produce(dir, 'nohdr', 'h:1\tv1\nh:2\tv2\nnodelim\nh:4\tv4\n', '--property', 'parse.headers=true'),
      failed("No headers delimiter found on line number 3: 'nodelim'", autoCreated('nohdr')),
    )
    expect(await readRecs(dir, 'nohdr')).toEqual([rec(null, 'v1', ['h', '1']), rec(null, 'v2', ['h', '2'])])
  })

  test('No header key separator in a pair: exit 1 naming the pair and the line', async () => {
    const dir = store()
    expectOutcome(
      await produce(dir, 'nopair', 'h:1\tv1\nh:2,bad\tv2\nh:3\tv3\n', '--property', 'parse.headers=true'),
      failed("No header key separator found in pair 'bad' on line number 2", autoCreated('nopair')),
    )
    expect(await readRecs(dir, 'nopair')).toEqual([rec(null, 'v1', ['h', '1'])])
  })

  test('ignore.error=true (Kafka testIgnoreErrorInInput / testMalformedHeaderIgnoreError)', async () => {
    const dir = store()
    const input =
      'headerKey0.0:headerValue0.0\tkey0\tvalue0\n' +
      'headerKey1.0:headerValue1.0,headerKey1.1:headerValue1.1[MISSING-HEADER-DELIMITER]key1\tvalue1\n' +
      'headerKey2.0:headerValue2.0\tkey2[MISSING-KEY-DELIMITER]value2\n' +
      'headerKey3.0:headerValue3.0[MISSING-HEADER-DELIMITER]key3[MISSING-KEY-DELIMITER]value3\n' +
      'key-val\tkey0\tvalue0\n'
    expectOutcome(
      await produce(
        dir,
        'ign',
        input,
        '--property',
        'parse.key=true',
        '--property',
        'parse.headers=true',
        '--property',
        'ignore.error=true',
      ),
      ok(autoCreated('ign')),
    )
    expect(await readRecs(dir, 'ign')).toEqual([
      rec('key0', 'value0', ['headerKey0.0', 'headerValue0.0']),
      rec(
        null,
        'value1',
        ['headerKey1.0', 'headerValue1.0'],
        ['headerKey1.1', 'headerValue1.1[MISSING-HEADER-DELIMITER]key1'],
      ),
      rec(null, 'key2[MISSING-KEY-DELIMITER]value2', ['headerKey2.0', 'headerValue2.0']),
      rec(null, 'headerKey3.0:headerValue3.0[MISSING-HEADER-DELIMITER]key3[MISSING-KEY-DELIMITER]value3'),
      rec('key0', 'value0', ['key-val', null]),
    ])
  })

  test.each([
    [['parse.headers=true', 'headers.separator=\t'], 'headers.delimiter and headers.separator may not be equal'],
    [
      ['parse.headers=true', 'headers.key.separator=\t'],
      'headers.delimiter and headers.key.separator may not be equal',
    ],
    [['parse.headers=true', 'headers.separator=:'], 'headers.separator and headers.key.separator may not be equal'],
    [['parse.key=true', 'null.marker=\t'], 'null.marker and key.separator may not be equal'],
    [['key.separator=|', 'null.marker=|'], 'null.marker and key.separator may not be equal'],
    [
      ['parse.headers=true', 'headers.delimiter=-', 'headers.separator=:', 'headers.key.separator=/', 'null.marker=-'],
      'null.marker and headers.delimiter may not be equal',
    ],
    [
      ['parse.headers=true', 'headers.delimiter=-', 'headers.separator=:', 'headers.key.separator=/', 'null.marker=:'],
      'null.marker and headers.separator may not be equal',
    ],
    [
      ['parse.headers=true', 'headers.delimiter=-', 'headers.separator=:', 'headers.key.separator=/', 'null.marker=/'],
      'null.marker and headers.key.separator may not be equal',
    ],
    // Kafka checks the header separators whether or not parse.headers is on.
    [['headers.delimiter=,'], 'headers.delimiter and headers.separator may not be equal'],
  ])('startup validation %j → %s (exit 1, nothing created)', async (props, message) => {
    const dir = store()
    const args = props.flatMap((p) => ['--property', p])
    expectOutcome(await produce(dir, 'val', 'x\n', ...args), failed(message))
    expect(await listTopics(dir)).toEqual([])
  })

  test('boolean properties are true only for "true", case-insensitive and trimmed; anything else is false', async () => {
    const dir = store()
    await createTopic(dir, 'bool', 1)
    for (const v of ['TRUE', ' True ', 'yes', '1', 'false'])
      expectOutcome(await produce(dir, 'bool', `k\t${v}\n`, '--property', `parse.key=${v}`), ok())
    expect(await readRecs(dir, 'bool')).toEqual([
      rec('k', 'TRUE'),
      rec('k', ' True '),
      rec(null, 'k\tyes'),
      rec(null, 'k\t1'),
      rec(null, 'k\tfalse'),
    ])
    // ignore.error=TRUE too: a line without a separator becomes a null-key record.
    expectOutcome(
      await produce(dir, 'bool', 'lonely\n', '--property', 'parse.key=true', '--property', 'ignore.error=TRUE'),
      ok(),
    )
    expect((await readRecs(dir, 'bool')).at(-1)).toEqual(rec(null, 'lonely'))
  })

  test('non-UTF-8 bytes in keys, values and header values are stored byte-for-byte', async () => {
    const dir = store()
    const input = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('\t'),
      Buffer.from([0x76, 0xff, 0x00]),
      Buffer.from('\nk\t'),
      Buffer.from([0x80, 0x61, 0x62, 0x63]),
      Buffer.from('\n'),
    ])
    expectOutcome(await produce(dir, 'bin', input, '--property', 'parse.key=true'), ok(autoCreated('bin')))
    const {records} = await readJson(dir, 'bin')
    expect(records.map((r) => [r.key, r.key_encoding, r.value, r.value_encoding])).toEqual([
      [
        Buffer.from([0xff, 0xfe]).toString('base64'),
        'base64',
        Buffer.from([0x76, 0xff, 0x00]).toString('base64'),
        'base64',
      ],
      ['k', 'utf8', Buffer.from([0x80, 0x61, 0x62, 0x63]).toString('base64'), 'base64'],
    ])
    // Without parse.key the whole line, and header values.
    const line = Buffer.concat([
      Buffer.from('h:'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('\tv'),
      Buffer.from([0xfe]),
      Buffer.from('\n'),
    ])
    expectOutcome(await produce(dir, 'binh', line, '--property', 'parse.headers=true'), ok(autoCreated('binh')))
    const [h] = (await readJson(dir, 'binh')).records
    expect([h.key, h.value, h.value_encoding, h.headers]).toEqual([
      null,
      Buffer.from([0x76, 0xfe]).toString('base64'),
      'base64',
      [{key: 'h', value: Buffer.from([0xc3, 0x28]).toString('base64'), value_encoding: 'base64'}],
    ])
    // A key that is valid UTF-8 and not ASCII.
    expectOutcome(await produce(dir, 'utf', 'ключ\tзначение\n', '--property', 'parse.key=true'), ok(autoCreated('utf')))
    expect(await readRecs(dir, 'utf')).toEqual([rec('ключ', 'значение')])
  })

  test('--reader-config file (escapes interpreted) is overridden by --property', async () => {
    const dir = store()
    const file = join(dir, 'reader.properties')
    writeFileSync(file, '# reader settings\nparse.key=true\nkey.separator=\\t\nnull.marker=NIL\n')
    expectOutcome(await produce(dir, 'rc', 'a\tb\nNIL\tc\n', '--reader-config', file), ok(autoCreated('rc')))
    expectOutcome(
      await produce(dir, 'rc', 'x|y\tz\nNIL|NIL\n', '--reader-config', file, '--property', 'key.separator=|'),
      ok(),
    )
    expect(await readRecs(dir, 'rc')).toEqual([rec('a', 'b'), rec(null, 'c'), rec('x', 'y\tz'), rec(null, null)])
  })
})

describe.concurrent('kt console-producer: partitioning (reference §6)', {timeout: 120_000}, () => {
  test.each([3, 6, 12])('keyed records land in the §6.3 partitions for %i partitions', async (n) => {
    const dir = store()
    await createTopic(dir, 'keys', n)
    const input = VECTORS.map((v, i) => `${v.key}\tv${i}\n`).join('')
    expectOutcome(await produce(dir, 'keys', input, '--property', 'parse.key=true'), ok())
    const {records} = await readJson(dir, 'keys')
    const got = records.map((r) => ({key: r.key, partition: r.partition, value: r.value}))
    got.sort((a, b) => Number(a.value!.slice(1)) - Number(b.value!.slice(1)))
    const column = n === 3 ? 'p3' : n === 6 ? 'p6' : 'p12'
    expect(got).toEqual(VECTORS.map((v, i) => ({key: v.key, partition: v[column], value: `v${i}`})))
    // Offsets in each partition are 0, 1, 2 … in input order.
    const byPartition = new Map<number, JsonRecord[]>()
    for (const r of records) byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r])
    for (const list of byPartition.values()) {
      expect(list.map((r) => r.offset)).toEqual(list.map((_, i) => i))
      const order = list.map((r) => Number(r.value!.slice(1)))
      expect(order).toEqual([...order].sort((a, b) => a - b))
    }
  })

  test('keyed records in an auto-created topic follow the same table (num.partitions=6)', async () => {
    const dir = store()
    writeFileSync(join(dir, 'server.properties'), 'num.partitions=6\n')
    const input = VECTORS.map((v) => `${v.key}\t${v.key}\n`).join('')
    expectOutcome(await produce(dir, 'auto6', input, '--property', 'parse.key=true'), ok(autoCreated('auto6', 6)))
    const {records} = await readJson(dir, 'auto6')
    const got = Object.fromEntries(records.map((r) => [r.key!, r.partition]))
    expect(got).toEqual(Object.fromEntries(VECTORS.map((v) => [v.key, v.p6])))
  })

  test('null keys in one short run all go to a single partition (sticky)', async () => {
    const dir = store()
    await createTopic(dir, 'sticky', 3)
    const input = Array.from({length: 50}, (_, i) => `line ${i}\n`).join('')
    expectOutcome(await produce(dir, 'sticky', input), ok())
    const {records} = await readJson(dir, 'sticky')
    expect(records).toHaveLength(50)
    expect(new Set(records.map((r) => r.partition)).size).toBe(1)
    expect(records.map((r) => r.value)).toEqual(Array.from({length: 50}, (_, i) => `line ${i}`))
    expect(records.map((r) => r.offset)).toEqual(Array.from({length: 50}, (_, i) => i))
  })

  test('null keys stay on one partition for a batch.size worth of bytes, then move on', async () => {
    const dir = store()
    await createTopic(dir, 'switch', 3)
    await createTopic(dir, 'big-batch', 3)
    // 3000 lines of 100 bytes: ~18 batch.size (16384) stints; all on one partition is (1/3)^17.
    const input = Array.from({length: 3000}, (_, i) => `${String(i).padStart(5, '0')}${'.'.repeat(95)}\n`).join('')
    expectOutcome(await produce(dir, 'switch', input), ok())
    const spread = (await describeJson(dir, 'switch')).partitions.map((p) => p.recordCount)
    expect(spread.reduce((a, b) => a + b)).toBe(3000)
    expect(spread.filter((c) => c > 0).length).toBeGreaterThan(1)
    // With a batch.size bigger than the input, it never moves.
    expectOutcome(await produce(dir, 'big-batch', input, '--batch-size', '1000000'), ok())
    const one = (await describeJson(dir, 'big-batch')).partitions.map((p) => p.recordCount)
    expect(one.filter((c) => c > 0)).toEqual([3000])
  })

  test('RoundRobinPartitioner spreads null-key records 0,1,2,0,1,2 …', async () => {
    const dir = store()
    await createTopic(dir, 'rr', 3)
    const input = Array.from({length: 8}, (_, i) => `${i}\n`).join('')
    expectOutcome(await produce(dir, 'rr', input, '--producer-property', ROUND_ROBIN), ok())
    const {records} = await readJson(dir, 'rr')
    const got = records.map((r) => [Number(r.value), r.partition, r.offset])
    got.sort((a, b) => a[0] - b[0])
    expect(got).toEqual(Array.from({length: 8}, (_, i) => [i, i % 3, Math.floor(i / 3)]))
  })

  test('RoundRobinPartitioner ignores keys: records with one key still go 0,1,2,0,1,2 … (reference §6.1–6.2)', async () => {
    const dir = store()
    await createTopic(dir, 'rrk', 3)
    const input = Array.from({length: 8}, (_, i) => `a\t${i}\n`).join('')
    expectOutcome(
      await produce(dir, 'rrk', input, '--property', 'parse.key=true', '--producer-property', ROUND_ROBIN),
      ok(),
    )
    const {records} = await readJson(dir, 'rrk')
    const got = records.map((r) => [Number(r.value), r.partition, r.offset, r.key])
    got.sort((a, b) => (a[0] as number) - (b[0] as number))
    expect(got).toEqual(Array.from({length: 8}, (_, i) => [i, i % 3, Math.floor(i / 3), 'a']))
  })

  test('partitioner.ignore.keys=true: keyed records are partitioned like null-key ones (sticky)', async () => {
    const dir = store()
    await createTopic(dir, 'ign', 3)
    // Hashed, these keys would go to partitions 1, 2 and 0.
    expectOutcome(
      await produce(
        dir,
        'ign',
        'a\t1\nb\t2\n1\t3\nuser-42\t4\n',
        '--property',
        'parse.key=true',
        '--producer-property',
        'partitioner.ignore.keys=true',
      ),
      ok(),
    )
    const {records} = await readJson(dir, 'ign')
    expect(new Set(records.map((r) => r.partition)).size).toBe(1)
    expect(records.map((r) => [r.key, r.value])).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['1', '3'],
      ['user-42', '4'],
    ])
  })

  test('--partition N pins every record; N ≥ the partition count is a clear error, exit 1', async () => {
    const dir = store()
    await createTopic(dir, 'pin', 3)
    expectOutcome(
      await produce(
        dir,
        'pin',
        'a\t1\nb\t2\n\t3\nnull-key-line\n',
        '--property',
        'parse.key=true',
        '--property',
        'ignore.error=true',
        '--partition',
        '2',
      ),
      ok(),
    )
    const {records} = await readJson(dir, 'pin')
    expect(records.map((r) => [r.partition, r.offset, r.key, r.value])).toEqual([
      [2, 0, 'a', '1'],
      [2, 1, 'b', '2'],
      [2, 2, '', '3'],
      [2, 3, null, 'null-key-line'],
    ])
    const bad = await produce(dir, 'pin', 'x\n', '--partition', '3')
    expectFailure(bad, /\b3\b.*'pin'|'pin'.*\b3\b/)
    expect(bad.stderr).toMatch(/partition/i)
    expect(await readValues(dir, 'pin')).toHaveLength(4)
  })
})

describe.concurrent('kt console-producer: producer properties and flags', {timeout: 120_000}, () => {
  test.each([
    ['--request-required-acks', '-1'],
    ['--request-required-acks', 'all'],
    ['--request-required-acks', '0'],
    ['--request-required-acks', '1'],
    ['--producer-property', 'acks=all'],
    ['--producer-property', 'acks=-1'],
  ])('%s %s is accepted and the data round-trips', async (flag, value) => {
    const dir = store()
    await createTopic(dir, 'acks', 1)
    expectOutcome(await produce(dir, 'acks', 'one\ntwo\n', flag, value), ok())
    expect(await readValues(dir, 'acks')).toEqual(['one', 'two'])
  })

  test('--request-required-acks 2 fails with Kafka’s message and creates nothing', async () => {
    const dir = store()
    expectOutcome(
      await produce(dir, 'acks2', 'x\n', '--request-required-acks', '2'),
      failed('Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1'),
    )
    expect(await listTopics(dir)).toEqual([])
  })

  test('a typed flag wins over --producer-property, which wins over --producer.config', async () => {
    const dir = store()
    await createTopic(dir, 'prec', 1)
    const bad = join(dir, 'bad.properties')
    writeFileSync(bad, 'acks=7\n')
    expectOutcome(await produce(dir, 'prec', 'a\n', '--producer.config', bad, '--producer-property', 'acks=1'), ok())
    expectOutcome(
      await produce(dir, 'prec', 'b\n', '--producer-property', 'acks=7', '--request-required-acks', '0'),
      ok(),
    )
    expectOutcome(
      await produce(dir, 'prec', 'c\n', '--producer.config', bad),
      failed('Invalid value 7 for configuration acks: String must be one of: all, -1, 0, 1'),
    )
    expect(await readValues(dir, 'prec')).toEqual(['a', 'b'])
  })

  test('--producer.config file is read (acks, linger.ms, compression.type, batch.size)', async () => {
    const dir = store()
    await createTopic(dir, 'pcfg', 3)
    const file = join(dir, 'producer.properties')
    writeFileSync(file, '# producer\nacks=0\nlinger.ms=5\ncompression.type=gzip\nbatch.size=200\n')
    const input = Array.from({length: 300}, (_, i) => `k${i % 7}\tvalue ${i}\n`).join('')
    expectOutcome(await produce(dir, 'pcfg', input, '--producer.config', file, '--property', 'parse.key=true'), ok())
    const values = await readValues(dir, 'pcfg')
    expect(values.toSorted()).toEqual(Array.from({length: 300}, (_, i) => `value ${i}`).toSorted())
  })

  test('--compression-codec without a value means gzip; records read back intact and are stored compressed', async () => {
    const dir = store()
    const lines = Array.from({length: 1000}, (_, i) => `${i} ${'abcdefghij'.repeat(4)}`)
    const input = lines.map((l) => `${l}\n`).join('')
    const runs: Array<[string, string[]]> = [
      ['plain', ['console-producer', '--topic', 'plain']],
      ['codec', ['console-producer', '--topic', 'codec', '--compression-codec']],
      ['codec-mid', ['console-producer', '--compression-codec', '--topic', 'codec-mid']],
      ['prop', ['console-producer', '--topic', 'prop', '--producer-property', 'compression.type=gzip']],
    ]
    const sizes = await Promise.all(
      runs.map(async ([topic, args]) => {
        expectOutcome(await kt(dir, args, {input}), ok(autoCreated(topic)))
        expect(await readValues(dir, topic)).toEqual(lines)
        return (await describeJson(dir, topic)).partitions[0].sizeBytes
      }),
    )
    const [plain, ...compressed] = sizes
    for (const size of compressed) expect(size).toBeLessThan(plain / 3)
  })

  test('--compression-codec none and gzip are accepted; snappy is refused with a clear message', async () => {
    const dir = store()
    await createTopic(dir, 'cc', 1)
    expectOutcome(await produce(dir, 'cc', 'n\n', '--compression-codec', 'none'), ok())
    expectOutcome(await produce(dir, 'cc', 'g\n', '--compression-codec', 'gzip'), ok())
    for (const args of [
      ['--producer-property', 'compression.type=snappy'],
      ['--compression-codec', 'snappy'],
    ]) {
      const r = await produce(dir, 'cc', 's\n', ...args)
      expectFailure(r, /snappy/)
    }
    expect(await readValues(dir, 'cc')).toEqual(['n', 'g'])
    // Nothing is created by a refused command.
    const r = await produce(dir, 'never', 's\n', '--producer-property', 'compression.type=snappy')
    expectFailure(r, /snappy/)
    expect(await listTopics(dir)).toEqual(['cc'])
  })

  test('--batch-size, --max-partition-memory-bytes, --timeout and --sync: data round-trips with contiguous offsets', async () => {
    const dir = store()
    const runs: Array<[string, string[]]> = [
      ['bs', ['--batch-size', '100']],
      ['mpm', ['--max-partition-memory-bytes', '150', '--batch-size', '100000']],
      ['to', ['--timeout', '0']],
      ['to2', ['--timeout', '10']],
      ['sync', ['--sync']],
      ['all', ['--sync', '--batch-size', '64', '--timeout', '5', '--compression-codec', 'gzip']],
    ]
    const input = Array.from({length: 200}, (_, i) => `key${i % 11}\tv${i}\n`).join('')
    for (const [t] of runs) await createTopic(dir, t, 3)
    await Promise.all(
      runs.map(async ([t, args]) => {
        expectOutcome(await produce(dir, t, input, '--property', 'parse.key=true', ...args), ok())
        const {records} = await readJson(dir, t)
        expect(records.map((r) => r.value).toSorted()).toEqual(Array.from({length: 200}, (_, i) => `v${i}`).toSorted())
        for (let p = 0; p < 3; p++) {
          const offsets = records.filter((r) => r.partition === p).map((r) => r.offset)
          expect(offsets).toEqual(offsets.map((_, i) => i))
        }
      }),
    )
  })

  test('an unknown producer property gives Kafka’s WARN line and still produces', async () => {
    const dir = store()
    expectOutcome(
      await produce(dir, 'unk', 'x\n', '--producer-property', 'foo=bar'),
      ok(`WARN The configuration 'foo' was supplied but isn't a known config.\n${autoCreated('unk')}`),
    )
    expect(await readValues(dir, 'unk')).toEqual(['x'])
  })

  test('allow.auto.create.topics=false: a missing topic fails (exit 1) and nothing is created', async () => {
    const dir = store()
    const r = await produce(dir, 'absent', 'x\n', '--producer-property', 'allow.auto.create.topics=false')
    expectFailure(r, /'absent'/)
    expect(await listTopics(dir)).toEqual([])
    // An existing topic is fine.
    await createTopic(dir, 'there', 1)
    expectOutcome(await produce(dir, 'there', 'y\n', '--producer-property', 'allow.auto.create.topics=false'), ok())
    expect(await readValues(dir, 'there')).toEqual(['y'])
  })

  test('server.properties num.partitions=5: an auto-created topic gets 5 partitions', async () => {
    const dir = store()
    writeFileSync(join(dir, 'server.properties'), '# broker\nnum.partitions=5\n')
    expectOutcome(await produce(dir, 'five', 'x\n'), ok(autoCreated('five', 5)))
    const t = await describeJson(dir, 'five')
    expect(t.partitionCount).toBe(5)
    expect(t.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3, 4])
  })

  test('server.properties auto.create.topics.enable=false: a missing topic is an error', async () => {
    const dir = store()
    writeFileSync(join(dir, 'server.properties'), 'auto.create.topics.enable=false\n')
    expectOutcome(
      await produce(dir, 'nope', 'x\n'),
      failed("Topic 'nope' does not exist and is not created automatically (auto.create.topics.enable=false)"),
    )
    expect(await listTopics(dir)).toEqual([])
  })

  test('server.properties settings kt does not use give one WARN line, and producing still works', async () => {
    const dir = store()
    writeFileSync(
      join(dir, 'server.properties'),
      'log.dirs=/tmp/x\nnum.partitions=2\nzookeeper.connect=localhost:2181\n',
    )
    const warning = 'WARN server.properties: ignoring settings kt does not use: log.dirs, zookeeper.connect\n'
    expectOutcome(await produce(dir, 'w', 'x\n'), ok(`${warning}${autoCreated('w', 2)}`))
    // Every kt process opening the store says it once.
    expect(await readValues(dir, 'w', warning)).toEqual(['x'])
  })

  test('server.properties with a malformed used setting is a clear error, exit 1', async () => {
    const dir = store()
    writeFileSync(join(dir, 'server.properties'), 'num.partitions=abc\n')
    expectOutcome(
      await produce(dir, 'm', 'x\n'),
      failed(
        `${join(dir, 'server.properties')}: Invalid value abc for configuration num.partitions: Not a number of type INT`,
      ),
    )
  })
})

describe.concurrent('kt console-producer: size limits', {timeout: 120_000}, () => {
  test('a 2,000,000-byte line with the defaults fails naming its line number; the lines before it are stored', async () => {
    const dir = store()
    const input = `one\ntwo\n${'x'.repeat(2_000_000)}\nafter\n`
    const r = await produce(dir, 'big', input)
    expectFailure(r, /\bline number 3\b/i, autoCreated('big'))
    expect(r.stderr).toMatch(/larger than 1048576|1048588/)
    expect(await readValues(dir, 'big')).toEqual(['one', 'two'])
  })

  test('the size in the message is Kafka’s estimate: 61 + 21 + varints + bytes (2000088 for a 2,000,000-byte value)', async () => {
    const dir = store()
    // KafkaProducer: estimateSizeInBytesUpperBound = RECORD_BATCH_OVERHEAD (61) + MAX_RECORD_OVERHEAD (21)
    // + null key (1) + varint(2000000) (4) + 2000000 + header count (1).
    const r = await produce(dir, 'est', `${'x'.repeat(2_000_000)}\n`)
    expectFailure(
      r,
      /The message is 2000088 bytes when serialized which is larger than 1048576, which is the value of the max\.request\.size configuration\.\n$/,
      autoCreated('est'),
    )
  })

  test('a too-large last line without a newline is reported with its line number too', async () => {
    const dir = store()
    const r = await produce(dir, 'big-last', `one\n${'x'.repeat(2_000_000)}`)
    expectFailure(r, /\bline number 2\b/i, autoCreated('big-last'))
    expect(await readValues(dir, 'big-last')).toEqual(['one'])
  })

  test('a line far beyond the limit (5 MB) gives one clean message naming the line', async () => {
    const dir = store()
    const r = await produce(dir, 'huge', `one\n${'x'.repeat(5_000_000)}\nafter\n`)
    expectFailure(r, /\bline number 2\b/i, autoCreated('huge'))
    // Named once, not twice.
    expect(r.stderr.match(/line number/gi)).toHaveLength(1)
    expect(await readValues(dir, 'huge')).toEqual(['one'])
  })

  test('a topic created with max.message.bytes=200 rejects a 300-byte line (naming the line), keeps the earlier ones', async () => {
    const dir = store()
    await createTopic(dir, 'small', 1, 'max.message.bytes=200')
    const r = await produce(dir, 'small', `ok\n${'y'.repeat(100)}\n${'y'.repeat(300)}\nafter\n`)
    expectFailure(r, /\bline number 3\b/i)
    expect(r.stderr).toMatch(/\b200\b/)
    expect(await readValues(dir, 'small')).toEqual(['ok', 'y'.repeat(100)])
  })
})

describe.concurrent('kt console-producer --input json', {timeout: 120_000}, () => {
  test('records round-trip through --output json and back, field for field', async () => {
    const dir = store()
    await createTopic(dir, 'src', 3)
    await createTopic(dir, 'dst', 3)
    const lines = [
      {key: 'k1', partition: 0, timestamp: 1_700_000_000_000, value: 'v1'},
      {key: null, partition: 1, timestamp: 1_700_000_000_001, value: 'no key'},
      {key: 'tomb', partition: 2, timestamp: 1_700_000_000_002, value: null},
      {key: 'e', partition: 0, timestamp: 1_700_000_000_003, value: ''},
      {
        key: '//4=',
        key_encoding: 'base64',
        partition: 1,
        timestamp: 1_700_000_000_004,
        value: 'AAEC/w==',
        value_encoding: 'base64',
      },
      {
        headers: [
          {key: 'dup', value: '1'},
          {key: 'dup', value: '2'},
          {key: 'n', value: null},
          {key: 'b', value: '/w==', value_encoding: 'base64'},
          {key: 'e', value: ''},
        ],
        partition: 2,
        timestamp: 1_700_000_000_005,
        value: 'with headers',
      },
      // No partition: murmur2 of the key ("a" → 1 of 3); no timestamp: the send time.
      {key: 'a', value: 'by key'},
      {partition: 0, timestamp: 1_700_000_000_006, value: {b: [1, 2], s: 'x'}, value_encoding: 'json'},
    ]
    const input = lines.map((l) => JSON.stringify(l)).join('\n') + '\n\n'
    const before = Date.now()
    expectOutcome(await produce(dir, 'src', input, '--input', 'json'), ok())
    const after = Date.now()
    const {records, stdout} = await readJson(dir, 'src')
    const byKey = records.find((r) => r.value === 'by key')!
    expect(byKey.timestamp).toBeGreaterThanOrEqual(before)
    expect(byKey.timestamp).toBeLessThanOrEqual(after)
    const base = {timestamp_type: 'CreateTime', topic: 'src'}
    expect(records).toEqual([
      {
        ...base,
        headers: [],
        key: 'k1',
        key_encoding: 'utf8',
        offset: 0,
        partition: 0,
        timestamp: 1_700_000_000_000,
        value: 'v1',
        value_encoding: 'utf8',
      },
      {
        ...base,
        headers: [],
        key: 'e',
        key_encoding: 'utf8',
        offset: 1,
        partition: 0,
        timestamp: 1_700_000_000_003,
        value: '',
        value_encoding: 'utf8',
      },
      {
        ...base,
        headers: [],
        key: null,
        offset: 2,
        partition: 0,
        timestamp: 1_700_000_000_006,
        value: '{"b":[1,2],"s":"x"}',
        value_encoding: 'utf8',
      },
      {
        ...base,
        headers: [],
        key: null,
        offset: 0,
        partition: 1,
        timestamp: 1_700_000_000_001,
        value: 'no key',
        value_encoding: 'utf8',
      },
      {
        ...base,
        headers: [],
        key: '//4=',
        key_encoding: 'base64',
        offset: 1,
        partition: 1,
        timestamp: 1_700_000_000_004,
        value: 'AAEC/w==',
        value_encoding: 'base64',
      },
      {
        ...base,
        headers: [],
        key: 'a',
        key_encoding: 'utf8',
        offset: 2,
        partition: 1,
        timestamp: byKey.timestamp,
        value: 'by key',
        value_encoding: 'utf8',
      },
      {
        ...base,
        headers: [],
        key: 'tomb',
        key_encoding: 'utf8',
        offset: 0,
        partition: 2,
        timestamp: 1_700_000_000_002,
        value: null,
      },
      {
        ...base,
        headers: [
          {key: 'dup', value: '1', value_encoding: 'utf8'},
          {key: 'dup', value: '2', value_encoding: 'utf8'},
          {key: 'n', value: null},
          {key: 'b', value: '/w==', value_encoding: 'base64'},
          {key: 'e', value: '', value_encoding: 'utf8'},
        ],
        key: null,
        offset: 1,
        partition: 2,
        timestamp: 1_700_000_000_005,
        value: 'with headers',
        value_encoding: 'utf8',
      },
    ])
    // The consumer's output fed back in gives the same records (topic aside).
    expectOutcome(await produce(dir, 'dst', stdout, '--input', 'json'), ok())
    const copy = (await readJson(dir, 'dst')).records
    expect(copy).toEqual(records.map((r) => ({...r, topic: 'dst'})))
  })

  test('invalid JSON: a clear error naming the line number, exit 1; earlier records kept', async () => {
    const dir = store()
    const r = await produce(dir, 'bad', '{"value":"a"}\n{"value":"b"}\n{bad\n{"value":"d"}\n', '--input', 'json')
    expectFailure(r, /^Error: [^\n]*line number 3\b[^\n]*\n$/i, autoCreated('bad'))
    expect(await readValues(dir, 'bad')).toEqual(['a', 'b'])
    const notObject = await produce(dir, 'bad', '{"value":"e"}\n[1,2]\n', '--input', 'json')
    expectFailure(notObject, /line number 2\b/i)
    expect(await readValues(dir, 'bad')).toEqual(['a', 'b', 'e'])
  })

  test('base64 must be canonical and utf8 text must be encodable: one line naming the line number, earlier records kept', async () => {
    const dir = store()
    const line = (value: string, encoding: string) => JSON.stringify({value, value_encoding: encoding})
    const cases: [string, string, string][] = [
      // Buffer.from decoded "x" as an empty value and "QUJD=" as "ABC"; both were stored.
      ['x', 'base64', '"value" is not valid base64: its length 1 is not a multiple of 4 (base64 is padded with \'=\')'],
      [
        'QUJD=',
        'base64',
        '"value" is not valid base64: its length 5 is not a multiple of 4 (base64 is padded with \'=\')',
      ],
      [
        'QUI',
        'base64',
        '"value" is not valid base64: its length 3 is not a multiple of 4 (base64 is padded with \'=\')',
      ],
      [
        '!!!!',
        'base64',
        '"value" is not valid base64: "!" at character 1 is outside the base64 alphabet (A-Z, a-z, 0-9, +, /)',
      ],
      [
        '-_8=',
        'base64',
        '"value" is not valid base64: "-" at character 1 is outside the base64 alphabet (A-Z, a-z, 0-9, +, /)',
      ],
      [
        'QU JD',
        'base64',
        '"value" is not valid base64: " " at character 3 is outside the base64 alphabet (A-Z, a-z, 0-9, +, /)',
      ],
      [
        'Q===',
        'base64',
        '"value" is not valid base64: \'=\' at character 2 is padding, allowed only as the last one or two characters',
      ],
      [
        'QR==',
        'base64',
        "\"value\" is not valid base64: 'QR==' sets bits past its last byte (the canonical form is 'QQ==')",
      ],
      [
        'a\ud800b',
        'utf8',
        '"value" holds a lone surrogate \\ud800 at character 2, which UTF-8 cannot encode (use value_encoding base64 for raw bytes)',
      ],
      [
        '\udc00',
        'utf8',
        '"value" holds a lone surrogate \\udc00 at character 1, which UTF-8 cannot encode (use value_encoding base64 for raw bytes)',
      ],
    ]
    const results = await Promise.all(
      cases.map(([value, encoding], i) =>
        produce(
          dir,
          `enc${i}`,
          `${line('QUJD', 'base64')}\n${line(value, encoding)}\n${line('late', 'utf8')}\n`,
          '--input',
          'json',
        ),
      ),
    )
    for (const [i, [value, , message]] of cases.entries()) {
      expectOutcome(results[i], failed(`Invalid JSON record on line number 2: ${message}`, autoCreated(`enc${i}`)))
      expect({value, values: await readValues(dir, `enc${i}`)}).toEqual({value, values: ['ABC']})
    }

    // A surrogate pair is one character (U+1F600), stored as its 4 UTF-8 bytes.
    expectOutcome(
      await produce(dir, 'pair', `${line('\ud83d\ude00', 'utf8')}\n`, '--input', 'json'),
      ok(autoCreated('pair')),
    )
    expect(await readValues(dir, 'pair')).toEqual(['\u{1F600}'])
  })

  test('an explicit partition beyond the topic is a clear error naming the line, exit 1', async () => {
    const dir = store()
    await createTopic(dir, 'p1', 1)
    const r = await produce(dir, 'p1', '{"value":"a"}\n{"value":"b","partition":5}\n{"value":"c"}\n', '--input', 'json')
    expectFailure(r, /\bline number 2\b/i)
    expect(r.stderr).toMatch(/\b5\b/)
    expect(await readValues(dir, 'p1')).toEqual(['a'])
  })
})

describe('kt console-producer: concurrency and invariants', () => {
  test('four producers × 50,000 keyed lines into one 3-partition topic: every line once, offsets contiguous, no SQLITE_BUSY', async () => {
    const dir = store()
    await createTopic(dir, 'busy', 3)
    const PER = 50_000
    const inputs = [0, 1, 2, 3].map((p) =>
      Buffer.from(Array.from({length: PER}, (_, j) => `key${j % 1000}\tp${p}-${j}\n`).join('')),
    )
    const results = await Promise.all(
      inputs.map((input) => {
        const child = spawnKt(dir, ['console-producer', '--topic', 'busy', '--property', 'parse.key=true'])
        const done = collect(child, 170_000)
        child.stdin!.on('error', () => {})
        child.stdin!.end(input)
        return done
      }),
    )
    for (const r of results) {
      expect(r.stderr).not.toMatch(/SQLITE_BUSY|database is locked/i)
      expectOutcome(r, ok())
    }

    const read = await kt(
      dir,
      [
        'console-consumer',
        '--topic',
        'busy',
        '--from-beginning',
        '--exit-at-end',
        '--property',
        'print.partition=true',
        '--property',
        'print.offset=true',
        '--property',
        'print.key=true',
      ],
      {timeoutMs: 120_000},
    )
    expect({status: read.status, stderr: read.stderr}).toEqual({
      status: 0,
      stderr: `Processed a total of ${4 * PER} messages\n`,
    })
    const lines = read.stdout.replace(/\n$/, '').split('\n')
    expect(lines).toHaveLength(4 * PER)
    const offsets = new Map<number, number[]>()
    const keyPartition = new Map<string, number>()
    const values = new Set<string>()
    for (const line of lines) {
      const m = /^Partition:(\d+)\tOffset:(\d+)\t([^\t]*)\t(.*)$/.exec(line)
      expect(m, line).not.toBeNull()
      const [, p, o, key, value] = m!
      const partition = Number(p)
      const list = offsets.get(partition) ?? []
      list.push(Number(o))
      offsets.set(partition, list)
      if (keyPartition.has(key)) expect(keyPartition.get(key), key).toBe(partition)
      else keyPartition.set(key, partition)
      values.add(value)
    }

    // Every line exactly once.
    expect(values.size).toBe(4 * PER)
    for (let p = 0; p < 4; p++)
      for (let j = 0; j < PER; j++) if (!values.has(`p${p}-${j}`)) expect.fail(`p${p}-${j} missing`)
    // Offsets 0 … n-1 in each partition, in order; the watermarks agree.
    const described = await describeJson(dir, 'busy')
    expect([...offsets.keys()].toSorted()).toEqual([0, 1, 2])
    for (const part of described.partitions) {
      const list = offsets.get(part.partition)!
      for (let i = 0; i < list.length; i++)
        if (list[i] !== i) expect.fail(`partition ${part.partition}: offset ${list[i]} at ${i}`)
      expect(part).toMatchObject({logEndOffset: list.length, logStartOffset: 0, recordCount: list.length})
    }

    expect(keyPartition.size).toBe(1000)
  }, 180_000)
})

describe.concurrent('kt console-producer: signals and interactive input', {timeout: 120_000}, () => {
  test.each(['SIGTERM', 'SIGINT'] as const)(
    '%s while stdin is still open: exit 130, both lines stored',
    async (signal) => {
      const dir = store()
      const child = spawnKt(dir, ['console-producer', '--topic', 'sig'])
      const done = collect(child)
      child.stdin!.on('error', () => {})
      let stderr = ''
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
      child.stdin!.write('one\ntwo\n')
      // Wait until the producer has started (its notice says it created the topic) before
      // signalling: its own stderr says so without a kt topics --list spawn every 100 ms.
      await waitFor(() => stderr.includes(autoCreated('sig')), 20_000, 'the producer to create the topic')
      await sleep(200)
      child.kill(signal)
      const r = await done
      expectOutcome(r, {status: 130, stderr: autoCreated('sig'), stdout: ''})
      expect(await readValues(dir, 'sig')).toEqual(['one', 'two'])
    },
  )

  test.each([[[] as string[]], [['--timeout', '30000']]])(
    'a typed line is visible to a consumer promptly while stdin stays open (%j)',
    async (extra) => {
      const dir = store()
      await createTopic(dir, 'live', 1)
      const child = spawnKt(dir, ['console-producer', '--topic', 'live', ...extra])
      const done = collect(child)
      child.stdin!.on('error', () => {})
      const consume = () =>
        kt(dir, ['console-consumer', '--topic', 'live', '--from-beginning', '--exit-at-end']).then((r) => r.stdout)
      // The first line tells us the producer is up.
      child.stdin!.write('first\n')
      const startBy = Date.now() + 10_000
      while ((await consume()) !== 'first\n') {
        expect(Date.now()).toBeLessThan(startBy)
        await sleep(100)
      }

      child.stdin!.write('second\n')
      await sleep(150)
      // A consumer started now (well under linger.ms) sees it.
      expect(await consume()).toBe('first\nsecond\n')
      child.stdin!.end()
      expectOutcome(await done, ok())
    },
  )
})
