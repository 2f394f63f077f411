// kt configs and kt delete-records with --bootstrap-server (issue 11), as kafka-configs and
// kafka-delete-records run against a cluster: `kt broker` runs on an ephemeral port over its own
// store, the same steps run once remotely and once embedded on a twin store, and the two must
// print the same bytes (topic ids normalised) with the same exit statuses. Then real clients
// check that the broker honours the changes: kcat reads from the new log start offset, kafkajs
// sees the altered configs and alters them itself (AlterConfigs, DeleteRecords v1). Also which
// versions kt's remote mode negotiated (IncrementalAlterConfigs, DeleteRecords, DescribeLogDirs).
import {type ChildProcess} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {kt, type KtResult, spawnKt, tempDirsForFile} from '../helpers/kt.js'
import {HAS_KCAT, negotiated, run} from '../server/broker-process.js'

const tempDir = tempDirsForFile()
/**
 * The broker's and the twin store's server.properties: a static setting shows in --all, and a
 * topic config's broker synonym (log.segment.bytes) shows under kt topics --describe's configs in
 * both modes, as Kafka's does (Kafka's quickstart prints segment.bytes=1073741824).
 */
const PROPERTIES = {'group.initial.rebalance.delay.ms': '0', 'log.segment.bytes': '1073741824'}

let broker: ChildProcess | undefined
/** Everything the broker wrote to stderr (--log-requests: one line per request). */
let brokerErr = ''
let address = ''

