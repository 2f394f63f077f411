// The Broker: what commands call. The interface is asynchronous so that a remote implementation
// (a Kafka client behind --bootstrap-server) can stand in later without commands changing; the
// embedded implementation below runs each call as one synchronous SQLite transaction.
import {join} from 'node:path'

import {BROKER_SETTINGS, type BrokerConfig, loadBrokerConfig, SERVER_PROPERTIES} from './broker-config.js'
import {brokerConfigEntries, type ConfigEntry, topicConfigEntries} from './configs.js'
import {cleanLogsTx, type CleanerReport, deleteRecordsTx, retentionCheckDue} from './retention.js'
import {Db, DB_FILE} from './db/connection.js'
import {fetchTx, listOffsetTx, appendTx, type FetchOptions, noSuchPartition} from './log.js'
import {appendIdempotentTx, initProducerIdTx, type ProducerIdAndEpoch} from './producers.js'
import {checkBatch, forEachRecord} from './record-batch.js'
import {
  alterTopicConfigsTx,
  createPartitionsTx,
  createTopicTx,
  deleteTopicTx,
  describeTopic,
  findTopic,
  requireTopic,
  topicConfigs,
  topicNames,
  validateCreate,
} from './topics.js'
import type {
  CreateTopicRequest,
  FetchResult,
  OffsetSpec,
  ProduceBatch,
  TopicPartition,
  ProduceResult,
  TopicDescription,
} from './types.js'
import {ChangeWatcher} from './change-watcher.js'
import {KtError} from './errors.js'
import {type CheckReport, checkStore} from './check.js'
import {
  checkMember,
  commitOffsetsTx,
  committedOffsetsOf,
  type CommittedOffset,
  heartbeatTx,
  joinGroupTx,
  type JoinGroupRequest,
  leaveGroupTx,
  type MemberAssignment,
  type MemberCheck,
  type ProcessAlive,
  resubscribeTx,
  syncGroupTx,
  type SyncRequest,
} from './groups.js'
import {
  type AdminContext,
  deleteGroupsTx,
  type DeleteGroupsResult,
  deleteOffsetsTx,
  type DeleteOffsetsResult,
  describeGroups,
  type GroupDescription,
  type GroupListing,
  executeResetTx,
  listGroups,
  planReset,
  type ResetHistoryEntry,
  resetHistory,
  type ResetRequest,
  type ResetResult,
  formatPartitions,
  parsePartitions,
} from './group-admin.js'

/** server.properties settings that `kt broker` reads itself (its listener and frame limit). */
const WIRE_SETTINGS: ReadonlySet<string> = new Set(['advertised.listeners', 'listeners', 'socket.request.max.bytes'])

/** Kafka's producer acks: 0 (fire and forget), 1 (leader wrote it), -1/all (fully durable). */
export type Acks = -1 | 0 | 1

export interface TopicMetadata {
  name: string
  partitionCount: number
  maxMessageBytes: number
}

/** A topic as kt broker's Metadata lists it. */
export interface TopicListing {
  name: string
  topicId: string
  partitionCount: number
  internal: boolean
}

/** The outcome of one batch of a produce request: its offsets, or why it was refused. */
export type ProduceOutcome = ProduceResult | {error: {code: string; message: string}}

/** A member of a group a kt broker coordinates for wire clients. */
export interface WireGroupMember {
  memberId: string
  /** Static membership's group.instance.id, or null. */
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  generation: number
  /** ConsumerProtocolAssignment bytes; empty before the generation's SyncGroup. */
  assignment: Buffer
  /**
   * The partitions of `assignment`, decoded by the broker (the engine does not read the wire
   * format), sorted by topic, then partition; empty for a group of another protocol type.
   */
  partitions: TopicPartition[]
  /** The kt broker process that coordinates the group. */
  brokerPid: number
}

/** A wire group as its coordinator (a kt broker) sees it, published beside its members. */
export interface WireGroupSummary {
  state: 'CompletingRebalance' | 'Empty' | 'PreparingRebalance' | 'Stable'
  protocolType: string
  /** The chosen assignor; '' unless Stable (Kafka's DescribeGroups names none while rebalancing). */
  protocolName: string
  generation: number
  /** The coordinator's advertised host:port. */
  coordinator: string
  nodeId: number
  brokerPid: number
}

