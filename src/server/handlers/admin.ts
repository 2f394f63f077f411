// Topic administration and configs over the wire: CreateTopics, DeleteTopics, CreatePartitions,
// DescribeConfigs, and InitProducerId for idempotent producers. The engine applies Kafka's rules
// and messages; each topic's outcome is its own error code.
import {BROKER_SETTINGS, type ConfigEntry, type ConfigSource, TOPIC_CONFIGS} from '../../engine/index.js'
import {errorCode, type RequestHeader, ZERO_UUID} from '../../protocol/index.js'
import type {ServerContext} from '../context.js'
import {errorOf} from './errors.js'

interface CreatableTopic {
  name: string
  numPartitions: number
  replicationFactor: number
  assignments: {partitionIndex: number; brokerIds: number[]}[]
  configs: {name: string; value: string | null}[]
}

export async function createTopics(
  ctx: ServerContext,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const topics = body.topics as CreatableTopic[]
  const validateOnly = body.validateOnly as boolean
  const counts = new Map<string, number>()
  for (const t of topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1)
  const out = []
  for (const t of topics) {
    const result = {
      configs: null as unknown,
      errorCode: 0,
      errorMessage: null as string | null,
      name: t.name,
      numPartitions: -1,
      replicationFactor: -1,
      topicId: ZERO_UUID,
    }
    out.push(result)
    if ((counts.get(t.name) ?? 0) > 1) {
      result.errorCode = errorCode('INVALID_REQUEST')
      result.errorMessage = `Create topics request from client contains multiple entries for the topic '${t.name}'`
      continue
    }

    const assignment = [...t.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex).map((a) => a.brokerIds)
    const req = {
      configs: t.configs.filter((c) => c.value !== null).map((c) => [c.name, c.value!] as const),
      name: t.name,
      partitions: t.numPartitions === -1 ? undefined : t.numPartitions,
      replicaAssignment: assignment.length > 0 ? assignment : undefined,
      replicationFactor: t.replicationFactor === -1 ? undefined : t.replicationFactor,
    }
    try {
      if (validateOnly) {
        await ctx.broker.validateTopic(req)
        if (await ctx.broker.topicMetadata(t.name))
          throw Object.assign(new Error(`Topic '${t.name}' already exists.`), {code: 'TOPIC_ALREADY_EXISTS'})
        result.numPartitions = req.replicaAssignment?.length ?? req.partitions ?? ctx.broker.config.numPartitions
        result.replicationFactor = 1
      } else {
        const d = await ctx.broker.createTopic(req)
        result.numPartitions = d.partitionCount
        result.replicationFactor = d.replicationFactor
        result.topicId = d.topicId
        result.configs = Object.entries(d.configs).map(([name, value]) => ({
          configSource: 1,
          isSensitive: false,
          name,
          readOnly: false,
          value,
        }))
      }
    } catch (error) {
      const e = errorOf(error)
      result.errorCode = e.code
      result.errorMessage = e.message
    }
  }

  return {throttleTimeMs: 0, topics: out}
}

export async function deleteTopics(
  ctx: ServerContext,
  body: Record<string, unknown>,
  header: RequestHeader,
): Promise<Record<string, unknown>> {
  const entries =
    header.apiVersion >= 6
      ? (body.topics as {name: string | null; topicId: string}[])
      : (body.topicNames as string[]).map((name) => ({name, topicId: ZERO_UUID}))
  const listing = await ctx.broker.topicList()
  const responses = []
  for (const entry of entries) {
    const t =
      entry.name === null
        ? listing.find((x) => x.topicId === entry.topicId)
        : listing.find((x) => x.name === entry.name)
    const r = {
      errorCode: 0,
      errorMessage: null as string | null,
      name: entry.name,
      topicId: t?.topicId ?? entry.topicId,
    }
    responses.push(r)
    if (!t) {
      r.errorCode = errorCode(entry.name === null ? 'UNKNOWN_TOPIC_ID' : 'UNKNOWN_TOPIC_OR_PARTITION')
      r.errorMessage = 'This server does not host this topic'
      continue
    }

    r.name = t.name
    try {
      await ctx.broker.deleteTopic(t.name)
    } catch (error) {
      const e = errorOf(error)
      r.errorCode = e.code
      r.errorMessage = e.message
    }
  }

  return {responses, throttleTimeMs: 0}
}

