// What the coordinator publishes to the store for kt consumer-groups: every state the group
// passes through, the assignor only once Stable (as Kafka's DescribeGroups), and each member's
// partitions decoded from its ConsumerProtocol assignment; an unreadable assignment is reported
// and shown as no partitions.
import {afterEach, describe, expect, it} from 'vitest'

import type {StoreBroker, WireGroupMember, WireGroupSummary} from '../../src/engine/index.js'
import {encodeAssignment, encodeSubscription} from '../../src/protocol/index.js'
import {GroupCoordinator, type JoinRequest} from '../../src/server/groups/coordinator.js'

interface Publication {
  state: string
  protocolName: string
  coordinator: string
  members: Array<{id: string; instance: string | null; partitions: string[]}>
}

const publications: Publication[] = []
const broker = {
  hasStoreMembers: async () => false,
  async publishWireGroup(_g: string, members: WireGroupMember[], s: WireGroupSummary) {
    publications.push({
      coordinator: `${s.coordinator} (${s.nodeId}) pid ${s.brokerPid}`,
      members: members.map((m) => ({
        id: m.memberId,
        instance: m.groupInstanceId,
        partitions: m.partitions.map((p) => `${p.topic}-${p.partition}`),
      })),
      protocolName: s.protocolName,
      state: s.state,
    })
  },
} as unknown as StoreBroker

let c: GroupCoordinator | undefined
const problems: string[] = []
afterEach(() => {
  c?.close()
  publications.length = 0
  problems.length = 0
})

const subscription = encodeSubscription(
  {generationId: -1, ownedPartitions: [], rackId: null, topics: ['orders'], userData: null},
  1,
)
const join = (overrides: Partial<JoinRequest> = {}): JoinRequest => ({
  clientHost: '/127.0.0.1',
  clientId: 'c',
  groupId: 'g',
  groupInstanceId: null,
  memberId: '',
  protocolType: 'consumer',
  protocols: [{metadata: subscription, name: 'range'}],
  rebalanceTimeoutMs: 5000,
  requireKnownMemberId: false,
  sessionTimeoutMs: 5000,
  ...overrides,
})
const assignment = (byTopic: Record<string, number[]>) =>
  encodeAssignment(
    {assignedPartitions: Object.entries(byTopic).map(([topic, partitions]) => ({partitions, topic})), userData: null},
    0,
  )

describe('the coordinator publishes its groups', () => {
  it('each state, the assignor once Stable, decoded partitions sorted, the static member id and the endpoint', async () => {
    c = new GroupCoordinator(broker, {
      brokerPid: 77,
      endpoint: '127.0.0.1:9092',
      initialRebalanceDelayMs: 0,
      maxSessionTimeoutMs: 60_000,
      minSessionTimeoutMs: 50,
      nodeId: 1,
    })
    const a = await c.join(join({groupInstanceId: 'static-a'}))
    await c.sync('g', a.memberId, 1, [{assignment: assignment({orders: [2, 0], audit: [1]}), memberId: a.memberId}])
    expect(publications.map((p) => [p.state, p.protocolName])).toEqual([
      ['PreparingRebalance', ''],
      ['CompletingRebalance', ''],
      ['Stable', 'range'],
    ])
    expect(publications.at(-1)).toEqual({
      coordinator: '127.0.0.1:9092 (1) pid 77',
      members: [{id: a.memberId, instance: 'static-a', partitions: ['audit-1', 'orders-0', 'orders-2']}],
      protocolName: 'range',
      state: 'Stable',
    })

    // A second member: the group rebalances and, until Stable again, shows nobody's partitions.
    publications.length = 0
    const bJoin = c.join(join({clientId: 'b'}))
    const [a2, b] = await Promise.all([c.join(join({groupInstanceId: 'static-a', memberId: a.memberId})), bJoin])
    expect(publications.map((p) => [p.state, p.members.length])).toEqual([
      ['PreparingRebalance', 2],
      ['CompletingRebalance', 2],
    ])
    expect(publications.flatMap((p) => p.members.flatMap((m) => m.partitions))).toEqual([])
    const bSync = c.sync('g', b.memberId, a2.generationId, [])
    await c.sync('g', a.memberId, a2.generationId, [
      {assignment: assignment({orders: [0, 1]}), memberId: a.memberId},
      {assignment: assignment({orders: [2]}), memberId: b.memberId},
    ])
    await bSync
    expect(
      publications
        .at(-1)!
        .members.map((m) => [m.id, m.partitions])
        .sort(),
    ).toEqual(
      [
        [a.memberId, ['orders-0', 'orders-1']],
        [b.memberId, ['orders-2']],
      ].sort(),
    )

    // Both leave: the group is withdrawn (published Empty, without members).
    c.leave('g', b.memberId)
    c.leave('g', a.memberId)
    expect(publications.at(-1)).toMatchObject({members: [], state: 'Empty'})
  })

  it('an assignment that is not the consumer protocol is reported and shows no partitions', async () => {
    c = new GroupCoordinator(broker, {
      initialRebalanceDelayMs: 0,
      maxSessionTimeoutMs: 60_000,
      minSessionTimeoutMs: 50,
      onProblem: (m) => problems.push(m),
    })
    const a = await c.join(join())
    await c.sync('g', a.memberId, 1, [{assignment: Buffer.from([0, 0, 0, 0, 0, 9]), memberId: a.memberId}])
    expect(publications.at(-1)).toMatchObject({members: [{partitions: []}], state: 'Stable'})
    expect(problems).toEqual([
      `group 'g': the assignment of member ${a.memberId} cannot be read: assignedPartitions: 9 elements in 0 bytes`,
    ])
  })

  it("another protocol type's assignments are opaque: no partitions, no complaint", async () => {
    c = new GroupCoordinator(broker, {
      initialRebalanceDelayMs: 0,
      maxSessionTimeoutMs: 60_000,
      minSessionTimeoutMs: 50,
      onProblem: (m) => problems.push(m),
    })
    const a = await c.join(join({protocolType: 'connect'}))
    await c.sync('g', a.memberId, 1, [{assignment: Buffer.from('opaque'), memberId: a.memberId}])
    expect(publications.at(-1)).toMatchObject({members: [{partitions: []}], protocolName: 'range', state: 'Stable'})
    expect(problems).toEqual([])
  })
})
