// Engine tests of consumer-groups administration (src/engine/group-admin.ts): describe's row
// order and read-only-ness, resets (state check, clamping, history, undo), deletes.
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {Db} from '../../src/engine/db/connection.js'
import {
  type AdminContext,
  deleteGroupsTx,
  deleteOffsetsTx,
  describeGroups,
  executeResetTx,
  listGroups,
  planReset,
  type ResetRequest,
  resetHistory,
} from '../../src/engine/group-admin.js'
import {commitOffsetsTx, joinGroupTx, syncGroupTx} from '../../src/engine/groups.js'
import {batchOfCount, errorOf, memoryStore, NOW, store, tempDir, type TestStore} from './support.js'

let s: TestStore
beforeEach(() => {
  s = memoryStore()
  s.createTopic({name: 't', partitions: 3})
  s.append([
    {batch: batchOfCount(10), partition: 0, topic: 't'},
    {batch: batchOfCount(20), partition: 1, topic: 't'},
    {batch: batchOfCount(5), partition: 2, topic: 't'},
  ])
})
afterEach(async () => {
  await s.db.close()
})

const ctx: AdminContext = {alive: () => true, host: '/127.0.0.1', now: NOW}

function commit(group: string, offsets: Record<number, number>): void {
  s.db.immediate(() =>
    commitOffsetsTx(
      s.db,
      group,
      Object.entries(offsets).map(([p, offset]) => ({offset, partition: Number(p), topic: 't'})),
      NOW,
    ),
  )
}

function join(group: string, pid: number): string {
  return s.db.immediate(
    () =>
      joinGroupTx(
        s.db,
        {
          assignor: 'range',
          clientHost: '/127.0.0.1',
          clientId: 'console-consumer',
          groupId: group,
          processId: pid,
          sessionTimeoutMs: 45_000,
          topics: ['t'],
        },
        NOW,
        '/127.0.0.1',
        () => true,
      ).memberId,
  )
}

/**
 * Runs the handover to its end, as the members' processes would: each releases what its target
 * lost, then each takes what is now free; the group is then Stable.
 */
function settle(group: string, members: readonly string[]): void {
  for (let round = 0; round < 2; round++)
    for (const memberId of members)
      s.db.immediate(() => {
        const now = syncGroupTx(
          s.db,
          {groupId: group, memberId, offsets: [], released: []},
          NOW,
          '/127.0.0.1',
          () => true,
        )
        const target = new Set(now.partitions.map((p) => `${p.topic}:${p.partition}`))
        const released = now.owned.filter((p) => !target.has(`${p.topic}:${p.partition}`))
        if (released.length > 0)
          syncGroupTx(s.db, {groupId: group, memberId, offsets: [], released}, NOW, '/127.0.0.1', () => true)
      })
}

const earliest = (groups: string[] | 'all', scope: ResetRequest['scope'] = {type: 'all-topics'}): ResetRequest => ({
  command: 'test',
  groups,
  scenario: {type: 'to-earliest'},
  scope,
})

describe('describeGroups', () => {
  it('unknown groups are Dead; an Empty group shows its committed partitions, sorted', () => {
    commit('g', {0: 4, 2: 5})
    const [dead, g] = describeGroups(s.db, ['zz', 'g'], ctx).sort((a, b) => (a.groupId < b.groupId ? 1 : -1))
    expect(dead).toEqual({assignor: '', groupId: 'zz', members: [], offsets: [], state: 'Dead'})
    expect(g.state).toBe('Empty')
    expect(g.offsets.map((o) => [o.partition, o.currentOffset, o.logEndOffset, o.lag, o.memberId])).toEqual([
      [0, 4, 10, 6, null],
      [2, 5, 5, 0, null],
    ])
  })

  it('members with most partitions come first; assigned partitions without a commit are included', () => {
    commit('g', {1: 3})
    const a = join('g', 1)
    const b = join('g', 2)
    expect(describeGroups(s.db, ['g'], ctx)[0].state).not.toBe('Stable')
    settle('g', [a, b])
    const [g] = describeGroups(s.db, ['g'], ctx)
    expect(g.state).toBe('Stable')
    expect(g.assignor).toBe('range')
    // range over 3 partitions and 2 members: the first member id (sorted) gets 2 partitions.
    const [first, second] = [a, b].sort()
    expect(g.offsets.map((o) => [o.memberId, o.partition, o.currentOffset, o.lag])).toEqual([
      [first, 0, null, null],
      [first, 1, 3, 17],
      [second, 2, null, null],
    ])
    expect(g.members.map((m) => [m.memberId, m.host, m.assignment.length])).toEqual([
      [first, '/127.0.0.1', 2],
      [second, '/127.0.0.1', 1],
    ])
  })

  it('members of dead processes and expired sessions are not shown, and the group reads Empty', () => {
    join('g', 1)
    expect(describeGroups(s.db, ['g'], {...ctx, alive: () => false})[0].state).toBe('Empty')
    expect(describeGroups(s.db, ['g'], {...ctx, now: NOW + 45_001})[0].members).toEqual([])
  })

  it('list and describe never write', () => {
    const {cleanup, dir} = tempDir()
    const writer = store(Db.open(dir))
    const reader = Db.open(dir)
    try {
      writer.createTopic({name: 't', partitions: 1})
      writer.db.immediate(() => commitOffsetsTx(writer.db, 'g', [{offset: 0, partition: 0, topic: 't'}], NOW))
      const before = writer.db.dataVersion()
      reader.snapshot(() => describeGroups(reader, 'all', ctx))
      reader.snapshot(() => listGroups(reader, ctx))
      expect(writer.db.dataVersion()).toBe(before)
    } finally {
      void writer.db.close()
      void reader.close()
      cleanup()
    }
  })
})

