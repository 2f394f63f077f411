// What kafka-consumer-groups asks of a group coordinator, over the store: list, describe, reset
// offsets (with kt's reset history and undo), delete groups and delete offsets. Membership and
// state come from groups.ts (groupStateOf, liveMembersOf), or for a group of wire clients from
// what its kt broker published (wire_groups); list and describe only read, so they
// run in a read snapshot and never take the write lock. Resets, deletes and delete-offsets each
// decide and write in one BEGIN IMMEDIATE transaction, so a member cannot join between the
// "group is inactive" check and the write. (A wire client joins in its broker's memory, so it can;
// it then starts from the offsets just written, as with Kafka, whose tool also checks the state
// and writes the offsets in separate requests.)
import type {Db} from './db/connection.js'
import {KtError} from './errors.js'
import {groupStateOf, liveMembersOf, type ProcessAlive} from './groups.js'
import {listOffsetTx} from './log.js'
import {type OffsetsSource, planResetWith, type ResetRequest, type ResetResult} from './reset-planner.js'
import {findTopic} from './topics.js'
import type {TopicPartition} from './types.js'

export type GroupState = ReturnType<typeof groupStateOf>

/** The clock and this host's process check, for telling live members from dead ones. */
export interface AdminContext {
  now: number
  host: string
  alive?: ProcessAlive
}

export interface GroupListing {
  groupId: string
  state: GroupState
  /** kt's groups use the classic protocol (join/sync/heartbeat), as console consumers do. */
  type: 'classic'
}

export interface GroupMemberDescription {
  memberId: string
  /** Static membership's group.instance.id; only wire clients can have one. */
  groupInstanceId?: string
  clientId: string
  /** Kafka's form: the client address with a leading slash. */
  host: string
  /** Sorted by topic, then partition. */
  assignment: TopicPartition[]
}

export interface GroupOffsetDescription extends TopicPartition {
  /** The committed offset (next offset to read), or null without a commit. */
  currentOffset: number | null
  /** null when the topic or partition no longer exists. */
  logEndOffset: number | null
  lag: number | null
  /** The owning member, or null for a committed partition nobody owns. */
  memberId: string | null
  host: string | null
  clientId: string | null
}

export interface GroupDescription {
  groupId: string
  state: GroupState
  /** The partition assignor of the current generation; '' when the group has no members. */
  assignor: string
  members: GroupMemberDescription[]
  offsets: GroupOffsetDescription[]
  /**
   * The kt broker coordinating a group of wire clients (its advertised host:port and node id);
   * absent where the store itself coordinates the group.
   */
  coordinator?: {nodeId: number; location: string}
}

interface AdminMemberRow {
  member_id: string
  client_id: string
  client_host: string
  assignment: string
}

/** A group a kt broker coordinates for wire clients, as the broker published it (migration 6). */
interface WireGroupRow {
  state: Exclude<GroupState, 'Dead' | 'Empty'>
  protocol_name: string
  coordinator: string
  node_id: number
  broker_pid: number
}

interface WireMemberRow {
  member_id: string
  client_id: string
  client_host: string
  group_instance_id: string | null
  /** JSON {"topic": [partitions]}, decoded by the broker from the member's assignment. */
  partitions: string
  broker_pid: number
}

interface OffsetRow {
  topic: string
  partition: number
  committed_offset: number
  log_end_offset: number | null
}

/** Every group in the store, sorted by id (Kafka's order is undefined). */
export function listGroups(db: Db, ctx: AdminContext): GroupListing[] {
  return allGroupIds(db, ctx).map((groupId) => ({groupId, state: stateOf(db, groupId, ctx), type: 'classic'}))
}

/** Describes the given groups (or every group), sorted by id; unknown ids come back Dead. */
export function describeGroups(db: Db, groupIds: readonly string[] | 'all', ctx: AdminContext): GroupDescription[] {
  const ids = groupIds === 'all' ? allGroupIds(db, ctx) : [...new Set(groupIds)].sort()
  return ids.map((id) => describeGroup(db, id, ctx))
}

/**
 * Every group: those the store knows (members or committed offsets) and those a running kt
 * broker coordinates for wire clients (which may not have committed yet), sorted by id.
 */
function allGroupIds(db: Db, ctx: AdminContext): string[] {
  const ids = new Set((db.stmt('groupAdminGroups').all() as {group_id: string}[]).map((r) => r.group_id))
  for (const w of db.stmt('wireGroupsAll').all() as {group_id: string; broker_pid: number}[])
    if (brokerAlive(ctx, w.broker_pid)) ids.add(w.group_id)
  return [...ids].sort(compare)
}

function brokerAlive(ctx: AdminContext, pid: number): boolean {
  return ctx.alive === undefined || ctx.alive(pid)
}