/** An offset found by position or time, with the timestamp of the record there (-1 if none). */
export interface OffsetAndTimestamp {
  offset: number
  timestamp: number
}

export interface BrokerOptions {
  /** This machine's client host name, as members record it. */
  host?: string
  /** Lets the coordinator expire members whose process on this host has exited. */
  isProcessAlive?: ProcessAlive
  /** false: open an existing store only, never create one (kt check). Default true. */
  create?: boolean
}

export interface Broker {
  readonly config: BrokerConfig
  /** Non-fatal notes about the broker's configuration, for the user. */
  readonly warnings: readonly string[]
  /** The store can be read but not written (its file system is read-only). */
  readonly readOnly: boolean

  createTopic(req: CreateTopicRequest): Promise<TopicDescription>
  /** Validates a create request as createTopic would, without creating anything. */
  validateTopic(req: CreateTopicRequest): Promise<void>
  listTopics(): Promise<string[]>
  describeTopics(names: readonly string[]): Promise<TopicDescription[]>
  /** Raises a topic's partition count to totalCount (optionally with replicas for the new ones). */
  createPartitions(topic: string, totalCount: number, assignment?: readonly (readonly number[])[]): Promise<void>
  deleteTopic(topic: string): Promise<void>
  /** Partition count and limits of a topic, or undefined if it does not exist. */
  topicMetadata(topic: string): Promise<TopicMetadata | undefined>

  /** Appends producer batches in one transaction, durable according to acks. */
  produce(batches: readonly ProduceBatch[], acks: Acks): Promise<ProduceResult[]>
  fetch(topic: string, partition: number, offset: number, options: FetchOptions): Promise<FetchResult>
  listOffset(topic: string, partition: number, spec: OffsetSpec): Promise<number | null>

  /** Joins a consumer group as a new member; the group rebalances. */
  joinGroup(req: JoinGroupRequest): Promise<MemberAssignment>
  /** Keeps a member alive; returns its assignment in the current generation. */
  heartbeat(groupId: string, memberId: string): Promise<MemberAssignment>
  /**
   * The member's step of the handover: commits, releases the partitions it stopped fetching,
   * heartbeats, and takes what of its target nobody owns any more (DESIGN §4).
   */
  syncGroup(req: SyncRequest): Promise<MemberAssignment>
  /** Read-only and cheap: whether the member should sync (call it whenever the store changed). */
  checkMember(groupId: string, memberId: string): Promise<MemberCheck>
  /** Changes a member's subscribed topics; the group rebalances. */
  resubscribe(groupId: string, memberId: string, topics: readonly string[]): Promise<MemberAssignment>
  leaveGroup(groupId: string, memberId: string): Promise<void>
  commitOffsets(groupId: string, offsets: readonly CommittedOffset[]): Promise<void>
  committedOffsets(groupId: string): Promise<CommittedOffset[]>

