// The consumer side of kt, as Kafka's KafkaConsumer does it over the Broker interface: group
// membership (join, heartbeat, rebalance, leave) or manual assignment, a position per assigned
// partition, fetching stored batches from those positions, and committing offsets — only for
// records the caller confirms it has written (at-least-once).
import {
  type AssignorName,
  type Broker,
  type FetchResult,
  INTERNAL_TOPICS,
  isKtError,
  KtError,
  type MemberAssignment,
  type OffsetSpec,
  type TopicPartition,
} from '../engine/index.js'

export type OffsetReset = 'earliest' | 'latest' | 'none' | {durationMs: number}

/** Where to start reading a partition instead of the committed offset or auto.offset.reset. */
export type StartSpec = 'earliest' | 'latest' | {lastN: number} | {offset: number} | {timestamp: number}

export interface ConsumerSettings {
  /** Absent for a manually assigned consumer (no group). */
  groupId?: string
  clientId: string
  clientHost: string
  processId: number
  autoOffsetReset: OffsetReset
  enableAutoCommit: boolean
  autoCommitIntervalMs: number
  sessionTimeoutMs: number
  heartbeatIntervalMs: number
  maxPartitionFetchBytes: number
  assignor: AssignorName
  allowAutoCreateTopics: boolean
}

export type Subscription =
  | {kind: 'assign'; partitions: TopicPartition[]}
  | {kind: 'pattern'; pattern: RegExp; excludeInternal: boolean}
  | {kind: 'topics'; topics: string[]}

interface PartitionState {
  topic: string
  partition: number
  /** Next offset to fetch. */
  position: number
  /** Next offset after the last record confirmed written (what a commit covers). */
  written: number
  /** Last committed offset, to skip needless commits. */
  committed: number
  /** Log end offset seen when the partition was assigned (for --exit-at-end). */
  endAtStart: number
}

const key = (topic: string, partition: number) => `${partition}\u0000${topic}`

export interface ConsumerHooks {
  /** A subscribed topic was created automatically. */
  onTopicCreated?: (topic: string, partitions: number) => void
}

export class Consumer {
  private readonly states = new Map<string, PartitionState>()
  private order: PartitionState[] = []
  private cursor = 0
  private memberId: string | undefined
  private generation = -1
  private subscribedTopics: string[] = []
  private lastHeartbeat = 0
  private lastCommit = Date.now()
  private pendingAssignment: MemberAssignment | undefined
  private heartbeatTimer: NodeJS.Timeout | undefined
  private start: StartSpec | undefined

  constructor(
    private readonly broker: Broker,
    private readonly settings: ConsumerSettings,
    private readonly subscription: Subscription,
    private readonly hooks: ConsumerHooks = {},
  ) {}

  get assignment(): TopicPartition[] {
    return this.order.map((s) => ({partition: s.partition, topic: s.topic}))
  }

  /** Joins the group (or takes the manual assignment) and sets every partition's position. */
  async open(start?: StartSpec): Promise<void> {
    this.start = start
    if (this.subscription.kind === 'assign') {
      await this.applyAssignment(this.subscription.partitions)
      return
    }

    this.subscribedTopics = await this.resolveTopics()
    const assignment = await this.join()
    this.lastHeartbeat = Date.now()
    await this.adopt(assignment)
    // Heartbeats go on while the caller waits on a slow reader of its output.
    this.heartbeatTimer = setInterval(() => void this.heartbeat().catch(() => {}), this.settings.heartbeatIntervalMs)
    this.heartbeatTimer.unref()
  }

  /**
   * The next stored batches of one assigned partition at or after its position, taking the
   * partitions in turn; undefined when every partition is caught up.
   */
  async poll(): Promise<FetchResult | undefined> {
    if (this.pendingAssignment) {
      const next = this.pendingAssignment
      this.pendingAssignment = undefined
      await this.adopt(next)
    }

    for (let i = 0; i < this.order.length; i++) {
      const state = this.order[(this.cursor + i) % this.order.length]
      let result: FetchResult
      try {
        result = await this.broker.fetch(state.topic, state.partition, state.position, {
          maxBytes: this.settings.maxPartitionFetchBytes,
        })
      } catch (error) {
        if (!isKtError(error, 'OFFSET_OUT_OF_RANGE')) throw error
        state.position = await this.resetPosition(state, `${state.topic}-${state.partition}=${state.position}`)
        i--
        continue
      }

      if (result.batches.length > 0) {
        this.cursor = (this.cursor + i + 1) % this.order.length
        return result
      }
    }

    return undefined
  }

