// kafka-console-consumer options: Kafka's validation rules and messages (ConsoleConsumerOptions),
// the consumer config layering (--consumer.config < --consumer-property < flags), the formatter,
// and kt's additions (--offset by time or -N, --exit-at-end, --output json, --format).
import type {ConsumerSettings, OffsetReset, StartSpec, Subscription} from '../../client/consumer.js'
import {ASSIGNOR_CLASSES, type AssignorName, KtError} from '../../engine/index.js'
import type ConsoleConsumer from '../../commands/console-consumer.js'
import type {Interfaces} from '../oclif.js'
import {UsageError} from '../errors.js'
import {
  DEFAULT_FORMATTERS,
  DefaultFormatter,
  JsonFormatter,
  NO_OP_FORMATTERS,
  NoOpFormatter,
  type RecordFormatter,
  TemplateFormatter,
} from '../formatter.js'
import {integerConfig, intOption, invalidValue} from '../options.js'
import {javaRegex} from '../topic-filter.js'
import {booleanProperty, INERT_CLIENT_CONFIGS, layeredProperties} from '../properties.js'

/** The flags of `kt console-consumer`, as oclif parses them. */
export type ConsumerFlags = Interfaces.InferredFlags<(typeof ConsoleConsumer)['flags']>

export interface ConsoleConsumerOptions {
  subscription: Subscription
  start?: StartSpec
  /** Settings without the process identity (host, pid), which the command adds. */
  settings: Omit<ConsumerSettings, 'clientHost' | 'processId'>
  maxMessages?: number
  /** Stop when no record arrived for this long; undefined waits forever. */
  timeoutMs?: number
  skipMessageOnError: boolean
  exitAtEnd: boolean
  formatter: RecordFormatter
  /** Consumer properties Kafka knows but that change nothing on an embedded broker. */
  inert: string[]
  unknown: string[]
}

const USED = new Set([
  'allow.auto.create.topics',
  'auto.commit.interval.ms',
  'auto.offset.reset',
  'bootstrap.servers',
  'client.id',
  'enable.auto.commit',
  'exclude.internal.topics',
  'group.id',
  'heartbeat.interval.ms',
  'isolation.level',
  'key.deserializer',
  'max.partition.fetch.bytes',
  'metadata.max.age.ms',
  'partition.assignment.strategy',
  'session.timeout.ms',
  'value.deserializer',
])

const INERT = new Set([
  ...INERT_CLIENT_CONFIGS,
  'check.crcs',
  'client.rack',
  'default.api.timeout.ms',
  'fetch.max.bytes',
  'fetch.max.wait.ms',
  'fetch.min.bytes',
  'group.protocol',
  'max.poll.interval.ms',
  'max.poll.records',
])

/** ISO-8601 duration PnDTnHnMn.nS, as Java's Duration.parse (for auto.offset.reset=by_duration:). */
export function parseDuration(text: string): number | undefined {
  const m = /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+(?:[.,]\d{0,9})?)S)?)?$/i.exec(
    text,
  )
  if (!m || text.toUpperCase().endsWith('T') || /^[-+]?P$/i.test(text)) return undefined
  const [, sign, d, h, min, sec] = m
  const ms =
    Number(d ?? 0) * 86_400_000 +
    Number(h ?? 0) * 3_600_000 +
    Number(min ?? 0) * 60_000 +
    Number((sec ?? '0').replace(',', '.')) * 1000
  return sign === '-' ? -ms : ms
}

/**
 * A point in time for --offset: ISO-8601 with a zone, or `@` and epoch milliseconds. A bare number
 * is always an offset, as in Kafka: reading 11+ digits as a time made offset 123456789012 a date.
 */
function parseTime(text: string): number | undefined {
  if (/^@\d+$/.test(text)) return Number.isSafeInteger(Number(text.slice(1))) ? Number(text.slice(1)) : undefined
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)$/i.test(text)) return undefined
  const ms = Date.parse(text.replace(/([+-]\d{2})$/, '$1:00').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
  return Number.isNaN(ms) ? undefined : ms
}

const LONG_MIN = -(2n ** 63n)
const LONG_MAX = 2n ** 63n - 1n

/**
 * --offset as Kafka's ConsoleConsumer reads it (`toLowerCase`, then `toLong`: no spaces, an
 * optional sign, within a Java long), plus kt's -N and times. An offset above 2^53 stays exact
 * enough: every log end offset is far below it, so any such offset is past the log end alike.
 */