  // consumer-groups administration (kafka-consumer-groups). Listing and describing only read.
  /** The group coordinator: this broker's node id and where the groups live. */
  groupCoordinator(): Promise<{nodeId: number; location: string}>
  listGroups(): Promise<GroupListing[]>
  /** The given groups (unknown ones come back Dead), or every group, sorted by id. */
  describeGroups(groupIds: readonly string[] | 'all'): Promise<GroupDescription[]>
  /** Plans an offset reset; with execute, writes it and records it in the reset history. */
  resetOffsets(req: ResetRequest, execute: boolean): Promise<ResetResult>
  /** The group's executed resets, oldest first. */
  resetHistory(groupId: string): Promise<ResetHistoryEntry[]>
  /** Deletes inactive groups with their committed offsets. */
  deleteGroups(groupIds: readonly string[] | 'all'): Promise<DeleteGroupsResult>
  /** Deletes an inactive group's committed offsets for the given partitions. */
  deleteOffsets(
    groupId: string,
    topics: ReadonlyArray<{topic: string; partitions?: readonly number[]}>,
  ): Promise<DeleteOffsetsResult>
  /** Every topic config of a topic (overrides and defaults), sorted by name. */
  describeTopicConfigs(topic: string): Promise<ConfigEntry[]>
  /**
   * The broker settings kt knows, sorted by name (all static: server.properties or defaults).
   * brokerId: which broker ('' the cluster-wide defaults); the embedded store is one broker.
   */
  describeBrokerConfigs(brokerId?: string): Promise<ConfigEntry[]>
  /** The ids of the cluster's brokers, sorted (the embedded store: its node.id). */
  brokerIds(): Promise<number[]>
  /** Sets and removes topic config overrides in one transaction; the next write uses them. */
  alterTopicConfigs(
    topic: string,
    set: ReadonlyArray<readonly [string, string]>,
    remove: readonly string[],
  ): Promise<void>
  /**
   * Sets and removes a broker's dynamic configs ('' the cluster-wide defaults). kt's own broker
   * settings are static (server.properties), so the embedded store refuses; a cluster applies them.
   */
  alterBrokerConfigs(
    brokerId: string,
    set: ReadonlyArray<readonly [string, string]>,
    remove: readonly string[],
  ): Promise<void>
  /** Moves a partition's log start offset to beforeOffset (-1: log end); returns the new log start. */
  deleteRecords(topic: string, partition: number, beforeOffset: number): Promise<number>
  /**
   * Runs retention and compaction now if log.retention.check.interval.ms has passed since the
   * last run by any process (or regardless, with force). Produce calls this after each append.
   */
  cleanLogs(force?: boolean): Promise<CleanerReport | undefined>

  /**
   * Resolves when another process may have changed the store, when timeoutMs passes, or when
   * signal aborts — whichever is first. Cheap to call in a loop.
   */
  waitForChange(timeoutMs: number, signal?: AbortSignal): Promise<void>

  close(): Promise<void>
}

/**
 * The embedded store as `kt broker` serves it: the Broker, plus what only the wire protocol's
 * front door needs (per-partition produce outcomes, idempotent producers, the groups it
 * coordinates in its own process). A remote cluster is never served, so RemoteBroker has none
 * of these.
 */
export interface StoreBroker extends Broker {
  /** Verifies the whole store (kt check): integrity, CRCs, offsets, watermarks, committed offsets. */
  checkStore(): Promise<CheckReport>
  /** Every topic with its id and partition count, sorted by name. */
  topicList(): Promise<TopicListing[]>
  /**
   * Appends batches in one transaction; each batch succeeds or fails on its own (Kafka answers
   * per partition). Batches of idempotent producers are deduplicated by sequence number.
   */
  produceEach(batches: readonly ProduceBatch[], acks: Acks): Promise<ProduceOutcome[]>
  /** A new producer id, or an existing one with its epoch bumped (InitProducerId). */
  initProducerId(producerId: number, epoch: number): Promise<ProducerIdAndEpoch>
  /**
   * Kafka's ListOffsets: earliest, latest, the record with the largest timestamp, or the first
   * record at or after a time (null when there is none).
   */
  offsetAndTimestamp(
    topic: string,
    partition: number,
    spec: OffsetSpec | 'max-timestamp',
  ): Promise<OffsetAndTimestamp | null>
  /** Whether any kt console-consumer process is a member of the group (a store-coordinated group). */
  hasStoreMembers(groupId: string): Promise<boolean>
  /** Ids of every group the store knows (with members or committed offsets). */
  groupIds(): Promise<string[]>
  /** Deletes a group without store members, with its committed offsets; false if there was none. */
  deleteGroup(groupId: string): Promise<boolean>
  /** Deletes a group's committed offsets for some partitions (OffsetDelete). */
  deleteCommittedOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<void>
  /** Replaces the published state and members of a wire group (Empty: the group is withdrawn). */
  publishWireGroup(groupId: string, members: readonly WireGroupMember[], group: WireGroupSummary): Promise<void>
  /**
   * Removes every wire group and member a kt broker process published (at its start and stop),
   * and those of broker processes that are no longer running.
   */
  clearWireGroups(brokerPid: number): Promise<void>
  /** The wire clients in a group coordinated by a kt broker, as last published. */
  wireGroupMembers(groupId: string): Promise<WireGroupMember[]>
  /** Sets the client metadata string of committed offsets (OffsetCommit's committed_metadata). */
  setCommittedMetadata(groupId: string, entries: readonly (TopicPartition & {metadata: string})[]): Promise<void>
  /** The non-empty metadata strings of a group's committed offsets. */
  committedMetadata(groupId: string): Promise<(TopicPartition & {metadata: string})[]>
}

