// The consumer side of kt, as Kafka's KafkaConsumer does it over the Broker interface: group
// membership (join, heartbeat, rebalance, leave) or manual assignment, a position per assigned
// partition, fetching stored batches from those positions, and committing offsets — only for
// records the caller confirms it has written (at-least-once).
//
// A group member's side of the handover (engine/groups.ts, DESIGN §4): it fetches only
// partitions that are both in its target and owned by it. When a partition leaves its target it
// stops fetching it at once, waits until the caller's output took every record fetched from it
// (markWritten), commits that, and releases it; a partition of its target that another member
// still owns is waited for. maintain() runs a one-read group check whenever the caller wakes
// (every store change wakes it) and syncs only when that check, a revoked partition or a
// heartbeat says so.
import {
  type AssignorName,
  type Broker,
  type CommittedOffset,
  type FetchResult,
  INTERNAL_TOPICS,
  isKtError,
  KtError,
  type MemberAssignment,
  type OffsetSpec,
  readBatchHeader,
  RecordView,
  type TopicPartition,
} from '../engine/index.js'
import {ensureTopic} from './auto-create-topic.js'

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
  /** The preferred assignor (the first of protocols). */
  assignor: AssignorName
  /** partition.assignment.strategy: every assignor this member supports, most preferred first. */
  protocols?: AssignorName[]
  /** How often topics matching a pattern are listed again (metadata.max.age.ms). */
  metadataMaxAgeMs: number
  allowAutoCreateTopics: boolean
}

