// RemoteBroker: the Broker interface over a Kafka cluster (or kt broker), through
// @platformatic/kafka 1.x. The producer, consumer and command layers are the embedded path's:
// the producer hands over RecordBatches it built (its own murmur2 partitioning) and they go out
// as they are; fetches return the stored batches as bytes for kt's formatter. Admin calls use the
// library's Admin client; group membership uses the library's Consumer (the cluster's
// coordinator runs JoinGroup/SyncGroup; the library heartbeats and rejoins), with commits only
// when kt's consumer asks — i.e. for what stdout accepted.
import type * as Kafka from '@platformatic/kafka'

import type {
  Acks,
  Broker,
  BrokerConfig,
  CleanerReport,
  CommittedOffset,
  ConfigEntry,
  CreateTopicRequest,
  FetchResult,
  JoinGroupRequest,
  OffsetAndTimestamp,
  OffsetSpec,
  ProduceBatch,
  ProduceOutcome,
  ProduceResult,
  ProducerIdAndEpoch,
  TopicDescription,
  TopicListing,
  TopicMetadata,
  TopicPartition,
} from '../engine/index.js'
import {noSuchPartition, RecordBatchBuilder, readBatchHeader, RecordView, unknownTopic} from '../engine/index.js'
import type {ConnectionSettings} from './client-config.js'
import {type ErrorContext, kafkaError, kafkaMessage, toKtError} from './errors.js'
import {GroupAdmin} from './group-admin.js'
import {RemoteConfigs} from './configs.js'
import {assignerFor} from './assign.js'
import {
  createWire,
  type FetchedPartition,
  type FetchPartitionRequest,
  type RawPartitionBatches,
  type Wire,
} from './wire.js'

type Lib = typeof Kafka

/** What a member learns from the group (the shape of the engine's MemberAssignment, then some). */
export interface RemoteMemberAssignment {
  memberId: string
  generation: number
  partitions: TopicPartition[]
  /** With Kafka's eager protocol a member holds its whole assignment once SyncGroup answers. */
  owned: TopicPartition[]
  assignAfter: number
}

interface Member {
  consumer: Kafka.Consumer
  failure?: Error
  /** kt's own joins in flight (the first join, a resubscribe): kt adopts their result itself. */
  explicitJoins: number
  /** The eager protocol's revocation, between the coordinator's rebalance and the rejoin. */
  handover?: Handover
}

/**
 * A rebalance the library learned of (a heartbeat answered REBALANCE_IN_PROGRESS): its JoinGroup
 * waits until kt's consumer has released every partition the member held — each after stdout
 * took what was fetched from it, committed first (Java's onPartitionsRevoked before its
 * JoinGroup). The coordinator waits for the rejoin, so the partitions' new owners start at those
 * commits. Kafka accepts a member's commit while its group prepares a rebalance. Every partition
 * is released, also those the member will keep, as Java's eager consumer forgets every position
 * (with enable.auto.commit=false a kept partition restarts at its committed offset there too).
 */
interface Handover {
  /** Partitions held when the rebalance began that kt's consumer has not released yet. */
  held: Map<string, TopicPartition>
  /** Set once the JoinGroup may go (everything released, or the deadline passed). */
  released: boolean
  proceed: () => void
  /** Fails the held JoinGroup: the member is closing. */
  cancel: () => void
}

/** Kafka's 22-character base64url topic id, from the library's dashed hex form. */
export function topicIdOf(uuid: string): string {
  return Buffer.from(uuid.replaceAll('-', ''), 'hex').toString('base64url')
}

const key = (topic: string, partition: number) => `${partition}\u0000${topic}`
/** Kafka's ConfigSource DEFAULT_CONFIG: kafka-topics lists every other entry as an override. */
const DEFAULT_CONFIG = 5
/** Longest long-poll of waitForChange, so an aborted wait leaves no long request behind. */
const LONG_POLL_MS = 500

export class RemoteBroker implements Broker {
  readonly config: BrokerConfig
  readonly admin: Kafka.Admin
  private readonly wire: Wire
  private readonly members = new Map<string, Member>()
  /** Partition leaders by topic, from the library's metadata cache. */
  private readonly leaders = new Map<string, number[]>()
  private readonly connections = new Map<number, Kafka.Connection>()
  /** Topics' max.message.bytes, as topicMetadata found them: the limit of merged batches. */
  private readonly maxMessageBytes = new Map<string, number>()
  private readonly mergeBuffers: Buffer[] = []
  /** Fetches started ahead of the caller (the next position of a partition just returned). */
  private readonly ahead = new Map<string, {offset: number; result: Promise<FetchedPartition>}>()
  /** The partitions and positions fetched since the last wait: what waitForChange long-polls. */
  private readonly watched = new Map<string, FetchPartitionRequest>()
  private readonly ctx: ErrorContext
  private groupAdminInstance: GroupAdmin | undefined
  /** Aborted when a member's rebalance begins or ends, so a waiting consume loop looks at once. */
  private groupWake = new AbortController()
  private remoteConfigsInstance: RemoteConfigs | undefined

