// End-to-end tests of `kt topics` (kafka-topics): every case spawns the built bin/run.js with its
// own temporary data dir and checks stdout, stderr and the exit status exactly. Reference:
// shared/reference/kafka-cli.md §1, §2 and §9; kt's decided differences from Kafka: every error and
// warning goes to stderr, runtime errors exit 1 with `Error while executing topic command : `,
// usage errors exit 2 with one line, --help exits 0, topics and configs are sorted.
import {spawn} from 'node:child_process'
import {mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, test, vi} from 'vitest'

import {BIN, collect, describeJson, type JsonTopic, kt, type KtResult, spawnKt, tempDirsForFile} from '../helpers/kt.js'
import {openBroker} from '../../src/engine/index.js'

// Each test runs up to ~16 kt processes one after the other; on a loaded machine a spawn can take
// seconds, so allow more than the project's default 30 s per test.
vi.setConfig({testTimeout: 120_000})

// ---------------------------------------------------------------------------------------------
// Helpers

/** A fresh temporary data dir, removed after the file's tests. */
const store = tempDirsForFile()

/** `kt topics <args>` against the data dir `dir`. */
function topics(dir: string, ...args: string[]): Promise<KtResult> {
  return kt(dir, ['topics', ...args])
}

interface Outcome {
  status: number | null
  stdout: string
  stderr: string
}

const PREFIX = 'Error while executing topic command : '
const WARNING =
  "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\n"
const TOPIC_ID = /^[A-Za-z0-9_-]{22}$/

const ok = (stdout = '', stderr = ''): Outcome => ({status: 0, stderr, stdout})
/** A runtime error: one prefixed line on stderr (after any warning), exit 1. */
const failed = (message: string, before = ''): Outcome => ({
  status: 1,
  stderr: `${before}${PREFIX}${message}\n`,
  stdout: '',
})
/** A usage error: exactly one line on stderr, exit 2. */
const usage = (message: string): Outcome => ({status: 2, stderr: `${message}\n`, stdout: ''})
const created = (name: string, warning = false): Outcome => ok(`Created topic ${name}.\n`, warning ? WARNING : '')
const missing = (name: string): Outcome => failed(`Topic '${name}' does not exist as expected`)

function outcome(r: KtResult): Outcome {
  return {status: r.status, stderr: r.stderr, stdout: r.stdout}
}

function expectOutcome(r: KtResult, expected: Outcome): void {
  expect(r.signal).toBeNull()
  expect(outcome(r)).toEqual(expected)
}

/** Replaces every TopicId value with <ID> after checking it is 22 chars of URL-safe base64. */
function maskIds(stdout: string): {text: string; ids: string[]} {
  const ids: string[] = []
  const text = stdout.replace(/(^|\t)TopicId: ([^\t\n]*)\t/gm, (_m, lead: string, id: string) => {
    expect(id).toMatch(TOPIC_ID)
    ids.push(id)
    return `${lead}TopicId: <ID>\t`
  })
  return {ids, text}
}

/** Checks a describe result (stdout with ids masked) and returns the ids in output order. */
function expectDescribe(r: KtResult, expectedStdout: string, expectedStderr = ''): string[] {
  expect(r.signal).toBeNull()
  const {ids, text} = maskIds(r.stdout)
  expect({status: r.status, stderr: r.stderr, stdout: text}).toEqual({
    status: 0,
    stderr: expectedStderr,
    stdout: expectedStdout,
  })
  return ids
}

function summaryLine(name: string, partitions: number, configs = ''): string {
  return `Topic: ${name}\tTopicId: <ID>\tPartitionCount: ${partitions}\tReplicationFactor: 1\tConfigs: ${configs}\n`
}

function partitionLine(name: string, partition: number): string {
  return `\tTopic: ${name}\tPartition: ${partition}\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: \n`
}

function partitionLines(name: string, partitions: number): string {
  let out = ''
  for (let p = 0; p < partitions; p++) out += partitionLine(name, p)
  return out
}

/** The full describe text of one topic on kt's single broker (node 1). */
function described(name: string, partitions: number, configs = ''): string {
  return summaryLine(name, partitions, configs) + partitionLines(name, partitions)
}

async function createAll(dir: string, ...names: string[]): Promise<void> {
  // Through the engine, in this process, as `kt topics --create --topic <name>` would create them
  // (num.partitions each): the tests using this are about listing, describing, altering and
  // deleting, and a kt spawn per topic (up to 8 a test) was most of their time. Creating through
  // the command line is what 'kt topics --create' tests.
  const broker = await openBroker(dir)
  try {
    for (const name of names) await broker.createTopic({name})
  } finally {
    await broker.close()
  }
}

/** What a fresh, empty partition looks like in the --json document. */
function freshPartition(partition: number) {
  return {
    isr: [1],
    leader: 1,
    logEndOffset: 0,
    logStartOffset: 0,
    partition,
    recordCount: 0,
    replicas: [1],
    sizeBytes: 0,
  }
}

const KT_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string}
).version

// ---------------------------------------------------------------------------------------------

