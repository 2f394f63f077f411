// What kafka-configs and kafka-delete-records send a cluster, served from the store:
// IncrementalAlterConfigs (kafka-configs --alter since Kafka 2.3), AlterConfigs (the legacy
// whole-set replacement kafkajs and librdkafka still use), DeleteRecords, and DescribeLogDirs
// (partition sizes, which Kafka's clients learn only there). Validation and the record deletion
// are the engine's, so a wire client gets the words `kt configs` / `kt delete-records` print.
import {statfsSync} from 'node:fs'
import {dirname} from 'node:path'

import {KtError, staticBrokerSettings, TOPIC_CONFIGS, validateTopicConfig} from '../../engine/index.js'
import type {ServerContext} from '../context.js'
import {RESOURCE} from './admin.js'
import {errorOf} from './errors.js'

/** IncrementalAlterConfigs' AlterConfigOp.OpType. */
const OP = {APPEND: 2, DELETE: 1, SET: 0, SUBTRACT: 3}

interface AlterResult {
  errorCode: number
  errorMessage: string | null
  resourceType: number
  resourceName: string
}

/** A topic's change as the engine applies it: overrides set, overrides removed. */
interface TopicChange {
  set: Array<[string, string]>
  remove: string[]
}

/**
 * Runs one resource's change, or records its error: a topic's through the engine (validateOnly:
 * the engine's validation only); a broker's is refused unless it changes nothing (kt's broker
 * settings are server.properties).
 */
async function alterResource(
  ctx: ServerContext,
  r: {resourceType: number; resourceName: string},
  validateOnly: boolean,
  change: (overrides: ReadonlyMap<string, string>, effective: ReadonlyMap<string, string | null>) => TopicChange,
  changesSomething: boolean,
): Promise<AlterResult> {
  const result: AlterResult = {
    errorCode: 0,
    errorMessage: null,
    resourceName: r.resourceName,
    resourceType: r.resourceType,
  }
  try {
    if (r.resourceType === RESOURCE.TOPIC) {
      const entries = await ctx.broker.describeTopicConfigs(r.resourceName)
      const overrides = new Map<string, string>()
      for (const e of entries)
        if (e.source === 'DYNAMIC_TOPIC_CONFIG' && e.value !== null) overrides.set(e.name, e.value)
      const {remove, set} = change(overrides, new Map(entries.map((e) => [e.name, e.value])))
      if (validateOnly) for (const [k, v] of set) validateTopicConfig(k, v)
      else await ctx.broker.alterTopicConfigs(r.resourceName, set, remove)
    } else if (r.resourceType === RESOURCE.BROKER) {
      if (r.resourceName !== '' && r.resourceName !== String(ctx.nodeId))
        throw new KtError('INVALID_REQUEST', `Broker ${r.resourceName} is not this broker (node ${ctx.nodeId})`)
      if (changesSomething) throw staticBrokerSettings()
    } else
      throw new KtError(
        'INVALID_REQUEST',
        `kt broker alters topic (2) and broker (4) configs only, not type ${r.resourceType} '${r.resourceName}'`,
      )
  } catch (error) {
    const e = errorOf(error)
    result.errorCode = e.code
    result.errorMessage = e.message
  }

  return result
}

function duplicates(names: readonly string[]): KtError | undefined {
  const seen = new Set<string>()
  const dup = names.filter((n) => (seen.has(n) ? true : (seen.add(n), false)))
  return dup.length > 0
    ? new KtError('INVALID_REQUEST', `Error due to duplicate config keys: ${[...new Set(dup)].join(',')}`)
    : undefined
}

/**
 * SET and DELETE as kafka-configs sends them; APPEND and SUBTRACT on list configs, from the
 * current value (the override or the default), as Kafka computes them. DELETE of a config that
 * has no override changes nothing, as on Kafka (kafka-configs itself refuses it beforehand).
 */
