// Topic administration: Kafka's name rules, creation, partition increase, deletion, description.
import {randomBytes} from 'node:crypto'

import type {BrokerConfig} from './broker-config.js'
import {TopicConfigs, topicConfigEntries, validateTopicConfig} from './configs.js'
import type {Db} from './db/connection.js'
import {KtError} from './errors.js'
import {deleteTopicOffsetsTx} from './groups.js'
import type {CreateTopicRequest, PartitionDescription, TopicDescription} from './types.js'

export const MAX_TOPIC_NAME_LENGTH = 249
export const INTERNAL_TOPICS: ReadonlySet<string> = new Set([
  '__consumer_offsets',
  '__share_group_state',
  '__transaction_state',
])

/** Kafka's Topic.validate, with its messages. */
export function validateTopicName(name: string): void {
  const invalid = (why: string) => new KtError('INVALID_TOPIC_EXCEPTION', `Topic name is invalid: ${why}`)
  if (name === '')
    throw new KtError('INVALID_TOPIC_EXCEPTION', "The given topic name '' cannot be represented in a request.")
  if (name === '.' || name === '..') throw invalid(`'${name}' is not allowed`)
  if (name.length > MAX_TOPIC_NAME_LENGTH)
    throw invalid(`the length of '${name}' is longer than the max allowed length ${MAX_TOPIC_NAME_LENGTH}`)
  if (!/^[a-zA-Z0-9._-]+$/.test(name))
    throw invalid(`'${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`)
}

/** True when a name has both kinds of character that collide in metric names. */
export function hasCollidingCharacters(name: string): boolean {
  return name.includes('.') || name.includes('_')
}

