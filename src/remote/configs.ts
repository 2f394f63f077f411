// kt configs, kt delete-records and partition sizes against a cluster, as Kafka's ConfigCommand
// and DeleteRecordsCommand do them through the Admin client: DescribeConfigs (with synonyms),
// IncrementalAlterConfigs (SET / DELETE, after ConfigCommand's own check that deleted configs
// exist), DeleteRecords to each partition's leader, and DescribeLogDirs for sizes. The library's
// raw calls are used because its Admin sends a BROKER resource to broker Number(name) (so the
// default entity '' would go to a broker 0) and throws a TypeError for a partition that does not
// exist; the raw calls go to the connection kt chooses and their errors are read per partition.
import type * as Kafka from '@platformatic/kafka'

import {type ConfigEntry, type ConfigSource, KtError} from '../engine/index.js'
import {type ErrorContext, kafkaError, kafkaMessage, toKtError} from './errors.js'

type Lib = typeof Kafka

/** What these calls need of the RemoteBroker (its connections, metadata and error wording). */
export interface RemoteAccess {
  lib: Lib
  errorContext: ErrorContext
  /** The timeout sent with DeleteRecords (the client's request timeout). */
  timeoutMs: number
  call<T>(fn: () => Promise<T>, ctx?: Partial<ErrorContext>): Promise<T>
  metadata(topics: readonly string[]): Promise<Kafka.ClusterMetadata>
  leaderOf(topic: string, partition: number): Promise<number>
  connectionTo(nodeId: number): Promise<Kafka.Connection>
}

/** Kafka's ConfigEntry.ConfigSource by its wire id (DescribeConfigs v1+). */
const SOURCES: Record<number, string> = {
  0: 'UNKNOWN',
  1: 'DYNAMIC_TOPIC_CONFIG',
  2: 'DYNAMIC_BROKER_CONFIG',
  3: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
  4: 'STATIC_BROKER_CONFIG',
  5: 'DEFAULT_CONFIG',
  6: 'DYNAMIC_BROKER_LOGGER_CONFIG',
  7: 'CLIENT_METRICS_CONFIG',
  8: 'GROUP_CONFIG',
}
const sourceName = (id: number) => (SOURCES[id] ?? `UNKNOWN`) as ConfigSource

export class RemoteConfigs {
  constructor(private readonly r: RemoteAccess) {}

  /** The cluster's broker ids, sorted (kafka-configs --describe of every broker). */
  async brokerIds(): Promise<number[]> {
    const metadata = await this.r.metadata([])
    return [...metadata.brokers.keys()].sort((a, b) => a - b)
  }

  /** Every config of a topic with its source and synonyms, sorted by name as kafka-configs prints. */
  async describeTopicConfigs(topic: string): Promise<ConfigEntry[]> {
    return this.describe(this.r.lib.ConfigResourceTypes.TOPIC, topic, await this.anyBroker(), {topic})
  }

  /** A broker's configs ('' or none: the cluster-wide defaults, asked of any broker). */
  async describeBrokerConfigs(brokerId?: string): Promise<ConfigEntry[]> {
    const name = brokerId ?? ''
    const node = name === '' ? await this.anyBroker() : Number(name)
    return this.describe(this.r.lib.ConfigResourceTypes.BROKER, name, node, {})
  }

  /**
   * ConfigCommand's alter of a topic: the configs to delete must be overrides the topic has
   * ("Invalid config(s): …", checked before anything is sent), then one IncrementalAlterConfigs
   * with SET and DELETE operations; the cluster validates the values.
   */
  async alterTopicConfigs(
    topic: string,
    set: ReadonlyArray<readonly [string, string]>,
    remove: readonly string[],
  ): Promise<void> {
    const lib = this.r.lib
    const node = await this.anyBroker()
    const current = await this.describe(lib.ConfigResourceTypes.TOPIC, topic, node, {topic})
    const overrides = new Set(current.filter((e) => e.source === 'DYNAMIC_TOPIC_CONFIG').map((e) => e.name))
    const missing = remove.filter((k) => !overrides.has(k))
    if (missing.length > 0) throw new KtError('INVALID_CONFIG', `Invalid config(s): ${missing.join(',')}`)
    const configs = this.operations(set, remove)
    await this.r.call(
      async () => {
        const connection = await this.r.connectionTo(node)
        await lib.incrementalAlterConfigsV1.api.async(
          connection,
          [{configs, resourceName: topic, resourceType: lib.ConfigResourceTypes.TOPIC}],
          false,
        )
      },
      {topic},
    )
  }

