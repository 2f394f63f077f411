// kafka-consumer-groups' administration against a cluster, over the library's Admin API:
// ListGroups, DescribeGroups, OffsetFetch (listConsumerGroupOffsets), ListOffsets, OffsetCommit
// for a group without members (alterConsumerGroupOffsets), DeleteGroups and OffsetDelete, with
// the engine's result shapes. kt's reset history — not a Kafka feature, the cluster keeps no
// such thing — is kept in a JSON file in kt's data dir, per cluster id and group.
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import type * as Kafka from '@platformatic/kafka'

import {
  type CommittedOffset,
  type DeleteGroupsResult,
  type DeleteOffsetsResult,
  type GroupDescription,
  type GroupListing,
  type GroupMemberDescription,
  type GroupState,
  GROUP_SUBSCRIBED_TO_TOPIC,
  groupOffsetRow,
  type OffsetsSource,
  planResetWith,
  type ResetHistoryEntry,
  type ResetRequest,
  type ResetResult,
  type TopicPartition,
} from '../engine/index.js'
import type {RemoteBroker} from './broker.js'
import {kafkaMessage} from './errors.js'

type Lib = typeof Kafka

const GROUP_NOT_EMPTY = 'org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.'
const GROUP_NOT_FOUND = 'org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.'
const UNKNOWN_PARTITION = 'This server does not host this topic-partition.'

interface OffsetDeleteResponse {
  errorCode: number
  topics: Array<{name: string; partitions: Array<{partitionIndex: number; errorCode: number}>}>
}

/** The library's state names (upper case, no underscores) as Kafka's tools print them. */
const STATES: Record<string, GroupState> = {
  COMPLETINGREBALANCE: 'CompletingRebalance',
  DEAD: 'Dead',
  EMPTY: 'Empty',
  PREPARINGREBALANCE: 'PreparingRebalance',
  STABLE: 'Stable',
}

/**
 * A classic group's state. kt lists classic groups only (ListGroups types ['classic']);
 * DescribeGroups answers Dead for a KIP-848 consumer-protocol group, and so does this for any
 * state name it does not know.
 */
export function groupState(raw: string | undefined): GroupState {
  return STATES[(raw ?? '').toUpperCase().replaceAll('_', '')] ?? 'Dead'
}

const key = (tp: TopicPartition) => `${tp.partition}\u0000${tp.topic}`
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
const sortPartitions = <T extends TopicPartition>(tps: T[]) =>
  tps.sort((a, b) => compare(a.topic, b.topic) || a.partition - b.partition)

interface HistoryFile {
  resets: Array<ResetHistoryEntry & {cluster: string}>
}

export class GroupAdmin {
  private coordinator: {nodeId: number; location: string} | undefined

  constructor(
    private readonly broker: RemoteBroker,
    private readonly lib: Lib,
    private readonly dataDir: string,
    private readonly bootstrap: readonly string[],
  ) {}

  private get admin(): Kafka.Admin {
    return this.broker.admin
  }

  /** The coordinator of the group last described (else the first bootstrap server's node). */
  async groupCoordinator(): Promise<{nodeId: number; location: string}> {
    if (this.coordinator) return this.coordinator
    const metadata = await this.broker.call(() => this.admin.metadata({topics: []}))
    const [id, b] = [...metadata.brokers].sort(([a], [c]) => a - c)[0] ?? [-1, {host: this.bootstrap[0], port: 0}]
    return {location: `${b.host}:${b.port}`, nodeId: id}
  }

  async listGroups(): Promise<GroupListing[]> {
    const groups = await this.broker.call(() => this.admin.listGroups({types: ['classic']}))
    return [...groups.values()]
      .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
      .map((g) => ({groupId: g.id, state: groupState(g.state), type: 'classic' as const}))
      .sort((a, b) => compare(a.groupId, b.groupId))
  }