  constructor(
    private readonly lib: Lib,
    private readonly settings: ConnectionSettings,
    readonly warnings: readonly string[],
    private readonly dataDir: string,
  ) {
    // The Admin does not retry on its own: a timeout is final at once (one request timeout, not
    // one per retry); stale-metadata errors are retried once by call().
    this.admin = new lib.Admin({...this.clientOptions(settings.clientId), retries: 0})
    this.wire = createWire(lib)
    this.ctx = {
      bootstrap: settings.bootstrapBrokers.join(','),
      security:
        settings.securityProtocol === 'PLAINTEXT'
          ? undefined
          : `security.protocol=${settings.securityProtocol}${settings.sasl ? ` sasl.mechanism=${settings.sasl.mechanism}` : ''}`,
    }
    // What kt's client layer reads of a broker's configuration. Topics are created with the
    // cluster's defaults (-1 partitions / replication factor), also when a producer or subscriber
    // creates its missing topic (kt's auto-creation; allow.auto.create.topics=false turns it off).
    this.config = {
      autoCreateTopics: true,
      defaultReplicationFactor: -1,
      deleteTopicEnable: true,
      // Kafka's group.initial.rebalance.delay.ms default; the cluster applies its own.
      groupInitialRebalanceDelayMs: 3000,
      groupMaxSessionTimeoutMs: 1_800_000,
      groupMinSessionTimeoutMs: 6000,
      ignored: [],
      nodeId: -1,
      numPartitions: -1,
      offsetsRetentionMs: 604_800_000,
      retentionCheckIntervalMs: 300_000,
      staticSettings: new Map(),
      topicDefaults: new Map(),
    } as BrokerConfig
  }

  /** The library client options common to the Admin and the group consumers. */
  clientOptions(clientId: string) {
    const s = this.settings
    return {
      bootstrapBrokers: s.bootstrapBrokers,
      clientId,
      connectTimeout: s.connectTimeout,
      metadataMaxAge: s.metadataMaxAge,
      requestTimeout: s.requestTimeout,
      retries: s.retries,
      retryDelay: s.retryDelay,
      strict: false,
      ...(s.tls ? {tls: s.tls} : {}),
      ...(s.sasl ? {sasl: s.sasl} : {}),
    }
  }