export async function createPartitions(
  ctx: ServerContext,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const results = []
  for (const t of body.topics as {name: string; count: number; assignments: {brokerIds: number[]}[] | null}[]) {
    const r = {errorCode: 0, errorMessage: null as string | null, name: t.name}
    results.push(r)
    try {
      if (body.validateOnly as boolean) {
        const m = await ctx.broker.topicMetadata(t.name)
        if (!m) throw Object.assign(new Error(`Topic '${t.name}' does not exist`), {code: 'UNKNOWN_TOPIC_OR_PARTITION'})
        if (t.count <= m.partitionCount)
          throw Object.assign(
            new Error(
              `Topic currently has ${m.partitionCount} partitions, which is higher than the requested ${t.count}.`,
            ),
            {code: 'INVALID_PARTITIONS'},
          )
      } else
        await ctx.broker.createPartitions(
          t.name,
          t.count,
          t.assignments?.map((a) => a.brokerIds),
        )
    } catch (error) {
      const e = errorOf(error)
      r.errorCode = e.code
      r.errorMessage = e.message
    }
  }

  return {results, throttleTimeMs: 0}
}

/** DescribeConfigs' config types (ConfigEntry.ConfigType) and sources (ConfigSource). */
const CONFIG_TYPE: Record<string, number> = {boolean: 1, double: 6, int: 3, list: 7, long: 5, string: 2}
export const CONFIG_SOURCE: Record<ConfigSource, number> = {
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  DYNAMIC_TOPIC_CONFIG: 1,
  STATIC_BROKER_CONFIG: 4,
}
export const RESOURCE = {BROKER: 4, TOPIC: 2}

/**
 * DescribeConfigs answers from the same entries `kt configs --describe --all` prints (the
 * engine's topicConfigEntries / brokerConfigEntries): each value with its source, and its
 * synonyms when asked (Kafka sends them only with includeSynonyms), so a remote kt configs
 * prints what the embedded one does.
 */
export async function describeConfigs(
  ctx: ServerContext,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const includeSynonyms = body.includeSynonyms === true
  const results = []
  for (const r of body.resources as {
    resourceType: number
    resourceName: string
    configurationKeys: string[] | null
  }[]) {
    const result = {
      configs: [] as Record<string, unknown>[],
      errorCode: 0,
      errorMessage: null as string | null,
      resourceName: r.resourceName,
      resourceType: r.resourceType,
    }
    results.push(result)
    const wanted = (name: string) => r.configurationKeys === null || r.configurationKeys.includes(name)
    let entries: ConfigEntry[]
    try {
      if (r.resourceType === RESOURCE.TOPIC) entries = await ctx.broker.describeTopicConfigs(r.resourceName)
      else if (r.resourceType === RESOURCE.BROKER && (r.resourceName === '' || r.resourceName === String(ctx.nodeId)))
        entries = await ctx.broker.describeBrokerConfigs()
      else {
        result.errorCode = errorCode('INVALID_REQUEST')
        result.errorMessage = `kt broker describes topic (2) and broker (4) resources only, not type ${r.resourceType} '${r.resourceName}'`
        continue
      }
    } catch (error) {
      const e = errorOf(error)
      result.errorCode = e.code
      result.errorMessage = e.message
      continue
    }

    for (const e of entries)
      if (wanted(e.name))
        result.configs.push({
          configSource: CONFIG_SOURCE[e.source],
          configType: CONFIG_TYPE[TOPIC_CONFIGS.get(e.name)?.type ?? BROKER_SETTINGS[e.name]?.type ?? ''] ?? 0,
          documentation: null,
          isDefault: e.source === 'DEFAULT_CONFIG',
          isSensitive: e.sensitive,
          name: e.name,
          readOnly: e.readOnly,
          synonyms: includeSynonyms
            ? e.synonyms.map((s) => ({name: s.name, source: CONFIG_SOURCE[s.source], value: s.value}))
            : [],
          value: e.value,
        })
  }

  return {results, throttleTimeMs: 0}
}

export async function initProducerId(
  ctx: ServerContext,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  if (body.transactionalId !== null)
    return {
      errorCode: errorCode('TRANSACTIONAL_ID_AUTHORIZATION_FAILED'),
      producerEpoch: -1,
      producerId: -1,
      throttleTimeMs: 0,
    }
  try {
    const p = await ctx.broker.initProducerId(body.producerId as number, body.producerEpoch as number)
    return {errorCode: 0, producerEpoch: p.epoch, producerId: p.producerId, throttleTimeMs: 0}
  } catch (error) {
    return {errorCode: errorOf(error).code, producerEpoch: -1, producerId: -1, throttleTimeMs: 0}
  }
}