  async describeGroups(groupIds: readonly string[] | 'all'): Promise<GroupDescription[]> {
    const ids = groupIds === 'all' ? (await this.listGroups()).map((g) => g.groupId) : [...new Set(groupIds)].sort()
    if (ids.length === 0) return []
    const described = await this.broker.call(() => this.admin.describeGroups({groups: ids}), {group: ids[0]})
    const out: GroupDescription[] = []
    for (const groupId of ids) {
      const g = described.get(groupId)
      const state = groupState(g?.state)
      if (!g || state === 'Dead') {
        out.push({assignor: '', groupId, members: [], offsets: [], state: 'Dead'})
        continue
      }

      const members: GroupMemberDescription[] = [...g.members.values()]
        .map((m) => ({
          assignment: sortPartitions(
            [...(m.assignments?.values() ?? [])].flatMap((a) =>
              a.partitions.map((partition) => ({partition, topic: a.topic})),
            ),
          ),
          clientId: m.clientId,
          host: m.clientHost,
          memberId: m.id,
        }))
        .sort((a, b) => compare(a.memberId, b.memberId))
      const committed = new Map<string, CommittedOffset>()
      for (const c of await this.committed(groupId)) committed.set(key(c), c)
      const owned = [...members].sort((a, b) => b.assignment.length - a.assignment.length)
      const rows: Array<{tp: TopicPartition; current: number | null; member?: GroupMemberDescription}> = []
      for (const m of owned)
        for (const tp of m.assignment) {
          rows.push({current: committed.get(key(tp))?.offset ?? null, member: m, tp})
          committed.delete(key(tp))
        }

      for (const c of committed.values()) rows.push({current: c.offset, tp: c})
      const ends = await this.watermarks(rows.map((r) => r.tp))
      const offsets = rows.map(({current, member, tp}) =>
        groupOffsetRow(tp, current, ends.get(key(tp))?.end ?? null, member),
      )
      out.push({assignor: members.length > 0 ? g.protocol : '', groupId, members, offsets, state})
    }

    await this.rememberCoordinator(ids[0])
    return out
  }

  async committed(groupId: string): Promise<CommittedOffset[]> {
    const listed = await this.broker.call(() => this.admin.listConsumerGroupOffsets({groups: [groupId]}), {
      group: groupId,
    })
    const out: CommittedOffset[] = []
    for (const g of listed)
      for (const t of g.topics)
        for (const p of t.partitions)
          if (p.committedOffset >= 0n)
            out.push({offset: Number(p.committedOffset), partition: p.partitionIndex, topic: t.name})
    return sortPartitions(out)
  }

