// The Broker: what commands call. The interface is asynchronous so that a remote implementation
// (a Kafka client behind --bootstrap-server) can stand in later without commands changing; the
// embedded implementation below runs each call as one synchronous SQLite transaction.
import {type BrokerConfig, loadBrokerConfig, SERVER_PROPERTIES} from './broker-config.js'
import {Db} from './db/connection.js'
import {fetchTx, listOffsetTx, appendTx, type FetchOptions, noSuchPartition} from './log.js'
import {appendIdempotentTx, initProducerIdTx, type ProducerIdAndEpoch} from './producers.js'
import {checkBatch, forEachRecord} from './record-batch.js'
import {
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
import {
  commitOffsetsTx,
  committedOffsetsOf,
  type CommittedOffset,
  heartbeatTx,
  joinGroupTx,
  type JoinGroupRequest,
  leaveGroupTx,
  type MemberAssignment,
  type ProcessAlive,
  resubscribeTx,
} from './groups.js'

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
}

export interface Broker {
  readonly config: BrokerConfig
  /** Non-fatal notes about the broker's configuration, for the user. */
  readonly warnings: readonly string[]

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
  /** Changes a member's subscribed topics; the group rebalances. */
  resubscribe(groupId: string, memberId: string, topics: readonly string[]): Promise<MemberAssignment>
  leaveGroup(groupId: string, memberId: string): Promise<void>
  commitOffsets(groupId: string, offsets: readonly CommittedOffset[]): Promise<void>
  committedOffsets(groupId: string): Promise<CommittedOffset[]>

  // kt broker (the wire protocol front door)
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

  /**
   * Resolves when another process may have changed the store, when timeoutMs passes, or when
   * signal aborts — whichever is first. Cheap to call in a loop.
   */
  waitForChange(timeoutMs: number, signal?: AbortSignal): Promise<void>

  close(): Promise<void>
}

export class EmbeddedBroker implements Broker {
  readonly warnings: string[] = []
  private watcher: ChangeWatcher | undefined

  constructor(
    private readonly db: Db,
    readonly config: BrokerConfig,
    private readonly dataDir: string,
    private readonly options: BrokerOptions = {},
  ) {
    if (config.ignored.length > 0)
      this.warnings.push(`${SERVER_PROPERTIES}: ignoring settings kt does not use: ${config.ignored.join(', ')}`)
  }

  static open(dataDir: string, options: BrokerOptions = {}): EmbeddedBroker {
    const config = loadBrokerConfig(dataDir)
    return new EmbeddedBroker(Db.open(dataDir), config, dataDir, options)
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
    const results = this.db.immediate(() => appendTx(this.db, batches, this.config, Date.now()))
    let bytes = 0
    for (const b of batches) bytes += b.batch.length
    this.db.wrote(bytes)
    return results
  }

  async fetch(topic: string, partition: number, offset: number, options: FetchOptions): Promise<FetchResult> {
    return this.db.snapshot(() => fetchTx(this.db, topic, partition, offset, options))
  }

  async listOffset(topic: string, partition: number, spec: OffsetSpec): Promise<number | null> {
    return this.db.snapshot(() => listOffsetTx(this.db, topic, partition, spec))
  }

  async joinGroup(req: JoinGroupRequest): Promise<MemberAssignment> {
    return this.db.immediate(() =>
      joinGroupTx(this.db, req, Date.now(), this.options.host ?? '', this.options.isProcessAlive),
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
    const now = Date.now()
    const outcomes = this.db.immediate(() =>
      batches.map((b): ProduceOutcome => {
        try {
          // A refused batch writes nothing: every check precedes the batch's insert.
          return appendIdempotentTx(this.db, b, this.config, now)
        } catch (error) {
          const code = (error as {code?: unknown}).code
          if (typeof code === 'string' && error instanceof Error) return {error: {code, message: error.message}}
          throw error
        }
      }),
    )
    let bytes = 0
    for (const b of batches) bytes += b.batch.length
    this.db.wrote(bytes)
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

  async waitForChange(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    this.watcher ??= new ChangeWatcher(this.dataDir, () => this.db.dataVersion())
    await this.watcher.wait(timeoutMs, signal)
  }

  async close(): Promise<void> {
    this.watcher?.close()
    await this.db.close()
  }
}
