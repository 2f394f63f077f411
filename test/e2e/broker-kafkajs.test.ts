// kt broker with kafkajs 2.2.4 as the oracle: admin APIs, producers (idempotent too), a consumer
// group of two members that rebalance, committed offsets, and records crossing between kafkajs
// and kt's own commands byte-exact.
import {type Admin, type Consumer, Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {openBroker, storeBrokerOf} from '../../src/engine/index.js'
import {kt, tempDirsForFile} from '../helpers/kt.js'
import {negotiated, type RunningBroker, startBroker} from '../server/broker-process.js'

const newDir = tempDirsForFile()
let dir: string
let broker: RunningBroker
let kafka: Kafka
let admin: Admin

beforeAll(async () => {
  dir = newDir()
  broker = await startBroker(dir)
  kafka = new Kafka({
    brokers: [`127.0.0.1:${broker.port}`],
    clientId: 'kafkajs-test',
    logLevel: logLevel.NOTHING,
    retry: {retries: 3},
  })
  admin = kafka.admin()
  await admin.connect()
})

afterAll(async () => {
  await admin?.disconnect()
  const r = await broker?.stop()
  expect(r?.status).toBe(0)
})

/** Bytes of a field of kt's JSON record (utf8 text, or base64 when marked so). */
function bytesOf(record: Record<string, unknown>, field: string): Buffer {
  const text = record[field] as string
  return record[`${field}_encoding`] === 'base64' ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8')
}

const until = async (what: () => boolean, ms = 20_000) => {
  const deadline = Date.now() + ms
  while (!what()) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('admin', () => {
  it('creates, lists, describes, grows and deletes topics', async () => {
    expect(await admin.createTopics({topics: [{numPartitions: 3, topic: 'admin-a'}]})).toBe(true)
    // an existing topic: createTopics answers false
    expect(await admin.createTopics({topics: [{numPartitions: 3, topic: 'admin-a'}]})).toBe(false)
    expect(await admin.listTopics()).toContain('admin-a')
    const meta = await admin.fetchTopicMetadata({topics: ['admin-a']})
    expect(meta.topics[0].partitions.map((p) => [p.partitionId, p.leader, p.replicas, p.isr])).toEqual([
      [0, 1, [1], [1]],
      [1, 1, [1], [1]],
      [2, 1, [1], [1]],
    ])
    await admin.createPartitions({topicPartitions: [{count: 5, topic: 'admin-a'}]})
    const d = await kt(dir, ['topics', '--describe', '--topic', 'admin-a'])
    expect(d.stdout).toContain('PartitionCount: 5')
    await expect(admin.createPartitions({topicPartitions: [{count: 2, topic: 'admin-a'}]})).rejects.toThrow()
    await admin.deleteTopics({topics: ['admin-a']})
    expect(await admin.listTopics()).not.toContain('admin-a')
    const versions = negotiated(broker.stderr(), /^kafkajs-test$/)
    expect(versions.get('CreateTopics')).toBe(3)
    expect(versions.get('CreatePartitions')).toBe(1)
    expect(versions.get('DeleteTopics')).toBe(1)
    expect(versions.get('Metadata')).toBe(6)
  })

  it('describes topic configs with overrides and defaults', async () => {
    await admin.createTopics({
      topics: [{configEntries: [{name: 'retention.ms', value: '12345'}], topic: 'configured'}],
    })
    const r = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{configNames: ['retention.ms', 'cleanup.policy'], name: 'configured', type: 2}],
    })
    const entries = r.resources[0].configEntries.map((e) => [e.configName, e.configValue, e.isDefault])
    expect(entries).toEqual([
      ['cleanup.policy', 'delete', true],
      ['retention.ms', '12345', false],
    ])
  })

  it('finds offsets: earliest and latest, and by timestamp', async () => {
    const records = [1000, 2000, 3000].map((t, i) => JSON.stringify({timestamp: t, value: `v${i}`})).join('\n')
    await kt(dir, ['topics', '--create', '--topic', 'timed'])
    expect(
      (await kt(dir, ['console-producer', '--topic', 'timed', '--input', 'json'], {input: records + '\n'})).status,
    ).toBe(0)
    expect(await admin.fetchTopicOffsets('timed')).toEqual([{high: '3', low: '0', offset: '3', partition: 0}])
    expect(await admin.fetchTopicOffsetsByTimestamp('timed', 1500)).toEqual([{offset: '1', partition: 0}])
  })
})