  /** Commits for a group that has no members here (the coordinator refuses it for an active group). */
  async commit(groupId: string, offsets: readonly CommittedOffset[]): Promise<void> {
    const byTopic = new Map<string, Array<{partition: number; offset: bigint}>>()
    for (const o of offsets)
      byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), {offset: BigInt(o.offset), partition: o.partition}])
    await this.broker.call(
      () =>
        this.admin.alterConsumerGroupOffsets({
          groupId,
          topics: [...byTopic].map(([name, partitionOffsets]) => ({name, partitionOffsets})),
        }),
      {group: groupId},
    )
  }

  /** Plans with the engine's planner over the cluster's answers; executes through the Admin API. */
  async resetOffsets(req: ResetRequest, execute: boolean): Promise<ResetResult> {
    const result = await planResetWith(this.offsetsSource(), req)
    if (!execute) return result

    const cluster = await this.clusterId()
    for (const g of result.groups) {
      if (g.refused || g.offsets.length === 0) continue
      const set = g.offsets.filter((o) => o.newOffset !== null)
      const removed = g.offsets.filter((o) => o.newOffset === null)
      if (set.length > 0)
        await this.commit(
          g.groupId,
          set.map((o) => ({offset: o.newOffset!, partition: o.partition, topic: o.topic})),
        )
      if (removed.length > 0)
        await this.deleteOffsets(
          g.groupId,
          removed.map((o) => ({partitions: [o.partition], topic: o.topic})),
        )
      this.appendHistory(cluster, {
        command: req.command,
        groupId: g.groupId,
        offsets: g.offsets.map((o) => ({...o})),
        resetId: 0,
        time: Date.now(),
      })
    }

    return result
  }

  /** The cluster as the reset planner's source: ListGroups, DescribeGroups, OffsetFetch, Metadata, ListOffsets. */
  private offsetsSource(): OffsetsSource {
    return {
      committedOffsets: (groupId) => this.committed(groupId),
      groupIds: async () => (await this.listGroups()).map((g) => g.groupId),
      groupStates: async (ids) => {
        const described = await this.broker.call(() => this.admin.describeGroups({groups: [...ids]}), {group: ids[0]})
        return new Map(ids.map((id) => [id, groupState(described.get(id)?.state ?? 'DEAD')]))
      },
      lastReset: async (groupId) => (await this.resetHistory(groupId)).at(-1)?.offsets,
      offsetsForTimestamp: async (tps, timestamp) => {
        const found = await this.offsetsAt(tps, BigInt(timestamp))
        return tps.map((tp) => {
          const offset = found.get(key(tp))
          return {...tp, offset: offset === undefined || offset < 0 ? null : offset}
        })
      },
      partitionCounts: (topics) => this.partitionCounts(topics),
      watermarks: async (tps) => {
        const marks = await this.watermarks(tps)
        return tps.flatMap((tp) => {
          const w = marks.get(key(tp))
          return w ? [{...tp, logEndOffset: w.end, logStartOffset: w.start}] : []
        })
      },
    }
  }

  async resetHistory(groupId: string): Promise<ResetHistoryEntry[]> {
    const cluster = await this.clusterId()
    return this.readHistory()
      .resets.filter((r) => r.cluster === cluster && r.groupId === groupId)
      .map(({cluster: _cluster, ...entry}) => entry)
  }

  async deleteGroups(groupIds: readonly string[] | 'all'): Promise<DeleteGroupsResult> {
    const ids = groupIds === 'all' ? (await this.listGroups()).map((g) => g.groupId) : [...new Set(groupIds)].sort()
    const result: DeleteGroupsResult = {deleted: [], failed: []}
    // One call per group: the library's DeleteGroups fails as a whole when one group is refused.
    for (const groupId of ids) {
      try {
        await this.admin.deleteGroups({groups: [groupId]})
        result.deleted.push(groupId)
      } catch (error) {
        const e = error as {findBy?: (p: string, v: unknown) => unknown}
        if (e.findBy?.('apiId', 'NON_EMPTY_GROUP')) result.failed.push({error: GROUP_NOT_EMPTY, groupId})
        else if (e.findBy?.('apiId', 'GROUP_ID_NOT_FOUND')) result.failed.push({error: GROUP_NOT_FOUND, groupId})
        else
          throw await this.broker.call(() => Promise.reject(error), {group: groupId}).catch((mapped: Error) => mapped)
      }
    }

    if (result.deleted.length > 0) {
      const cluster = await this.clusterId()
      const history = this.readHistory()
      history.resets = history.resets.filter((r) => !(r.cluster === cluster && result.deleted.includes(r.groupId)))
      this.writeHistory(history)
    }

    return result
  }

  async deleteOffsets(
    groupId: string,
    topics: ReadonlyArray<{topic: string; partitions?: readonly number[]}>,
  ): Promise<DeleteOffsetsResult> {
    const counts = await this.partitionCounts([...new Set(topics.map((t) => t.topic))])
    const out = new Map<string, {topic: string; partition: number | null; error: string | null}>()
    const request: Array<{name: string; partitionIndexes: number[]}> = []
    for (const t of topics) {
      const count = counts.get(t.topic)
      if (count === undefined) {
        out.set(`${t.topic}-`, {error: UNKNOWN_PARTITION, partition: null, topic: t.topic})
        continue
      }

      const partitions = t.partitions ?? Array.from({length: count}, (_, p) => p)
      const valid = partitions.filter((p) => p < count)
      for (const p of partitions)
        out.set(`${t.topic}-${p}`, {error: p < count ? null : UNKNOWN_PARTITION, partition: p, topic: t.topic})
      if (valid.length > 0) request.push({name: t.topic, partitionIndexes: valid})
    }

    if (request.length > 0) {
      const refused = await this.broker.call(
        async () => {
          try {
            await this.admin.deleteConsumerGroupOffsets({groupId, topics: request})
            return []
          } catch (error) {
            // Partition-level errors (GROUP_SUBSCRIBED_TO_TOPIC for a topic a live member subscribes
            // to) are rows of Kafka's table, as its tool shows them; the broker deleted the rest. A
            // top-level error (GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP) is thrown as Kafka's message.
            const response = (
              error as {findBy?: (p: string, v: unknown) => {response?: OffsetDeleteResponse}}
            ).findBy?.('code', 'PLT_KFK_RESPONSE')?.response
            if (response?.errorCode === 0 && Array.isArray(response.topics))
              return response.topics.flatMap((t) =>
                t.partitions.filter((p) => p.errorCode !== 0).map((p) => ({...p, topic: t.name})),
              )
            throw error
          }
        },
        {group: groupId},
      )
      for (const r of refused)
        out.set(`${r.topic}-${r.partitionIndex}`, {
          error: this.partitionError(r.errorCode),
          partition: r.partitionIndex,
          topic: r.topic,
        })
    }

    const partitions = [...out.entries()].sort(([a], [b]) => compare(a, b)).map(([, v]) => v)
    return {groupId, partitions}
  }

  /** A partition's OffsetDelete error as Kafka's tool prints it (the ExecutionException's text). */
  private partitionError(code: number): string {
    const name =
      this.lib.protocolErrorsCodesById[code as keyof typeof this.lib.protocolErrorsCodesById] ?? `ERROR_${code}`
    if (name === 'GROUP_SUBSCRIBED_TO_TOPIC') return GROUP_SUBSCRIBED_TO_TOPIC
    if (name === 'UNKNOWN_TOPIC_OR_PARTITION') return UNKNOWN_PARTITION
    return kafkaMessage(name)
  }

  // -------------------------------------------------------------------------------------------

  private async rememberCoordinator(groupId: string): Promise<void> {
    const [found] = await this.broker.call(() =>
      this.admin.findCoordinator({keys: [groupId], keyType: this.lib.FindCoordinatorKeyTypes.GROUP}),
    )
    if (found) this.coordinator = {location: `${found.host}:${found.port}`, nodeId: found.nodeId}
  }

  private async partitionCounts(topics: readonly string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>()
    const existing = new Set(await this.broker.listTopics())
    const known = topics.filter((t) => existing.has(t))
    if (known.length === 0) return counts
    const metadata = await this.broker.call(() => this.admin.metadata({forceUpdate: true, topics: known}))
    for (const [name, t] of metadata.topics) counts.set(name, t.partitionsCount)
    return counts
  }

  private async offsetsAt(tps: readonly TopicPartition[], timestamp: bigint): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    if (tps.length === 0) return out
    const byTopic = new Map<string, number[]>()
    for (const tp of tps) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition])
    const listed = await this.broker.call(() =>
      this.admin.listOffsets({
        topics: [...byTopic].map(([name, ps]) => ({
          name,
          partitions: ps.map((partitionIndex) => ({partitionIndex, timestamp})),
        })),
      }),
    )
    for (const t of listed)
      for (const p of t.partitions) out.set(key({partition: p.partitionIndex, topic: t.name}), Number(p.offset))
    return out
  }

  private async watermarks(tps: readonly TopicPartition[]): Promise<Map<string, {start: number; end: number}>> {
    const out = new Map<string, {start: number; end: number}>()
    const counts = await this.partitionCounts([...new Set(tps.map((t) => t.topic))])
    const present = tps.filter((tp) => tp.partition < (counts.get(tp.topic) ?? 0))
    const [starts, ends] = await Promise.all([this.offsetsAt(present, -2n), this.offsetsAt(present, -1n)])
    for (const tp of present) out.set(key(tp), {end: ends.get(key(tp)) ?? 0, start: starts.get(key(tp)) ?? 0})
    return out
  }

  private async clusterId(): Promise<string> {
    const metadata = await this.broker.call(() => this.admin.metadata({topics: []}))
    return metadata.id
  }

  private historyPath(): string {
    return join(this.dataDir, 'remote-reset-history.json')
  }

  private readHistory(): HistoryFile {
    try {
      const parsed = JSON.parse(readFileSync(this.historyPath(), 'utf8')) as HistoryFile
      return Array.isArray(parsed.resets) ? parsed : {resets: []}
    } catch {
      return {resets: []}
    }
  }

  private appendHistory(cluster: string, entry: ResetHistoryEntry): void {
    const history = this.readHistory()
    const resetId = history.resets.reduce((max, r) => Math.max(max, r.resetId), 0) + 1
    history.resets.push({...entry, cluster, resetId})
    this.writeHistory(history)
  }

  private writeHistory(history: HistoryFile): void {
    mkdirSync(this.dataDir, {recursive: true})
    // Written aside and renamed, so a crash never leaves half a file.
    const tmp = `${this.historyPath()}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(history, null, 2) + '\n')
    renameSync(tmp, this.historyPath())
  }
}