describe.concurrent('kt topics --create', () => {
  test('creates a topic, refuses it a second time, and --if-not-exists is a silent no-op', async () => {
    const dir = store()
    expectOutcome(await topics(dir, '--create', '--topic', 'orders', '--partitions', '3'), created('orders'))
    expectOutcome(
      await topics(dir, '--create', '--topic', 'orders', '--partitions', '3'),
      failed("Topic 'orders' already exists."),
    )
    expectOutcome(await topics(dir, '--create', '--topic', 'orders', '--partitions', '3', '--if-not-exists'), ok())
    expectOutcome(await topics(dir, '--create', '--topic', 'orders', '--if-not-exists'), ok())
    // Neither the failure nor --if-not-exists changed the topic.
    expectDescribe(await topics(dir, '--describe', '--topic', 'orders'), described('orders', 3))
  })

  test('without --partitions the topic gets num.partitions (1 by default); --replication-factor 1 is accepted', async () => {
    const dir = store()
    expectOutcome(await topics(dir, '--create', '--topic', 'plain'), created('plain'))
    expectOutcome(await topics(dir, '--create', '--topic', 'rf', '--replication-factor', '1'), created('rf'))
    expectDescribe(await topics(dir, '--describe'), described('plain', 1) + described('rf', 1))
  })

  test('without --partitions the topic gets num.partitions from <data-dir>/server.properties', async () => {
    const dir = store()
    writeFileSync(join(dir, 'server.properties'), '# broker settings\nnum.partitions=4\n')
    expectOutcome(await topics(dir, '--create', '--topic', 'four'), created('four'))
    expectOutcome(await topics(dir, '--create', '--topic', 'two', '--partitions', '2'), created('two'))
    expectDescribe(await topics(dir, '--describe'), described('four', 4) + described('two', 2))
  })

  test('--config overrides are stored trimmed and described sorted by name', async () => {
    const dir = store()
    expectOutcome(
      await topics(
        dir,
        '--create',
        '--topic',
        'tuned',
        '--partitions',
        '2',
        '--config',
        'segment.ms=100000',
        '--config',
        ' retention.ms = 3600000 ',
        '--config',
        'cleanup.policy=compact,delete',
        '--config',
        'max.message.bytes=2000000',
      ),
      created('tuned'),
    )
    expectDescribe(
      await topics(dir, '--describe', '--topic', 'tuned'),
      described(
        'tuned',
        2,
        'cleanup.policy=compact,delete,max.message.bytes=2000000,retention.ms=3600000,segment.ms=100000',
      ),
    )
  })

  test('topic-name rules: characters, the 249-character limit, ".", ".." and the empty name', async () => {
    const dir = store()
    expectOutcome(
      await topics(dir, '--create', '--topic', 'bad/name'),
      failed(
        "Topic name is invalid: 'bad/name' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
      ),
    )
    expectOutcome(
      await topics(dir, '--create', '--topic', 'with space'),
      failed(
        "Topic name is invalid: 'with space' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
      ),
    )
    expectOutcome(
      await topics(dir, '--create', '--topic', 'café'),
      failed(
        "Topic name is invalid: 'café' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
      ),
    )
    const longest = 'a'.repeat(249)
    const tooLong = 'b'.repeat(250)
    expectOutcome(await topics(dir, '--create', '--topic', longest), created(longest))
    expectOutcome(
      await topics(dir, '--create', '--topic', tooLong),
      failed(`Topic name is invalid: the length of '${tooLong}' is longer than the max allowed length 249`),
    )
    // '.' and '..' contain a period, so the collision warning comes first.
    expectOutcome(
      await topics(dir, '--create', '--topic', '.'),
      failed("Topic name is invalid: '.' is not allowed", WARNING),
    )
    expectOutcome(
      await topics(dir, '--create', '--topic', '..'),
      failed("Topic name is invalid: '..' is not allowed", WARNING),
    )
    expectOutcome(
      await topics(dir, '--create', '--topic', ''),
      failed("The given topic name '' cannot be represented in a request."),
    )
    // Names made only of allowed characters are fine; nothing invalid was created.
    expectOutcome(await topics(dir, '--create', '--topic', 'Az09-x'), created('Az09-x'))
    expectOutcome(await topics(dir, '--list'), ok(`Az09-x\n${longest}\n`))
  })

  test("a name with '.' or '_' prints the collision warning on stderr even in an empty store", async () => {
    const dir = store()
    expectOutcome(await topics(dir, '--create', '--topic', 'has.period'), created('has.period', true))
    expectOutcome(await topics(dir, '--create', '--topic', 'has_underscore'), created('has_underscore', true))
    expectOutcome(await topics(dir, '--create', '--topic', 'both.and_'), created('both.and_', true))
    expectOutcome(await topics(dir, '--create', '--topic', 'neither-one'), created('neither-one'))
    // The warning is printed before the request, so an existing topic still gets it.
    expectOutcome(
      await topics(dir, '--create', '--topic', 'has.period'),
      failed("Topic 'has.period' already exists.", WARNING),
    )
    expectOutcome(await topics(dir, '--create', '--topic', 'has.period', '--if-not-exists'), ok('', WARNING))
  })

  test("'.' and '_' collide in both directions, and --if-not-exists does not hide the collision", async () => {
    const dir = store()
    expectOutcome(await topics(dir, '--create', '--topic', 'a.b'), created('a.b', true))
    expectOutcome(
      await topics(dir, '--create', '--topic', 'a_b'),
      failed("Topic 'a_b' collides with existing topic: a.b", WARNING),
    )
    expectOutcome(
      await topics(dir, '--create', '--topic', 'a_b', '--if-not-exists'),
      failed("Topic 'a_b' collides with existing topic: a.b", WARNING),
    )
    expectOutcome(await topics(dir, '--create', '--topic', 'x_y_z'), created('x_y_z', true))
    expectOutcome(
      await topics(dir, '--create', '--topic', 'x.y_z'),
      failed("Topic 'x.y_z' collides with existing topic: x_y_z", WARNING),
    )
    expectOutcome(
      await topics(dir, '--create', '--topic', 'x.y.z'),
      failed("Topic 'x.y.z' collides with existing topic: x_y_z", WARNING),
    )
    expectOutcome(await topics(dir, '--list'), ok('a.b\nx_y_z\n'))
  })

  test('--partitions below 1 and a replication factor other than 1 are refused', async () => {
    const dir = store()
    expectOutcome(
      await topics(dir, '--create', '--topic', 'p', '--partitions', '0'),
      failed('The partitions must be greater than 0'),
    )
    expectOutcome(
      await topics(dir, '--create', '--topic', 'p', '--partitions', '-1'),
      failed('The partitions must be greater than 0'),
    )
    expectOutcome(
      await topics(dir, '--create', '--topic', 'p', '--replication-factor', '3'),
      failed(
        'Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered.',
      ),
    )
    expectOutcome(
      await topics(dir, '--create', '--topic', 'p', '--replication-factor', '0'),
      failed('The replication factor must be between 1 and 32767 inclusive'),
    )
    expectOutcome(
      await topics(dir, '--create', '--topic', 'p', '--replication-factor', '32768'),
      failed('The replication factor must be between 1 and 32767 inclusive'),
    )
    expectOutcome(await topics(dir, '--list'), ok('\n'))
  })

  test('bad --config values are refused with Kafka’s messages and nothing is created', async () => {
    const dir = store()
    const create = (config: string) => topics(dir, '--create', '--topic', 'c', '--config', config)
    expectOutcome(
      await create('retention.ms=abc'),
      failed('Invalid value abc for configuration retention.ms: Not a number of type LONG'),
    )
    expectOutcome(await create('nope=1'), failed('Unknown topic config name: nope'))
    expectOutcome(
      await create('cleanup.policy=foo'),
      failed('Invalid value foo for configuration cleanup.policy: String must be one of: compact, delete'),
    )
    expectOutcome(
      await create('retention.ms=-2'),
      failed('Invalid value -2 for configuration retention.ms: Value must be at least -1'),
    )
    expectOutcome(
      await create('message.timestamp.type=Whenever'),
      failed(
        'Invalid value Whenever for configuration message.timestamp.type: String must be one of: CreateTime, LogAppendTime',
      ),
    )
    expectOutcome(
      await create('min.insync.replicas=x'),
      failed('Invalid value x for configuration min.insync.replicas: Not a number of type INT'),
    )
    expectOutcome(await topics(dir, '--list'), ok('\n'))
  })

  test('a --config that is not exactly key=val is a runtime error (exit 1), not a usage error', async () => {
    const dir = store()
    const create = (config: string) => topics(dir, '--create', '--topic', 'c', '--config', config)
    expectOutcome(
      await create('a=b=c'),
      failed('requirement failed: Invalid topic config: all configs to be added must be in the format "key=val".'),
    )
    expectOutcome(
      await create('retention.ms'),
      failed('requirement failed: Invalid topic config: all configs to be added must be in the format "key=val".'),
    )
    expectOutcome(await topics(dir, '--list'), ok('\n'))
  })

  test('--replica-assignment gives one partition per entry; an unknown broker is refused', async () => {
    const dir = store()
    expectOutcome(
      await topics(dir, '--create', '--topic', 'manual', '--replica-assignment', '1,1,1'),
      created('manual'),
    )
    expectDescribe(await topics(dir, '--describe', '--topic', 'manual'), described('manual', 3))
    expectOutcome(
      await topics(dir, '--create', '--topic', 'elsewhere', '--replica-assignment', '2'),
      failed('The manual partition assignment includes broker 2, but no such broker is registered.'),
    )
  })
})