  /** Runs a library call, turning its errors into Kafka's one-line messages. */
  async call<T>(fn: () => Promise<T>, ctx: Partial<ErrorContext> = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn()
      } catch (error) {
        // A leader or coordinator that moved: look again once, after the retry backoff.
        const stale = (error as {findBy?: (p: string, v: unknown) => unknown}).findBy?.('hasStaleMetadata', true)
        if (attempt < this.settings.retries && stale) {
          this.admin.clearMetadata()
          this.leaders.clear()
          await sleep(this.settings.retryDelay)
          continue
        }

        throw toKtError(error, {...this.ctx, ...ctx})
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Topics

  async createTopic(req: CreateTopicRequest): Promise<TopicDescription> {
    const created = await this.call(
      () =>
        this.admin.createTopics({
          topics: [req.name],
          ...(req.replicaAssignment
            ? {
                assignments: req.replicaAssignment.map((brokers, partition) => ({brokers: [...brokers], partition})),
                partitions: -1,
                replicas: -1,
              }
            : {partitions: req.partitions ?? -1, replicas: req.replicationFactor ?? -1}),
          configs: (req.configs ?? []).map(([name, value]) => ({name, value})),
        }),
      {topic: req.name},
    )
    const t = created[0]
    const replicas = t.replicas
    return {
      configs: Object.fromEntries((req.configs ?? []).map(([k, v]) => [k, v]).sort(([a], [b]) => (a < b ? -1 : 1))),
      internal: false,
      name: t.name,
      partitionCount: t.partitions,
      partitions: Array.from({length: t.partitions}, (_, partition) => ({
        isr: [],
        leader: null,
        logEndOffset: 0,
        logStartOffset: 0,
        partition,
        recordCount: 0,
        replicas: [],
        sizeBytes: 0,
      })),
      replicationFactor: replicas,
      topicId: topicIdOf(t.id),
    }
  }

  async validateTopic(req: CreateTopicRequest): Promise<void> {
    await this.call(
      async () => {
        const connection = await this.bootstrapConnection()
        await this.lib.createTopicsV7.api.async(
          connection,
          [
            {
              assignments: (req.replicaAssignment ?? []).map((b, partitionIndex) => ({
                brokerIds: [...b],
                partitionIndex,
              })),
              configs: (req.configs ?? []).map(([name, value]) => ({name, value})),
              name: req.name,
              numPartitions: req.replicaAssignment ? -1 : (req.partitions ?? -1),
              replicationFactor: req.replicaAssignment ? -1 : (req.replicationFactor ?? -1),
            },
          ],
          this.settings.requestTimeout,
          true,
        )
      },
      {topic: req.name},
    )
  }

  async listTopics(): Promise<string[]> {
    // kafka-topics lists internal topics too (unless --exclude-internal); sorted, as kt prints.
    const names = await this.call(() => this.admin.listTopics({includeInternals: true}))
    return [...names].sort()
  }

  async describeTopics(names: readonly string[]): Promise<TopicDescription[]> {
    if (names.length === 0) return []
    const metadata = await this.metadata(names)
    const present = names.filter((n) => metadata.topics.has(n))
    const [earliest, latest, sizes, configs] = await Promise.all([
      this.offsetsOf(metadata, present, -2n),
      this.offsetsOf(metadata, present, -1n),
      this.remoteConfigs().partitionSizes(metadata, present),
      present.length === 0
        ? Promise.resolve([])
        : this.call(() =>
            this.admin.describeConfigs({
              resources: present.map((resourceName) => ({
                resourceName,
                resourceType: this.lib.ConfigResourceTypes.TOPIC,
              })),
            }),
          ),
    ])
    const overrides = new Map<string, Record<string, string>>()
    for (const c of configs) {
      const entries = c.configs
        .filter((e) => e.configSource !== DEFAULT_CONFIG && e.value !== null && e.value !== undefined)
        .map((e) => [e.name, String(e.value)] as const)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      overrides.set(c.resourceName, Object.fromEntries(entries))
    }

    return present.map((name) => {
      const t = metadata.topics.get(name)!
      return {
        configs: overrides.get(name) ?? {},
        internal: name.startsWith('__'),
        name,
        partitionCount: t.partitionsCount,
        partitions: t.partitions.map((p, partition) => {
          const start = earliest.get(key(name, partition)) ?? 0
          const end = latest.get(key(name, partition)) ?? 0
          return {
            isr: [...p.isr],
            leader: p.leader < 0 ? null : p.leader,
            logEndOffset: end,
            logStartOffset: start,
            partition,
            recordCount: end - start,
            replicas: [...p.replicas],
            // Kafka's clients learn sizes through DescribeLogDirs only (the leader's log).
            sizeBytes: sizes.get(key(name, partition)) ?? 0,
          }
        }),
        replicationFactor: t.partitions[0]?.replicas.length ?? 0,
        topicId: topicIdOf(t.id),
      }
    })
  }

  async createPartitions(
    topic: string,
    totalCount: number,
    assignment?: readonly (readonly number[])[],
  ): Promise<void> {
    await this.call(
      () =>
        this.admin.createPartitions({
          // No assignment is a null list on the wire (the broker places the new partitions); an
          // empty list would ask for zero placements and be refused as too few (INVALID_REQUEST).
          topics: [
            {
              ...(assignment ? {assignments: assignment.map((b) => ({brokerIds: [...b]}))} : {}),
              count: totalCount,
              name: topic,
            },
          ],
        }),
      {topic},
    )
    this.leaders.delete(topic)
  }

  async deleteTopic(topic: string): Promise<void> {
    await this.call(() => this.admin.deleteTopics({topics: [topic]}), {topic})
    this.leaders.delete(topic)
  }

  async topicMetadata(topic: string): Promise<TopicMetadata | undefined> {
    let metadata: Kafka.ClusterMetadata
    try {
      metadata = await this.metadata([topic])
    } catch (error) {
      if ((error as {code?: string}).code === 'UNKNOWN_TOPIC_OR_PARTITION') return undefined
      throw error
    }

    const t = metadata.topics.get(topic)
    if (!t) return undefined
    const [described] = await this.call(
      () =>
        this.admin.describeConfigs({
          resources: [
            {
              configurationKeys: ['max.message.bytes'],
              resourceName: topic,
              resourceType: this.lib.ConfigResourceTypes.TOPIC,
            },
          ],
        }),
      {topic},
    )
    const max = described?.configs.find((c) => c.name === 'max.message.bytes')?.value
    const maxMessageBytes = max ? Number(max) : 1_048_588
    this.maxMessageBytes.set(topic, maxMessageBytes)
    return {maxMessageBytes, name: topic, partitionCount: t.partitionsCount}
  }

  async topicList(): Promise<TopicListing[]> {
    const names = await this.listTopics()
    const metadata = await this.metadata(names)
    return names
      .filter((n) => metadata.topics.has(n))
      .map((name) => {
        const t = metadata.topics.get(name)!
        return {internal: name.startsWith('__'), name, partitionCount: t.partitionsCount, topicId: topicIdOf(t.id)}
      })
  }

  /** Topic metadata, refreshed; an unknown topic is Kafka's UNKNOWN_TOPIC_OR_PARTITION. */
  private async metadata(topics: readonly string[]): Promise<Kafka.ClusterMetadata> {
    const metadata = await this.call(() => this.admin.metadata({forceUpdate: true, topics: [...topics]}), {
      topic: topics.length === 1 ? topics[0] : undefined,
    })
    for (const [name, t] of metadata.topics)
      this.leaders.set(
        name,
        t.partitions.map((p) => p.leader),
      )
    return metadata
  }

  /** A missing topic or partition is refused in the embedded store's words, so both modes print the same line. */
  private async leaderOf(topic: string, partition: number): Promise<number> {
    let leaders = this.leaders.get(topic)
    if (!leaders || leaders[partition] === undefined || leaders[partition] < 0) {
      try {
        await this.metadata([topic])
      } catch (error) {
        if ((error as {code?: string}).code === 'UNKNOWN_TOPIC_OR_PARTITION') throw unknownTopic(topic)
        throw error
      }

      leaders = this.leaders.get(topic)
    }

    if (!leaders) throw unknownTopic(topic)
    const leader = leaders[partition]
    if (leader === undefined) throw noSuchPartition(topic, partition)
    if (leader < 0) throw kafkaError('LEADER_NOT_AVAILABLE', kafkaMessage('LEADER_NOT_AVAILABLE'))
    return leader
  }

  private async connectionTo(nodeId: number): Promise<Kafka.Connection> {
    // The library looks the broker up in its metadata on every call: keep open connections.
    const cached = this.connections.get(nodeId)
    if (cached?.isConnected()) return cached
    const connections = await this.call(() => this.admin.connectToBrokers([nodeId]))
    const connection = connections.get(nodeId)
    if (!connection)
      throw kafkaError('BROKER_NOT_AVAILABLE', `Broker ${nodeId} is not available at ${this.ctx.bootstrap}`)
    this.connections.set(nodeId, connection)
    return connection
  }

  private async bootstrapConnection(): Promise<Kafka.Connection> {
    const metadata = await this.call(() => this.admin.metadata({topics: []}))
    const node = metadata.controllerId >= 0 ? metadata.controllerId : [...metadata.brokers.keys()][0]
    return this.connectionTo(node)
  }

  /** Log start (-2) or end (-1) offsets of every partition of the topics. */
  private async offsetsOf(
    metadata: Kafka.ClusterMetadata,
    topics: readonly string[],
    timestamp: bigint,
  ): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    if (topics.length === 0) return out
    const listed = await this.call(() =>
      this.admin.listOffsets({
        topics: topics.map((name) => ({
          name,
          partitions: Array.from({length: metadata.topics.get(name)!.partitionsCount}, (_, partitionIndex) => ({
            partitionIndex,
            timestamp,
          })),
        })),
      }),
    )
    for (const t of listed) for (const p of t.partitions) out.set(key(t.name, p.partitionIndex), Number(p.offset))
    return out
  }

