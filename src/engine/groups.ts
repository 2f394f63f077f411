// Consumer groups with the database as the coordinator (DESIGN §4). Every console consumer in a
// group is a member row. Joining, leaving, expiry, a changed subscription and changed partition
// counts each start a new generation: the group's assignor gives every live member a target
// assignment (`assignment`), in one write transaction.
//
// Handover. A member also records what it holds now (`owned`). Owned sets never overlap: a
// member takes a partition of its target only in a transaction that finds no other member
// owning it. A member whose target lost a partition stops fetching it, waits until its output
// took every record fetched from it, commits, and releases it (syncGroupTx); only then can the
// new owner take it, starting at that commit. A member that expires (session timeout, or its
// process on this host is gone) loses its row and with it everything it owned. So no partition
// is ever read by two live members at once, and handover loses nothing (at-least-once).
// Partitions that stay with their member are read on throughout a rebalance.
//
// Members learn of work without waiting for a heartbeat: every commit rewrites the store's
// commit signal file, a member's wait wakes on it, and checkMember() — one read, no write — says
// whether a sync would change anything. Committed offsets (the next offset to read) are kept per
// group, topic and partition.
import {randomUUID} from 'node:crypto'

import {ASSIGNORS, type AssignorName, chooseProtocol, isAssignorName} from './assignors.js'
import type {Db} from './db/connection.js'
import {KtError} from './errors.js'
import type {TopicPartition} from './types.js'

export interface JoinGroupRequest {
  groupId: string
  clientId: string
  clientHost: string
  processId: number
  /** Topic names the member subscribes to (a pattern is resolved by the client). */
  topics: readonly string[]
  sessionTimeoutMs: number
  /** The member's preferred assignor. */
  assignor: AssignorName
  /** Every assignor the member supports, most preferred first (partition.assignment.strategy). */
  protocols?: readonly AssignorName[]
}

export interface MemberAssignment {
  memberId: string
  generation: number
  /** The member's target in this generation, sorted by topic, then partition. */
  partitions: TopicPartition[]
  /**
   * What the member holds now, sorted: the partitions of its target it may fetch, and
   * partitions it still has to release (owned but no longer in the target).
   */
  owned: TopicPartition[]
  /** Before this time (group.initial.rebalance.delay.ms of a new group) nobody takes partitions. */
  assignAfter: number
}

export interface SyncRequest {
  groupId: string
  memberId: string
  /** Offsets to commit first, in the same transaction (those of `released`, at least). */
  offsets: readonly CommittedOffset[]
  /** Partitions the member stopped fetching and gives up. */
  released: readonly TopicPartition[]
}

/** What checkMember() learns in one read. */
export interface MemberCheck {
  /** The member is no longer in the group (it expired): it must join again. */
  gone: boolean
  generation: number
  /**
   * A sync would change something: a peer to expire, partition counts to rebalance on, or a
   * partition of the member's target that nobody owns any more.
   */
  due: boolean
  assignAfter: number
  /** Process ids of the other members on this host: the member may watch them between checks. */
  localPeers?: number[]
}

export interface CommittedOffset extends TopicPartition {
  offset: number
}

/** Tells whether a process on this host is still running (members of dead processes expire at once). */
export type ProcessAlive = (pid: number) => boolean

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead'

/** A group_members row as stored. */
export interface MemberRow {
  member_id: string
  client_id: string
  client_host: string
  process_id: number
  /** JSON array of topic names. */
  subscription: string
  /** JSON {"topic": [partitions]}: the target of `generation`. */
  assignment: string
  generation: number
  session_timeout_ms: number
  last_heartbeat: number
  joined_at: number
  /** JSON {"topic": [partitions]}: what the member holds now. */
  owned: string
  /** The generation whose whole assignment the member holds (-1: none yet). */
  acked_generation: number
  /** JSON array of assignor names, most preferred first. */
  protocols: string
}

interface GroupRow {
  group_id: string
  assignor: string
  generation: number
  partition_counts: string
  assign_after: number
}

type Owned = Map<string, Set<number>>

