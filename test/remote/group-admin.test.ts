// The consumer-groups administration of the remote Broker (the Broker methods branch `cgcmd`
// adds), against kt broker over the wire: list, describe with lag, reset (dry run, execute,
// history, undo), Kafka's refusal for an active group, delete offsets, delete the group.
import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {kt, tempDirsForFile} from '../helpers/kt.js'
import {openRemoteBroker} from '../../src/remote/index.js'
import type {RemoteBroker} from '../../src/remote/broker.js'
import {type RunningBroker, startKtBroker} from './kt-broker.js'

const tempDir = tempDirsForFile()
let cluster: RunningBroker
let broker: RemoteBroker
let clientDir = ''

beforeAll(async () => {
  cluster = await startKtBroker(tempDir())
  clientDir = tempDir()
  const remote = ['--bootstrap-server', cluster.address]
  const create = await kt(clientDir, ['topics', '--create', '--topic', 'ga', '--partitions', '2', ...remote])
  expect(create.stderr).toBe('')
  const input = Array.from({length: 10}, (_, i) => `k${i}:v${i}`).join('\n') + '\n'
  await kt(
    clientDir,
    ['console-producer', '--topic', 'ga', '--property', 'parse.key=true', '--property', 'key.separator=:', ...remote],
    {input},
  )
  // Reads 6 of the 10 records and commits what it printed.
  const consume = await kt(
    clientDir,
    ['console-consumer', '--topic', 'ga', '--group', 'ga-group', '--from-beginning', '--max-messages', '6', ...remote],
    {timeoutMs: 60_000},
  )
  expect(consume.stderr).toBe('Processed a total of 6 messages\n')
  broker = (await openRemoteBroker(
    {bootstrapServers: [cluster.address], properties: new Map()},
    {clientId: 'kt-test', dataDir: clientDir},
  )) as RemoteBroker
}, 120_000)

afterAll(async () => {
  await broker?.close()
  cluster?.stop()
})

describe('consumer-groups over the Admin API', () => {
  test('lists and describes the group with its lag', async () => {
    expect(await broker.listGroups()).toEqual([{groupId: 'ga-group', state: 'Empty', type: 'classic'}])
    const [d] = await broker.describeGroups(['ga-group'])
    expect(d.state).toBe('Empty')
    expect(d.members).toEqual([])
    const committed = d.offsets.reduce((n, o) => n + (o.currentOffset ?? 0), 0)
    const lag = d.offsets.reduce((n, o) => n + (o.lag ?? 0), 0)
    expect({committed, lag}).toEqual({committed: 6, lag: 4})
    expect(d.offsets.every((o) => o.memberId === null && o.logEndOffset !== null)).toBe(true)
    const [unknown] = await broker.describeGroups(['no-such-group'])
    expect(unknown).toEqual({assignor: '', groupId: 'no-such-group', members: [], offsets: [], state: 'Dead'})
    const coordinator = await broker.groupCoordinator()
    expect(coordinator).toEqual({location: cluster.address, nodeId: 1})
  })

  test('reset to earliest: dry run, execute, history, undo', async () => {
    const req = {
      command: 'kt consumer-groups --reset-offsets --to-earliest',
      groups: ['ga-group'],
      scenario: {type: 'to-earliest' as const},
      scope: {topics: [{topic: 'ga'}], type: 'topics' as const},
    }
    const before = (await broker.committedOffsets('ga-group')).map((o) => o.offset)
    const plan = await broker.resetOffsets(req, false)
    expect(plan.groups[0].offsets.map((o) => o.newOffset)).toEqual([0, 0])
    expect((await broker.committedOffsets('ga-group')).map((o) => o.offset)).toEqual(before)

    await broker.resetOffsets(req, true)
    expect((await broker.committedOffsets('ga-group')).map((o) => o.offset)).toEqual([0, 0])
    const history = await broker.resetHistory('ga-group')
    expect(history.map((h) => [h.resetId, h.command])).toEqual([[1, req.command]])

    await broker.resetOffsets({...req, scenario: {type: 'undo'}, scope: {type: 'scenario'}}, true)
    expect((await broker.committedOffsets('ga-group')).map((o) => o.offset)).toEqual(before)
  })

  test('an unknown partition is refused in Kafka 4.x words', async () => {
    const req = {
      command: 'x',
      groups: ['ga-group'],
      scenario: {offset: 1, type: 'to-offset' as const},
      scope: {topics: [{partitions: [5], topic: 'ga'}], type: 'topics' as const},
    }
    await expect(broker.resetOffsets(req, false)).rejects.toThrow('The partitions "ga-5" do not exist')
  })

  test('delete offsets, then the group', async () => {
    const deleted = await broker.deleteOffsets('ga-group', [{partitions: [0, 7], topic: 'ga'}, {topic: 'nope'}])
    expect(deleted.partitions).toEqual([
      {error: null, partition: 0, topic: 'ga'},
      {error: 'This server does not host this topic-partition.', partition: 7, topic: 'ga'},
      {error: 'This server does not host this topic-partition.', partition: null, topic: 'nope'},
    ])
    expect((await broker.committedOffsets('ga-group')).map((o) => o.partition)).toEqual([1])
    expect(await broker.deleteGroups(['ga-group', 'no-such-group'])).toEqual({
      deleted: ['ga-group'],
      failed: [
        {
          error: 'org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.',
          groupId: 'no-such-group',
        },
      ],
    })
    expect(await broker.listGroups()).toEqual([])
  })
})
