// consumer-groups administration of groups that a kt broker coordinates for wire clients: what
// the broker publishes (state, assignor, coordinator, members with decoded partitions) is what
// describe and list show; such a group is refused for reset, delete and delete-offsets while its
// broker runs; and once that broker process is gone its rows are stale, not live members.
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {
  openBroker,
  type StoreBroker,
  storeBrokerOf,
  type WireGroupMember,
  type WireGroupSummary,
} from '../../src/engine/index.js'
import {tempDir} from './support.js'

const BROKER_PID = 4242
let alive: Set<number>
let broker: StoreBroker
let cleanup: () => void

beforeEach(async () => {
  const t = tempDir()
  cleanup = t.cleanup
  alive = new Set([BROKER_PID])
  broker = storeBrokerOf(await openBroker(t.dir, {host: '/127.0.0.1', isProcessAlive: (pid) => alive.has(pid)}))
  await broker.createTopic({name: 'orders', partitions: 3})
})
afterEach(async () => {
  await broker.close()
  cleanup()
})

const summary = (overrides: Partial<WireGroupSummary> = {}): WireGroupSummary => ({
  brokerPid: BROKER_PID,
  coordinator: '127.0.0.1:19092',
  generation: 1,
  nodeId: 1,
  protocolName: 'range',
  protocolType: 'consumer',
  state: 'Stable',
  ...overrides,
})

const member = (id: string, partitions: number[], overrides: Partial<WireGroupMember> = {}): WireGroupMember => ({
  assignment: Buffer.from([0, 0]),
  brokerPid: BROKER_PID,
  clientHost: '/127.0.0.1',
  clientId: 'rdkafka',
  generation: 1,
  groupInstanceId: null,
  memberId: id,
  partitions: partitions.map((partition) => ({partition, topic: 'orders'})),
  ...overrides,
})