export function validateGroupId(groupId: string): void {
  if (groupId === '') throw new KtError('INVALID_GROUP_ID', 'The group id must not be empty')
}

/** A member's session is live: it heartbeated within its timeout and its process (on this host) runs. */
function isLive(m: MemberRow, now: number, host: string, alive?: ProcessAlive): boolean {
  if (m.last_heartbeat + m.session_timeout_ms < now) return false
  return alive === undefined || m.client_host !== host || alive(m.process_id)
}

/**
 * Adds a member: it joins, the group rebalances, and the member takes at once whatever of its
 * target nobody owns. `initialDelayMs` is group.initial.rebalance.delay.ms: a member joining an
 * empty group (or within that delay of such a join) holds back, so that members started together
 * share the partitions without handing any over.
 */
export function joinGroupTx(
  db: Db,
  req: JoinGroupRequest,
  now: number,
  host: string,
  alive?: ProcessAlive,
  initialDelayMs = 0,
): MemberAssignment {
  validateGroupId(req.groupId)
  // A group that a kt broker coordinates for wire clients lives in that broker's process: two
  // coordinators would give one partition two owners, so a kt consumer is refused there, as the
  // broker refuses a wire client in a group of kt consumers. Members published by a broker
  // process that is gone do not count.
  const wire = db.stmt('wireMembersOf').all(req.groupId) as {broker_pid: number}[]
  if (wire.some((m) => alive === undefined || alive(m.broker_pid)))
    throw new KtError(
      'INCONSISTENT_GROUP_PROTOCOL',
      `Group '${req.groupId}' is in use by Kafka clients of a kt broker; a kt console-consumer cannot join it while they are members`,
    )
  const protocols = req.protocols && req.protocols.length > 0 ? [...req.protocols] : [req.assignor]
  db.stmt('groupInsertIfMissing').run(req.groupId, protocols[0], now, now)
  expireMembersTx(db, req.groupId, now, host, alive)
  const existing = membersOf(db, req.groupId)
  if (chooseProtocol([...existing.map(protocolsOf), protocols]) === undefined)
    throw new KtError(
      'INCONSISTENT_GROUP_PROTOCOL',
      `The group member's supported protocols (partition.assignment.strategy ${protocols.join(',')}) are incompatible with those of the existing members of group '${req.groupId}' (${[...new Set(existing.flatMap(protocolsOf))].join(',')})`,
    )
  const group = groupOf(db, req.groupId)
  if (initialDelayMs > 0 && (existing.length === 0 || now < group.assign_after))
    db.stmt('groupSetAssignAfter').run(now + initialDelayMs, req.groupId)
  const memberId = `${req.clientId}-${randomUUID()}`
  db.stmt('memberInsert').run(
    req.groupId,
    memberId,
    req.clientId,
    req.clientHost,
    req.processId,
    JSON.stringify([...req.topics].sort()),
    req.sessionTimeoutMs,
    now,
    now,
    JSON.stringify(protocols),
  )
  rebalanceTx(db, req.groupId, now)
  acquireTx(db, req.groupId, memberId, now)
  return assignmentOf(db, req.groupId, memberId)
}

/**
 * Records that the member is alive and expires members that are not (rebalancing if any were).
 * A member that was expired itself gets UNKNOWN_MEMBER_ID and must join again.
 */
export function heartbeatTx(
  db: Db,
  groupId: string,
  memberId: string,
  now: number,
  host: string,
  alive?: ProcessAlive,
): MemberAssignment {
  const updated = db.stmt('memberHeartbeat').run(now, groupId, memberId)
  if (updated.changes === 0) throw unknownMember(groupId, memberId)
  if (expireMembersTx(db, groupId, now, host, alive) > 0) rebalanceTx(db, groupId, now)
  return assignmentOf(db, groupId, memberId)
}

/**
 * The member's step of the handover, in one transaction: commit `offsets`, release `released`,
 * heartbeat, expire dead peers and rebalance if they or partition counts changed, then take
 * every partition of its target that nobody owns.
 */
