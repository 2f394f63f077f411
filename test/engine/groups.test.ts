// The group coordinator in the store (DESIGN §4): joins, the handover protocol (owned sets never
// overlap; a partition moves only once released or its owner expired), expiry, group state,
// initial rebalance delay, added partitions and deleted topics. Unit tests over an in-memory
// store; members are driven by hand as the consumer drives them.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import type {AssignorName} from '../../src/engine/assignors.js'
import type {Db} from '../../src/engine/db/connection.js'
import {
  checkMember,
  commitOffsetsTx,
  committedOffsetsOf,
  groupStateOf,
  heartbeatTx,
  joinGroupTx,
  leaveGroupTx,
  liveMembersOf,
  type MemberAssignment,
  type ProcessAlive,
  syncGroupTx,
} from '../../src/engine/groups.js'
import {createPartitionsTx, deleteTopicTx} from '../../src/engine/topics.js'
import type {TopicPartition} from '../../src/engine/types.js'
import {errorOf, memoryStore, NOW, type TestStore} from './support.js'

const HOST = '/127.0.0.1'

function setup(partitions = 4, topic = 't'): TestStore {
  const s = memoryStore()
  s.createTopic({name: topic, partitions})
  return s
}

let pid = 1000
function join(
  s: TestStore,
  options: {
    group?: string
    topics?: string[]
    now?: number
    alive?: ProcessAlive
    protocols?: AssignorName[]
    delay?: number
  } = {},
): MemberAssignment {
  return s.db.immediate(() =>
    joinGroupTx(
      s.db,
      {
        assignor: options.protocols?.[0] ?? 'range',
        clientHost: HOST,
        clientId: 'console-consumer',
        groupId: options.group ?? 'g',
        processId: pid++,
        protocols: options.protocols,
        sessionTimeoutMs: 45_000,
        topics: options.topics ?? ['t'],
      },
      options.now ?? NOW,
      HOST,
      options.alive,
      options.delay ?? 0,
    ),
  )
}

function sync(
  s: TestStore,
  memberId: string,
  released: TopicPartition[] = [],
  offsets: {topic: string; partition: number; offset: number}[] = [],
  now = NOW,
  alive?: ProcessAlive,
): MemberAssignment {
  return s.db.immediate(() => syncGroupTx(s.db, {groupId: 'g', memberId, offsets, released}, now, HOST, alive))
}

const names = (tps: readonly TopicPartition[]) => tps.map((p) => `${p.topic}-${p.partition}`)
/** Owned partitions that are no longer in the target: the member must release them. */
const revoked = (a: MemberAssignment) =>
  a.owned.filter((o) => !a.partitions.some((p) => p.topic === o.topic && p.partition === o.partition))

function totalChanges(db: Db): number {
  return db.connection.prepare('SELECT total_changes()').pluck().get() as number
}

