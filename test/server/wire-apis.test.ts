// Fetch limits, topic ids and the admin APIs' per-item errors, against the in-process server.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type StoreBroker} from '../../src/engine/index.js'
import {KafkaServer} from '../../src/server/server.js'
import {batchOf, tempDir} from '../engine/support.js'
import {startInProcessServer} from './in-process-server.js'
import {WireClient} from './wire-client.js'

let broker: StoreBroker
let server: KafkaServer
let client: WireClient
const store = tempDir('kt-wire-apis-')

beforeAll(async () => {
  let port: number
  ;({broker, port, server} = await startInProcessServer(store.dir))
  await broker.createTopic({name: 'f', partitions: 2})
  // three batches of 10 records each in partition 0, one in partition 1
  for (let i = 0; i < 3; i++)
    await broker.produce(
      [{batch: batchOf(Array.from({length: 10}, (_, j) => `v${i}-${j}-${'x'.repeat(50)}`)), partition: 0, topic: 'f'}],
      1,
    )
  await broker.produce([{batch: batchOf(['p1']), partition: 1, topic: 'f'}], 1)
  client = await WireClient.connect(port)
})

afterAll(async () => {
  client.close()
  await server.stop()
  await broker.close()
  store.cleanup()
})

type FetchPartition = {partitionIndex: number; errorCode: number; highWatermark: number; records: Buffer | null}

function batchesIn(records: Buffer | null): number[] {
  const bases: number[] = []
  for (let pos = 0; records && pos < records.length; pos += records.readInt32BE(pos + 8) + 12)
    bases.push(Number(records.readBigInt64BE(pos)))
  return bases
}

async function fetch(
  partitions: {partition: number; fetchOffset: number; partitionMaxBytes: number}[],
  options: {maxBytes?: number; minBytes?: number; maxWaitMs?: number} = {},
): Promise<FetchPartition[]> {
  const {body} = await client.request(1, 11, {
    isolationLevel: 0,
    maxBytes: options.maxBytes ?? 1 << 20,
    maxWaitMs: options.maxWaitMs ?? 0,
    minBytes: options.minBytes ?? 0,
    topics: [{partitions, topic: 'f'}],
  })
  return (body.responses as {partitions: FetchPartition[]}[])[0].partitions
}

describe('Fetch limits', () => {
  it('returns whole batches from the one holding the fetch offset', async () => {
    const [p] = await fetch([{fetchOffset: 15, partition: 0, partitionMaxBytes: 1 << 20}])
    expect(batchesIn(p.records)).toEqual([10, 20])
    expect(p.highWatermark).toBe(30)
  })

  it('partition_max_bytes stops after whole batches, but the first batch always comes (KIP-74)', async () => {
    const [p] = await fetch([{fetchOffset: 0, partition: 0, partitionMaxBytes: 1}])
    expect(batchesIn(p.records)).toEqual([0])
    const size = p.records!.length
    const [two] = await fetch([{fetchOffset: 0, partition: 0, partitionMaxBytes: 2 * size + 10}])
    expect(batchesIn(two.records)).toEqual([0, 10])
  })

  it('max_bytes bounds the whole response: a later partition gets nothing once it is spent', async () => {
    const [p0, p1] = await fetch(
      [
        {fetchOffset: 0, partition: 0, partitionMaxBytes: 1 << 20},
        {fetchOffset: 0, partition: 1, partitionMaxBytes: 1 << 20},
      ],
      {maxBytes: 10},
    )
    expect(batchesIn(p0.records)).toEqual([0])
    expect(batchesIn(p1.records)).toEqual([])
    expect(p1.highWatermark).toBe(1)
  })

  it('waits max_wait_ms while fewer than min_bytes are available', async () => {
    const started = Date.now()
    const [p] = await fetch([{fetchOffset: 29, partition: 0, partitionMaxBytes: 1 << 20}], {
      maxWaitMs: 300,
      minBytes: 1 << 20,
    })
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    expect(batchesIn(p.records)).toEqual([20])
  })

  it('Fetch v13 addresses topics by id; an unknown id is UNKNOWN_TOPIC_ID', async () => {
    const [t] = await broker.describeTopics(['f'])
    const {body} = await client.request(1, 13, {
      isolationLevel: 0,
      maxBytes: 1 << 20,
      maxWaitMs: 0,
      minBytes: 0,
      topics: [
        {partitions: [{fetchOffset: 0, partition: 1, partitionMaxBytes: 1 << 20}], topicId: t.topicId},
        {partitions: [{fetchOffset: 0, partition: 0, partitionMaxBytes: 1 << 20}], topicId: 'AAAAAAAAAAAAAAAAAAAAAQ'},
      ],
    })
    const responses = body.responses as {topicId: string; partitions: FetchPartition[]}[]
    expect(responses[0].topicId).toBe(t.topicId)
    expect(batchesIn(responses[0].partitions[0].records)).toEqual([0])
    expect(responses[1].partitions[0].errorCode).toBe(100)
  })
})