  // ---------------------------------------------------------------------------------------------
  // Producing and fetching

  async produce(batches: readonly ProduceBatch[], acks: Acks): Promise<ProduceResult[]> {
    const merged = this.coalesce(batches)
    // With acks=0 nothing answers, so the request may still be queued on the socket when this
    // returns: send copies, since the producer reuses its batch memory at once.
    const sent = acks === 0 ? merged.map((m) => ({...m, batch: Buffer.from(m.batch)})) : merged
    const outcomes = await this.produceEach(sent, acks)
    // One result per batch given, as the embedded broker answers: a merged batch's offsets split
    // back by record count.
    const results: ProduceResult[] = []
    for (const [i, o] of outcomes.entries()) {
      if ('error' in o) throw kafkaError(o.error.code, o.error.message)
      let base = o.baseOffset
      for (const part of merged[i].parts) {
        const count = readBatchHeader(part).lastOffsetDelta + 1
        results.push({...o, baseOffset: base, lastOffset: base < 0 ? base : base + count - 1})
        if (base >= 0) base += count
      }
    }

    return results
  }

  /**
   * A flush's consecutive plain batches of one partition, merged into batches of up to the
   * topic's max.message.bytes. Kafka takes one batch per partition per request, and a broker
   * handles a connection's requests one at a time, so 1M × 100 B in batch.size (16 KB) batches
   * means ~6,400 produce requests; kt broker served them at ~200k rec/s (one store transaction
   * each), against ~100 requests of 1 MB once merged. The records, their order, keys,
   * timestamps and partitions are unchanged; compressed, idempotent and transactional batches
   * go as built.
   */
  private coalesce(batches: readonly ProduceBatch[]): Array<ProduceBatch & {parts: Buffer[]}> {
    const out: Array<ProduceBatch & {parts: Buffer[]}> = []
    const view = new RecordView()
    // Merged batches are built in buffers kept from earlier flushes: produce() has had its
    // answers (or, with acks=0, sent copies) before the next flush merges again. Fresh 1 MB
    // buffers per flush cost ~0.3 s of garbage collection per 1M records (measured).
    let reuse = 0
    let run: {topic: string; partition: number; parts: Buffer[]; size: number} | undefined
    const flush = () => {
      if (!run) return
      if (run.parts.length === 1)
        out.push({batch: run.parts[0], partition: run.partition, parts: run.parts, topic: run.topic})
      else {
        const need = run.size + 1024
        if ((this.mergeBuffers[reuse]?.length ?? 0) < need) this.mergeBuffers[reuse] = Buffer.allocUnsafeSlow(need)
        const builder = new RecordBatchBuilder(this.mergeBuffers[reuse++])
        for (const part of run.parts) {
          view.reset(part, readBatchHeader(part))
          while (view.next())
            builder.append(
              view.timestamp,
              view.keyLength < 0 ? null : view.data,
              view.keyStart,
              view.keyStart + Math.max(view.keyLength, 0),
              view.valueLength < 0 ? null : view.data,
              view.valueStart,
              view.valueStart + Math.max(view.valueLength, 0),
              view.headerCount === 0 ? null : view.headers,
            )
        }

        out.push({batch: builder.build('none'), partition: run.partition, parts: run.parts, topic: run.topic})
      }

      run = undefined
    }

    for (const b of batches) {
      const header = readBatchHeader(b.batch)
      const limit = this.maxMessageBytes.get(b.topic) ?? 0
      // Plain batches only: no compression codec, no producer id, not transactional or control.
      const plain = (header.attributes & 0x37) === 0 && header.producerId < 0
      if (!plain || b.batch.length >= limit) {
        flush()
        out.push({...b, parts: [b.batch]})
        continue
      }

      // Merged, a record's offset and timestamp deltas may take up to 4 more varint bytes.
      const size = b.batch.length + 4 * header.recordCount
      if (run && run.topic === b.topic && run.partition === b.partition && run.size + size <= limit) {
        run.parts.push(b.batch)
        run.size += size
        continue
      }

      flush()
      run = {partition: b.partition, parts: [b.batch], size, topic: b.topic}
    }

    flush()
    return out
  }