export function syncGroupTx(
  db: Db,
  req: SyncRequest,
  now: number,
  host: string,
  alive?: ProcessAlive,
): MemberAssignment {
  const me = db.stmt('memberById').get(req.groupId, req.memberId) as MemberRow | undefined
  if (!me) throw unknownMember(req.groupId, req.memberId)
  if (req.offsets.length > 0) commitOffsetsTx(db, req.groupId, req.offsets, now)
  db.stmt('memberHeartbeat').run(now, req.groupId, req.memberId)
  if (req.released.length > 0) {
    const owned = parseOwned(me.owned)
    for (const {partition, topic} of req.released) owned.get(topic)?.delete(partition)
    db.stmt('memberSetOwned').run(formatOwned(owned), me.acked_generation, req.groupId, req.memberId)
  }

  const expired = expireMembersTx(db, req.groupId, now, host, alive)
  if (expired > 0 || countsChanged(db, groupOf(db, req.groupId), membersOf(db, req.groupId)))
    rebalanceTx(db, req.groupId, now)
  acquireTx(db, req.groupId, req.memberId, now)
  return assignmentOf(db, req.groupId, req.memberId)
}

/** Read-only: whether the member should sync now (see MemberCheck). Costs one small read. */
export function checkMember(
  db: Db,
  groupId: string,
  memberId: string,
  now: number,
  host: string,
  alive?: ProcessAlive,
): MemberCheck {
  const group = db.stmt('groupById').get(groupId) as GroupRow | undefined
  const members = group ? membersOf(db, groupId) : []
  const me = members.find((m) => m.member_id === memberId)
  if (!group || !me) return {assignAfter: 0, due: false, generation: -1, gone: true, localPeers: []}
  let due = members.some((m) => !isLive(m, now, host, alive)) || countsChanged(db, group, members)
  if (!due && now >= group.assign_after) {
    const owned = parseOwned(me.owned)
    const others = ownedByOthers(members, memberId)
    for (const [topic, partitions] of parseOwned(me.assignment))
      for (const p of partitions) if (!owned.get(topic)?.has(p) && !others.has(tpKey(topic, p))) due = true
  }

  const localPeers = members.filter((m) => m.member_id !== memberId && m.client_host === host).map((m) => m.process_id)
  return {assignAfter: group.assign_after, due, generation: group.generation, gone: false, localPeers}
}

/** The member now subscribes to `topics` (a pattern matched new topics). */
export function resubscribeTx(
  db: Db,
  groupId: string,
  memberId: string,
  topics: readonly string[],
  now: number,
): MemberAssignment {
  const updated = db.stmt('memberSetSubscription').run(JSON.stringify([...topics].sort()), now, groupId, memberId)
  if (updated.changes === 0) throw unknownMember(groupId, memberId)
  rebalanceTx(db, groupId, now)
  acquireTx(db, groupId, memberId, now)
  return assignmentOf(db, groupId, memberId)
}

/** Removes the member (releasing everything it owned); the others rebalance. */
export function leaveGroupTx(db: Db, groupId: string, memberId: string, now: number): void {
  const removed = db.stmt('memberDelete').run(groupId, memberId)
  if (removed.changes === 0) return
  if ((db.stmt('memberCount').pluck().get(groupId) as number) > 0) rebalanceTx(db, groupId, now)
  else dropIfUnusedTx(db, groupId)
}

export function commitOffsetsTx(db: Db, groupId: string, offsets: readonly CommittedOffset[], now: number): void {
  validateGroupId(groupId)
  db.stmt('groupInsertIfMissing').run(groupId, '', now, now)
  const upsert = db.stmt('offsetUpsert')
  for (const o of offsets) upsert.run(groupId, o.topic, o.partition, o.offset, now)
}

export function committedOffsetsOf(db: Db, groupId: string): CommittedOffset[] {
  return (db.stmt('offsetsOfGroup').all(groupId) as {topic: string; partition: number; committed_offset: number}[]).map(
    (r) => ({offset: r.committed_offset, partition: r.partition, topic: r.topic}),
  )
}

