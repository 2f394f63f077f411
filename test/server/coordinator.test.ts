// The in-process group coordinator: the classic protocol's member-id handshake, generations,
// rebalances on join, leave and session expiry, and the refusals that keep one owner per partition.
import {afterEach, describe, expect, it} from 'vitest'

import type {StoreBroker, WireGroupMember} from '../../src/engine/index.js'
import type {ServerContext} from '../../src/server/context.js'
import {GroupCoordinator, type JoinRequest} from '../../src/server/groups/coordinator.js'
import {describeGroups} from '../../src/server/handlers/groups.js'

const storeMembers = new Set<string>()
const published = new Map<string, WireGroupMember[]>()
const broker = {
  groupIds: async () => [],
  hasStoreMembers: async (g: string) => storeMembers.has(g),
  publishWireGroup: async (g: string, members: WireGroupMember[]) => void published.set(g, members),
} as unknown as StoreBroker
let coordinators: GroupCoordinator[] = []

function coordinator(options: Partial<{initialRebalanceDelayMs: number}> = {}): GroupCoordinator {
  const c = new GroupCoordinator(broker, {
    initialRebalanceDelayMs: options.initialRebalanceDelayMs ?? 0,
    maxSessionTimeoutMs: 60_000,
    minSessionTimeoutMs: 50,
  })
  coordinators.push(c)
  return c
}

afterEach(() => {
  for (const c of coordinators) c.close()
  coordinators = []
  storeMembers.clear()
  published.clear()
})

const join = (overrides: Partial<JoinRequest> = {}): JoinRequest => ({
  clientHost: '/127.0.0.1',
  clientId: 'c',
  groupId: 'g',
  groupInstanceId: null,
  memberId: '',
  protocolType: 'consumer',
  protocols: [{metadata: Buffer.from('m'), name: 'range'}],
  rebalanceTimeoutMs: 5000,
  requireKnownMemberId: false,
  sessionTimeoutMs: 5000,
  ...overrides,
})

