// Regression tests for the acceptance pass of remote mode (--bootstrap-server against `kt broker`,
// compared with the embedded store): adding partitions without an assignment, acks=0, deleting
// the offsets of a live group's topics, a server that never answers, a JoinGroup held by the
// initial rebalance delay, and a TLS client at a plaintext listener. Reference:
// shared/reference/kafka-cli.md §5.7, shared/reference/remote-mode.md.
import {type ChildProcess} from 'node:child_process'
import {createServer, type Server, type Socket} from 'node:net'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {collect, kt, type KtResult, spawnKt, tempDirsForFile, waitFor} from '../helpers/kt.js'
import {type RunningBroker, startKtBroker} from '../remote/kt-broker.js'

const tempDir = tempDirsForFile()
let broker: RunningBroker | undefined

beforeAll(async () => {
  broker = await startKtBroker(tempDir())
}, 30_000)

afterAll(() => {
  broker?.stop()
})

const printed = (r: KtResult) => ({
  status: r.status,
  stderr: r.stderr,
  stdout: r.stdout.replaceAll(/TopicId: [\w-]{22}/g, 'TopicId: <id>'),
})

/** One mode's way to run kt: on a store of its own, or against the broker (from a data dir of its own). */
interface Mode {
  name: string
  dir: string
  args: (args: string[]) => string[]
}

function modes(): Mode[] {
  return [
    {args: (a) => a, dir: tempDir(), name: 'embedded'},
    {args: (a) => [...a, '--bootstrap-server', broker!.address], dir: tempDir(), name: 'remote'},
  ]
}

const run = (m: Mode, args: string[], input?: string) => kt(m.dir, m.args(args), input === undefined ? {} : {input})

describe('kt topics --alter', () => {
  test('--partitions without --replica-assignment adds partitions in both modes, with the same output', async () => {
    const outputs: Record<string, unknown[]> = {}
    for (const m of modes()) {
      const steps = [
        await run(m, ['topics', '--create', '--topic', 'alt1', '--partitions', '1']),
        await run(m, ['topics', '--alter', '--topic', 'alt1', '--partitions', '4']),
        await run(m, ['topics', '--describe', '--topic', 'alt1']),
        // As kafka-topics, --replica-assignment lists every partition, the existing ones too; the
        // new ones' entries are sent (kt broker's node id is 1, as the store's).
        await run(m, ['topics', '--create', '--topic', 'alt2', '--partitions', '1']),
        await run(m, ['topics', '--alter', '--topic', 'alt2', '--partitions', '3', '--replica-assignment', '1,1,1']),
        await run(m, ['topics', '--alter', '--topic', 'alt2', '--partitions', '4', '--replica-assignment', '1,1,1']),
        await run(m, ['topics', '--describe', '--topic', 'alt2']),
      ].map(printed)
      outputs[m.name] = steps
      expect(steps.map((s) => s.status)).toEqual([0, 0, 0, 0, 0, 1, 0])
      expect(steps[1]).toEqual({status: 0, stderr: '', stdout: ''})
      expect(steps[2].stdout).toMatch(/^Topic: alt1\tTopicId: <id>\tPartitionCount: 4\t/)
      expect(steps[5].stderr).toBe(
        'Error while executing topic command : Attempted to add 1 additional partition(s), but only 0 assignment(s) were specified.\n',
      )
      expect(steps[6].stdout).toMatch(/^Topic: alt2\tTopicId: <id>\tPartitionCount: 3\t/)
    }

    expect(outputs.remote).toEqual(outputs.embedded)
  }, 120_000)
})

describe('kt console-producer with acks=0', () => {
  test('succeeds quietly (no broker answers acks=0) and its records are written', async () => {
    const [, m] = modes()
    expect(printed(await run(m, ['topics', '--create', '--topic', 'acks0', '--partitions', '1']))).toEqual({
      status: 0,
      stderr: '',
      stdout: 'Created topic acks0.\n',
    })
    for (const [flags, value] of [
      [['--producer-property', 'acks=0'], 'z'],
      [['--request-required-acks', '0'], 'y'],
    ] as const)
      expect(printed(await run(m, ['console-producer', '--topic', 'acks0', ...flags], `${value}\n`))).toEqual({
        status: 0,
        stderr: '',
        stdout: '',
      })
    const consumed = await run(m, [
      'console-consumer',
      '--topic',
      'acks0',
      '--from-beginning',
      '--max-messages',
      '2',
      '--timeout-ms',
      '10000',
    ])
    expect(printed(consumed)).toEqual({status: 0, stderr: 'Processed a total of 2 messages\n', stdout: 'z\ny\n'})
  }, 60_000)
})