// The broker lives as long as this file's tests (startBroker's helper bounds a broker's life
// to 60 s, less than these steps take on a loaded machine).
beforeAll(async () => {
  const brokerDir = tempDir()
  writeFileSync(
    join(brokerDir, 'server.properties'),
    Object.entries(PROPERTIES)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  )
  const child = spawnKt(brokerDir, ['broker', '--listeners', 'PLAINTEXT://127.0.0.1:0', '--log-requests'])
  broker = child
  child.stderr!.on('data', (d: Buffer) => {
    brokerErr += d.toString()
  })
  address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kt broker did not start: ${brokerErr}`)), 20_000)
    const check = () => {
      const m = /listening on PLAINTEXT:\/\/(127\.0\.0\.1:\d+)/.exec(brokerErr)
      if (m) {
        clearTimeout(timer)
        child.stderr!.off('data', check)
        resolve(m[1])
      }
    }

    child.stderr!.on('data', check)
    child.once('exit', (code) => reject(new Error(`kt broker exited (${code}): ${brokerErr}`)))
  })
}, 30_000)

afterAll(async () => {
  if (!broker || broker.exitCode !== null) return
  const exited = new Promise((resolve) => broker!.once('exit', resolve))
  broker.kill('SIGTERM')
  await exited
})

type Printed = {status: number | null; stdout: string; stderr: string}

function printed(r: KtResult): Printed {
  const norm = (s: string) => s.replaceAll(/"topicId": "[\w-]{22}"/g, '"topicId": "<id>"')
  return {status: r.status, stderr: norm(r.stderr), stdout: norm(r.stdout)}
}

const keyed = Array.from({length: 40}, (_, i) => `key-${i % 5}:value-${i}`).join('\n') + '\n'

/** The steps of kafka-configs and kafka-delete-records, on one topic with keyed records. */
async function steps(run: (args: string[], input?: string) => Promise<KtResult>, scratch: string) {
  const out: Record<string, Printed> = {}
  const step = async (name: string, args: string[], input?: string) => {
    out[name] = printed(await run(args, input))
  }

  const topic = ['--entity-type', 'topics', '--entity-name', 'cfg']
  await step('create', ['topics', '--create', '--topic', 'cfg', '--partitions', '3'])
  await step(
    'produce',
    ['console-producer', '--topic', 'cfg', '--property', 'parse.key=true', '--property', 'key.separator=:'],
    keyed,
  )
  // A second batch in each partition, so that deleting up to the first batch's end leaves
  // whole batches (kt's recordCount counts stored records, which a client cannot see remotely).
  const first = JSON.parse((await run(['topics', '--describe', '--topic', 'cfg', '--json'])).stdout) as {
    topics: {partitions: {logEndOffset: number}[]}[]
  }
  await step(
    'produce more',
    ['console-producer', '--topic', 'cfg', '--property', 'parse.key=true', '--property', 'key.separator=:'],
    keyed,
  )
  const offsetsFile = join(scratch, 'offsets.json')
  writeFileSync(
    offsetsFile,
    JSON.stringify({
      partitions: [
        {offset: first.topics[0].partitions[0].logEndOffset, partition: 0, topic: 'cfg'},
        {offset: 1000, partition: 1, topic: 'cfg'},
        {offset: 1, partition: 9, topic: 'cfg'},
        {offset: 1, partition: 0, topic: 'ghost'},
      ],
      version: 1,
    }),
  )
  await step('describe none', ['configs', ...topic, '--describe'])
  await step('alter', [
    'configs',
    ...topic,
    '--alter',
    '--add-config',
    'retention.ms=3600000,cleanup.policy=[compact,delete],max.message.bytes=2000000',
  ])
  await step('describe', ['configs', ...topic, '--describe'])
  await step('describe all', ['configs', ...topic, '--describe', '--all'])
  await step('describe json', ['configs', '--topic', 'cfg', '--describe', '--json'])
  await step('invalid value', ['configs', ...topic, '--alter', '--add-config', 'retention.ms=abc'])
  await step('unknown config', ['configs', ...topic, '--alter', '--add-config', 'no.such.config=1'])
  await step('delete unset', ['configs', ...topic, '--alter', '--delete-config', 'segment.ms'])
  await step('delete', ['configs', ...topic, '--alter', '--delete-config', 'retention.ms,max.message.bytes'])
  await step('describe after delete', ['configs', ...topic, '--describe'])
  await step('alter json', ['configs', '--topic', 'cfg', '--alter', '--add-config', 'segment.ms=600000', '--json'])
  await step('every topic', ['configs', '--entity-type', 'topics', '--describe'])
  await step('alter missing topic', [
    'configs',
    '--entity-type',
    'topics',
    '--entity-name',
    'ghost',
    '--alter',
    '--add-config',
    'retention.ms=1',
  ])
  await step('describe missing topic', ['configs', '--topic', 'ghost', '--describe'])
  await step('describe all missing topic', ['configs', '--topic', 'ghost', '--describe', '--all'])
  await step('brokers', ['configs', '--entity-type', 'brokers', '--describe'])
  await step('broker all', ['configs', '--entity-type', 'brokers', '--entity-name', '1', '--describe', '--all'])
  await step('broker defaults', ['configs', '--entity-type', 'brokers', '--entity-default', '--describe'])
  await step('other broker', ['configs', '--broker', '7', '--describe'])
  await step('alter broker', ['configs', '--broker', '1', '--alter', '--add-config', 'log.retention.hours=1'])
  await step('alter broker defaults', ['configs', '--broker-defaults', '--alter', '--delete-config', 'num.partitions'])
  await step('delete records', ['delete-records', '--offset-json-file', offsetsFile])
  await step('delete records again', ['delete-records', '--offset-json-file', offsetsFile, '--json'])
  await step('delete all of one', ['delete-records', '--topic', 'cfg', '--partition', '2', '--before-offset', '-1'])
  await step('describe sizes', ['topics', '--describe', '--topic', 'cfg', '--json'])
  await step('from the new start', [
    'console-consumer',
    '--topic',
    'cfg',
    '--partition',
    '0',
    '--offset',
    'earliest',
    '--max-messages',
    '3',
    '--property',
    'print.offset=true',
    '--property',
    'print.key=true',
  ])
  return out
}

describe('kt configs and kt delete-records against kt broker match the embedded store', () => {
  test('same bytes, same exit statuses; the cluster keeps the changes', async () => {
    const embeddedDir = tempDir()
    writeFileSync(
      join(embeddedDir, 'server.properties'),
      Object.entries(PROPERTIES)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    )
    const clientDir = tempDir()
    const [embedded, remote] = await Promise.all([
      steps((args, input) => kt(embeddedDir, args, {input, timeoutMs: 120_000}), tempDir()),
      steps(
        (args, input) => kt(clientDir, [...args, '--bootstrap-server', address], {input, timeoutMs: 120_000}),
        tempDir(),
      ),
    ])
    expect(remote).toEqual(embedded)

    // What the embedded steps printed is Kafka's text (so the equality above is not of two errors).
    expect(embedded.alter).toEqual({status: 0, stderr: '', stdout: 'Completed updating config for topic cfg.\n'})
    expect(embedded.describe.stdout).toBe(
      'Dynamic configs for topic cfg are:\n' +
        '  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}\n' +
        '  max.message.bytes=2000000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:max.message.bytes=2000000, DEFAULT_CONFIG:message.max.bytes=1048588}\n' +
        '  retention.ms=3600000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=3600000, DEFAULT_CONFIG:log.retention.hours=168}\n',
    )
    expect(embedded['invalid value']).toEqual({
      status: 1,
      stderr: 'Invalid value abc for configuration retention.ms: Not a number of type LONG\n',
      stdout: '',
    })
    expect(embedded['delete unset']).toEqual({status: 1, stderr: 'Invalid config(s): segment.ms\n', stdout: ''})
    expect(embedded['alter broker defaults']).toEqual({
      status: 1,
      stderr:
        "kt's broker settings are static: edit server.properties in the data directory (kt has no dynamic broker configs)\n",
      stdout: '',
    })
    expect(embedded['alter missing topic'].stderr).toBe("Topic 'ghost' does not exist as expected\n")
    expect(embedded['describe all'].stdout).toContain(
      '  retention.ms=3600000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=3600000',
    )
    expect(embedded['broker all'].stdout).toMatch(
      /\n {2}group\.initial\.rebalance\.delay\.ms=0 sensitive=false synonyms=\{STATIC_BROKER_CONFIG:group\.initial\.rebalance\.delay\.ms=0, DEFAULT_CONFIG:group\.initial\.rebalance\.delay\.ms=\d+\}\n/,
    )
    type Described = {topics: {partitions: {logStartOffset: number; sizeBytes: number}[]}[]}
    const start = (JSON.parse(embedded['describe sizes'].stdout) as Described).topics[0].partitions[0].logStartOffset
    expect(start).toBeGreaterThan(0)
    expect(embedded['delete records']).toEqual({
      status: 1,
      stderr: '',
      stdout:
        'Executing records delete operation\nRecords delete operation completed:\n' +
        `partition: cfg-0\tlow_watermark: ${start}\n` +
        'partition: cfg-1\terror: org.apache.kafka.common.errors.OffsetOutOfRangeException: The requested offset is not within the range of offsets maintained by the server.\n' +
        'partition: cfg-9\terror: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.\n' +
        'partition: ghost-0\terror: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.\n',
    })
    expect(embedded['from the new start'].stdout).toMatch(new RegExp(`^Offset:${start}\t`))
    // Remote sizes come from DescribeLogDirs; equal to the embedded ones above, and not zero.
    const sizes = (JSON.parse(remote['describe sizes'].stdout) as Described).topics[0].partitions
    expect(sizes[0].sizeBytes).toBeGreaterThan(0)

    // The versions kt's remote mode (@platformatic/kafka) sent.
    const versions = negotiated(brokerErr, /./)
    expect(versions.get('IncrementalAlterConfigs')).toBe(1)
    expect(versions.get('DeleteRecords')).toBe(2)
    expect(versions.get('DescribeLogDirs')).toBe(4)
    expect(versions.get('DescribeConfigs')).toBe(4)
  }, 600_000)

  test.skipIf(!HAS_KCAT)(
    'kcat -C -o beginning starts at the log start offset delete-records set',
    async () => {
      const file = join(tempDir(), 'offsets.json')
      writeFileSync(file, JSON.stringify({partitions: [{offset: 5, partition: 0, topic: 'trimmed'}], version: 1}))
      const client = tempDir()
      const b = ['--bootstrap-server', address]
      expect((await kt(client, ['topics', '--create', '--topic', 'trimmed', ...b])).status).toBe(0)
      const lines = Array.from({length: 8}, (_, i) => `v${i}`).join('\n') + '\n'
      expect((await kt(client, ['console-producer', '--topic', 'trimmed', ...b], {input: lines})).status).toBe(0)
      const deleted = await kt(client, ['delete-records', '--offset-json-file', file, ...b])
      expect(deleted.stdout).toContain('partition: trimmed-0\tlow_watermark: 5\n')
      const r = run('kcat', ['-b', address, '-C', '-t', 'trimmed', '-p', '0', '-o', 'beginning', '-e', '-f', '%o %s\n'])
      expect(r.stdout).toBe('5 v5\n6 v6\n7 v7\n')
    },
    120_000,
  )

  test('kafkajs sees kt configs changes, and its AlterConfigs and DeleteRecords reach kt', async () => {
    const kafka = new Kafka({brokers: [address], clientId: 'kafkajs-admin', logLevel: logLevel.NOTHING})
    const admin = kafka.admin()
    await admin.connect()
    try {
      const client = tempDir()
      const b = ['--bootstrap-server', address]
      expect((await kt(client, ['topics', '--create', '--topic', 'js', ...b])).status).toBe(0)
      const alter = ['configs', '--topic', 'js', '--alter', '--add-config', 'retention.ms=5000', ...b]
      expect((await kt(client, alter)).status).toBe(0)
      const seen = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{configNames: ['retention.ms'], name: 'js', type: 2}],
      })
      expect(seen.resources[0].configEntries.map((e) => [e.configName, e.configValue, e.isDefault])).toEqual([
        ['retention.ms', '5000', false],
      ])

      // AlterConfigs replaces the whole set of overrides: retention.ms goes, segment.ms comes.
      await admin.alterConfigs({
        resources: [{configEntries: [{name: 'segment.ms', value: '700000'}], name: 'js', type: 2}],
        validateOnly: false,
      })
      const described = await kt(client, ['configs', '--topic', 'js', '--describe', ...b])
      expect(described.stdout).toBe(
        'Dynamic configs for topic js are:\n' +
          '  segment.ms=700000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:segment.ms=700000, DEFAULT_CONFIG:log.roll.hours=168}\n',
      )
      await expect(
        admin.alterConfigs({
          resources: [{configEntries: [{name: 'segment.ms', value: 'soon'}], name: 'js', type: 2}],
          validateOnly: false,
        }),
      ).rejects.toMatchObject({type: 'INVALID_CONFIG'})

      const input = 'a\nb\nc\n'
      expect((await kt(client, ['console-producer', '--topic', 'js', ...b], {input})).status).toBe(0)
      await admin.deleteTopicRecords({partitions: [{offset: '2', partition: 0}], topic: 'js'})
      expect(await admin.fetchTopicOffsets('js')).toEqual([{high: '3', low: '2', offset: '3', partition: 0}])
      await new Promise((r) => setTimeout(r, 300))
      const versions = negotiated(brokerErr, /^kafkajs-admin$/)
      expect(versions.get('AlterConfigs')).toBe(1)
      expect(versions.get('DeleteRecords')).toBe(1)
    } finally {
      await admin.disconnect()
    }
  }, 120_000)
})
