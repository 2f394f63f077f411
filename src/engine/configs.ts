// The topic config catalogue (reference/kafka-cli.md §8.1): every name Kafka's --config accepts,
// its type and validator with Kafka's messages, and the broker setting that supplies its default.
import {invalidValue, KtError} from './errors.js'

export type ConfigType = 'boolean' | 'double' | 'int' | 'list' | 'long' | 'string'

interface Validator {
  check(value: unknown): string | undefined
}

const LONG_MAX = '9223372036854775807'

function atLeast(min: number): Validator {
  return {check: (v) => ((v as number) < min ? `Value must be at least ${min}` : undefined)}
}

function between(min: number, max: number): Validator {
  return {
    check(v) {
      if ((v as number) < min) return `Value must be at least ${min}`
      if ((v as number) > max) return `Value must be no more than ${max}`
      return undefined
    },
  }
}

function oneOf(...allowed: string[]): Validator {
  return {
    check(v) {
      const values = Array.isArray(v) ? (v as string[]) : [v as string]
      for (const s of values) if (!allowed.includes(s)) return `String must be one of: ${allowed.join(', ')}`
      return undefined
    },
  }
}

/** -1 or 1..9, as Kafka's gzip level. */
const gzipLevel: Validator = {
  check: (v) =>
    v === -1 || ((v as number) >= 1 && (v as number) <= 9) ? undefined : 'Value must be between 1 and 9, or -1',
}

export interface ConfigDef {
  name: string
  type: ConfigType
  /** Kafka's default, as text. */
  default: string
  validator?: Validator
  /** Broker settings (server.properties) that supply the default, in priority order. */
  synonyms?: readonly {name: string; scale?: number}[]
}

