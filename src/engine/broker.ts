// The Broker: what commands call. The interface is asynchronous so that a remote implementation
// (a Kafka client behind --bootstrap-server) can stand in later without commands changing; the
// embedded implementation below runs each call as one synchronous SQLite transaction.
import {type BrokerConfig, loadBrokerConfig, SERVER_PROPERTIES} from './broker-config.js'
import {Db} from './db/connection.js'
import {fetchTx, listOffsetTx, appendTx, type FetchOptions} from './log.js'
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
  ProduceResult,
  TopicDescription,
} from './types.js'
import {ChangeWatcher} from './change-watcher.js'
import {type CheckReport, checkStore} from './check.js'
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
  /** Changes a member's subscribed topics; the group rebalances. */
  resubscribe(groupId: string, memberId: string, topics: readonly string[]): Promise<MemberAssignment>
  leaveGroup(groupId: string, memberId: string): Promise<void>
  commitOffsets(groupId: string, offsets: readonly CommittedOffset[]): Promise<void>
  committedOffsets(groupId: string): Promise<CommittedOffset[]>

  /**
   * Resolves when another process may have changed the store, when timeoutMs passes, or when
   * signal aborts — whichever is first. Cheap to call in a loop.
   */
  waitForChange(timeoutMs: number, signal?: AbortSignal): Promise<void>

  /** Verifies the whole store (kt check): integrity, CRCs, offsets, watermarks, committed offsets. */
  checkStore(): Promise<CheckReport>

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