describe('kt consumer-groups --delete-offsets of a live group', () => {
  const SUBSCRIBED =
    'Error: org.apache.kafka.common.errors.GroupSubscribedToTopicException: Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.'

  test('refuses the topics a live member subscribes to, partition by partition, and deletes the others (KIP-496), in both modes', async () => {
    const outputs: Record<string, unknown> = {}
    for (const m of modes()) {
      await run(m, ['topics', '--create', '--topic', 'orders', '--partitions', '2'])
      await run(m, ['topics', '--create', '--topic', 'other', '--partitions', '1'])
      await run(m, ['console-producer', '--topic', 'orders'], 'a\nb\n')
      await run(m, ['console-producer', '--topic', 'other'], 'c\n')
      // The group commits an offset of 'other', then a member subscribes to 'orders' only.
      const once = await run(m, [
        'console-consumer',
        '--topic',
        'other',
        '--group',
        'live',
        '--from-beginning',
        '--max-messages',
        '1',
      ])
      expect(once.status).toBe(0)
      const member: ChildProcess = spawnKt(
        m.dir,
        m.args(['console-consumer', '--topic', 'orders', '--group', 'live', '--from-beginning']),
      )
      member.stdin!.end()
      let out = ''
      member.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
      })
      const done = collect(member, 60_000)
      try {
        // Both records printed: the member holds its assignment (the group is Stable).
        await waitFor(() => out.split('\n').length > 2, 30_000, `${m.name} member to print both records`)
        const r = printed(
          await run(m, [
            'consumer-groups',
            '--delete-offsets',
            '--group',
            'live',
            '--topic',
            'orders',
            '--topic',
            'other',
          ]),
        )
        outputs[m.name] = r
        expect(r).toEqual({
          status: 1,
          stderr: '\nError: Encountered some partition-level error, see the follow-up details.\n',
          stdout:
            '\nTOPIC           PARTITION  STATUS         ' +
            `\norders          0          ${SUBSCRIBED}` +
            `\norders          1          ${SUBSCRIBED}` +
            '\nother           0          Successful     \n',
        })
      } finally {
        member.kill('SIGTERM')
        await done
      }

      // 'other' lost its committed offset; 'orders' kept what the member committed.
      const described = await run(m, ['consumer-groups', '--describe', '--group', 'live'])
      expect(described.stdout).toMatch(/\nlive +orders +\d /)
      expect(described.stdout).not.toMatch(/ other /)
    }

    expect(outputs.remote).toEqual(outputs.embedded)
  }, 180_000)

  test('through kt broker, of a group whose live member is a kt console-consumer on the broker’s own store: the same rule', async () => {
    const store = broker!.dir
    await kt(store, ['topics', '--create', '--topic', 'mixed-orders', '--partitions', '2'])
    await kt(store, ['console-producer', '--topic', 'mixed-orders'], {input: 'a\nb\n'})
    await kt(store, ['console-producer', '--topic', 'mixed-other'], {input: 'c\n'})
    const group = ['--group', 'mixed-live', '--from-beginning']
    expect(
      (await kt(store, ['console-consumer', '--topic', 'mixed-other', ...group, '--max-messages', '1'])).status,
    ).toBe(0)
    const member = spawnKt(store, ['console-consumer', '--topic', 'mixed-orders', ...group])
    member.stdin!.end()
    let out = ''
    member.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
    })
    const done = collect(member, 60_000)
    try {
      await waitFor(() => out.split('\n').length > 2, 30_000, 'the member to print both records')
      const r = await kt(tempDir(), [
        'consumer-groups',
        '--bootstrap-server',
        broker!.address,
        '--delete-offsets',
        '--group',
        'mixed-live',
        '--topic',
        'mixed-orders',
        '--topic',
        'mixed-other',
      ])
      // Before, kt broker refused the whole request: "The group is not empty."
      expect(printed(r)).toEqual({
        status: 1,
        stderr: '\nError: Encountered some partition-level error, see the follow-up details.\n',
        stdout:
          '\nTOPIC           PARTITION  STATUS         ' +
          `\nmixed-orders    0          ${SUBSCRIBED}` +
          `\nmixed-orders    1          ${SUBSCRIBED}` +
          '\nmixed-other     0          Successful     \n',
      })
    } finally {
      member.kill('SIGTERM')
      await done
    }
  }, 120_000)
})

