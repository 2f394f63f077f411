// Consumer groups with the database as the coordinator (DESIGN §4). Every console consumer in a
// group is a member row; joining, leaving and expiry each bump the group's generation and
// recompute every member's assignment with the group's assignor, in one write transaction.
// Committed offsets (the next offset to read) are kept per group, topic and partition.
import {randomUUID} from 'node:crypto'

import {ASSIGNORS, type AssignorName} from './assignors.js'
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
  assignor: AssignorName
}

export interface MemberAssignment {
  memberId: string
  generation: number
  /** Sorted by topic, then partition. */
  partitions: TopicPartition[]
}

export interface CommittedOffset extends TopicPartition {
  offset: number
}

/** Tells whether a process on this host is still running (members of dead processes expire at once). */
export type ProcessAlive = (pid: number) => boolean

interface MemberRow {
  member_id: string
  client_host: string
  process_id: number
  subscription: string
  assignment: string
  generation: number
  session_timeout_ms: number
  last_heartbeat: number
}

export function validateGroupId(groupId: string): void {
  if (groupId === '') throw new KtError('INVALID_GROUP_ID', 'The group id must not be empty')
}

export function joinGroupTx(
  db: Db,
  req: JoinGroupRequest,
  now: number,
  host: string,
  alive?: ProcessAlive,
): MemberAssignment {
  validateGroupId(req.groupId)
  db.stmt('groupInsertIfMissing').run(req.groupId, req.assignor, now, now)
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
  )
  expireMembersTx(db, req.groupId, now, host, alive)
  rebalanceTx(db, req.groupId, now)
  return assignmentOf(db, req.groupId, memberId)
}

/**
 * Records that the member is alive, expires members that are not, and returns the member's
 * current assignment (which changes when the generation does). A member that was expired itself
 * gets UNKNOWN_MEMBER_ID and must join again.
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

/** The member now subscribes to `topics` (a pattern matched new topics, or partitions were added). */
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
  return assignmentOf(db, groupId, memberId)
}

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

/** Removes members whose session timed out or whose process on this host is gone. */
function expireMembersTx(db: Db, groupId: string, now: number, host: string, alive?: ProcessAlive): number {
  const members = db.stmt('membersOfGroup').all(groupId) as MemberRow[]
  let expired = 0
  for (const m of members) {
    const timedOut = m.last_heartbeat + m.session_timeout_ms < now
    const dead = alive !== undefined && m.client_host === host && !alive(m.process_id)
    if (timedOut || dead) {
      db.stmt('memberDelete').run(groupId, m.member_id)
      expired++
    }
  }

  return expired
}

/** New generation: every live member gets its share of its subscribed topics' partitions. */
function rebalanceTx(db: Db, groupId: string, now: number): void {
  const group = db.stmt('groupById').get(groupId) as {assignor: string; generation: number}
  const generation = group.generation + 1
  const members = db.stmt('membersOfGroup').all(groupId) as MemberRow[]
  const topics = [...new Set(members.flatMap((m) => JSON.parse(m.subscription) as string[]))]
  const counts = new Map<string, number>()
  for (const t of topics) {
    const count = db.stmt('topicPartitionCount').pluck().get(t) as number | undefined
    if (count !== undefined) counts.set(t, count)
  }

  const assignorName: AssignorName = group.assignor === 'roundrobin' ? 'roundrobin' : 'range'
  const assignment = ASSIGNORS[assignorName](
    members.map((m) => ({memberId: m.member_id, topics: JSON.parse(m.subscription) as string[]})),
    counts,
  )
  const setAssignment = db.stmt('memberSetAssignment')
  for (const m of members) {
    const mine = assignment.get(m.member_id) ?? new Map()
    setAssignment.run(
      JSON.stringify(Object.fromEntries([...mine].sort(([a], [b]) => (a < b ? -1 : 1)))),
      generation,
      groupId,
      m.member_id,
    )
  }

  db.stmt('groupSetGeneration').run(generation, assignorName, now, groupId)
}

function assignmentOf(db: Db, groupId: string, memberId: string): MemberAssignment {
  const row = db.stmt('memberById').get(groupId, memberId) as MemberRow | undefined
  if (!row) throw unknownMember(groupId, memberId)
  const parsed = JSON.parse(row.assignment) as Record<string, number[]>
  const partitions: TopicPartition[] = []
  for (const topic of Object.keys(parsed).sort())
    for (const partition of parsed[topic]) partitions.push({partition, topic})
  return {generation: row.generation, memberId, partitions}
}

// placeholder until the handover protocol lands
/** A group's state as kafka-consumer-groups shows it: Dead (no such group), Empty or Stable. */
export function groupStateOf(
  db: Db,
  groupId: string,
  now: number,
  host: string,
  alive?: ProcessAlive,
): 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead' {
  if (db.stmt('groupById').get(groupId) === undefined) return 'Dead'
  return liveMembersOf(db, groupId, now, host, alive).length === 0 ? 'Empty' : 'Stable'
}

// placeholder until the handover protocol lands
/** Members whose session has not timed out and whose process (on this host) still runs; read-only. */
export function liveMembersOf(
  db: Db,
  groupId: string,
  now: number,
  host: string,
  alive?: ProcessAlive,
): Array<MemberRow & {client_id: string}> {
  return (db.stmt('groupAdminMembers').all(groupId) as Array<MemberRow & {client_id: string}>).filter(
    (m) =>
      m.last_heartbeat + m.session_timeout_ms >= now &&
      (alive === undefined || m.client_host !== host || alive(m.process_id)),
  )
}
