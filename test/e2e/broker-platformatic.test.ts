// kt broker with @platformatic/kafka 1.x as the oracle: it speaks only flexible versions
// (Metadata 12, Fetch 13 with topic ids, ApiVersions 3), so it checks that half of the codec.
import {Admin, Consumer, Producer, stringDeserializers, stringSerializers} from '@platformatic/kafka'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {kt, tempDirsForFile} from '../helpers/kt.js'
import {negotiated, type RunningBroker, startBroker} from '../server/broker-process.js'

const newDir = tempDirsForFile()
let dir: string
let broker: RunningBroker
let bootstrapBrokers: string[]
let admin: Admin

beforeAll(async () => {
  dir = newDir()
  broker = await startBroker(dir)
  bootstrapBrokers = [`127.0.0.1:${broker.port}`]
  admin = new Admin({bootstrapBrokers, clientId: 'plat-admin'})
})

afterAll(async () => {
  await admin?.close()
  expect((await broker?.stop())?.status).toBe(0)
})

describe('@platformatic/kafka', () => {
  it('admin: creates, lists and deletes topics with the flexible versions', async () => {
    await admin.createTopics({partitions: 2, replicas: 1, topics: ['plat-a']})
    expect(await admin.listTopics()).toContain('plat-a')
    const meta = await admin.metadata({topics: ['plat-a']})
    expect(meta.topics.get('plat-a')?.partitionsCount).toBe(2)
    await admin.createPartitions({topics: [{count: 3, name: 'plat-a'}]})
    expect((await kt(dir, ['topics', '--describe', '--topic', 'plat-a'])).stdout).toContain('PartitionCount: 3')
    await admin.deleteTopics({topics: ['plat-a']})
    expect(await admin.listTopics()).not.toContain('plat-a')
    const versions = negotiated(broker.stderr(), /^plat-admin$/)
    expect(versions.get('ApiVersions')).toBe(3)
    expect(versions.get('Metadata')).toBe(12)
    expect(versions.get('CreateTopics')).toBe(7)
    expect(versions.get('DeleteTopics')).toBe(6)
  })

  it('produces records kt console-consumer reads, and consumes them in a group with Fetch v13', async () => {
    await admin.createTopics({partitions: 1, replicas: 1, topics: ['plat-b']})
    const producer = new Producer({bootstrapBrokers, clientId: 'plat-producer', serializers: stringSerializers})
    await producer.send({
      messages: [
        {headers: new Map([['h', 'x']]), key: 'k1', topic: 'plat-b', value: 'v1'},
        {key: 'k2', topic: 'plat-b', value: 'v2'},
      ],
    })
    await producer.close()
    const r = await kt(dir, [
      'console-consumer',
      '--topic',
      'plat-b',
      '--from-beginning',
      '--exit-at-end',
      '--property',
      'print.key=true',
    ])
    expect(r.stdout).toBe('k1\tv1\nk2\tv2\n')

    const consumer = new Consumer({
      bootstrapBrokers,
      clientId: 'plat-consumer',
      deserializers: stringDeserializers,
      groupId: 'plat-group',
      heartbeatInterval: 500,
      sessionTimeout: 10_000,
    })
    const stream = await consumer.consume({autocommit: false, mode: 'earliest', topics: ['plat-b']})
    const got: string[] = []
    for await (const message of stream) {
      got.push(`${message.key}=${message.value}`)
      await message.commit()
      if (got.length === 2) break
    }

    await stream.close()
    await consumer.close()
    expect(got).toEqual(['k1=v1', 'k2=v2'])
    const offsets = await admin.listConsumerGroupOffsets({groups: ['plat-group']})
    expect(offsets[0].topics[0].partitions[0].committedOffset).toBe(2n)
    const versions = negotiated(broker.stderr(), /^plat-consumer$/)
    expect(versions.get('Fetch')).toBe(13)
    expect(versions.get('JoinGroup')).toBe(9)
    expect(versions.get('OffsetCommit')).toBe(8)
  })

  it('admin: lists offsets by time, lists, describes and deletes groups and their offsets', async () => {
    const at = async (timestamp: bigint) =>
      (await admin.listOffsets({topics: [{name: 'plat-b', partitions: [{partitionIndex: 0, timestamp}]}]}))[0]
        .partitions[0]
    expect((await at(-1n)).offset).toBe(2n)
    expect((await at(-2n)).offset).toBe(0n)
    // by time: the first record at or after time 0 is offset 0, with its own timestamp
    const first = await at(0n)
    expect(first.offset).toBe(0n)
    expect(first.timestamp).toBeGreaterThan(0n)
    expect((await at(first.timestamp + 3_600_000n)).offset).toBe(-1n)
    expect(negotiated(broker.stderr(), /^plat-admin$/).get('ListOffsets')).toBe(7)
    expect((await admin.listGroups()).has('plat-group')).toBe(true)
    const described = await admin.describeGroups({groups: ['plat-group']})
    expect(described.get('plat-group')?.state).toBe('EMPTY')
    await admin.alterConsumerGroupOffsets({
      groupId: 'plat-group',
      topics: [{name: 'plat-b', partitionOffsets: [{offset: 1n, partition: 0}]}],
    })
    const r = await kt(dir, ['console-consumer', '--topic', 'plat-b', '--group', 'plat-group', '--exit-at-end'])
    expect(r.stdout).toBe('v2\n')
    await admin.deleteConsumerGroupOffsets({groupId: 'plat-group', topics: [{name: 'plat-b', partitionIndexes: [0]}]})
    const offsets = await admin.listConsumerGroupOffsets({groups: ['plat-group']})
    expect(offsets[0].topics).toEqual([])
    await admin.deleteGroups({groups: ['plat-group']})
    expect((await admin.listGroups()).has('plat-group')).toBe(false)
  })
})