/**
 * The wire group a running kt broker coordinates, with its members; undefined when no broker
 * published one, or the broker that did is gone (a killed broker leaves its rows behind until the
 * next kt broker starts: they are stale, not live members).
 */
function liveWireGroup(
  db: Db,
  groupId: string,
  ctx: AdminContext,
): {group: WireGroupRow; members: WireMemberRow[]} | undefined {
  const group = db.stmt('wireGroupById').get(groupId) as WireGroupRow | undefined
  if (!group || !brokerAlive(ctx, group.broker_pid)) return undefined
  const members = (db.stmt('wireMembersOf').all(groupId) as WireMemberRow[]).filter(
    (m) => m.broker_pid === group.broker_pid,
  )
  return members.length === 0 ? undefined : {group, members}
}

/** A wire group's state is its coordinator's; otherwise the store's members decide it. */
function stateOf(db: Db, groupId: string, ctx: AdminContext): GroupState {
  return liveWireGroup(db, groupId, ctx)?.group.state ?? groupStateOf(db, groupId, ctx.now, ctx.host, ctx.alive)
}

/** Kafka shows the client address with a leading slash, whichever way the member stored it. */
const slashed = (host: string) => `/${host.replace(/^\/+/, '')}`

function describeGroup(db: Db, groupId: string, ctx: AdminContext): GroupDescription {
  const group = db.stmt('groupAdminGroup').get(groupId) as {assignor: string} | undefined
  const wire = liveWireGroup(db, groupId, ctx)
  if (!group && !wire) return {assignor: '', groupId, members: [], offsets: [], state: 'Dead'}
  const members: GroupMemberDescription[] = (
    wire
      ? wire.members.map((m) => ({
          assignment: parsePartitions(m.partitions),
          clientId: m.client_id,
          host: slashed(m.client_host),
          memberId: m.member_id,
          ...(m.group_instance_id === null ? {} : {groupInstanceId: m.group_instance_id}),
        }))
      : (liveMembersOf(db, groupId, ctx.now, ctx.host, ctx.alive) as AdminMemberRow[]).map((m) => ({
          assignment: parsePartitions(m.assignment),
          clientId: m.client_id,
          host: slashed(m.client_host),
          memberId: m.member_id,
        }))
  ).sort((a, b) => compare(a.memberId, b.memberId))
  const committed = new Map<string, OffsetRow>()
  for (const r of db.stmt('groupAdminOffsets').all(groupId) as OffsetRow[]) committed.set(key(r), r)

  // Kafka's rows: members with partitions, most partitions first, each member's partitions by
  // topic then partition; then committed partitions that no member owns. Wire clients' and
  // kt consumers' commits are the same rows.
  const offsets: GroupOffsetDescription[] = []
  const owners = [...members].sort((a, b) => b.assignment.length - a.assignment.length)
  for (const m of owners)
    for (const tp of m.assignment) {
      const c = committed.get(key(tp))
      committed.delete(key(tp))
      const end = c ? c.log_end_offset : logEndOffsetOf(db, tp)
      offsets.push(groupOffsetRow(tp, c?.committed_offset ?? null, end, m))
    }

  for (const c of committed.values()) offsets.push(groupOffsetRow(c, c.committed_offset, c.log_end_offset, undefined))
  if (wire)
    return {
      assignor: wire.group.protocol_name,
      coordinator: {location: wire.group.coordinator, nodeId: wire.group.node_id},
      groupId,
      members,
      offsets,
      state: wire.group.state,
    }
  return {
    assignor: members.length > 0 ? group!.assignor : '',
    groupId,
    members,
    offsets,
    state: stateOf(db, groupId, ctx),
  }
}

/** One row of Kafka's offsets view: a partition's committed offset, log end, lag and owner. */
export function groupOffsetRow(
  tp: TopicPartition,
  current: number | null,
  end: number | null,
  member: GroupMemberDescription | undefined,
): GroupOffsetDescription {
  return {
    clientId: member?.clientId ?? null,
    currentOffset: current,
    host: member?.host ?? null,
    lag: current === null || end === null ? null : end - current,
    logEndOffset: end,
    memberId: member?.memberId ?? null,
    partition: tp.partition,
    topic: tp.topic,
  }
}

function logEndOffsetOf(db: Db, tp: TopicPartition): number | null {
  const w = db.stmt('groupAdminWatermarks').get(tp.topic, tp.partition) as {log_end_offset: number} | undefined
  return w ? w.log_end_offset : null
}

/** Members' partitions as stored: JSON {"topic": [partitions]}; read back sorted by topic, then partition. */
export function parsePartitions(json: string): TopicPartition[] {
  const parsed = JSON.parse(json) as Record<string, number[]>
  const out: TopicPartition[] = []
  for (const topic of Object.keys(parsed).sort(compare))
    for (const partition of [...parsed[topic]].sort((a, b) => a - b)) out.push({partition, topic})
  return out
}