describe('joining and handing over', () => {
  it('a lone member holds every partition at once, and the group is Stable', () => {
    const s = setup()
    const a = join(s)
    expect(names(a.partitions)).toEqual(['t-0', 't-1', 't-2', 't-3'])
    expect(a.owned).toEqual(a.partitions)
    expect(groupStateOf(s.db, 'g', NOW, HOST)).toBe('Stable')
  })

  it('a second member waits for the partitions the first still holds, and gets them once released with their commit', () => {
    const s = setup()
    const a = join(s)
    const b = join(s)
    // b's target is half the topic, but a still owns all of it: b holds nothing yet.
    expect(b.partitions).toHaveLength(2)
    expect(b.owned).toEqual([])
    expect(groupStateOf(s.db, 'g', NOW, HOST)).toBe('PreparingRebalance')
    expect(checkMember(s.db, 'g', b.memberId, NOW, HOST)).toMatchObject({due: false, gone: false})
    // a notices the new generation and learns what to give up; while it keeps them, b still waits.
    const a2 = sync(s, a.memberId)
    expect(a2.generation).toBeGreaterThan(a.generation)
    expect(revoked(a2)).toEqual(b.partitions)
    expect(sync(s, b.memberId).owned).toEqual([])
    // a released them with the offsets its output took: b may take them now, from those offsets.
    const offsets = b.partitions.map((p) => ({...p, offset: 7}))
    sync(s, a.memberId, revoked(a2), offsets)
    expect(checkMember(s.db, 'g', b.memberId, NOW, HOST)).toMatchObject({due: true})
    expect(groupStateOf(s.db, 'g', NOW, HOST)).toBe('CompletingRebalance')
    const b2 = sync(s, b.memberId)
    expect(b2.owned).toEqual(b.partitions)
    expect(committedOffsetsOf(s.db, 'g')).toEqual(offsets)
    expect(groupStateOf(s.db, 'g', NOW, HOST)).toBe('Stable')
  })

  it('a member whose process is gone is expired by the first peer that syncs; its partitions move at once', () => {
    const s = setup()
    const a = join(s)
    const b = join(s)
    sync(s, a.memberId, revoked(sync(s, a.memberId)))
    sync(s, b.memberId)
    const dead = new Set([pid - 1])
    const alive: ProcessAlive = (p) => !dead.has(p)
    // Read-only views already leave the dead member out.
    expect(liveMembersOf(s.db, 'g', NOW, HOST, alive).map((m) => m.member_id)).toEqual([a.memberId])
    expect(checkMember(s.db, 'g', a.memberId, NOW, HOST, alive).due).toBe(true)
    const a3 = sync(s, a.memberId, [], [], NOW, alive)
    expect(names(a3.owned)).toEqual(['t-0', 't-1', 't-2', 't-3'])
    expect(checkMember(s.db, 'g', b.memberId, NOW, HOST).gone).toBe(true)
  })

  it('a member silent for session.timeout.ms expires; on another host only the timeout counts', () => {
    const s = setup()
    const a = join(s)
    const b = join(s, {now: NOW + 40_000})
    const never: ProcessAlive = () => false
    const live = (now: number) => liveMembersOf(s.db, 'g', now, 'other-host', never).map((m) => m.member_id)
    // Sorted by member id (random UUIDs), so compared as sets.
    expect(live(NOW + 45_000).sort()).toEqual([a.memberId, b.memberId].sort())
    expect(live(NOW + 45_001)).toEqual([b.memberId])
    s.db.immediate(() => heartbeatTx(s.db, 'g', b.memberId, NOW + 45_001, 'other-host'))
    expect(errorOf(() => s.db.immediate(() => heartbeatTx(s.db, 'g', a.memberId, NOW + 45_002, HOST))).code).toBe(
      'UNKNOWN_MEMBER_ID',
    )
  })

  it('leaving releases everything the member owned', () => {
    const s = setup()
    const a = join(s)
    const b = join(s)
    s.db.immediate(() => leaveGroupTx(s.db, 'g', a.memberId, NOW))
    expect(names(sync(s, b.memberId).owned)).toEqual(['t-0', 't-1', 't-2', 't-3'])
  })

  it('group.initial.rebalance.delay.ms: members of a new group take nothing until the delay passed', () => {
    const s = setup()
    const a = join(s, {delay: 500})
    const b = join(s, {delay: 500, now: NOW + 300})
    expect([a.owned, b.owned]).toEqual([[], []])
    expect(b.assignAfter).toBe(NOW + 800)
    expect(checkMember(s.db, 'g', a.memberId, NOW + 799, HOST).due).toBe(false)
    expect(checkMember(s.db, 'g', a.memberId, NOW + 800, HOST).due).toBe(true)
    const a2 = sync(s, a.memberId, [], [], NOW + 800)
    const b2 = sync(s, b.memberId, [], [], NOW + 800)
    // Nothing was handed over: each took its own half directly.
    expect([a2.owned, b2.owned]).toEqual([a2.partitions, b2.partitions])
    expect(a2.owned).toHaveLength(2)
  })

  it('members without a strategy in common are refused', () => {
    const s = setup()
    join(s, {protocols: ['range']})
    expect(errorOf(() => join(s, {protocols: ['roundrobin']})).code).toBe('INCONSISTENT_GROUP_PROTOCOL')
    join(s, {protocols: ['cooperative-sticky', 'range']})
  })
})

describe('metadata changes', () => {
  it('added partitions: members find a sync due, and the new partitions are assigned', () => {
    const s = setup(1)
    const a = join(s)
    s.db.immediate(() => createPartitionsTx(s.db, 't', 3, s.config))
    expect(checkMember(s.db, 'g', a.memberId, NOW, HOST).due).toBe(true)
    expect(groupStateOf(s.db, 'g', NOW, HOST)).toBe('PreparingRebalance')
    expect(names(sync(s, a.memberId).owned)).toEqual(['t-0', 't-1', 't-2'])
    expect(checkMember(s.db, 'g', a.memberId, NOW, HOST).due).toBe(false)
  })

  it("deleting a topic deletes every group's committed offsets on it, and groups left with nothing", () => {
    const s = setup(2)
    s.createTopic({name: 'u', partitions: 1})
    s.db.immediate(() => {
      commitOffsetsTx(s.db, 'only-t', [{offset: 5, partition: 0, topic: 't'}], NOW)
      commitOffsetsTx(
        s.db,
        'both',
        [
          {offset: 5, partition: 1, topic: 't'},
          {offset: 9, partition: 0, topic: 'u'},
        ],
        NOW,
      )
    })
    s.db.immediate(() => deleteTopicTx(s.db, 't', s.config))
    expect(committedOffsetsOf(s.db, 'both')).toEqual([{offset: 9, partition: 0, topic: 'u'}])
    expect(committedOffsetsOf(s.db, 'only-t')).toEqual([])
    expect(groupStateOf(s.db, 'only-t', NOW, HOST)).toBe('Dead')
    expect(groupStateOf(s.db, 'both', NOW, HOST)).toBe('Empty')
  })
})