export class EmbeddedBroker implements StoreBroker {
  readonly warnings: string[] = []
  private watcher: ChangeWatcher | undefined

  constructor(
    private readonly db: Db,
    readonly config: BrokerConfig,
    private readonly dataDir: string,
    private readonly options: BrokerOptions = {},
  ) {
    const ignored = config.ignored.filter((name) => !WIRE_SETTINGS.has(name))
    if (ignored.length > 0)
      this.warnings.push(`${SERVER_PROPERTIES}: ignoring settings kt does not use: ${ignored.join(', ')}`)
  }

  get readOnly(): boolean {
    return this.db.readOnly
  }

  static open(dataDir: string, options: BrokerOptions = {}): EmbeddedBroker {
    // The store first: its checks name a data dir that is a file or cannot be created.
    const db = Db.open(dataDir, {create: options.create})
    let config: BrokerConfig
    try {
      config = loadBrokerConfig(dataDir)
    } catch (error) {
      void db.close()
      throw error
    }

    return new EmbeddedBroker(db, config, dataDir, options)
  }

  async createTopic(req: CreateTopicRequest): Promise<TopicDescription> {
    return this.db.immediate(() =>
      describeTopic(this.db, createTopicTx(this.db, req, this.config, Date.now()), this.config),
    )
  }

  async validateTopic(req: CreateTopicRequest): Promise<void> {
    validateCreate(req, this.config)
  }

  async listTopics(): Promise<string[]> {
    return topicNames(this.db)
  }

  async describeTopics(names: readonly string[]): Promise<TopicDescription[]> {
    return this.db.snapshot(() => names.map((n) => describeTopic(this.db, requireTopic(this.db, n), this.config)))
  }

  async createPartitions(
    topic: string,
    totalCount: number,
    assignment?: readonly (readonly number[])[],
  ): Promise<void> {
    this.db.immediate(() => createPartitionsTx(this.db, topic, totalCount, this.config, assignment))
  }

  async deleteTopic(topic: string): Promise<void> {
    this.db.immediate(() => deleteTopicTx(this.db, topic, this.config))
  }

  async topicMetadata(topic: string): Promise<TopicMetadata | undefined> {
    return this.db.snapshot(() => {
      const row = findTopic(this.db, topic)
      if (!row) return undefined
      const configs = topicConfigs(this.db, row.topic_id, this.config)
      return {maxMessageBytes: configs.number('max.message.bytes'), name: row.name, partitionCount: row.partition_count}
    })
  }

  async produce(batches: readonly ProduceBatch[], acks: Acks): Promise<ProduceResult[]> {
    this.db.setDurability(acks === 0 ? 'OFF' : acks === 1 ? 'NORMAL' : 'FULL')
    this.db.verifyBeforeWrite()
    const results = this.db.immediate(() => appendTx(this.db, batches, this.config, Date.now()))
    let bytes = 0
    for (const b of batches) bytes += b.batch.length
    this.db.wrote(bytes)
    // Retention runs in the processes that write, in its own short transaction after the append.
    await this.cleanLogs()
    return results
  }

  async cleanLogs(force = false): Promise<CleanerReport | undefined> {
    const now = Date.now()
    if (!force && !retentionCheckDue(this.db, this.config, now)) return undefined
    return this.db.immediate(() => cleanLogsTx(this.db, this.config, now, force))
  }