describe('producing and consuming', () => {
  it('a kafkajs record (binary key, value and headers) is read byte-exact by kt console-consumer', async () => {
    const producer = kafka.producer()
    await producer.connect()
    const key = Buffer.from([0, 1, 2, 0xff])
    const value = Buffer.from('välue\n\u0000bytes')
    const [meta] = await producer.send({
      messages: [{headers: {h: Buffer.from([9, 8])}, key, timestamp: '1700000000123', value}],
      topic: 'from-kafkajs',
    })
    await producer.disconnect()
    expect(meta).toMatchObject({baseOffset: '0', errorCode: 0, partition: 0})
    const r = await kt(dir, [
      'console-consumer',
      '--topic',
      'from-kafkajs',
      '--from-beginning',
      '--exit-at-end',
      '--output',
      'json',
    ])
    expect(r.status).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    const record = JSON.parse(lines[0]) as Record<string, unknown>
    expect(record).toMatchObject({offset: 0, partition: 0, timestamp: 1_700_000_000_123})
    expect(bytesOf(record, 'key').equals(key)).toBe(true)
    expect(bytesOf(record, 'value').equals(value)).toBe(true)
    const [header] = record.headers as Record<string, unknown>[]
    expect(header.key).toBe('h')
    expect(bytesOf(header, 'value').equals(Buffer.from([9, 8]))).toBe(true)
    expect(negotiated(broker.stderr(), /^kafkajs-test$/).get('Produce')).toBe(7)
  })

  it('an idempotent producer gets a producer id and its batches land once', async () => {
    const producer = kafka.producer({idempotent: true, maxInFlightRequests: 1})
    await producer.connect()
    for (let i = 0; i < 3; i++) await producer.send({acks: -1, messages: [{value: `i${i}`}], topic: 'idempotent'})
    await producer.disconnect()
    expect(await admin.fetchTopicOffsets('idempotent')).toEqual([{high: '3', low: '0', offset: '3', partition: 0}])
    expect(negotiated(broker.stderr(), /^kafkajs-test$/).get('InitProducerId')).toBe(1)
  })

  it('records kt console-producer writes reach a kafkajs consumer byte-exact', async () => {
    const input = JSON.stringify({
      headers: [{key: 'hk', value: 'AP8=', value_encoding: 'base64'}],
      key: 'AAE=',
      key_encoding: 'base64',
      value: '/wBh',
      value_encoding: 'base64',
    })
    await kt(dir, ['topics', '--create', '--topic', 'to-kafkajs'])
    const p = await kt(dir, ['console-producer', '--topic', 'to-kafkajs', '--input', 'json'], {input: input + '\n'})
    expect({status: p.status, stderr: p.stderr}).toEqual({status: 0, stderr: ''})
    const consumer = kafka.consumer({groupId: 'reader', heartbeatInterval: 500, sessionTimeout: 10_000})
    await consumer.connect()
    await consumer.subscribe({fromBeginning: true, topic: 'to-kafkajs'})
    const got: {key: string; value: string; offset: string; header: string}[] = []
    await consumer.run({
      eachMessage: async ({message}) => {
        got.push({
          header: (message.headers!.hk as Buffer).toString('hex'),
          key: message.key!.toString('hex'),
          offset: message.offset,
          value: message.value!.toString('hex'),
        })
      },
    })
    await until(() => got.length >= 1)
    await consumer.disconnect()
    expect(got).toEqual([{header: '00ff', key: '0001', offset: '0', value: 'ff0061'}])
  })
})

