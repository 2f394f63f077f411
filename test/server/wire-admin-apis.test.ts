// kt broker's IncrementalAlterConfigs, AlterConfigs, DeleteRecords, DescribeLogDirs and
// DescribeConfigs' synonyms, against the in-process server: Kafka's semantics per operation
// (APPEND/SUBTRACT on lists, DELETE of an unset config, validateOnly, whole-set replacement) and
// per-item errors in the engine's words.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type StoreBroker} from '../../src/engine/index.js'
import {KafkaServer} from '../../src/server/server.js'
import {batchOf, tempDir} from '../engine/support.js'
import {startInProcessServer} from './in-process-server.js'
import {WireClient} from './wire-client.js'

let broker: StoreBroker
let server: KafkaServer
let client: WireClient
const store = tempDir('kt-wire-admin-')

beforeAll(async () => {
  let port: number
  ;({broker, port, server} = await startInProcessServer(store.dir))
  client = await WireClient.connect(port)
})

afterAll(async () => {
  client.close()
  await server.stop()
  await broker.close()
  store.cleanup()
})

type AlterResponse = {errorCode: number; errorMessage: string | null; resourceName: string}[]

const overrides = async (topic: string) =>
  Object.fromEntries(
    (await broker.describeTopicConfigs(topic))
      .filter((e) => e.source === 'DYNAMIC_TOPIC_CONFIG')
      .map((e) => [e.name, e.value]),
  )

async function incremental(
  topic: string,
  configs: {name: string; configOperation: number; value: string | null}[],
  validateOnly = false,
): Promise<AlterResponse> {
  const {body} = await client.request(44, 1, {
    resources: [{configs, resourceName: topic, resourceType: 2}],
    validateOnly,
  })
  return body.responses as AlterResponse
}

describe('IncrementalAlterConfigs', () => {
  it('SET, DELETE (an unset config changes nothing), APPEND and SUBTRACT on a list config', async () => {
    await broker.createTopic({configs: [['retention.ms', '1000']], name: 'inc'})
    expect(
      await incremental('inc', [
        {configOperation: 0, name: 'segment.ms', value: '600000'},
        {configOperation: 1, name: 'retention.ms', value: null},
        {configOperation: 1, name: 'max.message.bytes', value: null},
        {configOperation: 2, name: 'cleanup.policy', value: 'compact'},
      ]),
    ).toEqual([{errorCode: 0, errorMessage: null, resourceName: 'inc', resourceType: 2}])
    // APPEND starts from the default (delete), as Kafka does.
    expect(await overrides('inc')).toEqual({'cleanup.policy': 'delete,compact', 'segment.ms': '600000'})
    await incremental('inc', [{configOperation: 3, name: 'cleanup.policy', value: 'delete'}])
    expect(await overrides('inc')).toEqual({'cleanup.policy': 'compact', 'segment.ms': '600000'})
  })

  it('an invalid value, a non-list APPEND, a duplicate key or an unknown topic is refused whole', async () => {
    await broker.createTopic({name: 'bad'})
    const cases: [Parameters<typeof incremental>[1], number, string][] = [
      [
        [
          {configOperation: 0, name: 'segment.ms', value: '1'},
          {configOperation: 0, name: 'retention.ms', value: 'abc'},
        ],
        40,
        'Invalid value abc for configuration retention.ms: Not a number of type LONG',
      ],
      [
        [{configOperation: 2, name: 'retention.ms', value: '5'}],
        40,
        'Config value append is not allowed for config key: retention.ms',
      ],
      [
        [
          {configOperation: 0, name: 'segment.ms', value: '1'},
          {configOperation: 1, name: 'segment.ms', value: null},
        ],
        42,
        'Error due to duplicate config keys: segment.ms',
      ],
      [[{configOperation: 0, name: 'no.such', value: '1'}], 40, 'Unknown topic config name: no.such'],
    ]
    for (const [configs, code, message] of cases)
      expect(await incremental('bad', configs)).toEqual([
        {errorCode: code, errorMessage: message, resourceName: 'bad', resourceType: 2},
      ])
    expect(await overrides('bad')).toEqual({})
    expect(await incremental('ghost', [{configOperation: 0, name: 'segment.ms', value: '1'}])).toEqual([
      {errorCode: 3, errorMessage: "Topic 'ghost' does not exist as expected", resourceName: 'ghost', resourceType: 2},
    ])
  })

  it('validateOnly validates and changes nothing', async () => {
    await broker.createTopic({name: 'dry'})
    expect(
      (await incremental('dry', [{configOperation: 0, name: 'retention.ms', value: 'x'}], true))[0].errorCode,
    ).toBe(40)
    expect(
      (await incremental('dry', [{configOperation: 0, name: 'retention.ms', value: '5'}], true))[0].errorCode,
    ).toBe(0)
    expect(await overrides('dry')).toEqual({})
  })

  it('a broker resource is refused: kt broker settings are server.properties', async () => {
    const {body} = await client.request(44, 0, {
      resources: [
        {configs: [{configOperation: 0, name: 'num.partitions', value: '3'}], resourceName: '1', resourceType: 4},
      ],
      validateOnly: false,
    })
    expect((body.responses as AlterResponse)[0]).toMatchObject({
      errorCode: 40,
      errorMessage:
        "kt's broker settings are static: edit server.properties in the data directory (kt has no dynamic broker configs)",
    })
  })
})