describe('a server that accepts connections but never answers', () => {
  let silent: Server
  const sockets = new Set<Socket>()
  let at = ''

  beforeAll(async () => {
    silent = createServer((socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    at = `127.0.0.1:${(silent.address() as {port: number}).port}`
  })

  afterAll(() => {
    for (const s of sockets) s.destroy()
    silent.close()
  })

  /** Runs kt and how long it took. */
  async function timed(args: string[], input?: string): Promise<{r: KtResult; ms: number}> {
    const started = Date.now()
    const r = await kt(tempDir(), args, {input: input ?? '', timeoutMs: 60_000})
    return {ms: Date.now() - started, r}
  }

  const timedOut = () => `Timed out waiting for the cluster at ${at} (Request timed out)`

  // Each tool's bound is 3 s here, Kafka's request.timeout.ms default 30 s: under 20 s (generous
  // for shared CI cores) shows the tool's own bound applied.
  test.each([
    ['consumer-groups --list --timeout', ['consumer-groups', '--list', '--timeout', '3000']],
    ['consumer-groups --describe --timeout', ['consumer-groups', '--describe', '--group', 'g', '--timeout', '3000']],
  ])(
    '%s bounds the admin calls',
    async (_name, args) => {
      const {ms, r} = await timed([...args, '--bootstrap-server', at])
      expect(printed(r)).toEqual({
        status: 1,
        stderr: `Error: Executing consumer group command failed due to ${timedOut()}\n`,
        stdout: '',
      })
      expect(ms).toBeLessThan(20_000)
    },
    60_000,
  )

  test('console-consumer --timeout-ms bounds the wait: one error line, then the count', async () => {
    const {ms, r} = await timed(['console-consumer', '--topic', 'x', '--timeout-ms', '3000', '--bootstrap-server', at])
    expect(printed(r)).toEqual({
      status: 1,
      stderr: `Error: ${timedOut()}\nProcessed a total of 0 messages\n`,
      stdout: '',
    })
    expect(ms).toBeLessThan(20_000)
  }, 60_000)

  test("console-producer's requests wait request.timeout.ms (its --timeout is linger.ms, no bound)", async () => {
    const {ms, r} = await timed(
      [
        'console-producer',
        '--topic',
        'x',
        '--timeout',
        '100',
        '--producer-property',
        'request.timeout.ms=3000',
        '--bootstrap-server',
        at,
      ],
      'a\n',
    )
    expect(printed(r)).toEqual({status: 1, stderr: `Error: ${timedOut()}\n`, stdout: ''})
    expect(ms).toBeLessThan(20_000)
  }, 60_000)
})

describe('a group member joining during the initial rebalance delay', () => {
  let delayed: RunningBroker | undefined

  afterAll(() => {
    delayed?.stop()
  })

  test('waits for its JoinGroup beyond request.timeout.ms, as Java consumers do (rebalance timeout + 5 s)', async () => {
    // Kafka's default group.initial.rebalance.delay.ms: the coordinator holds a new group's first
    // JoinGroup this long, as long as the request timeout given below.
    delayed = await startKtBroker(tempDir(), {'group.initial.rebalance.delay.ms': '3000'})
    const dir = tempDir()
    const remote = (args: string[], input?: string) =>
      kt(dir, [...args, '--bootstrap-server', delayed!.address], input === undefined ? {} : {input})
    expect((await remote(['topics', '--create', '--topic', 'orders', '--partitions', '1'])).status).toBe(0)
    expect((await remote(['console-producer', '--topic', 'orders'], 'a\n')).status).toBe(0)
    const r = await remote([
      'console-consumer',
      '--topic',
      'orders',
      '--group',
      'rtg',
      '--from-beginning',
      '--max-messages',
      '1',
      '--consumer-property',
      'request.timeout.ms=3000',
    ])
    expect(printed(r)).toEqual({status: 0, stderr: 'Processed a total of 1 messages\n', stdout: 'a\n'})
  }, 60_000)
})

describe('a TLS client at a plaintext listener', () => {
  test.each([
    ['SSL', 'security.protocol=SSL\n', 'security.protocol=SSL'],
    [
      'SASL_SSL',
      'security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="a" password="b";\n',
      'security.protocol=SASL_SSL sasl.mechanism=PLAIN',
    ],
  ])(
    '%s names the security protocol and the likely mismatch',
    async (_name, properties, named) => {
      const dir = tempDir()
      const config = join(dir, 'client.properties')
      writeFileSync(config, properties)
      const r = await kt(dir, ['topics', '--list', '--bootstrap-server', broker!.address, '--command-config', config])
      expect(printed(r)).toEqual({
        status: 1,
        stderr: `Error while executing topic command : Connection to ${broker!.address} failed with ${named}: the connection was closed by the server during the TLS handshake (does the listener accept that security protocol?)\n`,
        stdout: '',
      })
    },
    60_000,
  )
})