  /** The next offset to read from a partition (-1 if it is not assigned). */
  positionOf(topic: string, partition: number): number {
    return this.states.get(key(topic, partition))?.position ?? -1
  }

  /** The caller consumed records of a partition up to (not including) `next`. */
  advance(topic: string, partition: number, next: number): void {
    const s = this.states.get(key(topic, partition))
    if (s && next > s.position) s.position = next
  }

  /** The caller's output has really taken records of a partition up to (not including) `next`. */
  markWritten(topic: string, partition: number, next: number): void {
    const s = this.states.get(key(topic, partition))
    if (s && next > s.written) s.written = next
  }

  /** True when every assigned partition's position reached the log end offset seen at assignment. */
  atEndOfAssignment(): boolean {
    return this.order.every((s) => s.position >= s.endAtStart)
  }

  /** Periodic work between polls: heartbeats, topics matching a pattern, auto-commit. */
  async maintain(now = Date.now()): Promise<void> {
    if (this.memberId && now - this.lastHeartbeat >= this.settings.heartbeatIntervalMs) await this.heartbeat()
    if (this.settings.enableAutoCommit && now - this.lastCommit >= this.settings.autoCommitIntervalMs)
      await this.commit()
  }

  /** How long the caller may wait for new data before maintain() has work to do. */
  nextMaintenanceIn(now = Date.now()): number {
    let wait = Number.POSITIVE_INFINITY
    if (this.memberId) wait = Math.min(wait, this.lastHeartbeat + this.settings.heartbeatIntervalMs - now)
    if (this.settings.enableAutoCommit)
      wait = Math.min(wait, this.lastCommit + this.settings.autoCommitIntervalMs - now)
    return Math.max(0, wait)
  }

  /** Commits the written position of every partition that moved since the last commit. */
  async commit(): Promise<void> {
    this.lastCommit = Date.now()
    if (this.settings.groupId === undefined) return
    const offsets = this.order
      .filter((s) => s.written > s.committed && s.written >= 0)
      .map((s) => ({offset: s.written, partition: s.partition, topic: s.topic}))
    if (offsets.length === 0) return
    await this.broker.commitOffsets(this.settings.groupId, offsets)
    for (const o of offsets) this.states.get(key(o.topic, o.partition))!.committed = o.offset
  }