  async produceEach(batches: readonly ProduceBatch[], acks: Acks): Promise<ProduceOutcome[]> {
    // Kafka takes one batch per partition in a request: the k-th batches of every partition go in
    // the k-th request to their leader, and a connection's requests are answered in order, so
    // they are sent without waiting (pipelined) and each partition's batches keep their order.
    const rounds = new Map<number, Array<Map<string, {index: number; batch: ProduceBatch}[]>>>()
    const depth = new Map<string, number>()
    for (const [index, b] of batches.entries()) {
      const leader = await this.leaderOf(b.topic, b.partition)
      const k = key(b.topic, b.partition)
      const round = depth.get(k) ?? 0
      depth.set(k, round + 1)
      let byRound = rounds.get(leader)
      if (!byRound) rounds.set(leader, (byRound = []))
      byRound[round] ??= new Map()
      const list = byRound[round].get(b.topic)
      if (list) list.push({batch: b, index})
      else byRound[round].set(b.topic, [{batch: b, index}])
    }

    const outcomes: ProduceOutcome[] = Array.from({length: batches.length})
    const sends: Promise<void>[] = []
    for (const [leader, byRound] of rounds) {
      const connection = await this.connectionTo(leader)
      for (const round of byRound) {
        const topics = [...round].map(([topic, list]) => ({
          partitions: list.map((e): RawPartitionBatches => ({batch: e.batch.batch, partition: e.batch.partition})),
          topic,
        }))
        sends.push(
          this.call(() => this.wire.produce(connection, acks, this.settings.requestTimeout, topics)).then((answers) => {
            for (const list of round.values())
              for (const {batch: b, index} of list) {
                const header = readBatchHeader(b.batch)
                const a = answers.find((x) => x.topic === b.topic && x.partition === b.partition)
                if (acks === 0 || !a) {
                  outcomes[index] = {
                    baseOffset: -1,
                    lastOffset: -1,
                    logAppendTime: -1,
                    partition: b.partition,
                    topic: b.topic,
                  }
                  continue
                }

                if (a.errorCode !== 0) {
                  const name =
                    this.lib.protocolErrorsCodesById[a.errorCode as keyof typeof this.lib.protocolErrorsCodesById] ??
                    `ERROR_${a.errorCode}`
                  outcomes[index] = {error: {code: name, message: kafkaMessage(name, a.errorMessage)}}
                  if (name === 'NOT_LEADER_OR_FOLLOWER' || name === 'UNKNOWN_TOPIC_OR_PARTITION')
                    this.leaders.delete(b.topic)
                  continue
                }

                outcomes[index] = {
                  baseOffset: a.baseOffset,
                  lastOffset: a.baseOffset + header.lastOffsetDelta,
                  logAppendTime: a.logAppendTime,
                  partition: b.partition,
                  topic: b.topic,
                }
              }
          }),
        )
      }
    }

    await Promise.all(sends)
    return outcomes
  }

  async fetch(topic: string, partition: number, offset: number, options: {maxBytes: number}): Promise<FetchResult> {
    const k = key(topic, partition)
    const request: FetchPartitionRequest = {maxBytes: options.maxBytes, offset, partition, topic}
    this.watched.set(k, request)
    const pending = this.ahead.get(k)
    this.ahead.delete(k)
    let fetched =
      pending && pending.offset === offset
        ? await pending.result.catch(() => this.fetchOne(request, 0))
        : await this.fetchOne(request, 0)
    if (fetched.errorCode !== 0) fetched = await this.retryFetch(request, fetched)
    const result: FetchResult = {
      batches: fetched.batches,
      logEndOffset: fetched.highWatermark,
      logStartOffset: fetched.logStartOffset,
      partition,
      topic,
    }
    // Start the next fetch of this partition while the caller prints these records.
    const last = fetched.batches.at(-1)
    if (last) {
      const next = {...request, offset: last.lastOffset + 1}
      const ahead = this.fetchOne(next, 0)
      ahead.catch(() => {})
      this.ahead.set(k, {offset: next.offset, result: ahead})
    }

    return result
  }

  private async fetchOne(request: FetchPartitionRequest, maxWaitMs: number): Promise<FetchedPartition> {
    const leader = await this.leaderOf(request.topic, request.partition)
    const connection = await this.connectionTo(leader)
    const [fetched] = await this.call(
      () => this.wire.fetch(connection, maxWaitMs, Math.max(request.maxBytes, 1), [request]),
      {topic: request.topic},
    )
    return fetched
  }

  /** Refreshes the leader once on a leadership error; anything else is the broker's error. */
  private async retryFetch(request: FetchPartitionRequest, failed: FetchedPartition): Promise<FetchedPartition> {
    let fetched = failed
    const name = (code: number) =>
      this.lib.protocolErrorsCodesById[code as keyof typeof this.lib.protocolErrorsCodesById] ?? `ERROR_${code}`
    if (['NOT_LEADER_OR_FOLLOWER', 'LEADER_NOT_AVAILABLE', 'FENCED_LEADER_EPOCH'].includes(name(fetched.errorCode))) {
      this.leaders.delete(request.topic)
      fetched = await this.fetchOne(request, 0)
    }

    if (fetched.errorCode === 0) return fetched
    const error = name(fetched.errorCode)
    if (error === 'OFFSET_OUT_OF_RANGE')
      throw kafkaError(
        error,
        `Offset ${request.offset} is out of range for partition ${request.topic}-${request.partition} (log start ${fetched.logStartOffset}, log end ${fetched.highWatermark})`,
      )
    if (error === 'UNKNOWN_TOPIC_OR_PARTITION') {
      this.leaders.delete(request.topic)
      throw kafkaError(error, `Topic '${request.topic}' or its partition ${request.partition} does not exist`)
    }

    throw toKtError(Object.assign(new Error(error), {apiId: error}), {...this.ctx, topic: request.topic})
  }

  async listOffset(topic: string, partition: number, spec: OffsetSpec): Promise<number | null> {
    const found = await this.offsetAndTimestamp(topic, partition, spec)
    return found === null ? null : found.offset
  }

  async offsetAndTimestamp(
    topic: string,
    partition: number,
    spec: OffsetSpec | 'max-timestamp',
  ): Promise<OffsetAndTimestamp | null> {
    await this.leaderOf(topic, partition)
    const timestamp =
      spec === 'earliest' ? -2n : spec === 'latest' ? -1n : spec === 'max-timestamp' ? -3n : BigInt(spec.timestamp)
    const listed = await this.call(
      () => this.admin.listOffsets({topics: [{name: topic, partitions: [{partitionIndex: partition, timestamp}]}]}),
      {topic},
    )
    const p = listed[0]?.partitions.find((x) => x.partitionIndex === partition)
    if (!p) throw kafkaError('UNKNOWN_TOPIC_OR_PARTITION', kafkaMessage('UNKNOWN_TOPIC_OR_PARTITION'))
    if (p.offset < 0n && typeof spec === 'object') return null
    return {offset: Number(p.offset), timestamp: Number(p.timestamp)}
  }