describe('wire groups in consumer-groups administration', () => {
  it('describe shows the published members, state, assignor and coordinator; offsets are the shared rows', async () => {
    await broker.publishWireGroup('g', [member('rdkafka-b', [2]), member('rdkafka-a', [0, 1])], summary())
    await broker.commitOffsets('g', [{offset: 0, partition: 1, topic: 'orders'}])
    const [g] = await broker.describeGroups(['g'])
    expect(g).toEqual({
      assignor: 'range',
      coordinator: {location: '127.0.0.1:19092', nodeId: 1},
      groupId: 'g',
      members: [
        {
          assignment: [
            {partition: 0, topic: 'orders'},
            {partition: 1, topic: 'orders'},
          ],
          clientId: 'rdkafka',
          host: '/127.0.0.1',
          memberId: 'rdkafka-a',
        },
        {assignment: [{partition: 2, topic: 'orders'}], clientId: 'rdkafka', host: '/127.0.0.1', memberId: 'rdkafka-b'},
      ],
      offsets: [
        {
          clientId: 'rdkafka',
          currentOffset: null,
          host: '/127.0.0.1',
          lag: null,
          logEndOffset: 0,
          memberId: 'rdkafka-a',
          partition: 0,
          topic: 'orders',
        },
        {
          clientId: 'rdkafka',
          currentOffset: 0,
          host: '/127.0.0.1',
          lag: 0,
          logEndOffset: 0,
          memberId: 'rdkafka-a',
          partition: 1,
          topic: 'orders',
        },
        {
          clientId: 'rdkafka',
          currentOffset: null,
          host: '/127.0.0.1',
          lag: null,
          logEndOffset: 0,
          memberId: 'rdkafka-b',
          partition: 2,
          topic: 'orders',
        },
      ],
      state: 'Stable',
    })
    expect(await broker.listGroups()).toEqual([{groupId: 'g', state: 'Stable', type: 'classic'}])
  })

  it('a group without commits is known while its members are; a static member keeps its instance id', async () => {
    await broker.publishWireGroup(
      'fresh',
      [member('m', [], {groupInstanceId: 'instance-1'})],
      summary({protocolName: '', state: 'PreparingRebalance'}),
    )
    const [g] = await broker.describeGroups('all')
    expect(g).toMatchObject({assignor: '', groupId: 'fresh', offsets: [], state: 'PreparingRebalance'})
    expect(g.members).toEqual([
      {assignment: [], clientId: 'rdkafka', groupInstanceId: 'instance-1', host: '/127.0.0.1', memberId: 'm'},
    ])
    // The group empties: the broker withdraws it, and without offsets it is gone, as kt drops such groups.
    await broker.publishWireGroup('fresh', [], summary({state: 'Empty'}))
    expect(await broker.describeGroups(['fresh'])).toEqual([
      {assignor: '', groupId: 'fresh', members: [], offsets: [], state: 'Dead'},
    ])
    expect(await broker.listGroups()).toEqual([])
  })

  it('an active wire group is refused for reset and delete, and delete-offsets of its topics', async () => {
    await broker.publishWireGroup('g', [member('m', [0, 1, 2])], summary())
    await broker.commitOffsets('g', [{offset: 0, partition: 0, topic: 'orders'}])
    const reset = await broker.resetOffsets(
      {command: 'test', groups: ['g'], scenario: {type: 'to-latest'}, scope: {type: 'all-topics'}},
      true,
    )
    expect(reset.groups).toEqual([{groupId: 'g', noPlan: false, offsets: [], refused: true, state: 'Stable'}])
    expect(await broker.deleteGroups('all')).toEqual({
      deleted: [],
      failed: [{error: 'org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.', groupId: 'g'}],
    })
    // The assigned topic stands for the subscription (KIP-496: refused per partition).
    const subscribed =
      'org.apache.kafka.common.errors.GroupSubscribedToTopicException: Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.'
    expect(await broker.deleteOffsets('g', [{topic: 'orders', partitions: [0]}])).toEqual({
      groupId: 'g',
      partitions: [{error: subscribed, partition: 0, topic: 'orders'}],
    })
    expect(await broker.committedOffsets('g')).toEqual([{offset: 0, partition: 0, topic: 'orders'}])
  })

  it('rows a dead broker left behind are stale: the group is Empty (or gone) and can be reset and deleted', async () => {
    await broker.publishWireGroup('g', [member('m', [0, 1, 2])], summary())
    await broker.publishWireGroup('uncommitted', [member('n', [0])], summary())
    await broker.commitOffsets('g', [{offset: 0, partition: 0, topic: 'orders'}])
    alive.delete(BROKER_PID)
    expect(await broker.listGroups()).toEqual([{groupId: 'g', state: 'Empty', type: 'classic'}])
    const [g, uncommitted] = await broker.describeGroups(['g', 'uncommitted'])
    expect(g).toMatchObject({assignor: '', members: [], state: 'Empty'})
    expect(g.coordinator).toBeUndefined()
    expect(uncommitted.state).toBe('Dead')
    const reset = await broker.resetOffsets(
      {command: 'test', groups: ['g'], scenario: {type: 'to-offset', offset: 0}, scope: {type: 'all-topics'}},
      true,
    )
    expect(reset.groups[0]).toMatchObject({refused: false, state: 'Empty'})
    expect(await broker.deleteGroups(['g'])).toEqual({deleted: ['g'], failed: []})
  })

  it('a broker clears what it published when it stops (or restarts with the same pid)', async () => {
    await broker.publishWireGroup('g', [member('m', [0])], summary())
    await broker.clearWireGroups(BROKER_PID)
    expect(await broker.wireGroupMembers('g')).toEqual([])
    expect(await broker.listGroups()).toEqual([])
  })

  it('a starting broker also clears the rows of brokers that died, not those of running ones', async () => {
    const OTHER = 4343
    alive.add(OTHER)
    await broker.publishWireGroup('dead', [member('m', [0])], summary())
    await broker.publishWireGroup('running', [member('n', [1], {brokerPid: OTHER})], summary({brokerPid: OTHER}))
    alive.delete(BROKER_PID)
    await broker.clearWireGroups(9999)
    expect(await broker.wireGroupMembers('dead')).toEqual([])
    // Had the dead broker's pid been reused by another process, its group would not come back.
    alive.add(BROKER_PID)
    expect((await broker.listGroups()).map((g) => [g.groupId, g.state])).toEqual([['running', 'Stable']])
    expect(await broker.wireGroupMembers('running')).toHaveLength(1)
  })

  it('members read back with their decoded partitions', async () => {
    await broker.publishWireGroup('g', [member('m', [2, 0], {groupInstanceId: 'i'})], summary())
    expect(await broker.wireGroupMembers('g')).toEqual([member('m', [0, 2], {groupInstanceId: 'i'})])
  })
})
