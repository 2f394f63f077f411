// kafka-configs option rules (ConfigCommandOptions.checkArgs), in Kafka's order and wording, for
// the entity types kt has: topics and brokers.
import {readFileSync} from 'node:fs'

import {KtError, parseJavaProperties} from '../../engine/index.js'
import {UsageError} from '../errors.js'
import {checkInvalid, parseInteger, type Present} from '../options.js'

export type EntityType = 'brokers' | 'topics'

/** Kafka's entity types; kt serves the first two. */
const KAFKA_ENTITY_TYPES = [
  'topics',
  'brokers',
  'clients',
  'users',
  'ips',
  'client-metrics',
  'groups',
  'broker-loggers',
] as const

export interface ConfigsFlags {
  describe?: boolean
  alter?: boolean
  all?: boolean
  'entity-type'?: string[]
  'entity-name'?: string[]
  'entity-default'?: boolean
  topic?: string
  broker?: string
  'broker-defaults'?: boolean
  'add-config'?: string
  'add-config-file'?: string
  'delete-config'?: string[]
  json?: boolean
}

export interface ConfigsOptions {
  action: 'alter' | 'describe'
  entityType: EntityType
  /** The entity's name; '' is the default entity (--entity-default); undefined: every entity. */
  entityName?: string
  all: boolean
  /** Configs to set, in command-line order (a later duplicate wins). */
  add: Array<[string, string]>
  remove: string[]
  json: boolean
}

export function parseConfigsOptions(flags: ConfigsFlags): ConfigsOptions {
  const present: Present = (name) => {
    const v = (flags as unknown as Record<string, unknown>)[name]
    return Array.isArray(v) ? v.length > 0 : v !== undefined && v !== false
  }

  if (Number(Boolean(flags.alter)) + Number(Boolean(flags.describe)) !== 1)
    throw new UsageError('Command must include exactly one action: --describe, --alter')
  checkInvalid(present, 'alter', ['describe'])
  checkInvalid(present, 'describe', ['alter', 'add-config', 'delete-config'])

  const types = [...(flags['entity-type'] ?? [])]
  if (flags.topic !== undefined) types.push('topics')
  if (flags.broker !== undefined || flags['broker-defaults']) types.push('brokers')
  const duplicates = types.filter((t, i) => types.indexOf(t) !== i)
  if (duplicates.length > 0)
    throw new UsageError(`Duplicate entity type(s) specified: ${[...new Set(duplicates)].join(',')}`)
  for (const t of types)
    if (t !== 'topics' && t !== 'brokers')
      throw new UsageError(
        (KAFKA_ENTITY_TYPES as readonly string[]).includes(t)
          ? `Entity type ${t} is not supported by kt's embedded broker; it has topics and brokers`
          : `Invalid entity type ${t}, the entity type must be one of ${KAFKA_ENTITY_TYPES.join(', ')}`,
      )
  if (types.length === 0) throw new UsageError('At least one entity type must be specified')
  if (types.length > 1) throw new UsageError("Only 'users' and 'clients' entity types may be specified together")
  const specific = ['topic', 'broker', 'broker-defaults'].some((f) => present(f))
  if (specific && ['entity-name', 'entity-type', 'entity-default'].some((f) => present(f)))
    throw new UsageError('--entity-{type,name,default} should not be used in conjunction with specific entity flags')

  const entityType = types[0] as EntityType
  const names = flags['entity-name'] ?? []
  if (names.length > 1 || (names.length === 1 && flags['entity-default']))
    throw new UsageError('An entity name must be specified for every entity type')
  let entityName: string | undefined = names[0] ?? flags.topic ?? flags.broker
  if (flags['entity-default'] || flags['broker-defaults']) entityName = ''
  // Integer.valueOf, as kafka-configs checks it: 99999999999999999999 is no broker id.
  if (entityType === 'brokers' && entityName && parseInteger(entityName, 'INT') === undefined)
    throw new UsageError(`The entity name for brokers must be a valid integer broker id, but it is: ${entityName}`)

  if (flags.describe && entityType === 'topics' && entityName === '')
    throw new UsageError('--entity-default must not be specified with --describe of topics')
  if (flags.alter) {
    if (entityType === 'brokers' && entityName === undefined)
      throw new UsageError(
        'An entity-name or default entity must be specified with --alter of users, clients, brokers or ips',
      )
    if (entityType === 'topics' && !entityName)
      throw new UsageError('An entity name must be specified with --alter of topics')
    if (present('add-config') && present('add-config-file'))
      throw new UsageError('Only one of --add-config or --add-config-file must be specified')
    if (!present('add-config') && !present('add-config-file') && !present('delete-config'))
      throw new UsageError(
        'At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter',
      )
  }

  return {
    action: flags.alter ? 'alter' : 'describe',
    add: configsToAdd(flags['add-config'], flags['add-config-file']),
    all: Boolean(flags.all),
    entityName,
    entityType,
    json: Boolean(flags.json),
    remove: (flags['delete-config'] ?? []).flatMap((d) => d.split(',')).map((k) => k.trim()),
  }
}

/** Commas and '=' inside [...] are part of a value (Kafka's lookahead). */
const OUTSIDE_BRACKETS = String.raw`(?=[^\]]*(?:\[|$))`

/**
 * --add-config 'k1=v1,k2=[a,b]' as Kafka parses it: split at commas outside brackets, then at
 * '=' outside brackets (exactly one), brackets removed from values, keys checked; and
 * --add-config-file, a properties file.
 */
export function configsToAdd(text: string | undefined, file: string | undefined): Array<[string, string]> {
  const out = new Map<string, string>()
  if (file !== undefined) {
    let content: string
    try {
      content = readFileSync(file, 'utf8')
    } catch (error) {
      throw new KtError('INVALID_CONFIG', `Cannot read --add-config-file ${file}: ${(error as Error).message}`)
    }

    for (const [k, v] of parseJavaProperties(content)) out.set(k, v)
  }

  if (text !== undefined) {
    const pairs = text
      .split(new RegExp(',' + OUTSIDE_BRACKETS))
      .map((p) => p.split(new RegExp(String.raw`\s*=\s*` + OUTSIDE_BRACKETS)))
    if (!pairs.every((p) => p.length === 2))
      throw new UsageError(
        'Invalid entity config: all configs to be added must be in the format "key=val" or  "key=[val1,val2]" to group values which contain commas.',
      )
    for (const [k, v] of pairs) out.set(k.trim(), v.replaceAll(/[[\]]/g, '').trim())
  }

  for (const key of out.keys())
    if (!/^[$a-zA-Z0-9._-]*$/.test(key)) throw new UsageError(`Invalid character found for config key: ${key}`)
  return [...out]
}