  async initProducerId(producerId: number, epoch: number): Promise<ProducerIdAndEpoch> {
    const response = await this.call(async () => {
      const connection = await this.bootstrapConnection()
      return this.lib.initProducerIdV4.api.async(connection, null, 60_000, BigInt(producerId), epoch)
    })
    return {epoch: response.producerEpoch, producerId: Number(response.producerId)} as ProducerIdAndEpoch
  }

  /** A cluster is written through its brokers; kt never opens it read-only. */
  readonly readOnly = false

  // kt configs and kt delete-records (src/remote/configs.ts).
  async describeTopicConfigs(topic: string): Promise<ConfigEntry[]> {
    return this.remoteConfigs().describeTopicConfigs(topic)
  }

  async describeBrokerConfigs(brokerId?: string): Promise<ConfigEntry[]> {
    return this.remoteConfigs().describeBrokerConfigs(brokerId)
  }

  async brokerIds(): Promise<number[]> {
    return this.remoteConfigs().brokerIds()
  }

  async alterTopicConfigs(
    topic: string,
    set: ReadonlyArray<readonly [string, string]>,
    remove: readonly string[],
  ): Promise<void> {
    return this.remoteConfigs().alterTopicConfigs(topic, set, remove)
  }

  async alterBrokerConfigs(
    brokerId: string,
    set: ReadonlyArray<readonly [string, string]>,
    remove: readonly string[],
  ): Promise<void> {
    return this.remoteConfigs().alterBrokerConfigs(brokerId, set, remove)
  }

  async deleteRecords(topic: string, partition: number, beforeOffset: number): Promise<number> {
    return this.remoteConfigs().deleteRecords(topic, partition, beforeOffset)
  }

  private remoteConfigs(): RemoteConfigs {
    this.remoteConfigsInstance ??= new RemoteConfigs({
      call: (fn, ctx) => this.call(fn, ctx),
      connectionTo: (nodeId) => this.connectionTo(nodeId),
      errorContext: this.ctx,
      leaderOf: (topic, partition) => this.leaderOf(topic, partition),
      lib: this.lib,
      metadata: (topics) => this.metadata(topics),
      timeoutMs: this.settings.requestTimeout,
    })
    return this.remoteConfigsInstance
  }

  /** A cluster runs its own log cleaner: nothing for a client to do. */
  async cleanLogs(): Promise<CleanerReport | undefined> {
    return undefined
  }

  /**
   * Waits for records at the positions fetched since the last wait (one long-poll Fetch to each
   * leader, as Kafka's consumers wait), keeping what arrives for the next fetch.
   */
  async waitForChange(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const requests = [...this.watched.values()]
    this.watched.clear()
    const wait = Math.max(0, Math.min(timeoutMs, LONG_POLL_MS))
    if (signal?.aborted) return
    if (this.groupWake.signal.aborted) {
      // A rebalance began or ended since the last wait: the caller's group check has work.
      this.groupWake = new AbortController()
      return
    }

    signal = signal ? AbortSignal.any([signal, this.groupWake.signal]) : this.groupWake.signal
    if (requests.length === 0) {
      await sleep(wait, signal)
      return
    }

    const polls = requests.map((r) => {
      const result = this.fetchOne(r, wait)
      result.catch(() => {})
      this.ahead.set(key(r.topic, r.partition), {offset: r.offset, result})
      return result
    })
    await Promise.race([Promise.any(polls).catch(() => {}), sleep(wait + 1000, signal)])
  }

  // ---------------------------------------------------------------------------------------------
  // Group membership: the library's Consumer joins, syncs and heartbeats with the coordinator.

  /**
   * Joins through the library's Consumer, which then heartbeats and, when the coordinator starts
   * a rebalance, rejoins on its own (Kafka's eager protocol). That rejoin waits at its JoinGroup
   * for kt's consumer to commit and release what it held (Handover): checkMember says a sync is
   * due, syncGroup answers an empty target, and kt's consumer releases each partition once
   * stdout took its records. Without this wait the new owner of a moved partition started at the
   * last auto-commit and printed again what the old owner had printed since (test:
   * remote-groups.test.ts; 995 of 6,000 records twice before).
   */
  async joinGroup(req: JoinGroupRequest): Promise<RemoteMemberAssignment> {
    await this.leaveIfMember(req.groupId)
    const sessionTimeout = req.sessionTimeoutMs
    const protocols = (req as {protocols?: readonly string[]}).protocols ?? [req.assignor]
    const rebalanceTimeout = Math.max(sessionTimeout, 60_000)
    const consumer = new this.lib.Consumer({
      ...this.clientOptions(req.clientId),
      // The coordinator holds a JoinGroup until every member rejoined (up to the rebalance
      // timeout), and a new group's first one for group.initial.rebalance.delay.ms (3 s by
      // default): Java's consumer waits for it max(request.timeout.ms, rebalance timeout + 5 s)
      // (AbstractCoordinator), not request.timeout.ms, which failed `--consumer-property
      // request.timeout.ms=3000` against a 3 s delay. The library has one request timeout per
      // client; this client sends group requests only (fetches go through the Admin's
      // connections), so a heartbeat or commit to a coordinator that stopped answering waits as
      // long too — the coordinator expires the member within its session timeout meanwhile.
      requestTimeout: Math.max(this.settings.requestTimeout, rebalanceTimeout + 5000),
      autocommit: false,
      groupId: req.groupId,
      heartbeatInterval: Math.max(100, Math.min(3000, Math.floor(sessionTimeout / 3))),
      isolationLevel: this.lib.FetchIsolationLevels.READ_UNCOMMITTED,
      partitionAssigner: assignerFor(protocols[0] ?? 'range'),
      protocols: protocols.map((name) => ({name, version: 0})),
      rebalanceTimeout,
      sessionTimeout,
    })
    const member: Member = {consumer, explicitJoins: 0}
    // A failed background rejoin is reported at the member's next heartbeat.
    consumer.on('error', (error: Error) => {
      member.failure = error
    })
    consumer.on('consumer:group:join', () => {
      member.handover = undefined
      this.groupWake.abort()
    })
    this.gateRejoins(member, sessionTimeout)
    this.members.set(req.groupId, member)
    for (const t of req.topics) consumer.topics.track(t)
    await this.explicitJoin(member, req.groupId)
    return this.assignmentOf(member)
  }