describe('group coordinator', () => {
  it('JoinGroup v4+: a new member first gets MEMBER_ID_REQUIRED with its id, then joins with it', async () => {
    const c = coordinator()
    const first = await c.join(join({requireKnownMemberId: true}))
    expect(first.errorCode).toBe(79)
    expect(first.memberId).toMatch(/^c-[0-9a-f-]{36}$/)
    const second = await c.join(join({memberId: first.memberId, requireKnownMemberId: true}))
    expect(second).toMatchObject({errorCode: 0, generationId: 1, leader: first.memberId, memberId: first.memberId})
    expect(second.members.map((m) => m.memberId)).toEqual([first.memberId])
    // an id the coordinator never handed out
    expect((await c.join(join({memberId: 'made-up'}))).errorCode).toBe(25)
  })

  it('a second member triggers a rebalance; only the leader gets the member list; SyncGroup hands out assignments', async () => {
    const c = coordinator()
    const a = await c.join(join())
    expect(
      (await c.sync('g', a.memberId, 1, [{assignment: Buffer.from('all'), memberId: a.memberId}])).assignment,
    ).toEqual(Buffer.from('all'))
    expect(c.heartbeat('g', a.memberId, 1)).toBe(0)

    const bJoin = c.join(join({clientId: 'b'}))
    await new Promise((r) => setTimeout(r, 10))
    // a learns of the rebalance through its heartbeat and rejoins
    expect(c.heartbeat('g', a.memberId, 1)).toBe(27)
    const [a2, b] = await Promise.all([c.join(join({memberId: a.memberId})), bJoin])
    expect(a2.generationId).toBe(2)
    expect(b.generationId).toBe(2)
    expect(a2.leader).toBe(a.memberId)
    expect(a2.members.map((m) => m.memberId).sort()).toEqual([a.memberId, b.memberId].sort())
    expect(b.members).toEqual([])
    // the follower waits for the leader's assignments
    const bSync = c.sync('g', b.memberId, 2, [])
    const aSync = await c.sync('g', a.memberId, 2, [
      {assignment: Buffer.from('A'), memberId: a.memberId},
      {assignment: Buffer.from('B'), memberId: b.memberId},
    ])
    expect(aSync.assignment).toEqual(Buffer.from('A'))
    expect((await bSync).assignment).toEqual(Buffer.from('B'))
    // the store shows both members with their generation's assignments
    expect(
      published
        .get('g')!
        .map((m) => [m.memberId, m.clientId, m.generation, m.assignment.toString()])
        .sort(),
    ).toEqual(
      [
        [a.memberId, 'c', 2, 'A'],
        [b.memberId, 'b', 2, 'B'],
      ].sort(),
    )
    // a stale generation
    expect(c.heartbeat('g', b.memberId, 1)).toBe(22)
    expect(c.commitError('g', b.memberId, 1)).toBe(22)
    expect(c.commitError('g', b.memberId, 2)).toBe(0)
  })

  it('DescribeGroups gives the protocol, metadata and assignments of a Stable group only, as Kafka does', async () => {
    const c = coordinator()
    const ctx = {broker, groups: c} as unknown as ServerContext
    const describe = async () => ((await describeGroups(ctx, {groups: ['g']})).groups as Record<string, unknown>[])[0]
    const a = await c.join(join())
    await c.sync('g', a.memberId, 1, [{assignment: Buffer.from('all'), memberId: a.memberId}])
    expect(await describe()).toMatchObject({
      groupState: 'Stable',
      members: [{memberAssignment: Buffer.from('all'), memberId: a.memberId, memberMetadata: Buffer.from('m')}],
      protocolData: 'range',
    })
    // A second member joins: mid-rebalance it has metadata and no assignment, which a client's
    // decoder (@platformatic/kafka's) failed on when both were sent.
    const bJoin = c.join(join({clientId: 'b'}))
    await new Promise((r) => setTimeout(r, 10))
    const preparing = await describe()
    expect(preparing).toMatchObject({groupState: 'PreparingRebalance', protocolData: '', protocolType: 'consumer'})
    expect(preparing.members).toHaveLength(2)
    for (const m of preparing.members as Record<string, unknown>[])
      expect(m).toMatchObject({memberAssignment: Buffer.alloc(0), memberMetadata: Buffer.alloc(0)})
    await Promise.all([c.join(join({memberId: a.memberId})), bJoin])
  })

  it('KIP-345: a static member back under a new member id takes its old place, with no rebalance of a Stable group', async () => {
    const c = coordinator()
    const a = await c.join(join({groupInstanceId: 'inst-a', requireKnownMemberId: true}))
    // A static member gets its member id at once (no MEMBER_ID_REQUIRED round trip).
    expect(a.errorCode).toBe(0)
    const bJoin = c.join(join({clientId: 'b', groupInstanceId: 'inst-b'}))
    await new Promise((r) => setTimeout(r, 10))
    expect(c.heartbeat('g', a.memberId, 1)).toBe(27)
    const [a2, b] = await Promise.all([c.join(join({groupInstanceId: 'inst-a', memberId: a.memberId})), bJoin])
    const bSync = c.sync('g', b.memberId, 2, [])
    await c.sync('g', a.memberId, 2, [
      {assignment: Buffer.from('A'), memberId: a.memberId},
      {assignment: Buffer.from('B'), memberId: b.memberId},
    ])
    await bSync
    expect(a2.generationId).toBe(2)
    // b's process restarts: it closes without leaving (static members do not) and joins again.
    const b2 = await c.join(join({clientId: 'b', groupInstanceId: 'inst-b'}))
    expect(b2).toMatchObject({errorCode: 0, generationId: 2, leader: a.memberId, members: []})
    expect(b2.memberId).not.toBe(b.memberId)
    expect(await c.sync('g', b2.memberId, 2, [])).toMatchObject({assignment: Buffer.from('B'), errorCode: 0})
    // a was not disturbed; the old b is gone (fenced), not a third member.
    expect(c.heartbeat('g', a.memberId, 2)).toBe(0)
    expect(c.heartbeat('g', b.memberId, 2)).toBe(25)
    expect([...c.groups.get('g')!.members.keys()].sort()).toEqual([a.memberId, b2.memberId].sort())
    expect(c.groups.get('g')!.state).toBe('Stable')
  })

  it("OffsetCommit follows Kafka's states: accepted while a rebalance is prepared (commit before rejoin), refused while the assignment syncs", async () => {
    const c = coordinator()
    const a = await c.join(join())
    await c.sync('g', a.memberId, 1, [{assignment: Buffer.from('all'), memberId: a.memberId}])
    const bJoin = c.join(join({clientId: 'b'}))
    await new Promise((r) => setTimeout(r, 10))
    expect(c.heartbeat('g', a.memberId, 1)).toBe(27)
    // PreparingRebalance: the member about to rejoin commits what it processed
    expect(c.commitError('g', a.memberId, 1)).toBe(0)
    await Promise.all([c.join(join({memberId: a.memberId})), bJoin])
    // CompletingRebalance: the new generation's assignment is not known yet
    expect(c.commitError('g', a.memberId, 2)).toBe(27)
    expect(c.commitError('g', a.memberId, 1)).toBe(22)
  })

  it('a member whose session expires is removed and the group rebalances without it', async () => {
    const c = coordinator()
    const a = await c.join(join({sessionTimeoutMs: 5000}))
    await c.sync('g', a.memberId, 1, [])
    const bJoin = c.join(join({clientId: 'b', rebalanceTimeoutMs: 200, sessionTimeoutMs: 100}))
    const [a2, b] = await Promise.all([c.join(join({memberId: a.memberId})), bJoin])
    await c.sync('g', a.memberId, 2, [])
    await c.sync('g', b.memberId, 2, [])
    // b goes silent; a keeps heartbeating
    await new Promise((r) => setTimeout(r, 250))
    expect(c.heartbeat('g', a.memberId, a2.generationId)).toBe(27)
    expect(c.heartbeat('g', b.memberId, 2)).toBe(25)
    const a3 = await c.join(join({memberId: a.memberId}))
    expect(a3.members.map((m) => m.memberId)).toEqual([a.memberId])
    expect(a3.generationId).toBe(3)
  })

  it('LeaveGroup removes the member; the last one leaving empties the group', async () => {
    const c = coordinator()
    const a = await c.join(join())
    expect(c.leave('g', a.memberId)).toBe(0)
    expect(c.groups.get('g')?.state).toBe('Empty')
    expect(published.get('g')).toEqual([])
    expect(c.leave('g', a.memberId)).toBe(25)
    // a simple (generation -1) commit is allowed on an empty group only
    expect(c.commitError('g', '', -1)).toBe(0)
  })

  it('refuses with INCONSISTENT_GROUP_PROTOCOL a group kt console-consumers are members of, or one with no common protocol', async () => {
    const c = coordinator()
    storeMembers.add('cli-group')
    expect((await c.join(join({groupId: 'cli-group'}))).errorCode).toBe(23)
    await c.join(join())
    const other = await c.join(join({protocols: [{metadata: Buffer.alloc(0), name: 'roundrobin'}]}))
    expect(other.errorCode).toBe(23)
    expect((await c.join(join({protocolType: 'connect'}))).errorCode).toBe(23)
  })

  it('refuses a session timeout outside the broker bounds, and an empty group id', async () => {
    const c = coordinator()
    expect((await c.join(join({sessionTimeoutMs: 10}))).errorCode).toBe(26)
    expect((await c.join(join({groupId: ''}))).errorCode).toBe(24)
  })

  it('a new group waits group.initial.rebalance.delay.ms for more members before its first generation', async () => {
    const c = coordinator({initialRebalanceDelayMs: 150})
    const started = Date.now()
    const [a, b] = await Promise.all([c.join(join()), c.join(join({clientId: 'b'}))])
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    expect(a.generationId).toBe(1)
    expect(b.generationId).toBe(1)
    expect([a, b].find((r) => r.members.length > 0)!.members).toHaveLength(2)
  })
})