  async describeTopicConfigs(topic: string): Promise<ConfigEntry[]> {
    return this.db.snapshot(() => {
      const row = requireTopic(this.db, topic)
      const {overrides} = topicConfigs(this.db, row.topic_id, this.config)
      return topicConfigEntries(overrides, this.config.staticSettings, this.config.topicDefaults)
    })
  }

  async describeBrokerConfigs(): Promise<ConfigEntry[]> {
    return brokerConfigEntries(this.config.staticSettings, BROKER_SETTINGS)
  }

  async brokerIds(): Promise<number[]> {
    return [this.config.nodeId]
  }

  async alterTopicConfigs(
    topic: string,
    set: ReadonlyArray<readonly [string, string]>,
    remove: readonly string[],
  ): Promise<void> {
    this.db.immediate(() => alterTopicConfigsTx(this.db, topic, set, remove))
  }

  async alterBrokerConfigs(): Promise<void> {
    throw staticBrokerSettings()
  }

  async deleteRecords(topic: string, partition: number, beforeOffset: number): Promise<number> {
    return this.db.immediate(() => deleteRecordsTx(this.db, topic, partition, beforeOffset))
  }

  async fetch(topic: string, partition: number, offset: number, options: FetchOptions): Promise<FetchResult> {
    return this.db.snapshot(() => fetchTx(this.db, topic, partition, offset, options))
  }

  async listOffset(topic: string, partition: number, spec: OffsetSpec): Promise<number | null> {
    return this.db.snapshot(() => listOffsetTx(this.db, topic, partition, spec))
  }

  async joinGroup(req: JoinGroupRequest): Promise<MemberAssignment> {
    return this.db.immediate(() =>
      joinGroupTx(
        this.db,
        req,
        Date.now(),
        this.options.host ?? '',
        this.options.isProcessAlive,
        this.config.groupInitialRebalanceDelayMs,
      ),
    )
  }

  async syncGroup(req: SyncRequest): Promise<MemberAssignment> {
    return this.db.immediate(() =>
      syncGroupTx(this.db, req, Date.now(), this.options.host ?? '', this.options.isProcessAlive),
    )
  }

  async checkMember(groupId: string, memberId: string): Promise<MemberCheck> {
    return this.db.snapshot(() =>
      checkMember(this.db, groupId, memberId, Date.now(), this.options.host ?? '', this.options.isProcessAlive),
    )
  }

  async heartbeat(groupId: string, memberId: string): Promise<MemberAssignment> {
    return this.db.immediate(() =>
      heartbeatTx(this.db, groupId, memberId, Date.now(), this.options.host ?? '', this.options.isProcessAlive),
    )
  }

  async resubscribe(groupId: string, memberId: string, topics: readonly string[]): Promise<MemberAssignment> {
    return this.db.immediate(() => resubscribeTx(this.db, groupId, memberId, topics, Date.now()))
  }

  async leaveGroup(groupId: string, memberId: string): Promise<void> {
    this.db.immediate(() => leaveGroupTx(this.db, groupId, memberId, Date.now()))
  }

  async commitOffsets(groupId: string, offsets: readonly CommittedOffset[]): Promise<void> {
    if (offsets.length === 0) return
    this.db.immediate(() => commitOffsetsTx(this.db, groupId, offsets, Date.now()))
  }

  async committedOffsets(groupId: string): Promise<CommittedOffset[]> {
    return committedOffsetsOf(this.db, groupId)
  }

  async groupCoordinator(): Promise<{nodeId: number; location: string}> {
    return {location: join(this.dataDir, DB_FILE), nodeId: this.config.nodeId}
  }

  async listGroups(): Promise<GroupListing[]> {
    return this.db.snapshot(() => listGroups(this.db, this.adminContext()))
  }

  async describeGroups(groupIds: readonly string[] | 'all'): Promise<GroupDescription[]> {
    return this.db.snapshot(() => describeGroups(this.db, groupIds, this.adminContext()))
  }

  async resetOffsets(req: ResetRequest, execute: boolean): Promise<ResetResult> {
    return execute
      ? this.db.immediate(() => executeResetTx(this.db, req, this.adminContext()))
      : this.db.snapshot(() => planReset(this.db, req, this.adminContext()))
  }