  /**
   * Holds the library's background JoinGroup (its heartbeat's rejoin) until kt's consumer has
   * released the member's partitions. The library asks for each request's API through
   * kGetApi (a protected hook it exports); only 'JoinGroup' outside kt's own joins waits. The
   * wait ends at half the session timeout at the latest: the library sends no heartbeat while a
   * rejoin is pending, and a member silent for a session is expired (a stdout blocked that long
   * gives the partitions up uncommitted, as a Java consumer whose revocation callback overruns).
   * The deadline also ends the one wait that cannot end otherwise: a commit refused during the
   * handover (the member was expired meanwhile) makes the library rejoin inside that commit,
   * behind the held JoinGroup.
   */
  private gateRejoins(member: Member, sessionTimeoutMs: number): void {
    const consumer = member.consumer as unknown as Record<symbol, (name: string, callback: unknown) => void>
    const getApi = consumer[this.lib.kGetApi].bind(consumer)
    consumer[this.lib.kGetApi] = (name: string, callback: unknown) => {
      if (name !== 'JoinGroup' || member.explicitJoins > 0) {
        getApi(name, callback)
        return
      }

      let handover = member.handover
      if (!handover) {
        handover = this.startHandover(member, sessionTimeoutMs)
        member.handover = handover
      }

      if (handover.released) {
        getApi(name, callback)
        return
      }

      const {cancel, proceed} = handover
      handover.proceed = () => {
        proceed()
        getApi(name, callback)
      }

      handover.cancel = () => {
        cancel()
        ;(callback as (error: Error) => void)(new this.lib.UserError('The member left the group during a rebalance.'))
      }
    }
  }

  private startHandover(member: Member, sessionTimeoutMs: number): Handover {
    const held = new Map<string, TopicPartition>()
    for (const a of member.consumer.assignments ?? [])
      for (const partition of a.partitions) held.set(key(a.topic, partition), {partition, topic: a.topic})
    let timer: NodeJS.Timeout | undefined
    const handover: Handover = {
      cancel: () => {
        clearTimeout(timer)
        handover.released = true
      },
      held,
      proceed: () => {
        clearTimeout(timer)
        handover.released = true
      },
      released: false,
    }
    if (held.size === 0) handover.released = true
    else {
      timer = setTimeout(() => handover.proceed(), Math.floor(sessionTimeoutMs / 2))
      timer.unref()
      this.groupWake.abort()
    }

    return handover
  }

  /** Lets a held rejoin go once kt's consumer released everything the member held. */
  private releaseHeld(member: Member, released: readonly TopicPartition[]): void {
    const handover = member.handover
    if (!handover || handover.released) return
    for (const p of released) handover.held.delete(key(p.topic, p.partition))
    if (handover.held.size === 0) handover.proceed()
  }

  /** kt's own join (first join, resubscribe): a rejoin held for a handover goes first. */
  private async explicitJoin(member: Member, groupId: string): Promise<void> {
    if (member.handover && !member.handover.released) member.handover.proceed()
    member.explicitJoins++
    try {
      await this.call(() => member.consumer.joinGroup({}), {group: groupId})
    } finally {
      member.explicitJoins--
    }
  }

  async heartbeat(groupId: string, memberId: string): Promise<RemoteMemberAssignment> {
    const member = this.memberOf(groupId, memberId)
    if (member.failure) {
      const failure = member.failure
      member.failure = undefined
      throw toKtError(failure, {...this.ctx, group: groupId})
    }

    return this.assignmentOf(member)
  }

  async resubscribe(groupId: string, memberId: string, topics: readonly string[]): Promise<RemoteMemberAssignment> {
    const member = this.memberOf(groupId, memberId)
    const c = member.consumer
    for (const t of c.topics.current) if (!topics.includes(t)) c.topics.untrack(t)
    for (const t of topics) c.topics.track(t)
    await this.explicitJoin(member, groupId)
    return this.assignmentOf(member)
  }

  /**
   * The store-coordinated handover's sync (branch `groups`), remotely: commit what the member
   * says was written, then take its released partitions off a pending rebalance's list (the
   * rejoin goes once the list is empty), and answer the assignment: during a rebalance an empty
   * target, so that kt's consumer stops fetching and releases what it holds once written.
   */
  async syncGroup(req: {
    groupId: string
    memberId: string
    offsets: readonly CommittedOffset[]
    released: readonly TopicPartition[]
  }): Promise<RemoteMemberAssignment> {
    if (req.offsets.length > 0) await this.commitOffsets(req.groupId, req.offsets)
    const member = this.members.get(req.groupId)
    if (member && member.consumer.memberId === req.memberId) this.releaseHeld(member, req.released)
    return this.heartbeat(req.groupId, req.memberId)
  }