describe.concurrent('kt topics --describe', () => {
  test('prints the summary line and the partition lines byte-for-byte in Kafka’s layout', async () => {
    const dir = store()
    expectOutcome(await topics(dir, '--create', '--topic', 'orders', '--partitions', '3'), created('orders'))
    const r = await topics(dir, '--describe', '--topic', 'orders')
    const [id] = expectDescribe(
      r,
      'Topic: orders\tTopicId: <ID>\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: \n' +
        '\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: \n' +
        '\tTopic: orders\tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: \n' +
        '\tTopic: orders\tPartition: 2\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: \n',
    )
    expect(id).toMatch(TOPIC_ID)
    // The id is stable across runs.
    expect(maskIds((await topics(dir, '--describe', '--topic', 'orders')).stdout).ids).toEqual([id])
    // --partition-size-limit-per-response only pages the request: same output.
    expect(
      (await topics(dir, '--describe', '--topic', 'orders', '--partition-size-limit-per-response', '1')).stdout,
    ).toBe(r.stdout)
  })

  test('without --topic describes every topic, sorted by name, each with its own id', async () => {
    const dir = store()
    await createAll(dir, 'zeta', 'Alpha', 'beta', '9lives')
    expectOutcome(await topics(dir, '--create', '--topic', 'beta2', '--partitions', '2'), created('beta2'))
    const ids = expectDescribe(
      await topics(dir, '--describe'),
      described('9lives', 1) +
        described('Alpha', 1) +
        described('beta', 1) +
        described('beta2', 2) +
        described('zeta', 1),
    )
    expect(new Set(ids).size).toBe(5)
  })

  test('--describe on an empty store prints nothing', async () => {
    const dir = store()
    expectOutcome(await topics(dir, '--describe'), ok())
  })

  test('a missing topic is an error, and --if-exists makes it a silent no-op', async () => {
    const dir = store()
    await createAll(dir, 'present')
    expectOutcome(await topics(dir, '--describe', '--topic', 'absent'), missing('absent'))
    expectOutcome(await topics(dir, '--describe', '--topic', 'absent', '--if-exists'), ok())
    // A regex that matches nothing is the same error, naming the regex.
    expectOutcome(await topics(dir, '--describe', '--topic', 'nothing.*'), missing('nothing.*'))
  })

  test('--topic is a full-match regex: patterns, "a,b" as a|b, no substring matches, "." matches any character', async () => {
    const dir = store()
    await createAll(dir, 'order', 'orders', 'order-x', 'reorder', 'payments', 'testXtopic', 'test_topic')
    expectDescribe(
      await topics(dir, '--describe', '--topic', 'ord.*'),
      described('order', 1) + described('order-x', 1) + described('orders', 1),
    )
    expectDescribe(
      await topics(dir, '--describe', '--topic', 'payments,order'),
      described('order', 1) + described('payments', 1),
    )
    // Full match: 'order' does not select 'orders' or 'reorder'.
    expectDescribe(await topics(dir, '--describe', '--topic', 'order'), described('order', 1))
    // A plain name with '.' is a regex: test.topic matches test_topic and testXtopic.
    expectDescribe(
      await topics(dir, '--describe', '--topic', 'test.topic'),
      described('testXtopic', 1) + described('test_topic', 1),
    )
    expectDescribe(await topics(dir, '--describe', '--topic', 'test\\.topic', '--if-exists'), '')
    // Surrounding quotes are stripped and spaces deleted.
    expectDescribe(
      await topics(dir, '--describe', '--topic', `'payments, reorder'`),
      described('payments', 1) + described('reorder', 1),
    )
    expectOutcome(await topics(dir, '--describe', '--topic', '('), failed('( is an invalid regex.'))
  })

  test('--topic-id selects by id; with --topic and --if-exists kt says only the id is used', async () => {
    const dir = store()
    await createAll(dir, 'first', 'second')
    const id = (await describeJson(dir, 'second')).topicId
    expect(id).toMatch(TOPIC_ID)
    expectDescribe(await topics(dir, '--describe', '--topic-id', id), described('second', 1))
    expectDescribe(
      await topics(dir, '--describe', '--topic', 'first', '--topic-id', id, '--if-exists'),
      described('second', 1),
      'Only topic id will be used when both --topic and --topic-id are specified and topicId is not Uuid.ZERO_UUID\n',
    )
  })

  test('--exclude-internal drops internal topics from --describe and --list', async () => {
    const dir = store()
    expectOutcome(
      await topics(dir, '--create', '--topic', '__consumer_offsets', '--partitions', '2'),
      created('__consumer_offsets', true),
    )
    await createAll(dir, 'Zed', 'app')
    // '_' sorts after upper-case letters and before lower-case ones.
    expectOutcome(await topics(dir, '--list'), ok('Zed\n__consumer_offsets\napp\n'))
    expectOutcome(await topics(dir, '--list', '--exclude-internal'), ok('Zed\napp\n'))
    expectDescribe(
      await topics(dir, '--describe'),
      described('Zed', 1) + described('__consumer_offsets', 2) + described('app', 1),
    )
    expectDescribe(await topics(dir, '--describe', '--exclude-internal'), described('Zed', 1) + described('app', 1))
    expectDescribe(await topics(dir, '--describe', '--topic', '__.*'), described('__consumer_offsets', 2))
    expectOutcome(await topics(dir, '--describe', '--topic', '__.*', '--exclude-internal'), missing('__.*'))
    expectOutcome(await topics(dir, '--list', '--topic', '__.*', '--exclude-internal'), ok('\n'))
  })

  test('--topics-with-overrides prints only the summary lines of topics with overrides', async () => {
    const dir = store()
    await createAll(dir, 'plain', 'also-plain')
    expectOutcome(await topics(dir, '--describe', '--topics-with-overrides'), ok())
    expectOutcome(
      await topics(dir, '--create', '--topic', 'tuned', '--partitions', '2', '--config', 'retention.ms=1000'),
      created('tuned'),
    )
    expectOutcome(
      await topics(dir, '--create', '--topic', 'compact', '--config', 'cleanup.policy=compact'),
      created('compact'),
    )
    expectDescribe(
      await topics(dir, '--describe', '--topics-with-overrides'),
      summaryLine('compact', 1, 'cleanup.policy=compact') + summaryLine('tuned', 2, 'retention.ms=1000'),
    )
    expectDescribe(
      await topics(dir, '--describe', '--topics-with-overrides', '--topic', 't.*'),
      summaryLine('tuned', 2, 'retention.ms=1000'),
    )
  })

  test('partition reports with the default min.insync.replicas=1: only --at-min-isr-partitions lists partitions', async () => {
    const dir = store()
    expectOutcome(await topics(dir, '--create', '--topic', 'orders', '--partitions', '3'), created('orders'))
    expectOutcome(await topics(dir, '--create', '--topic', 'audit'), created('audit'))
    expectOutcome(
      await topics(dir, '--describe', '--at-min-isr-partitions'),
      ok(partitionLines('audit', 1) + partitionLines('orders', 3)),
    )
    expectOutcome(
      await topics(dir, '--describe', '--at-min-isr-partitions', '--topic', 'orders'),
      ok(partitionLines('orders', 3)),
    )
    expectOutcome(await topics(dir, '--describe', '--under-min-isr-partitions'), ok())
    expectOutcome(await topics(dir, '--describe', '--under-replicated-partitions'), ok())
    expectOutcome(await topics(dir, '--describe', '--unavailable-partitions'), ok())
  })

  test('partition reports with min.insync.replicas=2: --under-min-isr-partitions lists the partitions', async () => {
    const dir = store()
    expectOutcome(
      await topics(dir, '--create', '--topic', 'strict', '--partitions', '2', '--config', 'min.insync.replicas=2'),
      created('strict'),
    )
    expectOutcome(await topics(dir, '--create', '--topic', 'lax'), created('lax'))
    expectOutcome(await topics(dir, '--describe', '--under-min-isr-partitions'), ok(partitionLines('strict', 2)))
    expectOutcome(await topics(dir, '--describe', '--at-min-isr-partitions'), ok(partitionLines('lax', 1)))
    expectOutcome(await topics(dir, '--describe', '--under-replicated-partitions'), ok())
    expectOutcome(await topics(dir, '--describe', '--unavailable-partitions'), ok())
  })

  test('--json describe: names, counts, sorted configs and zero offsets on fresh partitions', async () => {
    const dir = store()
    expectOutcome(
      await topics(
        dir,
        '--create',
        '--topic',
        'orders',
        '--partitions',
        '3',
        '--config',
        'retention.ms=3600000',
        '--config',
        'cleanup.policy=compact',
      ),
      created('orders'),
    )
    await createAll(dir, 'audit')
    const r = await topics(dir, '--describe', '--json')
    expect({status: r.status, stderr: r.stderr}).toEqual({status: 0, stderr: ''})
    const doc = JSON.parse(r.stdout) as {topics: JsonTopic[]}
    expect(doc.topics.map((t) => t.name)).toEqual(['audit', 'orders'])
    expect(doc.topics[0]).toMatchObject({
      configs: {},
      name: 'audit',
      partitionCount: 1,
      partitions: [freshPartition(0)],
      replicationFactor: 1,
    })
    expect(doc.topics[1]).toMatchObject({
      configs: {'cleanup.policy': 'compact', 'retention.ms': '3600000'},
      name: 'orders',
      partitionCount: 3,
      partitions: [freshPartition(0), freshPartition(1), freshPartition(2)],
      replicationFactor: 1,
    })
    expect(Object.keys(doc.topics[1].configs)).toEqual(['cleanup.policy', 'retention.ms'])
    for (const t of doc.topics) expect(t.topicId).toMatch(TOPIC_ID)
    // The JSON ids are the ids of the text layout.
    expect(maskIds((await topics(dir, '--describe')).stdout).ids).toEqual(doc.topics.map((t) => t.topicId))
    // Errors stay on stderr with --json.
    expectOutcome(await topics(dir, '--describe', '--topic', 'absent', '--json'), missing('absent'))
  })
})