  async resetHistory(groupId: string): Promise<ResetHistoryEntry[]> {
    return this.db.snapshot(() => resetHistory(this.db, groupId))
  }

  async deleteGroups(groupIds: readonly string[] | 'all'): Promise<DeleteGroupsResult> {
    return this.db.immediate(() => deleteGroupsTx(this.db, groupIds, this.adminContext()))
  }

  async deleteOffsets(
    groupId: string,
    topics: ReadonlyArray<{topic: string; partitions?: readonly number[]}>,
  ): Promise<DeleteOffsetsResult> {
    return this.db.immediate(() => deleteOffsetsTx(this.db, groupId, topics, this.adminContext()))
  }

  private adminContext(): AdminContext {
    return {alive: this.options.isProcessAlive, host: this.options.host ?? '', now: Date.now()}
  }

  async topicList(): Promise<TopicListing[]> {
    const rows = this.db.stmt('wireTopics').all() as {
      name: string
      topic_uuid: string
      partition_count: number
      is_internal: number
    }[]
    return rows.map((r) => ({
      internal: r.is_internal === 1,
      name: r.name,
      partitionCount: r.partition_count,
      topicId: r.topic_uuid,
    }))
  }

  async produceEach(batches: readonly ProduceBatch[], acks: Acks): Promise<ProduceOutcome[]> {
    this.db.setDurability(acks === 0 ? 'OFF' : acks === 1 ? 'NORMAL' : 'FULL')
    this.db.verifyBeforeWrite()
    const now = Date.now()
    const outcomes = this.db.immediate(() =>
      batches.map((b): ProduceOutcome => {
        try {
          // A refused batch writes nothing: every check precedes the batch's insert.
          return appendIdempotentTx(this.db, b, this.config, now)
        } catch (error) {
          // A batch the engine refuses (Kafka's error codes). An SQLite failure is not one: it
          // fails the whole transaction, which db.immediate rolls back and reports.
          const code = (error as {code?: unknown}).code
          if (typeof code === 'string' && !code.startsWith('SQLITE_') && error instanceof Error)
            return {error: {code, message: error.message}}
          throw error
        }
      }),
    )
    let bytes = 0
    for (const b of batches) bytes += b.batch.length
    this.db.wrote(bytes)
    // As produce(): retention and compaction run where records are written, wire clients' too
    // (they never ran for a store only kt broker wrote to).
    await this.cleanLogs()
    return outcomes
  }

  async initProducerId(producerId: number, epoch: number): Promise<ProducerIdAndEpoch> {
    return this.db.immediate(() => initProducerIdTx(this.db, producerId, epoch, Date.now()))
  }

  async offsetAndTimestamp(
    topic: string,
    partition: number,
    spec: OffsetSpec | 'max-timestamp',
  ): Promise<OffsetAndTimestamp | null> {
    return this.db.snapshot(() => {
      if (spec === 'earliest' || spec === 'latest')
        return {offset: listOffsetTx(this.db, topic, partition, spec)!, timestamp: -1}
      let target: number
      if (spec === 'max-timestamp') {
        const row = requireTopic(this.db, topic)
        const state = this.db.stmt('partitionState').get(row.topic_id, partition) as
          {log_max_timestamp: number; log_start_offset: number; log_end_offset: number} | undefined
        if (!state) throw noSuchPartition(topic, partition)
        if (state.log_end_offset === state.log_start_offset) return {offset: -1, timestamp: -1}
        target = state.log_max_timestamp
      } else target = spec.timestamp
      const offset = listOffsetTx(this.db, topic, partition, {timestamp: target})
      if (offset === null) return null
      // The timestamp of the record found: read it from its batch.
      const fetched = fetchTx(this.db, topic, partition, offset, {maxBytes: 1})
      let timestamp = -1
      for (const b of fetched.batches)
        forEachRecord(b.data, checkBatch(b.data), (r) => {
          if (r.offset !== offset) return
          timestamp = r.timestamp
          return false
        })
      return {offset, timestamp}
    })
  }