function parseOffsetFlag(raw: string): StartSpec {
  const lower = raw.toLowerCase()
  if (lower === 'earliest') return 'earliest'
  if (lower === 'latest') return 'latest'
  const time = parseTime(raw)
  if (time !== undefined) return {timestamp: time}
  if (/^[+-]?\d+$/.test(raw)) {
    const n = BigInt(raw)
    if (n >= LONG_MIN && n <= LONG_MAX) {
      const magnitude = Number(n < 0n ? -n : n)
      const exact = Math.min(magnitude, Number.MAX_SAFE_INTEGER)
      return n < 0n ? {lastN: exact} : {offset: exact}
    }
  }

  throw new UsageError(
    `The provided offset value '${raw}' is incorrect. Valid values are 'earliest', 'latest', a non-negative long, -N (the last N records), or a time (ISO-8601 with zone, or @epoch-milliseconds).`,
  )
}

export function parseConsumerOptions(flags: ConsumerFlags, randomGroupNumber: () => number): ConsoleConsumerOptions {
  const subscriptions = [flags.topic, flags.include].filter((f) => f !== undefined)
  if (subscriptions.length !== 1) throw new UsageError('Exactly one of --include/--topic is required. ')
  if (flags.partition !== undefined && flags.topic === undefined)
    throw new UsageError('The topic is required when partition is specified.')
  const partition = intOption('partition', flags.partition)
  if (partition !== undefined && partition < 0)
    throw new UsageError(`Invalid partition ${partition}: partitions are numbered from 0`)
  let start: StartSpec | undefined
  if (flags.offset !== undefined) {
    start = parseOffsetFlag(flags.offset)
    const beyondKafka = typeof start === 'object' && ('timestamp' in start || 'lastN' in start)
    if (partition === undefined && !beyondKafka)
      throw new UsageError('The partition is required when offset is specified.')
    if (flags['from-beginning']) throw new UsageError('Options from-beginning and offset cannot be specified together.')
  } else if (partition !== undefined) start = flags['from-beginning'] ? 'earliest' : 'latest'

  const props = layeredProperties(flags['consumer.config'], '--consumer.config', flags['consumer-property'])
  const groupIds = new Set<string>()
  if (flags.group !== undefined) groupIds.add(flags.group)
  for (const g of [
    layeredProperties(undefined, '', flags['consumer-property']).get('group.id'),
    layeredProperties(flags['consumer.config'], '--consumer.config', undefined).get('group.id'),
  ])
    if (g !== undefined) groupIds.add(g)
  if (groupIds.size > 1)
    throw new UsageError(
      `The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: ${[...groupIds].map((g) => `'${g}'`).join(', ')}`,
    )
  if (groupIds.size === 1 && partition !== undefined)
    throw new UsageError('Options group and partition cannot be specified together.')
  if (props.has('group.instance.id'))
    throw new KtError('INVALID_CONFIG', 'group.instance.id: static group membership is not supported by kt yet')

  // auto.offset.reset: a user value wins; otherwise earliest with --from-beginning, else latest.
  const resetRaw = props.get('auto.offset.reset')
  if (flags['from-beginning'] && resetRaw !== undefined && resetRaw.trim() !== 'earliest')
    throw new KtError(
      'INVALID_CONFIG',
      `Can't simultaneously specify --from-beginning and 'auto.offset.reset=${resetRaw}', please remove one option`,
    )
  const autoOffsetReset = parseReset(resetRaw ?? (flags['from-beginning'] ? 'earliest' : 'latest'))

  const isolation = flags['isolation-level'] ?? props.get('isolation.level') ?? 'read_uncommitted'
  if (isolation !== 'read_uncommitted' && isolation !== 'read_committed')
    throw invalidValue('isolation.level', isolation, 'String must be one of: read_committed, read_uncommitted')

  const explicitGroup = [...groupIds][0]
  const groupId = explicitGroup ?? (partition === undefined ? `console-consumer-${randomGroupNumber()}` : undefined)
  // Without a group of its own, the console consumer commits nothing unless told to.
  const enableAutoCommit = props.has('enable.auto.commit')
    ? booleanProperty(props.get('enable.auto.commit'))
    : explicitGroup !== undefined
  // Kafka's default list: the group uses the first strategy every member supports.
  const strategies = (props.get('partition.assignment.strategy') ?? 'range,cooperative-sticky')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  const protocols: AssignorName[] = []
  for (const strategy of strategies) {
    if (!Object.hasOwn(ASSIGNOR_CLASSES, strategy))
      throw new KtError(
        'INVALID_CONFIG',
        `partition.assignment.strategy ${strategy} is not available in kt (supported: range, roundrobin, cooperative-sticky, or their classes org.apache.kafka.clients.consumer.RangeAssignor, RoundRobinAssignor, CooperativeStickyAssignor)`,
      )
    if (!protocols.includes(ASSIGNOR_CLASSES[strategy])) protocols.push(ASSIGNOR_CLASSES[strategy])
  }

  if (protocols.length === 0) protocols.push('range')

  const maxMessages = intOption('max-messages', flags['max-messages'])
  const timeoutMs = intOption('timeout-ms', flags['timeout-ms'])
  const excludeInternal = props.has('exclude.internal.topics')
    ? booleanProperty(props.get('exclude.internal.topics'))
    : true

  let subscription: Subscription
  if (partition !== undefined) subscription = {kind: 'assign', partitions: [{partition, topic: flags.topic!}]}
  else if (flags.topic !== undefined) subscription = {kind: 'topics', topics: [flags.topic]}
  else {
    let pattern: RegExp
    try {
      pattern = javaRegex(flags.include!)
    } catch {
      throw new UsageError(`--include ${flags.include} is an invalid regex.`)
    }

    subscription = {excludeInternal, kind: 'pattern', pattern}
  }

  return {
    exitAtEnd: flags['exit-at-end'],
    formatter: makeFormatter(flags),
    inert: [...props.keys()].filter((k) => INERT.has(k) && !USED.has(k)).sort(),
    maxMessages: maxMessages !== undefined && maxMessages >= 0 ? maxMessages : undefined,
    settings: {
      allowAutoCreateTopics: props.has('allow.auto.create.topics')
        ? booleanProperty(props.get('allow.auto.create.topics'))
        : true,
      assignor: protocols[0],
      autoCommitIntervalMs: integerConfig('auto.commit.interval.ms', props.get('auto.commit.interval.ms'), 'INT', 5000),
      autoOffsetReset,
      clientId: props.get('client.id') ?? 'console-consumer',
      enableAutoCommit,
      groupId,
      heartbeatIntervalMs: integerConfig('heartbeat.interval.ms', props.get('heartbeat.interval.ms'), 'INT', 3000, 1),
      maxPartitionFetchBytes: integerConfig(
        'max.partition.fetch.bytes',
        props.get('max.partition.fetch.bytes'),
        'INT',
        1_048_576,
        1,
      ),
      // Kafka re-reads metadata every 300000 ms; listing the store's topics costs microseconds, so
      // kt looks for new topics matching --include every second unless told otherwise.
      // (Partition counts of subscribed topics are compared at every group check.)
      metadataMaxAgeMs: integerConfig('metadata.max.age.ms', props.get('metadata.max.age.ms'), 'INT', 1000),
      protocols,
      sessionTimeoutMs: integerConfig('session.timeout.ms', props.get('session.timeout.ms'), 'INT', 45_000, 1),
    },
    skipMessageOnError: flags['skip-message-on-error'],
    start,
    subscription,
    timeoutMs: timeoutMs !== undefined && timeoutMs >= 0 ? timeoutMs : undefined,
    unknown: [...props.keys()].filter((k) => !USED.has(k) && !INERT.has(k)).sort(),
  }
}

