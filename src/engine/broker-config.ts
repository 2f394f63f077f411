// Broker settings, read from <data-dir>/server.properties with Kafka's names and defaults.
// Settings kt knows are validated with Kafka's messages; settings it does not use are reported
// (a real broker's file must not break kt).
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {parseConfigValue, TOPIC_CONFIGS, type ConfigType} from './configs.js'
import {invalidValue, KtError} from './errors.js'
import {parseJavaProperties} from './java-properties.js'

export const SERVER_PROPERTIES = 'server.properties'

export interface Setting {
  type: ConfigType
  default: string
  min?: number
}

/** Broker-level settings kt reads itself (topic-config synonyms are added below). */
export const BROKER_SETTINGS: Readonly<Record<string, Setting>> = {
  'auto.create.topics.enable': {default: 'true', type: 'boolean'},
  'broker.id': {default: '1', min: 0, type: 'int'},
  'default.replication.factor': {default: '1', min: 1, type: 'int'},
  'delete.topic.enable': {default: 'true', type: 'boolean'},
  // kt's default, not Kafka's 3000: a member joining a Stable group holds its share 40–75 ms
  // after its join (bench, the old owner's release included), while the delay would hold up
  // every consumer that joins an empty group — on one machine, most of them.
  'group.initial.rebalance.delay.ms': {default: '0', min: 0, type: 'int'},
  'group.max.session.timeout.ms': {default: '1800000', min: 0, type: 'int'},
  'group.min.session.timeout.ms': {default: '6000', min: 0, type: 'int'},
  'log.retention.check.interval.ms': {default: '300000', min: 1, type: 'long'},
  'node.id': {default: '1', min: 0, type: 'int'},
  'num.partitions': {default: '1', min: 1, type: 'int'},
  'offsets.retention.minutes': {default: '10080', min: 1, type: 'int'},
}

export interface BrokerConfig {
  nodeId: number
  numPartitions: number
  defaultReplicationFactor: number
  autoCreateTopics: boolean
  deleteTopicEnable: boolean
  retentionCheckIntervalMs: number
  groupMinSessionTimeoutMs: number
  groupMaxSessionTimeoutMs: number
  /** group.initial.rebalance.delay.ms: members of a new group wait this long before taking partitions. */
  groupInitialRebalanceDelayMs: number
  offsetsRetentionMs: number
  /** Topic config defaults after applying broker synonyms (log.retention.hours → retention.ms …). */
  topicDefaults: Map<string, string>
  /** Settings present in the file that kt does not use. */
  ignored: string[]
  /** Every setting as written in server.properties (kt configs shows their source). */
  staticSettings: ReadonlyMap<string, string>
}

const SYNONYMS = new Map<string, {config: string; scale: number}>()
for (const def of TOPIC_CONFIGS.values())
  for (const s of def.synonyms ?? []) SYNONYMS.set(s.name, {config: def.name, scale: s.scale ?? 1})

export function loadBrokerConfig(dataDir: string): BrokerConfig {
  let text: string | undefined
  const file = join(dataDir, SERVER_PROPERTIES)
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as {code?: string}).code !== 'ENOENT')
      throw new KtError('INVALID_CONFIG', `Cannot read ${file}: ${(error as Error).message}`)
  }

  return brokerConfigFrom(text === undefined ? new Map() : parseJavaProperties(text), file)
}

export function brokerConfigFrom(props: ReadonlyMap<string, string>, source = SERVER_PROPERTIES): BrokerConfig {
  const fail = (error: unknown) => {
    if (error instanceof KtError) return new KtError('INVALID_CONFIG', `${source}: ${error.message}`)
    return error
  }

  const read = (name: string): number | boolean => {
    const setting = BROKER_SETTINGS[name]
    const raw = props.get(name) ?? setting.default
    try {
      const value = parseConfigValue(name, setting.type, raw)
      if (setting.min !== undefined && (value as number) < setting.min)
        throw invalidValue(name, raw, `Value must be at least ${setting.min}`)
      return value as number | boolean
    } catch (error) {
      throw fail(error)
    }
  }

  // Topic defaults: the first synonym present wins (log.retention.ms over .minutes over .hours).
  const topicDefaults = new Map<string, string>()
  for (const def of TOPIC_CONFIGS.values()) {
    topicDefaults.set(def.name, def.default)
    for (const s of def.synonyms ?? []) {
      const raw = props.get(s.name)
      if (raw === undefined) continue
      try {
        const scale = s.scale ?? 1
        const value = parseConfigValue(
          s.name,
          scale === 1 ? def.type : 'long',
          raw,
          scale === 1 ? def.validator : undefined,
        )
        topicDefaults.set(def.name, scale === 1 ? raw.trim() : String(Math.max(-1, (value as number) * scale)))
        break
      } catch (error) {
        throw fail(error)
      }
    }
  }

  const ignored = [...props.keys()].filter((k) => !Object.hasOwn(BROKER_SETTINGS, k) && !SYNONYMS.has(k)).sort()
  return {
    autoCreateTopics: read('auto.create.topics.enable') as boolean,
    defaultReplicationFactor: read('default.replication.factor') as number,
    deleteTopicEnable: read('delete.topic.enable') as boolean,
    groupInitialRebalanceDelayMs: read('group.initial.rebalance.delay.ms') as number,
    groupMaxSessionTimeoutMs: read('group.max.session.timeout.ms') as number,
    groupMinSessionTimeoutMs: read('group.min.session.timeout.ms') as number,
    ignored,
    nodeId: (props.has('node.id') ? read('node.id') : read('broker.id')) as number,
    numPartitions: read('num.partitions') as number,
    offsetsRetentionMs: (read('offsets.retention.minutes') as number) * 60_000,
    retentionCheckIntervalMs: read('log.retention.check.interval.ms') as number,
    staticSettings: props,
    topicDefaults,
  }
}