/** Kafka's topic id: 16 random bytes as 22 characters of URL-safe base64, never starting with '-'. */
export function newTopicId(): string {
  for (;;) {
    const bytes = randomBytes(16)
    bytes[6] = (bytes[6] & 0x0f) | 0x40 // a version-4 UUID, as java.util.UUID.randomUUID
    bytes[8] = (bytes[8] & 0x3f) | 0x80
    const id = bytes.toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

export interface TopicRow {
  topic_id: number
  name: string
  topic_uuid: string
  partition_count: number
  replication_factor: number
  is_internal: number
}

export function findTopic(db: Db, name: string): TopicRow | undefined {
  return db.stmt('topicByName').get(name) as TopicRow | undefined
}

export function requireTopic(db: Db, name: string): TopicRow {
  const row = findTopic(db, name)
  if (!row) throw unknownTopic(name)
  return row
}

export function unknownTopic(name: string): KtError {
  return new KtError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${name}' does not exist as expected`)
}

/**
 * kt's limit on partitions per topic (issue 9, hostile input): a kt store is one broker, and Kafka
 * advises at most about 4,000 partitions per broker. Nothing breaks above it (measured: 10,000
 * partitions create in 0.3 s and a group drains them in 1.5 s), but a count past it is far more
 * likely a typo than a need on one machine, and each partition costs a row and a fetch per poll.
 */
export const MAX_PARTITIONS = 4000

function checkPartitionLimit(partitions: number): void {
  if (partitions > MAX_PARTITIONS)
    throw new KtError(
      'INVALID_PARTITIONS',
      `The partitions must be at most ${MAX_PARTITIONS} in kt (requested ${partitions}): a kt store is one broker, and Kafka advises at most 4000 partitions per broker`,
    )
}

/** Checks a create request without touching the store (Kafka's client- and broker-side checks). */
export function validateCreate(
  req: CreateTopicRequest,
  config: BrokerConfig,
): {partitions: number; replicationFactor: number} {
  // Kafka's order: the tool's own checks, then --config parsing, then the broker's name rules.
  const partitions = req.replicaAssignment?.length ?? req.partitions ?? config.numPartitions
  const replicationFactor =
    req.replicaAssignment?.[0]?.length ?? req.replicationFactor ?? config.defaultReplicationFactor
  if (replicationFactor < 1 || replicationFactor > 32_767)
    throw new KtError('INVALID_REPLICATION_FACTOR', 'The replication factor must be between 1 and 32767 inclusive')
  if (partitions < 1) throw new KtError('INVALID_PARTITIONS', 'The partitions must be greater than 0')
  checkPartitionLimit(partitions)
  for (const [name, value] of req.configs ?? []) validateTopicConfig(name, value)
  validateTopicName(req.name)
  if (req.replicaAssignment) validateReplicaAssignment(req.replicaAssignment, config)
  if (replicationFactor > 1)
    throw new KtError(
      'INVALID_REPLICATION_FACTOR',
      `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only 1 broker(s) are registered.`,
    )
  return {partitions, replicationFactor}
}

/** Kafka's checks of a manual partition assignment, against this single broker. */
export function validateReplicaAssignment(assignment: readonly (readonly number[])[], config: BrokerConfig): void {
  const invalid = (why: string) => new KtError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment ${why}`)
  for (const replicas of assignment) {
    if (replicas.length === 0) throw invalid('includes an empty replica list.')
    const seen = new Set<number>()
    for (const id of replicas) {
      if (id !== config.nodeId) throw invalid(`includes broker ${id}, but no such broker is registered.`)
      if (seen.has(id)) throw invalid(`includes the broker ${id} more than once.`)
      seen.add(id)
    }

    if (replicas.length !== assignment[0].length)
      throw invalid(
        `includes a partition with ${replicas.length} replica(s), but this is not consistent with previous partitions, which have ${assignment[0].length} replica(s).`,
      )
  }
}

/** Creates a topic inside the caller's write transaction. */
export function createTopicTx(db: Db, req: CreateTopicRequest, config: BrokerConfig, now: number): TopicRow {
  const {partitions, replicationFactor} = validateCreate(req, config)
  if (findTopic(db, req.name)) throw new KtError('TOPIC_ALREADY_EXISTS', `Topic '${req.name}' already exists.`)
  const colliding = db.stmt('topicCollision').get({name: req.name}) as {name: string} | undefined
  if (colliding)
    throw new KtError('INVALID_TOPIC_EXCEPTION', `Topic '${req.name}' collides with existing topic: ${colliding.name}`)
  const info = db
    .stmt('topicInsert')
    .run(req.name, newTopicId(), partitions, replicationFactor, INTERNAL_TOPICS.has(req.name) ? 1 : 0, now)
  const topicId = Number(info.lastInsertRowid)
  const insertPartition = db.stmt('partitionInsert')
  for (let p = 0; p < partitions; p++) insertPartition.run(topicId, p)
  const insertConfig = db.stmt('topicConfigUpsert')
  for (const [name, value] of req.configs ?? []) insertConfig.run(topicId, name, value.trim())
  return requireTopic(db, req.name)
}

export function createPartitionsTx(
  db: Db,
  name: string,
  total: number,
  config: BrokerConfig,
  assignment?: readonly (readonly number[])[],
): void {
  const topic = requireTopic(db, name)
  if (total < 1) throw new KtError('INVALID_PARTITIONS', 'The partitions must be greater than 0')
  checkPartitionLimit(total)
  if (total === topic.partition_count)
    throw new KtError('INVALID_PARTITIONS', `Topic already has ${topic.partition_count} partition(s).`)
  if (total < topic.partition_count)
    throw new KtError(
      'INVALID_PARTITIONS',
      `The topic ${name} currently has ${topic.partition_count} partition(s); ${total} would not be an increase.`,
    )
  if (assignment) {
    validateReplicaAssignment(assignment, config)
    if (assignment.length !== total - topic.partition_count)
      throw new KtError(
        'INVALID_REPLICA_ASSIGNMENT',
        `Attempted to add ${total - topic.partition_count} additional partition(s), but only ${assignment.length} assignment(s) were specified.`,
      )
  }

  const insertPartition = db.stmt('partitionInsert')
  for (let p = topic.partition_count; p < total; p++) insertPartition.run(topic.topic_id, p)
  db.stmt('topicSetPartitionCount').run(total, topic.topic_id)
}

export function deleteTopicTx(db: Db, name: string, config: BrokerConfig): void {
  if (!config.deleteTopicEnable) throw new KtError('TOPIC_DELETION_DISABLED', 'Topic deletion is disabled.')
  const topic = requireTopic(db, name)
  db.stmt('topicDelete').run(topic.topic_id)
  deleteTopicOffsetsTx(db, topic.name)
}

/**
 * kafka-configs --alter of a topic (Kafka's incrementalAlterConfigs): deletions must name
 * overrides that exist; additions are validated as kafka-topics --create --config validates them.
 * Nothing changes unless everything is valid. The next write reads the new values.
 */
export function alterTopicConfigsTx(
  db: Db,
  name: string,
  set: ReadonlyArray<readonly [string, string]>,
  remove: readonly string[],
): void {
  const topic = requireTopic(db, name)
  const current = new Set((db.stmt('topicConfigsOf').all(topic.topic_id) as {name: string}[]).map((r) => r.name))
  const missing = remove.filter((k) => !current.has(k))
  if (missing.length > 0) throw new KtError('INVALID_CONFIG', `Invalid config(s): ${missing.join(',')}`)
  for (const [key, value] of set) validateTopicConfig(key, value)
  const deleteConfig = db.stmt('topicConfigDelete')
  for (const key of remove) deleteConfig.run(topic.topic_id, key)
  const upsert = db.stmt('topicConfigUpsert')
  for (const [key, value] of set) upsert.run(topic.topic_id, key, value.trim())
}

export function topicNames(db: Db): string[] {
  return db.stmt('topicNames').pluck().all() as string[]
}

export function topicConfigs(db: Db, topicId: number, config: BrokerConfig): TopicConfigs {
  const rows = db.stmt('topicConfigsOf').all(topicId) as {name: string; value: string}[]
  return new TopicConfigs(config.topicDefaults, new Map(rows.map((r) => [r.name, r.value])))
}

interface PartitionRow {
  partition: number
  log_start_offset: number
  log_end_offset: number
  record_count: number
  size_bytes: number
}

export function describeTopic(db: Db, topic: TopicRow, config: BrokerConfig): TopicDescription {
  const overrides = db.stmt('topicConfigsOf').all(topic.topic_id) as {name: string; value: string}[]
  const rows = db.stmt('partitionsOf').all(topic.topic_id) as PartitionRow[]
  const replicas = [config.nodeId]
  const partitions: PartitionDescription[] = rows.map((r) => ({
    isr: replicas,
    leader: config.nodeId,
    logEndOffset: r.log_end_offset,
    logStartOffset: r.log_start_offset,
    partition: r.partition,
    recordCount: r.record_count,
    replicas,
    sizeBytes: r.size_bytes,
  }))
  // Kafka's describe lists every config whose source is not Kafka's default: the topic's
  // overrides and the broker's server.properties settings that stand in for a topic config.
  const configs = topicConfigEntries(
    new Map(overrides.map((o) => [o.name, o.value])),
    config.staticSettings,
    config.topicDefaults,
  ).filter((e) => e.source !== 'DEFAULT_CONFIG' && e.value !== null)
  return {
    configs: Object.fromEntries(configs.map((e) => [e.name, e.value as string])),
    internal: topic.is_internal === 1,
    name: topic.name,
    partitionCount: topic.partition_count,
    partitions,
    replicationFactor: topic.replication_factor,
    topicId: topic.topic_uuid,
  }
}