export async function incrementalAlterConfigs(
  ctx: ServerContext,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const responses: AlterResult[] = []
  for (const r of body.resources as {
    resourceType: number
    resourceName: string
    configs: {name: string; configOperation: number; value: string | null}[]
  }[]) {
    const dup = duplicates(r.configs.map((c) => c.name))
    responses.push(
      await alterResource(
        ctx,
        r,
        body.validateOnly === true,
        (overrides, effective) => {
          if (dup) throw dup
          const set: Array<[string, string]> = []
          const remove: string[] = []
          for (const c of r.configs) {
            const op = c.configOperation
            if (op === OP.DELETE) {
              if (overrides.has(c.name)) remove.push(c.name)
              continue
            }

            if (c.value === null) throw new KtError('INVALID_REQUEST', `Null value not supported for : ${c.name}`)
            if (op === OP.SET) set.push([c.name, c.value])
            else if (op === OP.APPEND || op === OP.SUBTRACT) {
              const def = TOPIC_CONFIGS.get(c.name)
              if (!def) throw new KtError('INVALID_CONFIG', `Unknown topic config name: ${c.name}`)
              const verb = op === OP.APPEND ? 'append' : 'subtract'
              if (def.type !== 'list')
                throw new KtError('INVALID_CONFIG', `Config value ${verb} is not allowed for config key: ${c.name}`)
              const split = (s: string | null | undefined) =>
                (s ?? '')
                  .split(',')
                  .map((x) => x.trim())
                  .filter((x) => x !== '')
              const old = split(effective.get(c.name))
              const given = split(c.value)
              const next = op === OP.APPEND ? [...new Set([...old, ...given])] : old.filter((x) => !given.includes(x))
              set.push([c.name, next.join(',')])
            } else throw new KtError('INVALID_REQUEST', `Unknown config operation ${op} for ${c.name}`)
          }

          return {remove, set}
        },
        r.configs.length > 0,
      ),
    )
  }

  return {responses, throttleTimeMs: 0}
}

/** The legacy AlterConfigs: the given configs become the whole set of the topic's overrides. */
export async function alterConfigs(
  ctx: ServerContext,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const responses: AlterResult[] = []
  for (const r of body.resources as {
    resourceType: number
    resourceName: string
    configs: {name: string; value: string | null}[]
  }[]) {
    const dup = duplicates(r.configs.map((c) => c.name))
    responses.push(
      await alterResource(
        ctx,
        r,
        body.validateOnly === true,
        (overrides) => {
          if (dup) throw dup
          const set: Array<[string, string]> = []
          for (const c of r.configs) {
            if (c.value === null) throw new KtError('INVALID_REQUEST', `Null value not supported for : ${c.name}`)
            set.push([c.name, c.value])
          }

          const kept = new Set(set.map(([k]) => k))
          return {remove: [...overrides.keys()].filter((k) => !kept.has(k)), set}
        },
        r.configs.length > 0,
      ),
    )
  }

  return {responses, throttleTimeMs: 0}
}

/** Each partition's log start offset moves up (the engine's deleteRecords); errors per partition. */
export async function deleteRecords(
  ctx: ServerContext,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const topics = []
  for (const t of body.topics as {name: string; partitions: {partitionIndex: number; offset: number}[]}[]) {
    const partitions = []
    for (const p of t.partitions) {
      const out = {errorCode: 0, lowWatermark: -1, partitionIndex: p.partitionIndex}
      partitions.push(out)
      try {
        out.lowWatermark = await ctx.broker.deleteRecords(t.name, p.partitionIndex, p.offset)
      } catch (error) {
        out.errorCode = errorOf(error).code
      }
    }

    topics.push({name: t.name, partitions})
  }

  return {throttleTimeMs: 0, topics}
}

/**
 * One log dir, the store file: each partition's size is the bytes of its stored batches (what
 * `kt topics --describe --output json` reports as sizeBytes); total and usable bytes are the
 * file system's that holds it.
 */
export async function describeLogDirs(
  ctx: ServerContext,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const wanted = body.topics as {topic: string; partitions: number[]}[] | null
  const {location} = await ctx.broker.groupCoordinator()
  const names = wanted === null ? await ctx.broker.listTopics() : [...new Set(wanted.map((t) => t.topic))]
  const present = new Set((await ctx.broker.topicList()).map((t) => t.name))
  const described = await ctx.broker.describeTopics(names.filter((n) => present.has(n)))
  const topics = described.map((d) => {
    const asked = wanted?.filter((w) => w.topic === d.name).flatMap((w) => w.partitions)
    return {
      name: d.name,
      partitions: d.partitions
        .filter((p) => asked === undefined || asked.includes(p.partition))
        .map((p) => ({isFutureKey: false, offsetLag: 0, partitionIndex: p.partition, partitionSize: p.sizeBytes})),
    }
  })
  let totalBytes = -1
  let usableBytes = -1
  try {
    const fs = statfsSync(dirname(location))
    totalBytes = fs.blocks * fs.bsize
    usableBytes = fs.bavail * fs.bsize
  } catch {
    // Kafka's -1: unknown.
  }

  return {
    errorCode: 0,
    results: [{errorCode: 0, logDir: dirname(location), topics, totalBytes, usableBytes}],
    throttleTimeMs: 0,
  }
}