describe('AlterConfigs', () => {
  it('the given configs become the whole set of overrides', async () => {
    await broker.createTopic({configs: [['retention.ms', '1000']], name: 'legacy'})
    const {body} = await client.request(33, 2, {
      resources: [{configs: [{name: 'segment.ms', value: '700000'}], resourceName: 'legacy', resourceType: 2}],
      validateOnly: false,
    })
    expect((body.responses as AlterResponse)[0].errorCode).toBe(0)
    expect(await overrides('legacy')).toEqual({'segment.ms': '700000'})
  })
})

describe('DeleteRecords and DescribeLogDirs', () => {
  it('moves log start offsets, with per-partition errors; sizes follow', async () => {
    await broker.createTopic({name: 'dr', partitions: 2})
    for (let i = 0; i < 3; i++)
      await broker.produce([{batch: batchOf(['a', 'b', 'c', 'd']), partition: 0, topic: 'dr'}], 1)
    const sizeOf = async () => {
      const {body} = await client.request(35, 4, {topics: [{partitions: [0, 1], topic: 'dr'}]})
      const [dir] = body.results as {
        logDir: string
        totalBytes: number
        topics: {name: string; partitions: {partitionIndex: number; partitionSize: number}[]}[]
      }[]
      expect(dir.logDir).toBe(store.dir)
      expect(dir.totalBytes).toBeGreaterThan(0)
      return dir.topics[0].partitions.map((p) => [p.partitionIndex, p.partitionSize])
    }

    const [d] = await broker.describeTopics(['dr'])
    expect(await sizeOf()).toEqual([
      [0, d.partitions[0].sizeBytes],
      [1, 0],
    ])
    expect(d.partitions[0].sizeBytes).toBeGreaterThan(0)

    const {body} = await client.request(21, 2, {
      timeoutMs: 1000,
      topics: [
        {
          name: 'dr',
          partitions: [
            {offset: 4, partitionIndex: 0},
            {offset: 5, partitionIndex: 1},
            {offset: 1, partitionIndex: 7},
          ],
        },
        {name: 'ghost', partitions: [{offset: 0, partitionIndex: 0}]},
      ],
    })
    expect(body.topics).toEqual([
      {
        name: 'dr',
        partitions: [
          {errorCode: 0, lowWatermark: 4, partitionIndex: 0},
          {errorCode: 1, lowWatermark: -1, partitionIndex: 1},
          {errorCode: 3, lowWatermark: -1, partitionIndex: 7},
        ],
      },
      {name: 'ghost', partitions: [{errorCode: 3, lowWatermark: -1, partitionIndex: 0}]},
    ])
    // The first of three equal batches is gone: a third of the bytes.
    expect((await sizeOf())[0][1]).toBe((d.partitions[0].sizeBytes * 2) / 3)
  })
})

describe('DescribeConfigs', () => {
  it('synonyms only when asked for, in Kafka precedence, with v0 isDefault', async () => {
    await broker.createTopic({configs: [['retention.ms', '1000']], name: 'syn'})
    const ask = async (version: number, includeSynonyms: boolean) => {
      const {body} = await client.request(32, version, {
        includeDocumentation: false,
        includeSynonyms,
        resources: [{configurationKeys: ['retention.ms', 'cleanup.policy'], resourceName: 'syn', resourceType: 2}],
      })
      return (body.results as {configs: Record<string, unknown>[]}[])[0].configs
    }

    expect((await ask(4, true)).map((c) => [c.name, c.synonyms])).toEqual([
      ['cleanup.policy', [{name: 'log.cleanup.policy', source: 5, value: 'delete'}]],
      [
        'retention.ms',
        [
          {name: 'retention.ms', source: 1, value: '1000'},
          {name: 'log.retention.hours', source: 5, value: '168'},
        ],
      ],
    ])
    expect((await ask(4, false)).map((c) => c.synonyms)).toEqual([[], []])
    expect((await ask(0, false)).map((c) => [c.name, c.isDefault])).toEqual([
      ['cleanup.policy', true],
      ['retention.ms', false],
    ])
  })
})