  /**
   * A broker's dynamic configs ('' the cluster-wide defaults), as ConfigCommand alters them:
   * IncrementalAlterConfigs to that broker (the defaults to any). Unlike for topics, configs to
   * delete are not checked beforehand: the cluster answers (Kafka: nothing to delete is no
   * error; kt broker: its settings are static), so kt broker's refusal reads as the embedded one.
   */
  async alterBrokerConfigs(
    brokerId: string,
    set: ReadonlyArray<readonly [string, string]>,
    remove: readonly string[],
  ): Promise<void> {
    const lib = this.r.lib
    const node = brokerId === '' ? await this.anyBroker() : Number(brokerId)
    await this.r.call(async () => {
      const connection = await this.r.connectionTo(node)
      await lib.incrementalAlterConfigsV1.api.async(
        connection,
        [{configs: this.operations(set, remove), resourceName: brokerId, resourceType: lib.ConfigResourceTypes.BROKER}],
        false,
      )
    })
  }

  /**
   * DeleteRecords to the partition's leader; returns the new low watermark. The partition is
   * looked up first (an unknown one is UNKNOWN_TOPIC_OR_PARTITION); the leader's own error
   * (OFFSET_OUT_OF_RANGE, …) is Kafka's.
   */
  async deleteRecords(topic: string, partition: number, beforeOffset: number): Promise<number> {
    const leader = await this.r.leaderOf(topic, partition)
    const response = await this.r.call(
      async () => {
        const connection = await this.r.connectionTo(leader)
        return this.r.lib.deleteRecordsV2.api.async(
          connection,
          [{name: topic, partitions: [{offset: BigInt(beforeOffset), partitionIndex: partition}]}],
          this.r.timeoutMs,
        )
      },
      {topic},
    )
    const p = response.topics.find((t) => t.name === topic)?.partitions.find((x) => x.partitionIndex === partition)
    if (!p) throw kafkaError('UNKNOWN_TOPIC_OR_PARTITION', kafkaMessage('UNKNOWN_TOPIC_OR_PARTITION'))
    return Number(p.lowWatermark)
  }

  /**
   * The size in bytes of each partition's log on its leader (DescribeLogDirs; a future replica
   * being moved between log dirs is not counted), keyed `${partition}\0${topic}`.
   */
  async partitionSizes(metadata: Kafka.ClusterMetadata, topics: readonly string[]): Promise<Map<string, number>> {
    const byLeader = new Map<number, Map<string, number[]>>()
    for (const name of topics) {
      const t = metadata.topics.get(name)
      if (!t) continue
      for (const [partition, p] of t.partitions.entries()) {
        if (p.leader < 0) continue
        const asked = byLeader.get(p.leader) ?? new Map<string, number[]>()
        byLeader.set(p.leader, asked)
        asked.set(name, [...(asked.get(name) ?? []), partition])
      }
    }

    const sizes = new Map<string, number>()
    await Promise.all(
      [...byLeader].map(async ([leader, asked]) => {
        const response = await this.r.call(async () => {
          const connection = await this.r.connectionTo(leader)
          return this.r.lib.describeLogDirsV4.api.async(
            connection,
            [...asked].map(([name, partitions]) => ({name, partitions})),
          )
        })
        for (const dir of response.results)
          for (const t of dir.topics)
            for (const p of t.partitions)
              if (!p.isFutureKey && asked.get(t.name)?.includes(p.partitionIndex))
                sizes.set(`${p.partitionIndex}\u0000${t.name}`, Number(p.partitionSize))
      }),
    )
    return sizes
  }

  /** kafka-configs' operations: DELETE for --delete-config, SET for --add-config. */
  private operations(set: ReadonlyArray<readonly [string, string]>, remove: readonly string[]) {
    const ops = this.r.lib.IncrementalAlterConfigOperationTypes
    const configs: Parameters<Lib['incrementalAlterConfigsV1']['createRequest']>[0][number]['configs'] = [
      ...remove.map((name) => ({configOperation: ops.DELETE, name})),
      ...set.map(([name, value]) => ({configOperation: ops.SET, name, value})),
    ]
    return configs
  }

  private async anyBroker(): Promise<number> {
    const metadata = await this.r.metadata([])
    return metadata.controllerId >= 0 ? metadata.controllerId : [...metadata.brokers.keys()][0]
  }

  private async describe(
    resourceType: number,
    resourceName: string,
    node: number,
    ctx: Partial<ErrorContext>,
  ): Promise<ConfigEntry[]> {
    const lib = this.r.lib
    const response = await this.r.call(async () => {
      const connection = await this.r.connectionTo(node)
      return lib.describeConfigsV4.api.async(
        connection,
        [{configurationKeys: null, resourceName, resourceType: resourceType as Kafka.ConfigResourceTypeValue}],
        true,
        false,
      )
    }, ctx)
    const result = response.results[0]
    if (!result) throw toKtError(new Error(`No DescribeConfigs result for ${resourceName}`), this.r.errorContext)
    return result.configs
      .map((c) => ({
        name: c.name,
        readOnly: c.readOnly,
        sensitive: c.isSensitive,
        source: sourceName(c.configSource),
        synonyms: c.synonyms.map((s) => ({name: s.name, source: sourceName(s.source), value: s.value ?? null})),
        value: c.value ?? null,
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }
}