const defs: ConfigDef[] = [
  {
    default: 'delete',
    name: 'cleanup.policy',
    synonyms: [{name: 'log.cleanup.policy'}],
    type: 'list',
    validator: oneOf('compact', 'delete'),
  },
  {
    default: '-1',
    name: 'compression.gzip.level',
    synonyms: [{name: 'compression.gzip.level'}],
    type: 'int',
    validator: gzipLevel,
  },
  {
    default: '9',
    name: 'compression.lz4.level',
    synonyms: [{name: 'compression.lz4.level'}],
    type: 'int',
    validator: between(1, 17),
  },
  {
    default: 'producer',
    name: 'compression.type',
    synonyms: [{name: 'compression.type'}],
    type: 'string',
    validator: oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'),
  },
  {
    default: '3',
    name: 'compression.zstd.level',
    synonyms: [{name: 'compression.zstd.level'}],
    type: 'int',
    validator: between(-131_072, 22),
  },
  {
    default: '86400000',
    name: 'delete.retention.ms',
    synonyms: [{name: 'log.cleaner.delete.retention.ms'}],
    type: 'long',
    validator: atLeast(0),
  },
  {
    default: '60000',
    name: 'file.delete.delay.ms',
    synonyms: [{name: 'log.segment.delete.delay.ms'}],
    type: 'long',
    validator: atLeast(0),
  },
  {
    default: LONG_MAX,
    name: 'flush.messages',
    synonyms: [{name: 'log.flush.interval.messages'}],
    type: 'long',
    validator: atLeast(1),
  },
  {
    default: LONG_MAX,
    name: 'flush.ms',
    synonyms: [{name: 'log.flush.interval.ms'}],
    type: 'long',
    validator: atLeast(0),
  },
  {default: '', name: 'follower.replication.throttled.replicas', type: 'list'},
  {
    default: '4096',
    name: 'index.interval.bytes',
    synonyms: [{name: 'log.index.interval.bytes'}],
    type: 'int',
    validator: atLeast(0),
  },
  {default: '', name: 'leader.replication.throttled.replicas', type: 'list'},
  {
    default: '-2',
    name: 'local.retention.bytes',
    synonyms: [{name: 'log.local.retention.bytes'}],
    type: 'long',
    validator: atLeast(-2),
  },
  {
    default: '-2',
    name: 'local.retention.ms',
    synonyms: [{name: 'log.local.retention.ms'}],
    type: 'long',
    validator: atLeast(-2),
  },
  {
    default: LONG_MAX,
    name: 'max.compaction.lag.ms',
    synonyms: [{name: 'log.cleaner.max.compaction.lag.ms'}],
    type: 'long',
    validator: atLeast(1),
  },
  {
    default: '1048588',
    name: 'max.message.bytes',
    synonyms: [{name: 'message.max.bytes'}],
    type: 'int',
    validator: atLeast(0),
  },
  {default: 'true', name: 'message.downconversion.enable', type: 'boolean'},
  {default: '3.0-IV1', name: 'message.format.version', type: 'string'},
  {
    default: '3600000',
    name: 'message.timestamp.after.max.ms',
    synonyms: [{name: 'log.message.timestamp.after.max.ms'}],
    type: 'long',
    validator: atLeast(0),
  },
  {
    default: LONG_MAX,
    name: 'message.timestamp.before.max.ms',
    synonyms: [{name: 'log.message.timestamp.before.max.ms'}],
    type: 'long',
    validator: atLeast(0),
  },
  {
    default: LONG_MAX,
    name: 'message.timestamp.difference.max.ms',
    synonyms: [{name: 'log.message.timestamp.difference.max.ms'}],
    type: 'long',
    validator: atLeast(0),
  },
  {
    default: 'CreateTime',
    name: 'message.timestamp.type',
    synonyms: [{name: 'log.message.timestamp.type'}],
    type: 'string',
    validator: oneOf('CreateTime', 'LogAppendTime'),
  },
  {
    default: '0.5',
    name: 'min.cleanable.dirty.ratio',
    synonyms: [{name: 'log.cleaner.min.cleanable.ratio'}],
    type: 'double',
    validator: between(0, 1),
  },
  {
    default: '0',
    name: 'min.compaction.lag.ms',
    synonyms: [{name: 'log.cleaner.min.compaction.lag.ms'}],
    type: 'long',
    validator: atLeast(0),
  },
  {
    default: '1',
    name: 'min.insync.replicas',
    synonyms: [{name: 'min.insync.replicas'}],
    type: 'int',
    validator: atLeast(1),
  },
  {default: 'false', name: 'preallocate', synonyms: [{name: 'log.preallocate'}], type: 'boolean'},
  {default: 'false', name: 'remote.log.copy.disable', type: 'boolean'},
  {default: 'false', name: 'remote.log.delete.on.disable', type: 'boolean'},
  {default: 'false', name: 'remote.storage.enable', type: 'boolean'},
  {default: '-1', name: 'retention.bytes', synonyms: [{name: 'log.retention.bytes'}], type: 'long'},
  {
    default: '604800000',
    name: 'retention.ms',
    synonyms: [
      {name: 'log.retention.ms'},
      {name: 'log.retention.minutes', scale: 60_000},
      {name: 'log.retention.hours', scale: 3_600_000},
    ],
    type: 'long',
    validator: atLeast(-1),
  },
  {
    default: '1073741824',
    name: 'segment.bytes',
    synonyms: [{name: 'log.segment.bytes'}],
    type: 'int',
    validator: atLeast(1_048_576),
  },
  {
    default: '10485760',
    name: 'segment.index.bytes',
    synonyms: [{name: 'log.index.size.max.bytes'}],
    type: 'int',
    validator: atLeast(4),
  },
  {
    default: '0',
    name: 'segment.jitter.ms',
    synonyms: [{name: 'log.roll.jitter.ms'}, {name: 'log.roll.jitter.hours', scale: 3_600_000}],
    type: 'long',
    validator: atLeast(0),
  },
  {
    default: '604800000',
    name: 'segment.ms',
    synonyms: [{name: 'log.roll.ms'}, {name: 'log.roll.hours', scale: 3_600_000}],
    type: 'long',
    validator: atLeast(1),
  },
  {
    default: 'false',
    name: 'unclean.leader.election.enable',
    synonyms: [{name: 'unclean.leader.election.enable'}],
    type: 'boolean',
  },
]

