// End-to-end tests of remote mode (--bootstrap-server): `kt broker` is started on an ephemeral
// port over its own store, and the same tour of every tool runs once against it remotely and
// once on an embedded store; the two must print the same bytes (topic ids normalised) and leave
// the same committed-offset rows. Also: an unreachable address fails quickly with one line, and a
// SASL setting against a listener without SASL says so. Reference: issue 11;
// shared/reference/remote-mode.md.
import {type ChildProcess} from 'node:child_process'
import {createServer} from 'node:net'
import {existsSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import Database from 'better-sqlite3'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {kt, type KtResult, spawnKt, tempDirsForFile} from '../helpers/kt.js'

const tempDir = tempDirsForFile()
/** The tour covers kt consumer-groups once that command is part of the build. */
const HAS_CONSUMER_GROUPS = existsSync(fileURLToPath(new URL('../../lib/commands/consumer-groups.js', import.meta.url)))

let broker: ChildProcess | undefined
let brokerDir = ''
let address = ''

/** Starts `kt broker` on 127.0.0.1 port 0 and reads the address it bound from its stderr line. */
beforeAll(async () => {
  brokerDir = tempDir()
  // A short initial rebalance delay keeps the group steps quick (Kafka's default is 3 s).
  writeFileSync(join(brokerDir, 'server.properties'), 'group.initial.rebalance.delay.ms=0\n')
  broker = spawnKt(brokerDir, ['broker', '--listeners', 'PLAINTEXT://127.0.0.1:0'])
  address = await new Promise<string>((resolve, reject) => {
    let err = ''
    const timer = setTimeout(() => reject(new Error(`kt broker did not start: ${err}`)), 20_000)
    broker!.stderr!.on('data', (d: Buffer) => {
      err += d.toString()
      const m = /listening on PLAINTEXT:\/\/(127\.0\.0\.1:\d+)/.exec(err)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    broker!.on('exit', (code) => reject(new Error(`kt broker exited (${code}): ${err}`)))
  })
}, 30_000)

afterAll(() => {
  broker?.kill('SIGTERM')
})

/** What a run printed, with the parts that differ by nature (topic ids) normalised. */
function printed(r: KtResult): {status: number | null; stdout: string; stderr: string} {
  const norm = (s: string) => s.replaceAll(/TopicId: [\w-]{22}/g, 'TopicId: <id>')
  return {status: r.status, stderr: norm(r.stderr), stdout: norm(r.stdout)}
}

const lines = (from: number, to: number) =>
  Array.from({length: to - from}, (_, i) => `key-${(from + i) % 7}:value-${from + i}`).join('\n') + '\n'

/** The tour of the seeds: create, describe, list, produce keyed lines, consume with a group, resume. */
async function tour(run: (args: string[], input?: string) => Promise<KtResult>, storeDir: string) {
  const steps: Record<string, ReturnType<typeof printed>> = {}
  const step = async (name: string, args: string[], input?: string) => {
    steps[name] = printed(await run(args, input))
  }

  await step('create', ['topics', '--create', '--topic', 'tour', '--partitions', '3', '--replication-factor', '1'])
  await step('create again', ['topics', '--create', '--topic', 'tour', '--partitions', '3'])
  await step('list', ['topics', '--list'])
  await step('describe', ['topics', '--describe', '--topic', 'tour'])
  await step(
    'produce',
    ['console-producer', '--topic', 'tour', '--property', 'parse.key=true', '--property', 'key.separator=:'],
    lines(0, 30),
  )
  const show = ['--property', 'print.key=true', '--property', 'print.partition=true', '--property', 'print.offset=true']
  await step('consume 20', [
    'console-consumer',
    '--topic',
    'tour',
    '--group',
    'tour-group',
    '--from-beginning',
    '--max-messages',
    '20',
    ...show,
  ])
  await step('consume the rest', [
    'console-consumer',
    '--topic',
    'tour',
    '--group',
    'tour-group',
    '--max-messages',
    '10',
    ...show,
  ])
  await step(
    'produce more',
    ['console-producer', '--topic', 'tour', '--property', 'parse.key=true', '--property', 'key.separator=:'],
    lines(30, 35),
  )
  await step('consume new', [
    'console-consumer',
    '--topic',
    'tour',
    '--group',
    'tour-group',
    '--max-messages',
    '5',
    ...show,
  ])
  if (HAS_CONSUMER_GROUPS) {
    // kt consumer-groups (branch cgcmd): the lag, the reset plan, the reset, and the replay.
    await step('describe the lag', ['consumer-groups', '--describe', '--group', 'tour-group'])
    const reset = ['consumer-groups', '--reset-offsets', '--to-earliest', '--group', 'tour-group', '--topic', 'tour']
    await step('reset plan', reset)
    await step('reset', [...reset, '--execute'])
    await step('replay', [
      'console-consumer',
      '--topic',
      'tour',
      '--group',
      'tour-group',
      '--max-messages',
      '35',
      ...show,
    ])
  }

  await step('one partition from an offset', [
    'console-consumer',
    '--topic',
    'tour',
    '--partition',
    '2',
    '--offset',
    '3',
    '--max-messages',
    '4',
    ...show,
  ])
  await step('describe with offsets', ['topics', '--describe', '--topic', 'tour'])
  const rows = offsetRows(storeDir, 'tour-group')
  await step('delete', ['topics', '--delete', '--topic', 'tour'])
  await step('list after delete', ['topics', '--list'])
  return {rows, steps}
}

/** The committed-offset rows of a store's kt.db. */
function offsetRows(dir: string, group: string): unknown[] {
  const db = new Database(join(dir, 'kt.db'), {readonly: true})
  try {
    return db
      .prepare(
        'SELECT topic, partition, committed_offset FROM group_offsets WHERE group_id = ? ORDER BY topic, partition',
      )
      .all(group)
  } finally {
    db.close()
  }
}

describe('the tour against kt broker matches the embedded store', () => {
  test('same output, byte for byte; same committed offsets', async () => {
    const embeddedDir = tempDir()
    // The remote runs' own data dir stays empty: everything goes to the broker's store. The two
    // tours touch different stores, so they run side by side.
    const clientDir = tempDir()
    const [embedded, remote] = await Promise.all([
      tour((args, input) => kt(embeddedDir, args, {input, timeoutMs: 120_000}), embeddedDir),
      tour(
        (args, input) => kt(clientDir, [...args, '--bootstrap-server', address], {input, timeoutMs: 120_000}),
        brokerDir,
      ),
    ])
    expect(remote.steps).toEqual(embedded.steps)
    expect(embedded.steps['consume 20'].stderr).toBe('Processed a total of 20 messages\n')
    if (HAS_CONSUMER_GROUPS) {
      expect(embedded.steps['describe the lag'].stdout).toMatch(/^\nGROUP +TOPIC +PARTITION +CURRENT-OFFSET/)
      expect(embedded.steps.reset.stdout).toContain('NEW-OFFSET')
      expect(embedded.steps.replay.stderr).toBe('Processed a total of 35 messages\n')
    }

    expect(embedded.steps['create again']).toEqual({
      status: 1,
      stderr: "Error while executing topic command : Topic 'tour' already exists.\n",
      stdout: '',
    })
    // Written through the cluster's coordinator, the rows are those the embedded consumer wrote:
    // 35 records read, every partition committed at its log end offset.
    expect(remote.rows).toEqual(embedded.rows)
    expect(embedded.rows).toHaveLength(3)
    expect((embedded.rows as Array<{committed_offset: number}>).reduce((n, r) => n + r.committed_offset, 0)).toBe(35)
  }, 600_000)

  test('KT_BOOTSTRAP_SERVER stands for --bootstrap-server', async () => {
    const dir = tempDir()
    const create = await kt(dir, ['topics', '--create', '--topic', 'by-env', '--partitions', '2'], {
      env: {KT_BOOTSTRAP_SERVER: address},
    })
    expect(printed(create)).toEqual({status: 0, stderr: '', stdout: 'Created topic by-env.\n'})
    // It went to the broker, not to the (empty) local store.
    const local = await kt(dir, ['topics', '--list'])
    expect(local.status).toBe(0)
    expect(local.stdout).not.toContain('by-env')
    const remote = await kt(dir, ['topics', '--list'], {env: {KT_BOOTSTRAP_SERVER: address}})
    expect(remote.stdout.split('\n')).toContain('by-env')
  }, 60_000)
})

describe('a missing topic or partition is refused in the same words as on the embedded store', () => {
  test('console-consumer --partition of a missing topic, and of a partition past the last', async () => {
    const remoteDir = tempDir()
    const embeddedDir = tempDir()
    const remote = ['--bootstrap-server', address]
    await kt(remoteDir, ['topics', '--create', '--topic', 'three-partitions', '--partitions', '3', ...remote])
    await kt(embeddedDir, ['topics', '--create', '--topic', 'three-partitions', '--partitions', '3'])
    for (const [topic, partition] of [
      ['never-created', '0'],
      ['three-partitions', '5'],
    ]) {
      const args = ['console-consumer', '--topic', topic, '--partition', partition, '--max-messages', '1']
      const there = printed(await kt(remoteDir, [...args, ...remote]))
      const here = printed(await kt(embeddedDir, args))
      expect(here.status).toBe(1)
      expect(there).toEqual(here)
    }
  }, 60_000)
})

describe('producing through the wire', () => {
  test('many small batches of one flush arrive whole and in order', async () => {
    const dir = tempDir()
    const remote = ['--bootstrap-server', address]
    await kt(dir, ['topics', '--create', '--topic', 'small-batches', '--partitions', '1', ...remote])
    const input = Array.from({length: 5000}, (_, i) => `record-${i}-${'z'.repeat(i % 50)}`).join('\n') + '\n'
    // 512-byte batches: about 300 of them in one flush, sent as a few merged requests.
    const produced = await kt(dir, ['console-producer', '--topic', 'small-batches', '--batch-size', '512', ...remote], {
      input,
    })
    expect({status: produced.status, stderr: produced.stderr}).toEqual({status: 0, stderr: ''})
    const consumed = await kt(dir, [
      'console-consumer',
      '--topic',
      'small-batches',
      '--partition',
      '0',
      '--offset',
      'earliest',
      '--max-messages',
      '5000',
      ...remote,
    ])
    expect(printed(consumed)).toEqual({status: 0, stderr: 'Processed a total of 5000 messages\n', stdout: input})
  }, 60_000)
})

describe('connection failures are one line', () => {
  test('a closed local port fails at once, naming the address', async () => {
    const port = await closedPort()
    const started = Date.now()
    const r = await kt(tempDir(), ['topics', '--list', '--bootstrap-server', `127.0.0.1:${port}`])
    expect(printed(r)).toEqual({
      status: 1,
      stderr: `Error while executing topic command : Cannot connect to the cluster at 127.0.0.1:${port}: connection refused\n`,
      stdout: '',
    })
    // Well within Kafka's default request.timeout.ms (30 s): refused connections are not retried for long.
    expect(Date.now() - started).toBeLessThan(25_000)
  }, 60_000)

  test('a broker that never answers fails after request.timeout.ms, not later', async () => {
    // Accepts connections and never answers a request.
    const silent = createServer(() => {})
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const {port} = silent.address() as {port: number}
    const dir = tempDir()
    const config = join(dir, 'client.properties')
    writeFileSync(config, 'request.timeout.ms=1500\n')
    try {
      const started = Date.now()
      const r = await kt(dir, [
        'topics',
        '--list',
        '--bootstrap-server',
        `127.0.0.1:${port}`,
        '--command-config',
        config,
      ])
      expect(printed(r)).toEqual({
        status: 1,
        stderr: `Error while executing topic command : Timed out waiting for the cluster at 127.0.0.1:${port} (Request timed out)\n`,
        stdout: '',
      })
      // One request timeout plus start-up, far from Kafka's default 30 s (generous: shared CI cores).
      expect(Date.now() - started).toBeLessThan(20_000)
    } finally {
      silent.close()
    }
  }, 60_000)

  test('the consumer against a closed port: the error, then the count', async () => {
    const port = await closedPort()
    const r = await kt(tempDir(), ['console-consumer', '--topic', 't', '--bootstrap-server', `127.0.0.1:${port}`])
    expect(printed(r)).toEqual({
      status: 1,
      stderr: `Error: Cannot connect to the cluster at 127.0.0.1:${port}: connection refused\nProcessed a total of 0 messages\n`,
      stdout: '',
    })
  }, 60_000)

  test('SASL against a listener without SASL says which setting to check', async () => {
    const dir = tempDir()
    const config = join(dir, 'client.properties')
    writeFileSync(
      config,
      [
        'security.protocol=SASL_PLAINTEXT',
        'sasl.mechanism=PLAIN',
        'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="secret";',
        '',
      ].join('\n'),
    )
    const r = await kt(dir, ['topics', '--list', '--bootstrap-server', address, '--command-config', config])
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(
      new RegExp(
        `^Error while executing topic command : Connection to ${address.replaceAll('.', '\\.')} failed with security\\.protocol=SASL_PLAINTEXT sasl\\.mechanism=PLAIN: [^\\n]+ \\(does the listener accept that security protocol\\?\\)\\n$`,
      ),
    )
  }, 60_000)

  test('settings kt cannot honour are named in one warning line', async () => {
    const dir = tempDir()
    const config = join(dir, 'client.properties')
    writeFileSync(config, 'request.timeout.ms=20000\nsasl.kerberos.service.name=kafka\nfoo.bar=1\n')
    const r = await kt(dir, ['topics', '--list', '--bootstrap-server', address, '--command-config', config])
    expect({status: r.status, stderr: r.stderr}).toEqual({
      status: 0,
      stderr: 'WARN client configs kt does not honour against a Kafka cluster: foo.bar, sasl.kerberos.service.name\n',
    })
  }, 60_000)

  test('--command-config without a cluster is a usage error', async () => {
    const r = await kt(tempDir(), ['topics', '--list', '--command-config', '/nonexistent'])
    expect(printed(r)).toEqual({
      status: 2,
      stderr:
        '--command-config: client connection properties need a cluster to connect to; give --bootstrap-server (or KT_BOOTSTRAP_SERVER) too\n',
      stdout: '',
    })
  })
})

/** A local port nothing listens on: bound, then closed. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as {port: number}
      server.close(() => resolve(port))
    })
  })
}