/**
 * A deleted topic's committed offsets go with it, as Kafka deletes the offsets of deleted
 * partitions: otherwise a group would resume a recreated topic at the old offset and skip its
 * first records. Groups left with neither members nor offsets disappear.
 */
export function deleteTopicOffsetsTx(db: Db, topic: string): void {
  const groups = db.stmt('groupsWithOffsetsOnTopic').pluck().all(topic) as string[]
  db.stmt('offsetsDeleteOfTopic').run(topic)
  for (const groupId of groups) dropIfUnusedTx(db, groupId)
}

/**
 * A group's state as kafka-consumer-groups shows it, read-only: Dead (no such group), Empty (no
 * live member), PreparingRebalance (a member still holds a partition it must hand over, or a dead
 * member awaits expiry), CompletingRebalance (a member does not yet hold all of its target),
 * Stable otherwise.
 */
export function groupStateOf(
  db: Db,
  groupId: string,
  now: number,
  host: string,
  alive?: ProcessAlive,
): 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead' {
  const group = db.stmt('groupById').get(groupId) as GroupRow | undefined
  if (!group) return 'Dead'
  const members = membersOf(db, groupId)
  const live = members.filter((m) => isLive(m, now, host, alive))
  if (live.length === 0) return 'Empty'
  if (live.length < members.length || countsChanged(db, group, members)) return 'PreparingRebalance'
  let completing = false
  for (const m of live) {
    const target = parseOwned(m.assignment)
    const owned = parseOwned(m.owned)
    for (const [topic, ps] of owned) for (const p of ps) if (!target.get(topic)?.has(p)) return 'PreparingRebalance'
    if (m.generation !== group.generation || m.acked_generation !== group.generation) completing = true
  }

  return completing ? 'CompletingRebalance' : 'Stable'
}

/** The members whose session is live (the rule expiry uses), read-only, sorted by member id. */
export function liveMembersOf(db: Db, groupId: string, now: number, host: string, alive?: ProcessAlive): MemberRow[] {
  return membersOf(db, groupId).filter((m) => isLive(m, now, host, alive))
}

/** A group with neither members nor offsets disappears, as Kafka's offset cleanup removes it. */
function dropIfUnusedTx(db: Db, groupId: string): void {
  db.stmt('groupDeleteIfUnused').run({groupId})
}

function unknownMember(groupId: string, memberId: string): KtError {
  return new KtError(
    'UNKNOWN_MEMBER_ID',
    `Member ${memberId} is no longer part of group '${groupId}' (its session expired)`,
  )
}

function membersOf(db: Db, groupId: string): MemberRow[] {
  return db.stmt('membersOfGroup').all(groupId) as MemberRow[]
}

function groupOf(db: Db, groupId: string): GroupRow {
  return db.stmt('groupById').get(groupId) as GroupRow
}

function protocolsOf(m: MemberRow): AssignorName[] {
  const names = (JSON.parse(m.protocols) as string[]).filter(isAssignorName)
  return names.length > 0 ? names : ['range']
}

/** Removes members whose session timed out or whose process on this host is gone. */
function expireMembersTx(db: Db, groupId: string, now: number, host: string, alive?: ProcessAlive): number {
  let expired = 0
  for (const m of membersOf(db, groupId))
    if (!isLive(m, now, host, alive)) {
      db.stmt('memberDelete').run(groupId, m.member_id)
      expired++
    }

  return expired
}

/** Partition counts of the topics the members subscribe to (existing topics only), as JSON. */
function currentCounts(db: Db, members: readonly MemberRow[]): Map<string, number> {
  const topics = [...new Set(members.flatMap((m) => JSON.parse(m.subscription) as string[]))].sort()
  const counts = new Map<string, number>()
  for (const t of topics) {
    const count = db.stmt('topicPartitionCount').pluck().get(t) as number | undefined
    if (count !== undefined) counts.set(t, count)
  }

  return counts
}