  /** Final commit (if auto-commit is on), then leaves the group. */
  async close(): Promise<void> {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer)
    try {
      if (this.settings.enableAutoCommit) await this.commit()
    } finally {
      if (this.memberId) {
        const memberId = this.memberId
        this.memberId = undefined
        await this.broker.leaveGroup(this.settings.groupId!, memberId)
      }
    }
  }

  private async heartbeat(): Promise<void> {
    if (!this.memberId) return
    this.lastHeartbeat = Date.now()
    let assignment: MemberAssignment
    try {
      if (this.subscription.kind === 'pattern') {
        const topics = await this.resolveTopics()
        if (topics.join('\u0000') !== this.subscribedTopics.join('\u0000')) {
          this.subscribedTopics = topics
          this.pendingAssignment = await this.broker.resubscribe(this.settings.groupId!, this.memberId, topics)
          return
        }
      }

      assignment = await this.broker.heartbeat(this.settings.groupId!, this.memberId)
    } catch (error) {
      if (!isKtError(error, 'UNKNOWN_MEMBER_ID')) throw error
      // Our session expired (the process was stopped for longer than session.timeout.ms): join again.
      assignment = await this.join()
    }

    if (assignment.generation !== this.generation) this.pendingAssignment = assignment
  }

  /** Joins the group as a new member with the current subscription. */
  private async join(): Promise<MemberAssignment> {
    const assignment = await this.broker.joinGroup({
      assignor: this.settings.assignor,
      clientHost: this.settings.clientHost,
      clientId: this.settings.clientId,
      groupId: this.settings.groupId!,
      processId: this.settings.processId,
      sessionTimeoutMs: this.settings.sessionTimeoutMs,
      topics: this.subscribedTopics,
    })
    this.memberId = assignment.memberId
    return assignment
  }

  private async adopt(assignment: MemberAssignment): Promise<void> {
    this.generation = assignment.generation
    await this.applyAssignment(assignment.partitions)
  }

  /** Keeps positions of partitions still assigned; revoked ones are committed and dropped. */
  private async applyAssignment(partitions: readonly TopicPartition[]): Promise<void> {
    const wanted = new Set(partitions.map((p) => key(p.topic, p.partition)))
    const revoked = this.order.filter((s) => !wanted.has(key(s.topic, s.partition)))
    if (revoked.length > 0 && this.settings.enableAutoCommit) await this.commit()
    for (const s of revoked) this.states.delete(key(s.topic, s.partition))
    const committed = new Map<string, number>()
    if (this.settings.groupId !== undefined && this.subscription.kind !== 'assign')
      for (const c of await this.broker.committedOffsets(this.settings.groupId))
        committed.set(key(c.topic, c.partition), c.offset)
    for (const p of partitions) {
      const k = key(p.topic, p.partition)
      if (this.states.has(k)) continue
      const end = (await this.broker.listOffset(p.topic, p.partition, 'latest'))!
      const state: PartitionState = {
        committed: -1,
        endAtStart: end,
        partition: p.partition,
        position: 0,
        topic: p.topic,
        written: -1,
      }
      const explicit = this.start === undefined ? undefined : await this.startOffset(p, this.start)
      const stored = committed.get(k)
      if (explicit !== undefined) state.position = explicit
      else if (stored !== undefined) {
        state.position = stored
        state.committed = stored
      } else state.position = await this.resetPosition(state, `${p.topic}-${p.partition}`, true)
      state.written = state.position
      this.states.set(k, state)
    }

    this.order = [...this.states.values()].sort((a, b) =>
      a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
    )
    this.cursor = 0
  }

  private async startOffset(p: TopicPartition, spec: StartSpec): Promise<number> {
    if (spec === 'earliest' || spec === 'latest') return (await this.broker.listOffset(p.topic, p.partition, spec))!
    if ('offset' in spec) return spec.offset
    if ('lastN' in spec) {
      const end = (await this.broker.listOffset(p.topic, p.partition, 'latest'))!
      const start = (await this.broker.listOffset(p.topic, p.partition, 'earliest'))!
      return Math.max(start, end - spec.lastN)
    }

    const found = await this.broker.listOffset(p.topic, p.partition, {timestamp: spec.timestamp})
    return found ?? (await this.broker.listOffset(p.topic, p.partition, 'latest'))!
  }

  /** auto.offset.reset, for a partition without a usable position. */
  private async resetPosition(state: PartitionState, described: string, undefinedOffset = false): Promise<number> {
    const reset = this.settings.autoOffsetReset
    if (reset === 'none')
      throw new KtError(
        'OFFSET_OUT_OF_RANGE',
        undefinedOffset
          ? `Undefined offset with no reset policy for partitions: [${described}]`
          : `Offsets out of range with no configured reset policy for partitions: {${described}}`,
      )
    let spec: OffsetSpec = reset === 'earliest' ? 'earliest' : 'latest'
    if (typeof reset === 'object') spec = {timestamp: Date.now() - reset.durationMs}
    const found = await this.broker.listOffset(state.topic, state.partition, spec)
    return found ?? (await this.broker.listOffset(state.topic, state.partition, 'latest'))!
  }

  private async resolveTopics(): Promise<string[]> {
    if (this.subscription.kind === 'topics') {
      for (const topic of this.subscription.topics) {
        if (await this.broker.topicMetadata(topic)) continue
        if (!this.settings.allowAutoCreateTopics || !this.broker.config.autoCreateTopics)
          throw new KtError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${topic}' does not exist`)
        try {
          const created = await this.broker.createTopic({name: topic})
          this.hooks.onTopicCreated?.(topic, created.partitionCount)
        } catch (error) {
          if (!isKtError(error, 'TOPIC_ALREADY_EXISTS')) throw error
        }
      }

      return [...this.subscription.topics].sort()
    }

    if (this.subscription.kind === 'pattern') {
      const {excludeInternal, pattern} = this.subscription
      return (await this.broker.listTopics()).filter(
        (t) => !(excludeInternal && INTERNAL_TOPICS.has(t)) && pattern.test(t),
      )
    }

    return []
  }
}