  /**
   * The handover's cheap check (branch `groups`), answered locally: the library heartbeats and
   * rejoins in the background, so a new generation shows here without a request. The member is
   * gone when the library lost it for good (its rejoin failed) or joined again under a new id.
   */
  async checkMember(
    groupId: string,
    memberId: string,
  ): Promise<{gone: boolean; generation: number; due: boolean; assignAfter: number; localPeers: number[]}> {
    const member = this.members.get(groupId)
    const gone = !member || member.failure !== undefined || member.consumer.memberId !== memberId
    // A rebalance waiting for partitions to be released: sync now (syncGroup revokes them).
    const due = member?.handover !== undefined && !member.handover.released
    return {assignAfter: 0, due, generation: member?.consumer.generationId ?? -1, gone, localPeers: []}
  }

  async leaveGroup(groupId: string, memberId: string): Promise<void> {
    const member = this.members.get(groupId)
    if (!member || member.consumer.memberId !== memberId) return
    this.members.delete(groupId)
    member.handover?.cancel()
    await this.call(() => member.consumer.close(), {group: groupId})
  }

  async commitOffsets(groupId: string, offsets: readonly CommittedOffset[]): Promise<void> {
    if (offsets.length === 0) return
    const member = this.members.get(groupId)
    if (member) {
      await this.call(
        () =>
          member.consumer.commit({
            offsets: offsets.map((o) => ({
              leaderEpoch: -1,
              offset: BigInt(o.offset),
              partition: o.partition,
              topic: o.topic,
            })),
          }),
        {group: groupId},
      )
      return
    }

    // Not a member (a manually assigned consumer with a group id): Kafka's admin-style commit,
    // which the coordinator accepts while the group has no members.
    await this.groupAdmin().commit(groupId, offsets)
  }

  async committedOffsets(groupId: string): Promise<CommittedOffset[]> {
    return this.groupAdmin().committed(groupId)
  }

  async hasStoreMembers(groupId: string): Promise<boolean> {
    const [d] = await this.groupAdmin().describeGroups([groupId])
    return d !== undefined && d.members.length > 0
  }

  async groupIds(): Promise<string[]> {
    return (await this.groupAdmin().listGroups()).map((g) => g.groupId)
  }

  async deleteGroup(groupId: string): Promise<boolean> {
    const result = await this.groupAdmin().deleteGroups([groupId])
    if (result.deleted.length > 0) return true
    if (result.failed.some((f) => f.error.includes('GroupNotEmpty')))
      throw kafkaError('NON_EMPTY_GROUP', kafkaMessage('NON_EMPTY_GROUP'))
    return false
  }

  async deleteCommittedOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<void> {
    const byTopic = new Map<string, number[]>()
    for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition])
    await this.groupAdmin().deleteOffsets(
      groupId,
      [...byTopic].map(([topic, list]) => ({partitions: list, topic})),
    )
  }

  // ---------------------------------------------------------------------------------------------
  // consumer-groups administration (branch `cgcmd`'s Broker methods), over the Admin API.

  groupCoordinator() {
    return this.groupAdmin().groupCoordinator()
  }

  listGroups() {
    return this.groupAdmin().listGroups()
  }

  describeGroups(groupIds: readonly string[] | 'all') {
    return this.groupAdmin().describeGroups(groupIds)
  }

  resetOffsets(req: Parameters<GroupAdmin['resetOffsets']>[0], execute: boolean) {
    return this.groupAdmin().resetOffsets(req, execute)
  }

  resetHistory(groupId: string) {
    return this.groupAdmin().resetHistory(groupId)
  }

  deleteGroups(groupIds: readonly string[] | 'all') {
    return this.groupAdmin().deleteGroups(groupIds)
  }

  deleteOffsets(groupId: string, topics: ReadonlyArray<{topic: string; partitions?: readonly number[]}>) {
    return this.groupAdmin().deleteOffsets(groupId, topics)
  }

  private groupAdmin(): GroupAdmin {
    this.groupAdminInstance ??= new GroupAdmin(this, this.lib, this.dataDir, this.settings.bootstrapBrokers)
    return this.groupAdminInstance
  }

  private memberOf(groupId: string, memberId: string): Member {
    const member = this.members.get(groupId)
    if (!member || member.consumer.memberId !== memberId)
      throw kafkaError('UNKNOWN_MEMBER_ID', kafkaMessage('UNKNOWN_MEMBER_ID'))
    return member
  }

  private async leaveIfMember(groupId: string): Promise<void> {
    const member = this.members.get(groupId)
    if (!member) return
    this.members.delete(groupId)
    member.handover?.cancel()
    await (member.consumer.close(true) as unknown as Promise<void>).catch(() => {})
  }

  private assignmentOf(member: Member): RemoteMemberAssignment {
    const c = member.consumer
    if (member.handover) {
      // Rebalancing: nothing to fetch; what is still held waits to be released.
      const owned = sortPartitions([...member.handover.held.values()])
      return {assignAfter: 0, generation: c.generationId, memberId: c.memberId ?? '', owned, partitions: []}
    }

    const partitions: TopicPartition[] = []
    for (const a of c.assignments ?? [])
      for (const partition of a.partitions) partitions.push({partition, topic: a.topic})
    sortPartitions(partitions)
    return {assignAfter: 0, generation: c.generationId, memberId: c.memberId ?? '', owned: partitions, partitions}
  }

  async close(): Promise<void> {
    const closing: Promise<unknown>[] = []
    for (const [groupId, m] of this.members) {
      this.members.delete(groupId)
      m.handover?.cancel()
      closing.push((m.consumer.close(true) as unknown as Promise<void>).catch(() => {}))
    }

    await Promise.all(closing)
    await this.admin.close().catch(() => {})
  }
}

function sortPartitions(tps: TopicPartition[]): TopicPartition[] {
  return tps.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve()
      return
    }

    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }

    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, {once: true})
  })
}