describe.concurrent('kt topics --list', () => {
  test('an empty store prints one empty line', async () => {
    const dir = store()
    expectOutcome(await topics(dir, '--list'), ok('\n'))
  })

  test('lists names sorted in byte order, filtered by the --topic regex', async () => {
    const dir = store()
    await createAll(dir, 'orders', 'Orders', 'order-x', '9', 'a', 'test_topic', 'testXtopic', 'reorder')
    expectOutcome(await topics(dir, '--list'), ok('9\nOrders\na\norder-x\norders\nreorder\ntestXtopic\ntest_topic\n'))
    expectOutcome(await topics(dir, '--list', '--topic', 'ord.*'), ok('order-x\norders\n'))
    expectOutcome(await topics(dir, '--list', '--topic', 'orders,a'), ok('a\norders\n'))
    expectOutcome(await topics(dir, '--list', '--topic', 'order'), ok('\n'))
    expectOutcome(await topics(dir, '--list', '--topic', 'test.topic'), ok('testXtopic\ntest_topic\n'))
    expectOutcome(await topics(dir, '--list', '--topic', '"orders"'), ok('orders\n'))
    expectOutcome(await topics(dir, '--list', '--topic', 'ord[ae'), failed('ord[ae is an invalid regex.'))
  })

  test('--topic is a Java regex: inline flags such as (?i) work', async () => {
    const dir = store()
    await createAll(dir, 'orders', 'Orders', 'ORDERS', 'payments')
    expectOutcome(await topics(dir, '--list', '--topic', '(?i)orders'), ok('ORDERS\nOrders\norders\n'))
  })

  test('--json list: the sorted names', async () => {
    const dir = store()
    expectOutcome(await topics(dir, '--list', '--json'), ok('{\n  "topics": []\n}\n'))
    await createAll(dir, 'b', 'a', 'C')
    const r = await topics(dir, '--list', '--json')
    expect({status: r.status, stderr: r.stderr}).toEqual({status: 0, stderr: ''})
    expect(JSON.parse(r.stdout)).toEqual({topics: ['C', 'a', 'b']})
  })
})