export const TOPIC_CONFIGS: ReadonlyMap<string, ConfigDef> = new Map(defs.map((d) => [d.name, d]))

const TYPE_NAMES: Record<ConfigType, string> = {
  boolean: 'BOOLEAN',
  double: 'DOUBLE',
  int: 'INT',
  list: 'LIST',
  long: 'LONG',
  string: 'STRING',
}

/**
 * Parses a config value by Kafka's ConfigDef rules. Returns the typed value or throws
 * `Invalid value <v> for configuration <name>: <reason>` (INVALID_CONFIG).
 */
export function parseConfigValue(name: string, type: ConfigType, raw: string, validator?: Validator): unknown {
  const trimmed = raw.trim()
  const fail = (reason: string, shown: string = raw) => invalidValue(name, shown, reason)
  let value: unknown
  switch (type) {
    case 'boolean': {
      const lower = trimmed.toLowerCase()
      if (lower !== 'true' && lower !== 'false') throw fail('Expected value to be either true or false')
      value = lower === 'true'
      break
    }

    case 'double': {
      value = Number(trimmed)
      if (trimmed === '' || Number.isNaN(value)) throw fail(`Not a number of type ${TYPE_NAMES[type]}`)
      break
    }

    case 'int':
    case 'long': {
      const n = parseJavaInteger(trimmed, type === 'int' ? 32 : 64)
      if (n === undefined) throw fail(`Not a number of type ${TYPE_NAMES[type]}`)
      value = n
      break
    }

    case 'list': {
      value = trimmed === '' ? [] : trimmed.split(/\s*,\s*/)
      break
    }

    case 'string': {
      value = trimmed
      break
    }
  }

  const reason = validator?.check(value)
  if (reason) {
    // Kafka's list validator names the offending element, not the whole list.
    const shown = Array.isArray(value) ? ((value as string[]).find((s) => validator!.check(s)) ?? raw) : trimmed
    throw fail(reason, shown)
  }

  return value
}

/** Java's Integer/Long.parseLong: optional sign, decimal digits, range-checked. Clamped to a JS number. */
export function parseJavaInteger(text: string, bits: 32 | 64): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined
  const big = BigInt(text)
  const limit = 1n << BigInt(bits - 1)
  if (big < -limit || big >= limit) return undefined
  return Number(big)
}

export function validateTopicConfig(name: string, value: string): void {
  const def = TOPIC_CONFIGS.get(name)
  if (!def) throw new KtError('INVALID_CONFIG', `Unknown topic config name: ${name}`)
  parseConfigValue(name, def.type, value, def.validator)
}

/** Effective topic configs: Kafka defaults, overridden by broker settings, overridden by the topic. */
export class TopicConfigs {
  constructor(
    private readonly defaults: ReadonlyMap<string, string>,
    readonly overrides: ReadonlyMap<string, string>,
  ) {}

  get(name: string): string {
    const value = this.overrides.get(name) ?? this.defaults.get(name)
    if (value === undefined) throw new Error(`unknown topic config ${name}`)
    return value
  }

  /** A numeric config; Long.MAX_VALUE becomes Infinity. */
  number(name: string): number {
    const text = this.get(name).trim()
    if (text === LONG_MAX) return Number.POSITIVE_INFINITY
    return Number(text)
  }

  list(name: string): string[] {
    const text = this.get(name).trim()
    return text === '' ? [] : text.split(/\s*,\s*/)
  }
}

/** Where a config value comes from (Kafka's ConfigEntry.ConfigSource names). */
export type ConfigSource =
  | 'DEFAULT_CONFIG'
  | 'DYNAMIC_BROKER_CONFIG'
  | 'DYNAMIC_DEFAULT_BROKER_CONFIG'
  | 'DYNAMIC_TOPIC_CONFIG'
  | 'STATIC_BROKER_CONFIG'