/** Partitions were added to a subscribed topic, or one was created or deleted, since the last rebalance. */
function countsChanged(db: Db, group: GroupRow, members: readonly MemberRow[]): boolean {
  return JSON.stringify(Object.fromEntries(currentCounts(db, members))) !== group.partition_counts
}

/** New generation: every live member gets its target share of its subscribed topics' partitions. */
function rebalanceTx(db: Db, groupId: string, now: number): void {
  const group = groupOf(db, groupId)
  const generation = group.generation + 1
  const members = membersOf(db, groupId)
  const counts = currentCounts(db, members)
  const assignor = chooseProtocol(members.map(protocolsOf)) ?? 'range'
  const assignment = ASSIGNORS[assignor](
    members.map((m) => ({
      memberId: m.member_id,
      previous: new Map(Object.entries(JSON.parse(m.assignment) as Record<string, number[]>)),
      topics: JSON.parse(m.subscription) as string[],
    })),
    counts,
  )
  const setAssignment = db.stmt('memberSetAssignment')
  for (const m of members) {
    const mine = assignment.get(m.member_id) ?? new Map<string, number[]>()
    setAssignment.run(
      JSON.stringify(
        Object.fromEntries([...mine].filter(([, ps]) => ps.length > 0).sort(([a], [b]) => (a < b ? -1 : 1))),
      ),
      generation,
      groupId,
      m.member_id,
    )
  }

  db.stmt('groupSetGeneration').run(generation, assignor, JSON.stringify(Object.fromEntries(counts)), now, groupId)
}

/** The member takes every partition of its target that no other member owns. */
function acquireTx(db: Db, groupId: string, memberId: string, now: number): void {
  const group = groupOf(db, groupId)
  const members = membersOf(db, groupId)
  const me = members.find((m) => m.member_id === memberId)
  if (!me) return
  const owned = parseOwned(me.owned)
  const target = parseOwned(me.assignment)
  if (now >= group.assign_after) {
    const others = ownedByOthers(members, memberId)
    for (const [topic, partitions] of target)
      for (const p of partitions) {
        if (others.has(tpKey(topic, p))) continue
        if (!owned.has(topic)) owned.set(topic, new Set())
        owned.get(topic)!.add(p)
      }
  }

  const acked = sameOwned(owned, target) && me.generation === group.generation ? group.generation : me.acked_generation
  db.stmt('memberSetOwned').run(formatOwned(owned), acked, groupId, memberId)
}

const tpKey = (topic: string, partition: number) => `${partition}\u0000${topic}`

function ownedByOthers(members: readonly MemberRow[], memberId: string): Set<string> {
  const held = new Set<string>()
  for (const m of members) {
    if (m.member_id === memberId) continue
    for (const [topic, ps] of parseOwned(m.owned)) for (const p of ps) held.add(tpKey(topic, p))
  }

  return held
}

function parseOwned(json: string): Owned {
  const parsed = JSON.parse(json) as Record<string, number[]>
  return new Map(Object.entries(parsed).map(([t, ps]) => [t, new Set(ps)]))
}

function formatOwned(owned: Owned): string {
  const entries = [...owned]
    .filter(([, ps]) => ps.size > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([t, ps]) => [t, [...ps].sort((x, y) => x - y)])
  return JSON.stringify(Object.fromEntries(entries))
}

function sameOwned(a: Owned, b: Owned): boolean {
  return formatOwned(a) === formatOwned(b)
}

function toPartitions(owned: Owned): TopicPartition[] {
  const out: TopicPartition[] = []
  for (const topic of [...owned.keys()].sort())
    for (const partition of [...owned.get(topic)!].sort((x, y) => x - y)) out.push({partition, topic})
  return out
}

function assignmentOf(db: Db, groupId: string, memberId: string): MemberAssignment {
  const row = db.stmt('memberById').get(groupId, memberId) as MemberRow | undefined
  if (!row) throw unknownMember(groupId, memberId)
  return {
    assignAfter: groupOf(db, groupId).assign_after,
    generation: row.generation,
    memberId,
    owned: toPartitions(parseOwned(row.owned)),
    partitions: toPartitions(parseOwned(row.assignment)),
  }
}