describe.concurrent('kt topics --alter', () => {
  test('only increases the partition count; success is silent and describe shows the new count', async () => {
    const dir = store()
    expectOutcome(await topics(dir, '--create', '--topic', 'orders', '--partitions', '3'), created('orders'))
    const before = (await describeJson(dir, 'orders')).topicId
    expectOutcome(
      await topics(dir, '--alter', '--topic', 'orders', '--partitions', '2'),
      failed('The topic orders currently has 3 partition(s); 2 would not be an increase.'),
    )
    expectOutcome(
      await topics(dir, '--alter', '--topic', 'orders', '--partitions', '3'),
      failed('Topic already has 3 partition(s).'),
    )
    expectOutcome(await topics(dir, '--alter', '--topic', 'orders', '--partitions', '6'), ok())
    const ids = expectDescribe(await topics(dir, '--describe', '--topic', 'orders'), described('orders', 6))
    expect(ids).toEqual([before])
    const after = await describeJson(dir, 'orders')
    expect(after.partitions).toEqual([0, 1, 2, 3, 4, 5].map((p) => expect.objectContaining(freshPartition(p))))
  })

  test('a missing topic is an error; --if-exists makes it a silent no-op', async () => {
    const dir = store()
    expectOutcome(await topics(dir, '--alter', '--topic', 'absent', '--partitions', '6'), missing('absent'))
    expectOutcome(await topics(dir, '--alter', '--topic', 'absent', '--partitions', '6', '--if-exists'), ok())
    expectOutcome(await topics(dir, '--list'), ok('\n'))
  })

  test('alters every topic the regex matches', async () => {
    const dir = store()
    await createAll(dir, 'tmp1', 'tmp2', 'keep')
    expectOutcome(await topics(dir, '--alter', '--topic', 'tmp.*', '--partitions', '2'), ok())
    expectDescribe(await topics(dir, '--describe'), described('keep', 1) + described('tmp1', 2) + described('tmp2', 2))
  })

  test('--delete-config (Kafka 4.0) is accepted, ignored, and says so on stderr', async () => {
    const dir = store()
    await createAll(dir, 'orders')
    expectOutcome(
      await topics(dir, '--alter', '--topic', 'orders', '--partitions', '2', '--delete-config', 'retention.ms'),
      ok(
        '',
        'delete-config option is no longer supported and deprecated since version 4.0. The config will be fully removed in future releases.\n',
      ),
    )
    expectDescribe(await topics(dir, '--describe', '--topic', 'orders'), described('orders', 2))
  })
})