describe('a consumer group of two kafkajs members', () => {
  let a: Consumer
  let b: Consumer

  afterAll(async () => {
    await a?.disconnect()
    await b?.disconnect()
  })

  it('rebalances when the second member joins, consumes each record once and commits offsets', async () => {
    await admin.createTopics({topics: [{numPartitions: 4, topic: 'shared'}]})
    const assignments = new Map<string, number[]>()
    const seen: string[] = []
    const consumer = (name: string) => {
      const c = kafka.consumer({groupId: 'pair', heartbeatInterval: 300, sessionTimeout: 10_000})
      c.on(c.events.GROUP_JOIN, (e) => {
        assignments.set(name, (e.payload.memberAssignment.shared ?? []).slice().sort())
      })
      return c
    }

    a = consumer('a')
    await a.connect()
    await a.subscribe({fromBeginning: true, topic: 'shared'})
    await a.run({eachMessage: async ({message}) => void seen.push(`a:${message.value!.toString()}`)})
    await until(() => assignments.get('a')?.length === 4)

    b = consumer('b')
    await b.connect()
    await b.subscribe({fromBeginning: true, topic: 'shared'})
    await b.run({eachMessage: async ({message}) => void seen.push(`b:${message.value!.toString()}`)})
    await until(() => assignments.get('a')?.length === 2 && assignments.get('b')?.length === 2)
    // every partition has exactly one owner
    expect([...assignments.get('a')!, ...assignments.get('b')!].sort()).toEqual([0, 1, 2, 3])

    const producer = kafka.producer()
    await producer.connect()
    await producer.send({
      messages: Array.from({length: 20}, (_, i) => ({partition: i % 4, value: `m${i}`})),
      topic: 'shared',
    })
    await producer.disconnect()
    await until(() => seen.length >= 20)
    expect(seen.map((s) => s.slice(2)).sort()).toEqual(Array.from({length: 20}, (_, i) => `m${i}`).sort())
    // Another process opening the store sees the wire members, with client id, host and assignment.
    const store = storeBrokerOf(await openBroker(dir))
    const members = await store.wireGroupMembers('pair')
    await store.close()
    expect(members.map((m) => [m.clientId, m.clientHost, m.brokerPid === broker.child.pid])).toEqual([
      ['kafkajs-test', '/127.0.0.1', true],
      ['kafkajs-test', '/127.0.0.1', true],
    ])
    expect(members.every((m) => m.assignment.length > 0)).toBe(true)
    // each partition's records went to its owner
    for (const s of seen) {
      const i = Number(s.slice(3))
      expect(assignments.get(s[0])).toContain(i % 4)
    }

    await a.disconnect()
    await b.disconnect()
    const after = storeBrokerOf(await openBroker(dir))
    expect(await after.wireGroupMembers('pair')).toEqual([])
    await after.close()
    const offsets = await admin.fetchOffsets({groupId: 'pair', topics: ['shared']})
    expect(offsets[0].partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([
      [0, '5'],
      [1, '5'],
      [2, '5'],
      [3, '5'],
    ])
    const versions = negotiated(broker.stderr(), /^kafkajs-test$/)
    expect(versions.get('JoinGroup')).toBe(5)
    expect(versions.get('SyncGroup')).toBe(3)
    expect(versions.get('Heartbeat')).toBe(3)
    expect(versions.get('OffsetCommit')).toBe(5)
    expect(versions.get('Fetch')).toBe(11)
  })

  it('lists, describes, sets offsets (which kt console-consumer resumes from) and deletes the group', async () => {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId)
    expect(groups).toContain('pair')
    const described = await admin.describeGroups(['pair'])
    expect(described.groups[0]).toMatchObject({groupId: 'pair', members: [], state: 'Empty'})
    await admin.setOffsets({
      groupId: 'pair',
      partitions: [0, 1, 2, 3].map((partition) => ({offset: '4', partition})),
      topic: 'shared',
    })
    const offsets = await admin.fetchOffsets({groupId: 'pair', topics: ['shared']})
    expect(offsets[0].partitions.map((p) => p.offset)).toEqual(['4', '4', '4', '4'])
    // The same rows: kt's own group consumer resumes at offset 4 of each partition.
    const r = await kt(dir, ['console-consumer', '--topic', 'shared', '--group', 'pair', '--exit-at-end'])
    expect(r.stdout.trim().split('\n').sort()).toEqual(['m16', 'm17', 'm18', 'm19'])
    expect(await admin.deleteGroups(['pair'])).toEqual([{errorCode: 0, groupId: 'pair'}])
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain('pair')
  })
})