function parseReset(raw: string): OffsetReset {
  const text = raw.trim()
  if (text === 'earliest' || text === 'latest' || text === 'none') return text
  if (text.startsWith('by_duration:')) {
    const ms = parseDuration(text.slice('by_duration:'.length))
    if (ms !== undefined && ms >= 0) return {durationMs: ms}
  }

  throw invalidValue(
    'auto.offset.reset',
    raw,
    "The value must be either 'earliest', 'latest', 'none' or of the format 'by_duration:<PnDTnHnMn.nS.>'.",
  )
}

function makeFormatter(flags: ConsumerFlags): RecordFormatter {
  if (flags.output !== 'text' && flags.output !== 'json')
    throw new UsageError(`--output ${flags.output}: expected text or json`)
  if (flags.format !== undefined && flags.output === 'json')
    throw new UsageError('Options format and output json cannot be specified together.')
  if (flags.format !== undefined) return new TemplateFormatter(flags.format)
  if (flags.output === 'json') return new JsonFormatter()
  const props = layeredProperties(flags['formatter-config'], '--formatter-config', flags.property)
  if (flags['key-deserializer'] !== undefined) props.set('key.deserializer', flags['key-deserializer'])
  if (flags['value-deserializer'] !== undefined) props.set('value.deserializer', flags['value-deserializer'])
  const formatter = flags.formatter ?? 'org.apache.kafka.tools.consumer.DefaultMessageFormatter'
  if (DEFAULT_FORMATTERS.has(formatter)) return new DefaultFormatter(props)
  if (NO_OP_FORMATTERS.has(formatter)) return new NoOpFormatter()
  throw new UsageError(
    `--formatter ${formatter}: kt provides org.apache.kafka.tools.consumer.DefaultMessageFormatter and NoOpMessageFormatter (and --output json, --format)`,
  )
}