describe.concurrent('kt topics --delete', () => {
  test('deletes silently; the topic is gone from --list and --describe', async () => {
    const dir = store()
    await createAll(dir, 'orders', 'payments')
    expectOutcome(await topics(dir, '--delete', '--topic', 'orders'), ok())
    expectOutcome(await topics(dir, '--list'), ok('payments\n'))
    expectOutcome(await topics(dir, '--describe', '--topic', 'orders'), missing('orders'))
    expectOutcome(await topics(dir, '--delete', '--topic', 'payments'), ok())
    expectOutcome(await topics(dir, '--list'), ok('\n'))
  })

  test('a missing topic is an error; --if-exists makes it a silent no-op', async () => {
    const dir = store()
    await createAll(dir, 'present')
    expectOutcome(await topics(dir, '--delete', '--topic', 'absent'), missing('absent'))
    expectOutcome(await topics(dir, '--delete', '--topic', 'absent', '--if-exists'), ok())
    expectOutcome(await topics(dir, '--list'), ok('present\n'))
  })

  test('deletes every topic the regex matches', async () => {
    const dir = store()
    await createAll(dir, 'tmp1', 'tmp2', 'keep', 'xtmp1')
    expectOutcome(await topics(dir, '--delete', '--topic', 'tmp.*'), ok())
    expectOutcome(await topics(dir, '--list'), ok('keep\nxtmp1\n'))
  })

  test('re-creating a deleted topic gives a new TopicId and offsets from 0', async () => {
    const dir = store()
    expectOutcome(
      await topics(dir, '--create', '--topic', 'orders', '--partitions', '3', '--config', 'retention.ms=1000'),
      created('orders'),
    )
    const old = await describeJson(dir, 'orders')
    expectOutcome(await topics(dir, '--delete', '--topic', 'orders'), ok())
    expectOutcome(await topics(dir, '--create', '--topic', 'orders', '--partitions', '2'), created('orders'))
    const ids = expectDescribe(await topics(dir, '--describe', '--topic', 'orders'), described('orders', 2))
    expect(ids[0]).not.toBe(old.topicId)
    const fresh = await describeJson(dir, 'orders')
    expect(fresh).toMatchObject({configs: {}, partitionCount: 2, partitions: [freshPartition(0), freshPartition(1)]})
  })
})