export interface ConfigSynonym {
  name: string
  value: string | null
  source: ConfigSource
}

/** One config of a topic or broker as kafka-configs --describe shows it. */
export interface ConfigEntry {
  name: string
  value: string | null
  source: ConfigSource
  sensitive: boolean
  readOnly: boolean
  /** Every place the value could come from, highest precedence first. */
  synonyms: ConfigSynonym[]
}

/**
 * The broker setting whose built-in default Kafka reports for a topic config, with that default
 * in the setting's own unit: log.retention.hours=168 for retention.ms (log.retention.ms and
 * .minutes have no default of their own), the first synonym otherwise.
 */
function defaultSynonym(def: ConfigDef): {name: string; value: string} | undefined {
  const synonyms = def.synonyms ?? []
  const scaled = synonyms.find((s) => (s.scale ?? 1) !== 1 && s.scale === 3_600_000)
  if (scaled) return {name: scaled.name, value: String(Number(def.default) / scaled.scale!)}
  const first = synonyms[0]
  return first && {name: first.name, value: def.default}
}

/** Every topic config of a topic, sorted by name: its override, or the broker's or Kafka's default. */
export function topicConfigEntries(
  overrides: ReadonlyMap<string, string>,
  staticSettings: ReadonlyMap<string, string>,
  topicDefaults: ReadonlyMap<string, string>,
): ConfigEntry[] {
  return [...TOPIC_CONFIGS.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((def) => {
      const synonyms: ConfigSynonym[] = []
      const override = overrides.get(def.name)
      if (override !== undefined) synonyms.push({name: def.name, source: 'DYNAMIC_TOPIC_CONFIG', value: override})
      const fallback = defaultSynonym(def)
      for (const s of def.synonyms ?? []) {
        const raw = staticSettings.get(s.name)
        if (raw !== undefined) synonyms.push({name: s.name, source: 'STATIC_BROKER_CONFIG', value: raw.trim()})
        if (fallback?.name === s.name) synonyms.push({name: s.name, source: 'DEFAULT_CONFIG', value: fallback.value})
      }

      let source: ConfigSource = 'DEFAULT_CONFIG'
      if (override !== undefined) source = 'DYNAMIC_TOPIC_CONFIG'
      else if (synonyms.some((s) => s.source === 'STATIC_BROKER_CONFIG')) source = 'STATIC_BROKER_CONFIG'
      return {
        name: def.name,
        readOnly: false,
        sensitive: false,
        source,
        synonyms,
        value: override ?? topicDefaults.get(def.name) ?? def.default,
      }
    })
}

/**
 * The broker settings kt knows, sorted by name: kt's own and the broker synonyms of topic configs.
 * kt's broker settings are static (server.properties); it has no dynamic broker configs.
 */
export function brokerConfigEntries(
  staticSettings: ReadonlyMap<string, string>,
  ownSettings: Readonly<Record<string, {default: string}>>,
): ConfigEntry[] {
  const defaults = new Map<string, string | null>()
  for (const [name, s] of Object.entries(ownSettings)) defaults.set(name, s.default)
  for (const def of TOPIC_CONFIGS.values()) {
    const fallback = defaultSynonym(def)
    for (const s of def.synonyms ?? [])
      if (!defaults.has(s.name)) defaults.set(s.name, fallback?.name === s.name ? fallback.value : null)
  }

  return [...defaults.keys()].sort().map((name) => {
    const raw = staticSettings.get(name)?.trim()
    const fallback = defaults.get(name) ?? null
    const synonyms: ConfigSynonym[] = []
    if (raw !== undefined) synonyms.push({name, source: 'STATIC_BROKER_CONFIG', value: raw})
    if (fallback !== null) synonyms.push({name, source: 'DEFAULT_CONFIG', value: fallback})
    return {
      name,
      readOnly: true,
      sensitive: false,
      source: raw === undefined ? 'DEFAULT_CONFIG' : 'STATIC_BROKER_CONFIG',
      synonyms,
      value: raw ?? fallback,
    }
  })
}