export function formatPartitions(tps: readonly TopicPartition[]): string {
  const byTopic: Record<string, number[]> = {}
  for (const tp of tps) (byTopic[tp.topic] ??= []).push(tp.partition)
  return JSON.stringify(byTopic)
}

function key(tp: TopicPartition): string {
  return `${tp.partition}\u0000${tp.topic}`
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

// ---------------------------------------------------------------------------------------------
// Offset resets: reset-planner.ts plans them (for the store and for a cluster alike) over the
// store's OffsetsSource below; executing writes the plan in the same transaction.

export type {
  GroupResetPlan,
  PartitionOffset,
  PlannedOffset,
  ResetRequest,
  ResetResult,
  ResetScenario,
  ResetScope,
} from './reset-planner.js'

/** The store as the planner's source: every answer is read at once, in the caller's transaction. */
export function storeOffsets(db: Db, ctx: AdminContext): OffsetsSource {
  const watermarksOf = (tp: TopicPartition) =>
    db.stmt('groupAdminWatermarks').get(tp.topic, tp.partition) as
      {log_start_offset: number; log_end_offset: number} | undefined
  return {
    committedOffsets: (groupId) =>
      (db.stmt('groupAdminOffsets').all(groupId) as OffsetRow[]).map((r) => ({
        offset: r.committed_offset,
        partition: r.partition,
        topic: r.topic,
      })),
    groupIds: () => allGroupIds(db, ctx),
    groupStates: (groupIds) => new Map(groupIds.map((id) => [id, stateOf(db, id, ctx)])),
    lastReset(groupId) {
      const last = db.stmt('groupAdminLastReset').get(groupId) as {reset_id: number} | undefined
      if (!last) return undefined
      return (
        db.stmt('groupAdminResetEntries').all(last.reset_id) as {
          topic: string
          partition: number
          old_offset: number | null
        }[]
      ).map((e) => ({oldOffset: e.old_offset, partition: e.partition, topic: e.topic}))
    },
    offsetsForTimestamp: (tps, timestamp) =>
      tps.map((tp) => ({...tp, offset: listOffsetTx(db, tp.topic, tp.partition, {timestamp})})),
    partitionCounts(topics) {
      const counts = new Map<string, number>()
      for (const t of topics) {
        const row = findTopic(db, t)
        if (row) counts.set(t, row.partition_count)
      }

      return counts
    },
    watermarks: (tps) =>
      tps.flatMap((tp) => {
        const w = watermarksOf(tp)
        return w ? [{...tp, logEndOffset: w.log_end_offset, logStartOffset: w.log_start_offset}] : []
      }),
  }
}

/** Computes what a reset would do, without writing (the dry run). */
export function planReset(db: Db, req: ResetRequest, ctx: AdminContext): ResetResult {
  const result = planResetWith(storeOffsets(db, ctx), req)
  // The store's answers are plain values, so the planner never waited (nor left the transaction).
  if (result instanceof Promise) throw new Error('the store answered a reset planner question asynchronously')
  return result
}

/** Plans and writes the reset in the caller's write transaction, recording it in the history. */
export function executeResetTx(db: Db, req: ResetRequest, ctx: AdminContext): ResetResult {
  const result = planReset(db, req, ctx)
  for (const g of result.groups) {
    if (g.refused || g.offsets.length === 0) continue
    db.stmt('groupAdminInsertGroup').run(g.groupId, ctx.now, ctx.now)
    const resetId = db.stmt('groupAdminInsertReset').run(g.groupId, ctx.now, req.command).lastInsertRowid
    for (const o of g.offsets) {
      if (o.newOffset === null) db.stmt('groupAdminDeleteOffset').run(g.groupId, o.topic, o.partition)
      else db.stmt('groupAdminUpsertOffset').run(g.groupId, o.topic, o.partition, o.newOffset, ctx.now)
      db.stmt('groupAdminInsertResetEntry').run(resetId, o.topic, o.partition, o.oldOffset, o.newOffset ?? -1)
    }
  }

  return result
}

// ---------------------------------------------------------------------------------------------
// Reset history

export interface ResetHistoryEntry {
  resetId: number
  groupId: string
  /** When the reset was executed (ms since the epoch). */
  time: number
  command: string
  offsets: Array<TopicPartition & {oldOffset: number | null; newOffset: number | null}>
}

/** Every executed reset of the group, oldest first. */
export function resetHistory(db: Db, groupId: string): ResetHistoryEntry[] {
  const resets = db.stmt('groupAdminResets').all(groupId) as {reset_id: number; reset_at: number; command: string}[]
  return resets.map((r) => ({
    command: r.command,
    groupId,
    offsets: (
      db.stmt('groupAdminResetEntries').all(r.reset_id) as {
        topic: string
        partition: number
        old_offset: number | null
        new_offset: number
      }[]
    ).map((e) => ({
      newOffset: e.new_offset < 0 ? null : e.new_offset,
      oldOffset: e.old_offset,
      partition: e.partition,
      topic: e.topic,
    })),
    resetId: r.reset_id,
    time: r.reset_at,
  }))
}

// ---------------------------------------------------------------------------------------------
// Deleting groups and offsets

export interface DeleteGroupsResult {
  deleted: string[]
  /** Groups that could not be deleted, with Kafka's exception text. */
  failed: Array<{groupId: string; error: string}>
}

export const GROUP_NOT_EMPTY = 'org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.'
export const GROUP_NOT_FOUND = 'org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.'

/** Deletes inactive groups with their offsets and reset history, in the caller's write transaction. */
export function deleteGroupsTx(db: Db, groupIds: readonly string[] | 'all', ctx: AdminContext): DeleteGroupsResult {
  const ids = groupIds === 'all' ? allGroupIds(db, ctx) : [...new Set(groupIds)].sort()
  const result: DeleteGroupsResult = {deleted: [], failed: []}
  for (const groupId of ids) {
    const state = stateOf(db, groupId, ctx)
    if (state === 'Dead') result.failed.push({error: GROUP_NOT_FOUND, groupId})
    else if (state !== 'Empty') result.failed.push({error: GROUP_NOT_EMPTY, groupId})
    else {
      // Offsets and the rows of members that expired unnoticed go with the group (ON DELETE CASCADE).
      db.stmt('groupAdminDeleteHistory').run(groupId)
      db.stmt('groupAdminDeleteGroup').run(groupId)
      result.deleted.push(groupId)
    }
  }

  return result
}

export interface DeleteOffsetsResult {
  groupId: string
  /** Sorted by the `topic-partition` string, as Kafka sorts them; partition null = not provided. */
  partitions: Array<{topic: string; partition: number | null; error: string | null}>
}

const UNKNOWN_TOPIC_OR_PARTITION = 'This server does not host this topic-partition.'
/** What Kafka's tool prints for such a partition: its ExecutionException's text. */
export const GROUP_SUBSCRIBED_TO_TOPIC =
  'org.apache.kafka.common.errors.GroupSubscribedToTopicException: Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.'

/** Removes the group's committed offsets of the given partitions (all of a topic's without a list). */
export function deleteOffsetsTx(
  db: Db,
  groupId: string,
  topics: ReadonlyArray<{topic: string; partitions?: readonly number[]}>,
  ctx: AdminContext,
): DeleteOffsetsResult {
  const state = stateOf(db, groupId, ctx)
  if (state === 'Dead') throw new KtError('GROUP_ID_NOT_FOUND', 'The group id does not exist.')
  // Kafka (KIP-496) refuses, partition by partition, only the topics a live member of a
  // consumer-protocol group subscribes to (GROUP_SUBSCRIBED_TO_TOPIC); the others' offsets go.
  // NON_EMPTY_GROUP is for groups of other protocols, whose subscriptions it cannot read; kt's
  // groups are all consumer-protocol. A kt broker's wire members publish their assignment, not
  // their subscription: the topics assigned to any of them stand for the group's subscription.
  const subscribed = new Set<string>()
  if (state !== 'Empty') {
    const wire = liveWireGroup(db, groupId, ctx)
    for (const m of wire?.members ?? []) for (const p of parsePartitions(m.partitions)) subscribed.add(p.topic)
    for (const m of liveMembersOf(db, groupId, ctx.now, ctx.host, ctx.alive))
      for (const t of JSON.parse(m.subscription) as string[]) subscribed.add(t)
  }

  const out = new Map<string, {topic: string; partition: number | null; error: string | null}>()
  for (const t of topics) {
    const row = findTopic(db, t.topic)
    if (!row) {
      out.set(`${t.topic}-`, {error: UNKNOWN_TOPIC_OR_PARTITION, partition: null, topic: t.topic})
      continue
    }

    const partitions = t.partitions ?? Array.from({length: row.partition_count}, (_, p) => p)
    for (const partition of partitions) {
      const exists = partition < row.partition_count
      const refused = exists && subscribed.has(t.topic)
      if (exists && !refused) db.stmt('groupAdminDeleteOffset').run(groupId, t.topic, partition)
      const error = !exists ? UNKNOWN_TOPIC_OR_PARTITION : refused ? GROUP_SUBSCRIBED_TO_TOPIC : null
      out.set(`${t.topic}-${partition}`, {error, partition, topic: t.topic})
    }
  }

  const partitions = [...out.entries()].sort(([a], [b]) => compare(a, b)).map(([, v]) => v)
  return {groupId, partitions}
}