describe.concurrent('kt topics usage errors (exit 2, one line on stderr)', () => {
  const oneAction = 'Command must include exactly one action: --list, --describe, --create, --alter or --delete'
  const cases: Array<[string[], string]> = [
    [['--topic', 'x'], oneAction],
    [['--create', '--list', '--topic', 'x'], oneAction],
    [['--describe', '--delete', '--topic', 'x'], oneAction],
    [['--create'], 'Missing required argument "[topic]"'],
    [['--create', '--partitions', '3'], 'Missing required argument "[topic]"'],
    [['--alter', '--partitions', '2'], 'Missing required argument "[topic]"'],
    [['--delete'], 'Missing required argument "[topic]"'],
    [['--alter', '--topic', 'x'], 'Missing required argument "[partitions]"'],
    [['--describe', '--if-exists'], '--topic or --topic-id is required to describe a topic'],
    [['--list', '--partitions', '3'], 'Option "[partitions]" can\'t be used with option "[list]"'],
    [['--describe', '--partitions', '3'], 'Option "[partitions]" can\'t be used with option "[describe]"'],
    [['--delete', '--topic', 'x', '--partitions', '3'], 'Option "[partitions]" can\'t be used with option "[delete]"'],
    [
      ['--alter', '--topic', 'x', '--partitions', '3', '--replication-factor', '1'],
      'Option "[replication-factor]" can\'t be used with option "[alter]"',
    ],
    [['--list', '--replication-factor', '1'], 'Option "[replication-factor]" can\'t be used with option "[list]"'],
    [['--list', '--config', 'retention.ms=1'], 'Option "[config]" can\'t be used with option "[list]"'],
    [
      ['--delete', '--topic', 'x', '--config', 'retention.ms=1'],
      'Option "[config]" can\'t be used with option "[delete]"',
    ],
    [
      ['--alter', '--topic', 'x', '--partitions', '3', '--config', 'retention.ms=1'],
      'Option combination "[config]" can\'t be used with option "[alter]" (To alter topic configurations, the kafka-configs tool can be used.)',
    ],
    [
      ['--alter', '--topic', 'x', '--config', 'retention.ms=1'],
      'Option combination "[config]" can\'t be used with option "[alter]" (To alter topic configurations, the kafka-configs tool can be used.)',
    ],
    [['--list', '--if-not-exists'], 'Option "[if-not-exists]" can\'t be used with option "[list]"'],
    [
      ['--describe', '--topic', 'x', '--if-not-exists'],
      'Option "[if-not-exists]" can\'t be used with option "[describe]"',
    ],
    [
      ['--alter', '--topic', 'x', '--partitions', '3', '--if-not-exists'],
      'Option "[if-not-exists]" can\'t be used with option "[alter]"',
    ],
    [['--delete', '--topic', 'x', '--if-not-exists'], 'Option "[if-not-exists]" can\'t be used with option "[delete]"'],
    [['--create', '--topic', 'x', '--if-exists'], 'Option "[if-exists]" can\'t be used with option "[create]"'],
    [['--list', '--if-exists'], 'Option "[if-exists]" can\'t be used with option "[list]"'],
    [
      ['--create', '--topic', 'x', '--exclude-internal'],
      'Option "[exclude-internal]" can\'t be used with option "[create]"',
    ],
    [
      ['--delete', '--topic', 'x', '--exclude-internal'],
      'Option "[exclude-internal]" can\'t be used with option "[delete]"',
    ],
    [
      ['--create', '--topic', 'x', '--replica-assignment', '1', '--partitions', '2'],
      'Option "[replica-assignment]" can\'t be used with option "[partitions]"',
    ],
    [
      ['--create', '--topic', 'x', '--replica-assignment', '1', '--replication-factor', '1'],
      'Option "[replica-assignment]" can\'t be used with option "[replication-factor]"',
    ],
    [['--list', '--replica-assignment', '1'], 'Option "[replica-assignment]" can\'t be used with option "[list]"'],
    [
      ['--list', '--under-replicated-partitions'],
      'Option "[under-replicated-partitions]" can\'t be used with option "[list]"',
    ],
    [
      ['--create', '--topic', 'x', '--at-min-isr-partitions'],
      'Option "[at-min-isr-partitions]" can\'t be used with option "[create]"',
    ],
    [
      ['--describe', '--topics-with-overrides', '--at-min-isr-partitions'],
      'Option "[at-min-isr-partitions]" can\'t be used with option "[topics-with-overrides]"',
    ],
    [
      ['--describe', '--topics-with-overrides', '--under-replicated-partitions'],
      'Option "[under-replicated-partitions]" can\'t be used with option "[topics-with-overrides]"',
    ],
    [
      ['--create', '--topic', 'x', '--topics-with-overrides'],
      'Option "[topics-with-overrides]" can\'t be used with option "[create]"',
    ],
    [['--list', '--foo'], 'foo is not a recognized option'],
    [['-list', '-foo'], 'foo is not a recognized option'],
  ]

  test.for(cases)('kt topics %j', async ([args, message]) => {
    const dir = store()
    expectOutcome(await topics(dir, ...args), usage(message))
  })

  test('--command-config without a cluster to connect to is a one-line usage error', async () => {
    const dir = store()
    const r = await topics(dir, '--list', '--command-config', join(dir, 'admin.properties'))
    expect({status: r.status, stdout: r.stdout, stderr: r.stderr}).toEqual({
      status: 2,
      stderr:
        '--command-config: client connection properties need a cluster to connect to; give --bootstrap-server (or KT_BOOTSTRAP_SERVER) too\n',
      stdout: '',
    })
    expectOutcome(await topics(dir, '--list'), ok('\n'))
  })

  test('a non-integer --partitions and a missing option value are one-line usage errors', async () => {
    const dir = store()
    expectOutcome(
      await topics(dir, '--create', '--topic', 'x', '--partitions', 'abc'),
      usage("Cannot parse argument 'abc' of option partitions."),
    )
    const r = await topics(dir, '--create', '--topic')
    expect({status: r.status, stdout: r.stdout}).toEqual({status: 2, stdout: ''})
    expect(r.stderr).toMatch(/^[^\n]*topic[^\n]*\n$/)
  })
})

