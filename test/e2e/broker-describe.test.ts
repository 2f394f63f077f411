// One store, two front doors: `kt consumer-groups` describes a group whose members are Kafka
// wire clients of `kt broker` (kafkajs always; kcat -G when installed) as Kafka's
// kafka-consumer-groups prints such a group: member id, client id, host /127.0.0.1, assigned
// partitions, state and assignor, the coordinator's host:port, and LAG from the committed-offset
// rows every client shares. An active wire group is refused for reset, delete and delete-offsets
// with Kafka's messages; once its broker is killed, its members are not shown as live.
import {spawn} from 'node:child_process'
import {type Consumer, Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {kt, type KtResult, tempDirsForFile} from '../helpers/kt.js'
import {HAS_KAFKA_PYTHON, HAS_KCAT, PYTHON, type RunningBroker, startBroker} from '../server/broker-process.js'

const newDir = tempDirsForFile()
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g
/** Member ids are `<client.id>-<uuid>`: the uuid is replaced by a placeholder of the same length, so widths stay. */
const norm = (text: string) => text.replaceAll(UUID, 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx')
const ID = 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx'

/** stdout (normalised), stderr and exit status of a kt command. */
async function ktn(dir: string, args: string[]): Promise<{stdout: string; stderr: string; status: number | null}> {
  const r: KtResult = await kt(dir, args)
  return {status: r.status, stderr: r.stderr, stdout: norm(r.stdout)}
}

interface JsonOffsets {
  groups: Array<{
    state: string
    offsets?: Array<{partition: number; currentOffset: number | null; consumerId: string | null}>
  }>
}

/** Polls `kt consumer-groups --describe --json` until the group's rows satisfy `done`. */
async function untilDescribed(
  dir: string,
  group: string,
  done: (g: JsonOffsets['groups'][0]) => boolean,
): Promise<void> {
  const deadline = Date.now() + 60_000
  let last = ''
  for (;;) {
    const r = await kt(dir, ['consumer-groups', '--describe', '--group', group, '--json'])
    last = r.stdout + r.stderr
    if (r.status === 0 && done((JSON.parse(r.stdout) as JsonOffsets).groups[0])) return
    if (Date.now() > deadline) throw new Error(`group ${group} never reached the expected state; last: ${last}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

async function produceTwoPerPartition(kafka: Kafka, topic: string): Promise<void> {
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({messages: Array.from({length: 6}, (_, i) => ({partition: i % 3, value: `v${i}`})), topic})
  await producer.disconnect()
}

describe('a kafkajs member of a kt broker group, as kt consumer-groups describes it', () => {
  let dir: string
  let broker: RunningBroker
  let kafka: Kafka
  let consumer: Consumer | undefined
  let port: number

  beforeAll(async () => {
    dir = newDir()
    broker = await startBroker(dir)
    port = broker.port
    kafka = new Kafka({brokers: [`127.0.0.1:${port}`], clientId: 'kafkajs-describe', logLevel: logLevel.NOTHING})
    expect((await kt(dir, ['topics', '--create', '--topic', 'orders', '--partitions', '3'])).status).toBe(0)
    await produceTwoPerPartition(kafka, 'orders')
    consumer = kafka.consumer({groupId: 'js', heartbeatInterval: 500, sessionTimeout: 30_000})
    await consumer.connect()
    await consumer.subscribe({fromBeginning: true, topic: 'orders'})
    await consumer.run({eachMessage: async () => {}})
    // Assigned every partition and committed all it read: LAG 0 everywhere.
    await untilDescribed(
      dir,
      'js',
      (g) => g.state === 'Stable' && g.offsets?.length === 3 && g.offsets.every((o) => o.currentOffset === 2),
    )
  })

  afterAll(async () => {
    await consumer?.disconnect()
    const r = await broker?.stop()
    expect(r?.status).toBe(0)
  })

  const member = `kafkajs-describe-${ID}`

  it('--describe (and --offsets): one row per assigned partition with the member, its host and client id', async () => {
    const expected =
      '\n' +
      'GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                                           HOST            CLIENT-ID\n' +
      `js              orders          0          2               2               0               ${member} /127.0.0.1      kafkajs-describe\n` +
      `js              orders          1          2               2               0               ${member} /127.0.0.1      kafkajs-describe\n` +
      `js              orders          2          2               2               0               ${member} /127.0.0.1      kafkajs-describe\n`
    expect(await ktn(dir, ['consumer-groups', '--describe', '--group', 'js'])).toEqual({
      status: 0,
      stderr: '',
      stdout: expected,
    })
    expect(await ktn(dir, ['consumer-groups', '--describe', '--group', 'js', '--offsets'])).toEqual({
      status: 0,
      stderr: '',
      stdout: expected,
    })
  })

  it('--members and --members --verbose: the member with its partition count and assignment', async () => {
    expect(await ktn(dir, ['consumer-groups', '--describe', '--group', 'js', '--members'])).toEqual({
      status: 0,
      stderr: '',
      stdout:
        '\n' +
        'GROUP           CONSUMER-ID                                           HOST            CLIENT-ID        #PARTITIONS     \n' +
        `js              ${member} /127.0.0.1      kafkajs-describe 3               \n`,
    })
    expect(await ktn(dir, ['consumer-groups', '--describe', '--group', 'js', '--members', '--verbose'])).toEqual({
      status: 0,
      stderr: '',
      stdout:
        '\n' +
        'GROUP           CONSUMER-ID                                           HOST            CLIENT-ID        #PARTITIONS     ASSIGNMENT\n' +
        `js              ${member} /127.0.0.1      kafkajs-describe 3               orders(0,1,2)\n`,
    })
  })

  it("--state: the broker's address as coordinator, kafkajs's assignor, Stable, one member; --list --state", async () => {
    const coordinator = `127.0.0.1:${port}  (1)`.padEnd(25)
    expect(await ktn(dir, ['consumer-groups', '--describe', '--group', 'js', '--state'])).toEqual({
      status: 0,
      stderr: '',
      stdout:
        '\n' +
        'GROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                #MEMBERS\n' +
        `js              ${coordinator} RoundRobinAssigner   Stable               1\n`,
    })
    expect(await ktn(dir, ['consumer-groups', '--list', '--state'])).toEqual({
      status: 0,
      stderr: '',
      stdout: 'GROUP                     STATE               \njs                        Stable              \n',
    })
    expect(await ktn(dir, ['consumer-groups', '--list'])).toEqual({status: 0, stderr: '', stdout: 'js\n'})
  })

  it('--json of each view', async () => {
    const json = async (...view: string[]) => {
      const r = await ktn(dir, ['consumer-groups', '--describe', '--group', 'js', '--json', ...view])
      expect(r.stderr).toBe('')
      expect(r.status).toBe(0)
      return JSON.parse(r.stdout) as unknown
    }

    const row = (partition: number) => ({
      clientId: 'kafkajs-describe',
      consumerId: member,
      currentOffset: 2,
      host: '/127.0.0.1',
      lag: 0,
      logEndOffset: 2,
      partition,
      topic: 'orders',
    })
    expect(await json()).toEqual({groups: [{group: 'js', offsets: [row(0), row(1), row(2)], state: 'Stable'}]})
    expect(await json('--members')).toEqual({
      groups: [
        {
          group: 'js',
          members: [
            {
              assignment: [{partitions: [0, 1, 2], topic: 'orders'}],
              clientId: 'kafkajs-describe',
              consumerId: member,
              host: '/127.0.0.1',
              partitions: 3,
            },
          ],
          state: 'Stable',
        },
      ],
    })
    expect(await json('--state')).toEqual({
      groups: [
        {
          assignmentStrategy: 'RoundRobinAssigner',
          coordinator: {id: 1, location: `127.0.0.1:${port}`},
          group: 'js',
          members: 1,
          state: 'Stable',
        },
      ],
    })
    const list = await ktn(dir, ['consumer-groups', '--list', '--state', '--json'])
    expect(JSON.parse(list.stdout)).toEqual({groups: [{group: 'js', state: 'Stable', type: 'classic'}]})
  })

  it("while the member is live: --reset-offsets --execute, --delete and --delete-offsets are refused in Kafka's words", async () => {
    expect(
      await ktn(dir, [
        'consumer-groups',
        '--reset-offsets',
        '--group',
        'js',
        '--to-earliest',
        '--all-topics',
        '--execute',
      ]),
    ).toEqual({
      status: 1,
      stderr:
        "\nError: Assignments can only be reset if the group 'js' is inactive, but the current state is Stable.\n",
      stdout: '',
    })
    expect(await ktn(dir, ['consumer-groups', '--delete', '--group', 'js'])).toEqual({
      status: 1,
      stderr:
        '\nError: Deletion of some consumer groups failed:\n' +
        "* Group 'js' could not be deleted due to: org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.\n",
      stdout: '',
    })
    // Kafka (KIP-496) refuses the topics a live member subscribes to, partition by partition.
    const subscribed =
      'Error: org.apache.kafka.common.errors.GroupSubscribedToTopicException: Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.'
    expect(await ktn(dir, ['consumer-groups', '--delete-offsets', '--group', 'js', '--topic', 'orders'])).toEqual({
      status: 1,
      stderr: '\nError: Encountered some partition-level error, see the follow-up details.\n',
      stdout: `\nTOPIC           PARTITION  STATUS         ${[0, 1, 2].map((p) => `\norders          ${p}          ${subscribed}`).join('')}\n`,
    })
    // Nothing was reset or deleted: the committed offsets are still 2.
    const r = await ktn(dir, ['consumer-groups', '--describe', '--group', 'js', '--json'])
    const offsets = (JSON.parse(r.stdout) as JsonOffsets).groups[0].offsets!
    expect(offsets.map((o) => o.currentOffset)).toEqual([2, 2, 2])
  })

  it('once the member leaves, the group is Empty with its committed offsets, and can be reset', async () => {
    await consumer!.disconnect()
    consumer = undefined
    expect(await ktn(dir, ['consumer-groups', '--describe', '--group', 'js'])).toEqual({
      status: 0,
      stderr: "\nConsumer group 'js' has no active members.\n",
      stdout:
        '\n' +
        'GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\n' +
        'js              orders          0          2               2               0               -               -               -\n' +
        'js              orders          1          2               2               0               -               -               -\n' +
        'js              orders          2          2               2               0               -               -               -\n',
    })
    const reset = await ktn(dir, [
      'consumer-groups',
      '--reset-offsets',
      '--group',
      'js',
      '--to-earliest',
      '--all-topics',
      '--execute',
    ])
    expect(reset).toEqual({
      status: 0,
      stderr: '',
      stdout:
        '\n' +
        'GROUP           TOPIC           PARTITION  NEW-OFFSET\n' +
        'js              orders          0          0\n' +
        'js              orders          1          0\n' +
        'js              orders          2          0\n' +
        '\n',
    })
  })
})

describe('a member whose kt broker died', () => {
  it('is not shown as live: the group is Empty with its offsets (or gone without them) and can be deleted', async () => {
    const dir = newDir()
    const broker = await startBroker(dir)
    const kafka = new Kafka({brokers: [`127.0.0.1:${broker.port}`], clientId: 'orphan', logLevel: logLevel.NOTHING})
    expect((await kt(dir, ['topics', '--create', '--topic', 'orders', '--partitions', '3'])).status).toBe(0)
    await produceTwoPerPartition(kafka, 'orders')
    const consumer = kafka.consumer({groupId: 'orphaned', retry: {retries: 0}, sessionTimeout: 30_000})
    await consumer.connect()
    await consumer.subscribe({fromBeginning: true, topic: 'orders'})
    await consumer.run({eachMessage: async () => {}})
    await untilDescribed(
      dir,
      'orphaned',
      (g) => g.state === 'Stable' && g.offsets?.length === 3 && g.offsets.every((o) => o.currentOffset === 2),
    )
    const exited = new Promise((resolve) => broker.child.once('exit', resolve))
    broker.child.kill('SIGKILL')
    await exited
    try {
      expect(await ktn(dir, ['consumer-groups', '--describe', '--group', 'orphaned', '--members'])).toEqual({
        status: 0,
        stderr: "\nConsumer group 'orphaned' has no active members.\n",
        stdout: '\nGROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     \n',
      })
      expect(await ktn(dir, ['consumer-groups', '--list', '--state'])).toEqual({
        status: 0,
        stderr: '',
        stdout: 'GROUP                     STATE               \norphaned                  Empty               \n',
      })
      expect(await ktn(dir, ['consumer-groups', '--delete', '--group', 'orphaned'])).toEqual({
        status: 0,
        stderr: '',
        stdout: "Deletion of requested consumer groups ('orphaned') was successful.\n",
      })
    } finally {
      await consumer.disconnect().catch(() => {})
    }
  })
})

describe.skipIf(!HAS_KCAT)(
  'kcat -G members of a kt broker group (skipped when kcat is missing: apt-get install kcat)',
  () => {
    it('two members, one static: rows by partition count, each with its client id; --members with GROUP-INSTANCE-ID; --state names range', async () => {
      const dir = newDir()
      const broker = await startBroker(dir)
      const kafka = new Kafka({brokers: [`127.0.0.1:${broker.port}`], clientId: 'producer', logLevel: logLevel.NOTHING})
      expect((await kt(dir, ['topics', '--create', '--topic', 'orders', '--partitions', '3'])).status).toBe(0)
      await produceTwoPerPartition(kafka, 'orders')
      // librdkafka's default assignor is range: sorted by member id, kcat-a takes 0 and 1, kcat-b takes 2.
      const members = ['kcat-a', 'kcat-b'].map((clientId) => {
        const child = spawn('kcat', [
          '-b',
          `127.0.0.1:${broker.port}`,
          '-G',
          'kc',
          '-X',
          `client.id=${clientId}`,
          // kcat-b is a static member: Kafka then shows a GROUP-INSTANCE-ID column, blank for kcat-a.
          ...(clientId === 'kcat-b' ? ['-X', 'group.instance.id=static-b'] : []),
          '-X',
          'auto.offset.reset=earliest',
          '-X',
          'auto.commit.interval.ms=100',
          'orders',
        ])
        child.stdout.on('data', () => {})
        child.stderr.on('data', () => {})
        return {child}
      })
      const killer = setTimeout(() => {
        for (const m of members) m.child.kill('SIGKILL')
      }, 90_000)
      try {
        await untilDescribed(
          dir,
          'kc',
          (g) =>
            g.state === 'Stable' &&
            g.offsets?.length === 3 &&
            g.offsets.every((o) => o.currentOffset === 2 && o.consumerId !== null) &&
            new Set(g.offsets.map((o) => o.consumerId)).size === 2,
        )
        expect(await ktn(dir, ['consumer-groups', '--describe', '--group', 'kc'])).toEqual({
          status: 0,
          stderr: '',
          stdout:
            '\n' +
            'GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                                 HOST            CLIENT-ID\n' +
            `kc              orders          0          2               2               0               kcat-a-${ID} /127.0.0.1      kcat-a\n` +
            `kc              orders          1          2               2               0               kcat-a-${ID} /127.0.0.1      kcat-a\n` +
            `kc              orders          2          2               2               0               kcat-b-${ID} /127.0.0.1      kcat-b\n`,
        })
        expect(await ktn(dir, ['consumer-groups', '--describe', '--group', 'kc', '--members', '--verbose'])).toEqual({
          status: 0,
          stderr: '',
          stdout:
            '\n' +
            'GROUP           CONSUMER-ID                                 GROUP-INSTANCE-ID HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT\n' +
            `kc              kcat-a-${ID}                   /127.0.0.1      kcat-a          2               orders(0,1)\n` +
            `kc              kcat-b-${ID} static-b          /127.0.0.1      kcat-b          1               orders(2)\n`,
        })
        const json = JSON.parse(
          (await ktn(dir, ['consumer-groups', '--describe', '--group', 'kc', '--members', '--json'])).stdout,
        ) as {groups: Array<{members: Array<{consumerId: string; groupInstanceId?: string}>}>}
        expect(json.groups[0].members.map((m) => [m.consumerId, m.groupInstanceId])).toEqual([
          [`kcat-a-${ID}`, undefined],
          [`kcat-b-${ID}`, 'static-b'],
        ])
        const state = await ktn(dir, ['consumer-groups', '--describe', '--group', 'kc', '--state'])
        expect(state.stdout.split('\n')[2]).toBe(
          `kc              ${`127.0.0.1:${broker.port}  (1)`.padEnd(25)} range                Stable               2`,
        )
      } finally {
        clearTimeout(killer)
        const exited = members.map((m) => new Promise((resolve) => m.child.once('close', resolve)))
        for (const m of members) m.child.kill('SIGINT')
        await Promise.all(exited)
        await broker.stop()
      }
    })
  },
)

describe('a @platformatic/kafka member of a kt broker group', () => {
  it('is described with its client id, its roundrobin assignment and its commits', async () => {
    const {Consumer, stringDeserializers} = await import('@platformatic/kafka')
    const dir = newDir()
    const broker = await startBroker(dir)
    const kafka = new Kafka({brokers: [`127.0.0.1:${broker.port}`], clientId: 'producer', logLevel: logLevel.NOTHING})
    expect((await kt(dir, ['topics', '--create', '--topic', 'orders', '--partitions', '3'])).status).toBe(0)
    await produceTwoPerPartition(kafka, 'orders')
    const consumer = new Consumer({
      bootstrapBrokers: [`127.0.0.1:${broker.port}`],
      clientId: 'plat-describe',
      deserializers: stringDeserializers,
      groupId: 'plat',
      heartbeatInterval: 500,
      sessionTimeout: 10_000,
    })
    const stream = await consumer.consume({autocommit: false, mode: 'earliest', topics: ['orders']})
    const reading = (async () => {
      for await (const message of stream) await message.commit()
    })()
    try {
      await untilDescribed(
        dir,
        'plat',
        (g) => g.state === 'Stable' && g.offsets?.length === 3 && g.offsets.every((o) => o.currentOffset === 2),
      )
      expect(await ktn(dir, ['consumer-groups', '--describe', '--group', 'plat', '--members', '--verbose'])).toEqual({
        status: 0,
        stderr: '',
        stdout:
          '\n' +
          'GROUP           CONSUMER-ID                                        HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT\n' +
          `plat            plat-describe-${ID} /127.0.0.1      plat-describe   3               orders(0,1,2)\n`,
      })
      const state = await ktn(dir, ['consumer-groups', '--describe', '--group', 'plat', '--state'])
      expect(state.stdout.split('\n')[2]).toBe(
        `plat            ${`127.0.0.1:${broker.port}  (1)`.padEnd(25)} roundrobin           Stable               1`,
      )
    } finally {
      await stream.close()
      await reading
      await consumer.close()
      await broker.stop()
    }
  })
})

describe.skipIf(!HAS_KAFKA_PYTHON)(
  'a kafka-python member of a kt broker group (skipped without apt-get install python3-kafka)',
  () => {
    it('is described with its client id, its range assignment and its commits', async () => {
      const dir = newDir()
      const broker = await startBroker(dir)
      const kafka = new Kafka({brokers: [`127.0.0.1:${broker.port}`], clientId: 'producer', logLevel: logLevel.NOTHING})
      expect((await kt(dir, ['topics', '--create', '--topic', 'orders', '--partitions', '3'])).status).toBe(0)
      await produceTwoPerPartition(kafka, 'orders')
      // Consumes and commits until its stdin closes, then leaves the group.
      const script = [
        'import sys, threading',
        'from kafka import KafkaConsumer',
        `c = KafkaConsumer("orders", bootstrap_servers="127.0.0.1:${broker.port}", group_id="py",`,
        '    client_id="kafka-python-describe", auto_offset_reset="earliest", auto_commit_interval_ms=100)',
        'done = threading.Event()',
        'threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()',
        'while not done.is_set():',
        '    c.poll(timeout_ms=100)',
        'c.close()',
      ].join('\n')
      const child = spawn(PYTHON, ['-c', script])
      let err = ''
      child.stderr.on('data', (d: Buffer) => (err += d.toString()))
      const exited = new Promise((resolve) => child.once('close', resolve))
      const killer = setTimeout(() => child.kill('SIGKILL'), 90_000)
      try {
        await untilDescribed(
          dir,
          'py',
          (g) => g.state === 'Stable' && g.offsets?.length === 3 && g.offsets.every((o) => o.currentOffset === 2),
        )
        expect(await ktn(dir, ['consumer-groups', '--describe', '--group', 'py', '--members', '--verbose'])).toEqual({
          status: 0,
          stderr: '',
          stdout:
            '\n' +
            'GROUP           CONSUMER-ID                                                HOST            CLIENT-ID             #PARTITIONS     ASSIGNMENT\n' +
            `py              kafka-python-describe-${ID} /127.0.0.1      kafka-python-describe 3               orders(0,1,2)\n`,
        })
        const state = await ktn(dir, ['consumer-groups', '--describe', '--group', 'py', '--state'])
        expect(state.stdout.split('\n')[2]).toBe(
          `py              ${`127.0.0.1:${broker.port}  (1)`.padEnd(25)} range                Stable               1`,
        )
      } finally {
        child.stdin.end()
        await exited
        clearTimeout(killer)
        await broker.stop()
      }

      expect(err).toBe('')
    })
  },
)