  async hasStoreMembers(groupId: string): Promise<boolean> {
    return (this.db.stmt('memberCount').pluck().get(groupId) as number) > 0
  }

  async groupIds(): Promise<string[]> {
    return this.db.stmt('wireGroupIds').pluck().all() as string[]
  }

  async deleteGroup(groupId: string): Promise<boolean> {
    return this.db.immediate(() => this.db.stmt('wireGroupDelete').run({groupId}).changes > 0)
  }

  async deleteCommittedOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<void> {
    this.db.immediate(() => {
      for (const p of partitions) this.db.stmt('wireOffsetDelete').run(groupId, p.topic, p.partition)
    })
  }

  async publishWireGroup(groupId: string, members: readonly WireGroupMember[], group: WireGroupSummary): Promise<void> {
    const now = Date.now()
    this.db.immediate(() => {
      this.db.stmt('wireMembersDelete').run(groupId)
      if (group.state === 'Empty' || members.length === 0) {
        this.db.stmt('wireGroupRemove').run(groupId)
        return
      }

      this.db.stmt('wireGroupUpsert').run({...group, groupId, now})
      const insert = this.db.stmt('wireMemberInsert')
      for (const m of members)
        insert.run(
          groupId,
          m.memberId,
          m.clientId,
          m.clientHost,
          m.generation,
          m.assignment,
          m.brokerPid,
          now,
          formatPartitions(m.partitions),
          m.groupInstanceId,
        )
    })
  }

  async clearWireGroups(brokerPid: number): Promise<void> {
    const alive = this.options.isProcessAlive
    this.db.immediate(() => {
      // Rows of brokers that are gone (killed, so they could not clear their own) go too: they
      // are never shown, but a later process given the same pid would make them look live.
      const pids = this.db.stmt('wireBrokerPids').pluck().all() as number[]
      for (const pid of pids)
        if (pid === brokerPid || (alive !== undefined && !alive(pid))) {
          this.db.stmt('wireMembersDeleteOfBroker').run(pid)
          this.db.stmt('wireGroupsRemoveOfBroker').run(pid)
        }
    })
  }

  async wireGroupMembers(groupId: string): Promise<WireGroupMember[]> {
    const rows = this.db.stmt('wireMembersOf').all(groupId) as {
      member_id: string
      client_id: string
      client_host: string
      generation: number
      assignment: Buffer
      broker_pid: number
      partitions: string
      group_instance_id: string | null
    }[]
    return rows.map((r) => ({
      assignment: r.assignment,
      brokerPid: r.broker_pid,
      clientHost: r.client_host,
      clientId: r.client_id,
      generation: r.generation,
      groupInstanceId: r.group_instance_id,
      memberId: r.member_id,
      partitions: parsePartitions(r.partitions),
    }))
  }

  async setCommittedMetadata(
    groupId: string,
    entries: readonly (TopicPartition & {metadata: string})[],
  ): Promise<void> {
    if (entries.length === 0) return
    this.db.immediate(() => {
      for (const e of entries) this.db.stmt('wireOffsetMetadataSet').run(e.metadata, groupId, e.topic, e.partition)
    })
  }

  async committedMetadata(groupId: string): Promise<(TopicPartition & {metadata: string})[]> {
    return this.db.stmt('wireOffsetMetadataOf').all(groupId) as (TopicPartition & {metadata: string})[]
  }

  async waitForChange(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    this.watcher ??= new ChangeWatcher(this.dataDir, () => this.db.dataVersion())
    await this.watcher.wait(timeoutMs, signal)
  }

  async checkStore(): Promise<CheckReport> {
    return checkStore(this.db)
  }

  async close(): Promise<void> {
    this.watcher?.close()
    await this.db.close()
  }
}

/** kt's refusal of a dynamic broker config change (kt broker answers alters with it too). */
export function staticBrokerSettings(): KtError {
  return new KtError(
    'INVALID_CONFIG',
    "kt's broker settings are static: edit server.properties in the data directory (kt has no dynamic broker configs)",
  )
}