describe('read-only views', () => {
  it('groupStateOf, liveMembersOf and checkMember write nothing, even with dead members to expire', () => {
    const s = setup()
    const a = join(s)
    join(s)
    const before = totalChanges(s.db)
    const nobody: ProcessAlive = () => false
    expect(groupStateOf(s.db, 'g', NOW, HOST, nobody)).toBe('Empty')
    expect(groupStateOf(s.db, 'g', NOW, HOST)).toBe('PreparingRebalance')
    expect(groupStateOf(s.db, 'missing', NOW, HOST)).toBe('Dead')
    expect(liveMembersOf(s.db, 'g', NOW, HOST, nobody)).toEqual([])
    checkMember(s.db, 'g', a.memberId, NOW, HOST, nobody)
    expect(totalChanges(s.db)).toBe(before)
  })
})

describe('the handover invariant under random membership changes', () => {
  type Op =
    | {kind: 'join'; protocol: AssignorName}
    | {kind: 'leave'; who: number}
    | {kind: 'die'; who: number}
    | {kind: 'sync'; who: number}
    | {kind: 'grow'}

  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc
      .constantFrom<AssignorName>('cooperative-sticky', 'range', 'roundrobin')
      .map((protocol) => ({kind: 'join' as const, protocol})),
    fc.nat().map((who) => ({kind: 'leave' as const, who})),
    fc.nat().map((who) => ({kind: 'die' as const, who})),
    fc.nat().map((who) => ({kind: 'sync' as const, who})),
    fc.nat().map((who) => ({kind: 'sync' as const, who})),
    fc.constant({kind: 'grow' as const}),
  )

  it('owned sets never overlap, and once every member syncs twice each holds exactly its target', () => {
    fc.assert(
      fc.property(fc.array(opArb, {maxLength: 40}), (ops) => {
        const s = setup(3)
        const dead = new Set<number>()
        const pids = new Map<string, number>()
        const alive: ProcessAlive = (p) => !dead.has(p)
        let partitions = 3
        const liveIds = () => liveMembersOf(s.db, 'g', NOW, HOST, alive).map((m) => m.member_id)
        // A member syncs as the consumer does: it releases what is no longer in its target.
        const step = (memberId: string) => {
          const a = sync(s, memberId, [], [], NOW, alive)
          if (revoked(a).length > 0) sync(s, memberId, revoked(a), [], NOW, alive)
        }

        const check = () => {
          const held = new Map<string, string>()
          for (const m of s.db.stmt('membersOfGroup').all('g') as {member_id: string; owned: string}[])
            for (const [t, ps] of Object.entries(JSON.parse(m.owned) as Record<string, number[]>))
              for (const p of ps) {
                expect(held.get(`${t}-${p}`), `${t}-${p} owned twice`).toBeUndefined()
                held.set(`${t}-${p}`, m.member_id)
              }
        }

        for (const op of ops) {
          const live = liveIds()
          if (op.kind === 'join') {
            const a = join(s, {alive, protocols: [op.protocol, 'range']})
            pids.set(a.memberId, pid - 1)
          } else if (op.kind === 'grow') {
            partitions++
            s.db.immediate(() => createPartitionsTx(s.db, 't', partitions, s.config))
          } else if (live.length > 0) {
            const who = live[op.who % live.length]
            if (op.kind === 'leave') s.db.immediate(() => leaveGroupTx(s.db, 'g', who, NOW))
            else if (op.kind === 'die') dead.add(pids.get(who)!)
            else step(who)
          }

          check()
        }

        for (let round = 0; round < 3; round++) for (const id of liveIds()) step(id)
        check()
        const live = liveIds()
        if (live.length > 0) {
          expect(groupStateOf(s.db, 'g', NOW, HOST, alive)).toBe('Stable')
          const all = live.flatMap((id) => names(sync(s, id, [], [], NOW, alive).owned)).sort()
          expect(all).toEqual(Array.from({length: partitions}, (_, p) => `t-${p}`).sort())
        }
      }),
      {numRuns: 60},
    )
  })
})