describe('Metadata', () => {
  it('v12 returns topic ids and looks topics up by id', async () => {
    const [t] = await broker.describeTopics(['f'])
    const {body} = await client.request(3, 12, {
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
      topics: [{name: null, topicId: t.topicId}],
    })
    expect(body).toMatchObject({brokers: [{nodeId: 1}], controllerId: 1})
    expect(body.topics).toMatchObject([
      {errorCode: 0, name: 'f', partitions: [{leaderEpoch: 0}, {}], topicId: t.topicId},
    ])
  })

  it('auto-creates a topic a producer asks for; an invalid name is INVALID_TOPIC_EXCEPTION', async () => {
    const {body} = await client.request(3, 4, {
      allowAutoTopicCreation: true,
      topics: [{name: 'auto'}, {name: 'bad name'}],
    })
    expect((body.topics as {errorCode: number}[]).map((t) => t.errorCode)).toEqual([0, 17])
    expect(await broker.listTopics()).toContain('auto')
    const {body: none} = await client.request(3, 4, {allowAutoTopicCreation: false, topics: [{name: 'not-auto'}]})
    expect((none.topics as {errorCode: number}[])[0].errorCode).toBe(3)
  })
})

describe('admin errors, per item', () => {
  it('CreateTopics: exists, replication factor, validate only', async () => {
    const topic = (name: string, numPartitions = 1, replicationFactor = 1) => ({
      assignments: [],
      configs: [],
      name,
      numPartitions,
      replicationFactor,
    })
    const {body} = await client.request(19, 7, {
      timeoutMs: 1000,
      topics: [topic('f'), topic('rf', 1, 3), topic('checked', 4)],
      validateOnly: true,
    })
    expect((body.topics as Record<string, unknown>[]).map((t) => [t.name, t.errorCode, t.numPartitions])).toEqual([
      ['f', 36, -1],
      ['rf', 38, -1],
      ['checked', 0, 4],
    ])
    expect(await broker.listTopics()).not.toContain('checked')
    const created = await client.request(19, 7, {timeoutMs: 1000, topics: [topic('made', -1, -1)], validateOnly: false})
    const [made] = created.body.topics as Record<string, unknown>[]
    expect(made).toMatchObject({errorCode: 0, numPartitions: 1, replicationFactor: 1})
    expect(made.topicId).toBe((await broker.describeTopics(['made']))[0].topicId)
  })

  it('CreatePartitions refuses shrinking; DeleteTopics an unknown topic', async () => {
    const grow = await client.request(37, 3, {
      timeoutMs: 1000,
      topics: [
        {assignments: null, count: 1, name: 'f'},
        {assignments: null, count: 3, name: 'f2-missing'},
      ],
      validateOnly: false,
    })
    expect((grow.body.results as {errorCode: number}[]).map((r) => r.errorCode)).toEqual([37, 3])
    const del = await client.request(20, 6, {
      timeoutMs: 1000,
      topics: [
        {name: 'ghost', topicId: 'AAAAAAAAAAAAAAAAAAAAAA'},
        {name: null, topicId: 'AAAAAAAAAAAAAAAAAAAAAQ'},
      ],
    })
    expect((del.body.responses as {errorCode: number}[]).map((r) => r.errorCode)).toEqual([3, 100])
  })

  it('DescribeConfigs: topic configs with their source, the broker, and an unknown topic', async () => {
    await broker.createTopic({configs: [['retention.ms', '1000']], name: 'cfg'})
    const {body} = await client.request(32, 4, {
      includeDocumentation: false,
      includeSynonyms: false,
      resources: [
        {configurationKeys: ['retention.ms', 'cleanup.policy'], resourceName: 'cfg', resourceType: 2},
        {configurationKeys: ['num.partitions'], resourceName: '1', resourceType: 4},
        {configurationKeys: null, resourceName: 'ghost', resourceType: 2},
      ],
    })
    const results = body.results as {
      errorCode: number
      configs: {name: string; value: string; configSource: number}[]
    }[]
    expect(results[0].configs.map((c) => [c.name, c.value, c.configSource])).toEqual([
      ['cleanup.policy', 'delete', 5],
      ['retention.ms', '1000', 1],
    ])
    expect(results[1].configs.map((c) => [c.name, c.value])).toEqual([['num.partitions', '1']])
    expect(results[2].errorCode).toBe(3)
  })

  it('ListOffsets: latest, earliest, max timestamp, by time, and an unknown partition', async () => {
    const {body} = await client.request(2, 7, {
      isolationLevel: 0,
      replicaId: -1,
      topics: [
        {
          name: 'f',
          partitions: [
            {currentLeaderEpoch: -1, partitionIndex: 0, timestamp: -1},
            {currentLeaderEpoch: -1, partitionIndex: 1, timestamp: -2},
            {currentLeaderEpoch: -1, partitionIndex: 0, timestamp: -3},
            {currentLeaderEpoch: -1, partitionIndex: 0, timestamp: 0},
            {currentLeaderEpoch: -1, partitionIndex: 9, timestamp: -1},
          ],
        },
      ],
    })
    const parts = (body.topics as {partitions: {errorCode: number; offset: number; timestamp: number}[]}[])[0]
      .partitions
    expect(parts.map((p) => [p.errorCode, p.offset])).toEqual([
      [0, 30],
      [0, 0],
      // every batch's timestamps run NOW-1000…NOW-991: the first record with the largest is offset 9
      [0, 9],
      [0, 0],
      [3, -1],
    ])
    expect(parts[2].timestamp).toBeGreaterThan(0)
  })
})