describe.concurrent('kt topics: Kafka-style command lines', () => {
  test('single-dash long options work like their -- forms', async () => {
    const dir = store()
    expectOutcome(await kt(dir, ['topics', '-create', '-topic', 'sd', '-partitions', '3']), created('sd'))
    expectOutcome(
      await kt(dir, ['topics', '-create', '-topic', 'sd2', '-config', 'retention.ms=1000', '-replication-factor', '1']),
      created('sd2'),
    )
    expectOutcome(await kt(dir, ['topics', '-list']), ok('sd\nsd2\n'))
    expectDescribe(await kt(dir, ['topics', '-describe', '-topic', 'sd']), described('sd', 3))
    expectDescribe(
      await kt(dir, ['topics', '-describe', '-topics-with-overrides']),
      summaryLine('sd2', 1, 'retention.ms=1000'),
    )
    expectOutcome(await kt(dir, ['topics', '-alter', '-topic', 'sd', '-partitions', '5']), ok())
    expectDescribe(await kt(dir, ['topics', '-describe', '-topic', 'sd']), described('sd', 5))
    expectOutcome(await kt(dir, ['topics', '-delete', '-topic', 'sd2']), ok())
    expectOutcome(await kt(dir, ['topics', '-list', '-exclude-internal']), ok('sd\n'))
    // A negative value after an option taking one is a value, not an option.
    expectOutcome(
      await kt(dir, ['topics', '-create', '-topic', 'neg', '-partitions', '-1']),
      failed('The partitions must be greater than 0'),
    )
  })

  test('--data-dir on the command line wins over KT_DATA_DIR', async () => {
    const envDir = store()
    const flagDir = join(store(), 'elsewhere')
    expectOutcome(await topics(envDir, '--data-dir', flagDir, '--create', '--topic', 'here'), created('here'))
    expectOutcome(await topics(envDir, '--data-dir', flagDir, '--list'), ok('here\n'))
    expectOutcome(await topics(envDir, '--list'), ok('\n'))
  })

  test('kt --help lists the topics command and exits 0', async () => {
    const dir = store()
    const r = await kt(dir, ['--help'])
    expect({status: r.status, stderr: r.stderr}).toEqual({status: 0, stderr: ''})
    expect(r.stdout).toMatch(/^ {2}topics +Create, delete, describe, or change a topic\.$/m)
  })

  test.for(['--help', '-help'])('kt topics %s prints the usage on stdout and exits 0', async (help) => {
    const dir = store()
    const r = await kt(dir, ['topics', help])
    expect({status: r.status, stderr: r.stderr}).toEqual({status: 0, stderr: ''})
    expect(r.stdout).toContain('Create, delete, describe, or change a topic.')
    for (const flag of ['--create', '--list', '--describe', '--alter', '--delete', '--topic', '--partitions'])
      expect(r.stdout).toContain(flag)
  })

  test('kt topics --version prints the version on stdout and exits 0', async () => {
    const dir = store()
    const r = await kt(dir, ['topics', '--version'])
    expect({status: r.status, stderr: r.stderr}).toEqual({status: 0, stderr: ''})
    expect(r.stdout).toMatch(/^[^\n]+\n$/)
    expect(r.stdout).toContain(KT_VERSION)
  })
})

describe.concurrent('kt topics across processes', () => {
  const BUSY = /SQLITE_BUSY|database is locked/i

  test('two processes creating the same topic at once: one creates it, the other gets "already exists"', async () => {
    // A brand-new data dir, so the first round also races on creating the store.
    const dir = join(store(), 'new-store')
    const names: string[] = []
    for (let round = 1; round <= 5; round++) {
      const name = `race-${round}`
      names.push(name)
      const results = await Promise.all([0, 1].map(() => collect(spawnTopics(dir, name))))
      for (const r of results) expect(r.stderr).not.toMatch(BUSY)
      const outcomes = results.map(outcome).sort((a, b) => (a.status ?? 99) - (b.status ?? 99))
      expect(outcomes, `round ${round}`).toEqual([created(name), failed(`Topic '${name}' already exists.`)])
    }

    expectOutcome(await topics(dir, '--list'), ok(names.join('\n') + '\n'))
  })

  test('two processes creating different topics at once on a brand-new data dir both succeed', async () => {
    for (let round = 1; round <= 3; round++) {
      const dir = join(store(), 'new-store')
      const results = await Promise.all(['left', 'right'].map((name) => collect(spawnTopics(dir, name))))
      for (const r of results) expect(r.stderr).not.toMatch(BUSY)
      expect(results.map(outcome), `round ${round}`).toEqual([created('left'), created('right')])
      expectOutcome(await topics(dir, '--list'), ok('left\nright\n'))
    }
  })

  test('the store is created private: directory 0700, store files 0600, even under umask 000', async () => {
    const dir = join(store(), 'private', 'store')
    const run = async (...args: string[]) => {
      const child = spawn('/bin/sh', ['-c', 'umask 000 && exec "$@"', 'sh', process.execPath, BIN, 'topics', ...args], {
        env: {...process.env, KT_DATA_DIR: dir, NO_COLOR: '1'},
        stdio: ['pipe', 'pipe', 'pipe'],
      })
      child.stdin!.end()
      return collect(child)
    }

    const check = () => {
      expect(statSync(dir).mode & 0o777).toBe(0o700)
      const files = readdirSync(dir).filter((f) => f.startsWith('kt.db'))
      expect(files).toContain('kt.db')
      for (const f of files)
        expect({file: f, mode: statSync(join(dir, f)).mode & 0o777}).toEqual({file: f, mode: 0o600})
    }

    expectOutcome(await run('--list'), ok('\n'))
    check()
    expectOutcome(await run('--create', '--topic', 'orders'), created('orders'))
    check()
  })

  test('an existing data dir keeps working: a store made by one process is read by the next', async () => {
    const dir = join(store(), 'made-here')
    mkdirSync(dir, {mode: 0o700})
    expectOutcome(await topics(dir, '--create', '--topic', 'orders', '--partitions', '2'), created('orders'))
    expectDescribe(await topics(dir, '--describe'), described('orders', 2))
  })
})

function spawnTopics(dir: string, name: string) {
  const child = spawnKt(dir, ['topics', '--create', '--topic', name])
  child.stdin!.end()
  return child
}