describe('resets', () => {
  it('a plan writes nothing; executing it writes and records the old offsets', () => {
    commit('g', {0: 7})
    const plan = s.db.snapshot(() => planReset(s.db, earliest(['g'], {topics: [{topic: 't'}], type: 'topics'}), ctx))
    expect(plan.groups[0].offsets.map((o) => [o.partition, o.oldOffset, o.newOffset])).toEqual([
      [0, 7, 0],
      [1, null, 0],
      [2, null, 0],
    ])
    expect(describeGroups(s.db, ['g'], ctx)[0].offsets.map((o) => o.currentOffset)).toEqual([7])
    s.db.immediate(() => executeResetTx(s.db, earliest(['g'], {topics: [{topic: 't'}], type: 'topics'}), ctx))
    expect(describeGroups(s.db, ['g'], ctx)[0].offsets.map((o) => o.currentOffset)).toEqual([0, 0, 0])
    expect(resetHistory(s.db, 'g').map((r) => r.offsets.map((o) => [o.partition, o.oldOffset, o.newOffset]))).toEqual([
      [
        [0, 7, 0],
        [1, null, 0],
        [2, null, 0],
      ],
    ])
  })

  it('undo restores the replaced offsets, removing commits that did not exist; undo twice redoes', () => {
    commit('g', {0: 7})
    const topics: ResetRequest['scope'] = {topics: [{partitions: [0, 1], topic: 't'}], type: 'topics'}
    s.db.immediate(() => executeResetTx(s.db, earliest(['g'], topics), ctx))
    const undo: ResetRequest = {command: 'undo', groups: ['g'], scenario: {type: 'undo'}, scope: {type: 'scenario'}}
    s.db.immediate(() => executeResetTx(s.db, undo, ctx))
    expect(describeGroups(s.db, ['g'], ctx)[0].offsets.map((o) => [o.partition, o.currentOffset])).toEqual([[0, 7]])
    s.db.immediate(() => executeResetTx(s.db, undo, ctx))
    expect(describeGroups(s.db, ['g'], ctx)[0].offsets.map((o) => [o.partition, o.currentOffset])).toEqual([
      [0, 0],
      [1, 0],
    ])
  })

  it('an active group is refused and keeps its offsets; a group that does not exist gets offsets', () => {
    commit('g', {0: 7})
    join('g', 1)
    const result = s.db.immediate(() => executeResetTx(s.db, earliest(['g', 'new']), ctx))
    expect(result.groups.map((g) => [g.groupId, g.refused, g.state])).toEqual([
      ['g', true, 'Stable'],
      ['new', false, 'Dead'],
    ])
    expect(describeGroups(s.db, ['g'], ctx)[0].offsets.find((o) => o.partition === 0)?.currentOffset).toBe(7)
    expect(resetHistory(s.db, 'g')).toEqual([])
  })

  it('clamps to the log with Kafka’s warnings', () => {
    commit('g', {0: 7, 1: 3})
    const result = planReset(
      s.db,
      {command: 't', groups: ['g'], scenario: {shift: -5, type: 'shift-by'}, scope: {type: 'all-topics'}},
      ctx,
    )
    expect(result.groups[0].offsets.map((o) => o.newOffset)).toEqual([2, 0])
    expect(result.warnings).toEqual([
      'New offset (-2) is lower than earliest offset for topic partition t-1. Value will be set to 0',
    ])
  })

  it('partitions that do not exist are named', () => {
    const error = errorOf(() =>
      planReset(s.db, earliest(['g'], {topics: [{partitions: [5, 3], topic: 't'}], type: 'topics'}), ctx),
    )
    expect(error.message).toBe('The partitions "t-3, t-5" do not exist')
  })
})

describe('deletes', () => {
  it('deletes inactive groups with offsets and history; refuses active and unknown ones', () => {
    commit('a', {0: 1})
    commit('b', {0: 1})
    s.db.immediate(() => executeResetTx(s.db, earliest(['a']), ctx))
    join('b', 1)
    const result = s.db.immediate(() => deleteGroupsTx(s.db, ['a', 'b', 'c'], ctx))
    expect(result.deleted).toEqual(['a'])
    expect(result.failed.map((f) => f.groupId)).toEqual(['b', 'c'])
    expect(listGroups(s.db, ctx).map((g) => g.groupId)).toEqual(['b'])
    expect(resetHistory(s.db, 'a')).toEqual([])
  })

  it('delete-offsets removes only the named partitions', () => {
    commit('g', {0: 1, 1: 2, 2: 3})
    const result = s.db.immediate(() => deleteOffsetsTx(s.db, 'g', [{partitions: [1], topic: 't'}], ctx))
    expect(result.partitions).toEqual([{error: null, partition: 1, topic: 't'}])
    expect(describeGroups(s.db, ['g'], ctx)[0].offsets.map((o) => o.partition)).toEqual([0, 2])
  })
})