/** One fetched batch's records, decoded for output (see Consumer.decode). */
export interface DecodedBatch {
  /** Before the batch's first record; next() walks them. Its views last until the next batch. */
  readonly records: RecordView
  /** Records below this offset were read before (the position fell inside the batch): skip them. */
  readonly from: number
  /** The offset after the batch: control records and compaction gaps at its end are consumed too. */
  readonly end: number
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

/** Group checks (one read) run at most this often while records flow. */
const CHECK_MIN_INTERVAL_MS = 5
/**
 * Members watch their peers' processes on this host this often (a signal 0 each, no store
 * access): a SIGKILLed member's pid is gone, so its partitions move within this interval plus one
 * group check and sync (a few milliseconds; the bench measures a median of 130–200 ms from
 * SIGKILL to the survivor holding everything). Waking the consume loop for a group check at each tick instead
 * cost an idle member 0.7 % of a core against 0.2 % before; this timer is lost in the noise.
 */
const PEER_WATCH_INTERVAL_MS = 200
/** While revoked partitions wait for stdout to take their records, look again this soon. */
const RELEASE_RECHECK_MS = 5

/** Whether a process on this host still runs (signal 0 checks without signalling). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export class Consumer {
  /** Partitions this consumer fetches: in its target and owned by it. */
  private readonly states = new Map<string, PartitionState>()
  /** Owned partitions no longer in the target: not fetched, released once their output is written. */
  private readonly revoking = new Map<string, PartitionState>()
  /** Owned partitions this process never read (after a rejoin, a deleted topic): released at once. */
  private orphans: TopicPartition[] = []
  private order: PartitionState[] = []
  private cursor = 0
  private memberId: string | undefined
  private generation = -1
  /** Target partitions not yet owned (another member still holds them). */
  private waiting = 0
  private assignAfter = 0
  private subscribedTopics: string[] = []
  private lastHeartbeat = 0
  /** When a write last proved this member is in the group (join, sync, heartbeat). */
  private lastAlive = 0
  private lastCheck = 0
  private checkSkipped = false
  private lastMetadata = 0
  private lastCommit = Date.now()
  private heartbeatTimer: NodeJS.Timeout | undefined
  private peerTimer: NodeJS.Timeout | undefined
  /** Pids of the other members on this host, from the last group check. */
  private localPeers: number[] = []
  /** Aborted when the caller's wait should end early: a peer died, a heartbeat failed. */
  private wake = new AbortController()
  /** A failed background heartbeat, thrown at the next poll or maintain. */
  private failure: Error | undefined
  private start: StartSpec | undefined
  /** Committed offsets when this process joined: an explicit start applies only while unchanged. */
  private committedAtJoin = new Map<string, number>()
  private readonly started = new Set<string>()
  private closing = false
  /** One cursor for every decoded batch: decoding allocates nothing per record. */
  private readonly view = new RecordView()

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
    this.lastMetadata = Date.now()
    for (const c of await this.broker.committedOffsets(this.settings.groupId!))
      this.committedAtJoin.set(key(c.topic, c.partition), c.offset)
    await this.adopt(await this.join())
    // Heartbeats go on while the caller waits on a slow reader of its output. A heartbeat that
    // fails stops the consumer (at its next poll): a member that cannot heartbeat is expired and
    // its partitions go to others, so reading on would print their records twice.
    this.heartbeatTimer = setInterval(() => void this.backgroundHeartbeat(), this.settings.heartbeatIntervalMs)
    this.heartbeatTimer.unref()
    this.peerTimer = setInterval(() => {
      if (this.localPeers.some((pid) => !processAlive(pid))) this.wake.abort()
    }, PEER_WATCH_INTERVAL_MS)
    this.peerTimer.unref()
  }

  /**
   * Aborts when the consumer has work before nextMaintenanceIn() says (a peer's process is gone,
   * a background heartbeat failed): a caller waiting for new data should wait on it too.
   */
  get wakeSignal(): AbortSignal {
    return this.wake.signal
  }

  /**
   * The next stored batches of one assigned partition at or after its position, taking the
   * partitions in turn; undefined when every partition is caught up.
   */
  async poll(): Promise<FetchResult | undefined> {
    if (this.failure) throw this.failure
    // A member that went half a session without proving it is alive (the process was stopped,
    // or starved) may have been expired and its partitions handed on: make sure, before reading
    // them as a zombie. Normal heartbeats keep this from ever costing anything.
    if (this.memberId && Date.now() - this.lastAlive >= this.settings.sessionTimeoutMs / 2) await this.sync()
    for (let i = 0; i < this.order.length; i++) {
      const state = this.order[(this.cursor + i) % this.order.length]
      let result: FetchResult
      try {
        result = await this.broker.fetch(state.topic, state.partition, state.position, {
          maxBytes: this.settings.maxPartitionFetchBytes,
        })
      } catch (error) {
        if (isKtError(error, 'UNKNOWN_TOPIC_OR_PARTITION') && this.memberId) {
          // The topic was deleted: the next group check rebalances it away.
          continue
        }

        if (!isKtError(error, 'OFFSET_OUT_OF_RANGE')) throw error
        state.position = await this.resetPosition(state, `${state.topic}-${state.partition}=${state.position}`)
        // Kafka commits the position a reset chose: otherwise a group reset to latest keeps its
        // old committed offset below the log start and skips, on its next run, what came since.
        if (state.position > state.written) state.written = state.position
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

  /**
   * Decodes a poll()'s batches for output, in offset order, through one reused cursor. `stage`
   * may first copy each batch's bytes elsewhere and return the copy to decode (the console
   * consumer stages them beside its output chunk, where copying values out costs a third); the
   * cursor's views stay valid until the next batch.
   * The broker verified each batch (structure and CRC) when it read it.
   */
  *decode(fetched: FetchResult, stage?: (data: Buffer) => Buffer): Generator<DecodedBatch> {
    const position = this.positionOf(fetched.topic, fetched.partition)
    for (const batch of fetched.batches) {
      const header = readBatchHeader(batch.data)
      this.view.reset(stage ? stage(batch.data) : batch.data, header)
      yield {end: batch.lastOffset + 1, from: Math.max(batch.baseOffset, position), records: this.view}
    }
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
    const k = key(topic, partition)
    const s = this.states.get(k) ?? this.revoking.get(k)
    if (s && next > s.written) s.written = next
  }

  /**
   * True when every assigned partition's position reached the log end offset seen at assignment,
   * and the member holds its whole assignment (nothing waits to be handed over).
   */
  atEndOfAssignment(): boolean {
    if (this.waiting > 0 || this.revoking.size > 0) return false
    return this.order.every((s) => s.position >= s.endAtStart)
  }

  /**
   * Periodic work between polls: the group check (peers, generation, handover), heartbeats,
   * topics matching a pattern, auto-commit. True when the partitions this consumer reads changed.
   */
  async maintain(now = Date.now()): Promise<boolean> {
    if (this.failure) throw this.failure
    const before = this.order
    if (this.wake.signal.aborted) {
      this.wake = new AbortController()
      this.lastCheck = 0
    }

    if (this.memberId) {
      if (this.subscription.kind === 'pattern' && now - this.lastMetadata >= this.settings.metadataMaxAgeMs)
        await this.refreshPattern(now)
      if (now - this.lastCheck >= CHECK_MIN_INTERVAL_MS) await this.checkGroup(now)
      else this.checkSkipped = true
    }

    if (this.settings.enableAutoCommit && now - this.lastCommit >= this.settings.autoCommitIntervalMs)
      await this.commit()
    return this.order !== before
  }

  /** How long the caller may wait for new data before maintain() has work to do. */
  nextMaintenanceIn(now = Date.now()): number {
    let wait = Number.POSITIVE_INFINITY
    if (this.memberId) {
      if (this.checkSkipped) wait = Math.min(wait, this.lastCheck + CHECK_MIN_INTERVAL_MS - now)
      wait = Math.min(wait, this.lastHeartbeat + this.settings.heartbeatIntervalMs - now)
      if (this.revoking.size > 0) wait = Math.min(wait, RELEASE_RECHECK_MS)
      if (this.assignAfter > now) wait = Math.min(wait, this.assignAfter - now)
      if (this.subscription.kind === 'pattern')
        wait = Math.min(wait, this.lastMetadata + this.settings.metadataMaxAgeMs - now)
    }

    if (this.settings.enableAutoCommit)
      wait = Math.min(wait, this.lastCommit + this.settings.autoCommitIntervalMs - now)
    return Math.max(0, wait)
  }

  /** Commits the written position of every partition that moved since the last commit. */
  async commit(): Promise<void> {
    this.lastCommit = Date.now()
    if (this.settings.groupId === undefined) return
    const offsets = this.pendingOffsets([...this.order, ...this.revoking.values()])
    if (offsets.length === 0) return
    if (this.memberId) {
      // Through the member's sync: a member that was expired (its partitions may have moved)
      // must not overwrite its successors' commits.
      await this.sync([], offsets)
      return
    }

    await this.broker.commitOffsets(this.settings.groupId, offsets)
    this.markCommitted(offsets)
  }

  /** Final commit (if auto-commit is on), then leaves the group. */
  async close(): Promise<void> {
    this.closing = true
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer)
    if (this.peerTimer) clearInterval(this.peerTimer)
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

  private pendingOffsets(states: Iterable<PartitionState>): CommittedOffset[] {
    const offsets: CommittedOffset[] = []
    for (const s of states)
      if (s.written > s.committed && s.written >= 0)
        offsets.push({offset: s.written, partition: s.partition, topic: s.topic})
    return offsets
  }

  private markCommitted(offsets: readonly CommittedOffset[]): void {
    for (const o of offsets) {
      const s = this.states.get(key(o.topic, o.partition)) ?? this.revoking.get(key(o.topic, o.partition))
      if (s) s.committed = o.offset
    }
  }

  private async backgroundHeartbeat(): Promise<void> {
    if (!this.memberId || Date.now() - this.lastHeartbeat < this.settings.heartbeatIntervalMs) return
    this.lastHeartbeat = Date.now()
    try {
      await this.broker.heartbeat(this.settings.groupId!, this.memberId)
      this.lastAlive = this.lastHeartbeat
    } catch (error) {
      // An expired member finds out at its next group check and joins again.
      if (isKtError(error, 'UNKNOWN_MEMBER_ID')) return
      this.failure = new KtError(
        isKtError(error) ? error.code : 'KAFKA_STORAGE_ERROR',
        `Heartbeat of member ${this.memberId} in group '${this.settings.groupId}' failed: ${(error as Error).message}`,
      )
      this.wake.abort()
    }
  }

  /** One read says whether to sync: a generation change, a dead peer, a partition now free. */
  private async checkGroup(now: number): Promise<void> {
    this.lastCheck = now
    this.checkSkipped = false
    const check = await this.broker.checkMember(this.settings.groupId!, this.memberId!)
    this.localPeers = check.localPeers ?? []
    if (check.gone) {
      await this.rejoin()
      return
    }

    const releasable = this.orphans.length > 0 || [...this.revoking.values()].some((s) => s.written >= s.position)
    if (
      check.due ||
      releasable ||
      check.generation !== this.generation ||
      now - this.lastHeartbeat >= this.settings.heartbeatIntervalMs
    )
      await this.sync()
  }

  /**
   * Releases the revoked partitions whose every fetched record reached the output (committing
   * them first when auto-commit is on), then adopts what the group now says.
   */
  private async sync(extraReleased: TopicPartition[] = [], extraOffsets: CommittedOffset[] = []): Promise<void> {
    const ready = [...this.revoking.values()].filter((s) => s.written >= s.position)
    const released = [
      ...ready.map((s) => ({partition: s.partition, topic: s.topic})),
      ...this.orphans,
      ...extraReleased,
    ]
    const offsets = this.settings.enableAutoCommit ? [...this.pendingOffsets(ready), ...extraOffsets] : extraOffsets
    let assignment: MemberAssignment
    try {
      assignment = await this.broker.syncGroup({
        groupId: this.settings.groupId!,
        memberId: this.memberId!,
        offsets,
        released,
      })
    } catch (error) {
      if (!isKtError(error, 'UNKNOWN_MEMBER_ID')) throw error
      // Expired: what it printed since its last commit will be printed again by the new owner.
      if (this.closing) this.memberId = undefined
      else await this.rejoin()
      return
    }

    this.lastHeartbeat = Date.now()
    this.lastAlive = this.lastHeartbeat
    this.markCommitted(offsets)
    for (const s of ready) this.revoking.delete(key(s.topic, s.partition))
    this.orphans = []
    await this.adopt(assignment)
  }

  /**
   * Our session expired (the process was stopped for longer than session.timeout.ms): others may
   * hold our partitions now, so drop every position uncommitted and join as a new member.
   */
  private async rejoin(): Promise<void> {
    this.states.clear()
    this.revoking.clear()
    this.orphans = []
    this.order = []
    this.memberId = undefined
    await this.adopt(await this.join())
  }

  /** Joins the group as a new member with the current subscription. */
  private async join(): Promise<MemberAssignment> {
    const assignment = await this.broker.joinGroup({
      assignor: this.settings.assignor,
      clientHost: this.settings.clientHost,
      clientId: this.settings.clientId,
      groupId: this.settings.groupId!,
      processId: this.settings.processId,
      protocols: this.settings.protocols ?? [this.settings.assignor],
      sessionTimeoutMs: this.settings.sessionTimeoutMs,
      topics: this.subscribedTopics,
    })
    this.memberId = assignment.memberId
    this.lastHeartbeat = Date.now()
    this.lastAlive = this.lastHeartbeat
    this.lastCheck = Date.now()
    return assignment
  }

  /** Topics matching the pattern changed: resubscribe (the group rebalances). */
  private async refreshPattern(now: number): Promise<void> {
    this.lastMetadata = now
    const topics = await this.resolveTopics()
    if (topics.join('\u0000') === this.subscribedTopics.join('\u0000')) return
    this.subscribedTopics = topics
    try {
      await this.adopt(await this.broker.resubscribe(this.settings.groupId!, this.memberId!, topics))
    } catch (error) {
      if (!isKtError(error, 'UNKNOWN_MEMBER_ID')) throw error
      await this.rejoin()
    }
  }

  /**
   * Takes the group's word: partitions of the target that this member owns are fetched (new ones
   * from the committed offset), owned partitions outside the target stop being fetched and wait
   * to be released, and target partitions another member still holds are waited for.
   */
  private async adopt(assignment: MemberAssignment): Promise<void> {
    this.generation = assignment.generation
    this.assignAfter = assignment.assignAfter
    const target = new Set(assignment.partitions.map((p) => key(p.topic, p.partition)))
    const owned = new Set(assignment.owned.map((p) => key(p.topic, p.partition)))
    for (const [k, s] of this.states)
      if (!target.has(k) || !owned.has(k)) {
        this.states.delete(k)
        if (owned.has(k)) this.revoking.set(k, s)
      }

    for (const [k, s] of this.revoking)
      if (!owned.has(k)) this.revoking.delete(k)
      else if (target.has(k)) {
        // Assigned back to us before we let it go: read on.
        this.revoking.delete(k)
        this.states.set(k, s)
      }

    const known = new Set(this.orphans.map((p) => key(p.topic, p.partition)))
    for (const p of assignment.owned) {
      const k = key(p.topic, p.partition)
      if (!target.has(k) && !this.revoking.has(k) && !known.has(k)) this.orphans.push(p)
    }

    const taken = assignment.owned.filter((p) => target.has(key(p.topic, p.partition)))
    this.waiting = assignment.partitions.length - taken.length
    await this.applyAssignment(taken)
  }

  /** Adds states for newly held partitions and orders the fetch rotation. */
  private async applyAssignment(partitions: readonly TopicPartition[]): Promise<void> {
    const fresh = partitions.filter((p) => !this.states.has(key(p.topic, p.partition)))
    const committed = new Map<string, number>()
    if (fresh.length > 0 && this.settings.groupId !== undefined && this.subscription.kind !== 'assign')
      for (const c of await this.broker.committedOffsets(this.settings.groupId))
        committed.set(key(c.topic, c.partition), c.offset)
    for (const p of fresh) {
      const k = key(p.topic, p.partition)
      const end = await this.broker.listOffset(p.topic, p.partition, 'latest')
      if (end === null) continue
      const state: PartitionState = {
        committed: -1,
        endAtStart: end,
        partition: p.partition,
        position: 0,
        topic: p.topic,
        written: -1,
      }
      const stored = committed.get(k)
      // An explicit start (--offset) applies the first time this process holds a partition,
      // unless another member committed progress on it since this process joined.
      const explicit =
        this.start !== undefined && !this.started.has(k) && stored === this.committedAtJoin.get(k)
          ? await this.startOffset(p, this.start)
          : undefined
      this.started.add(k)
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
      for (const topic of this.subscription.topics)
        await ensureTopic(this.broker, topic, this.settings.allowAutoCreateTopics, (t, n) =>
          this.hooks.onTopicCreated?.(t, n),
        )

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
