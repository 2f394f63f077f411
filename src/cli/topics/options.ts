// kafka-topics option rules (TopicCommandOptions.checkArgs), in Kafka's order and wording.
import {checkInvalid, checkRequired, intOption, type Present} from '../options.js'
import type Topics from '../../commands/topics.js'
import {KtError} from '../../engine/index.js'
import type {Interfaces} from '../oclif.js'
import {UsageError} from '../errors.js'

export const ACTIONS = ['create', 'list', 'describe', 'alter', 'delete'] as const
export type TopicAction = (typeof ACTIONS)[number]

const REPORT_OPTIONS = [
  'under-replicated-partitions',
  'under-min-isr-partitions',
  'at-min-isr-partitions',
  'unavailable-partitions',
] as const
export type PartitionReport = (typeof REPORT_OPTIONS)[number]

/** The flags of `kt topics`, as oclif parses them. */
export type TopicFlags = Interfaces.InferredFlags<(typeof Topics)['flags']>

export interface TopicCommandOptions {
  action: TopicAction
  topic?: string
  topicId?: string
  partitions?: number
  replicationFactor?: number
  /** Replicas per partition, from --replica-assignment. */
  replicaAssignment?: number[][]
  configs: Array<[string, string]>
  ifExists: boolean
  ifNotExists: boolean
  excludeInternal: boolean
  topicsWithOverrides: boolean
  report?: PartitionReport
  json: boolean
}

const ALL_ACTIONS: readonly string[] = ACTIONS

function except(...keep: string[]): string[] {
  return ALL_ACTIONS.filter((a) => !keep.includes(a))
}

export function parseTopicOptions(flags: TopicFlags): TopicCommandOptions {
  const present: Present = (name) => {
    const v = (flags as unknown as Record<string, unknown>)[name]
    return Array.isArray(v) ? v.length > 0 : v !== undefined && v !== false
  }

  const actions = ACTIONS.filter((a) => flags[a])
  if (actions.length !== 1)
    throw new UsageError('Command must include exactly one action: --list, --describe, --create, --alter or --delete')
  const action = actions[0]
  if (action === 'describe' && flags['if-exists'] && !present('topic') && !present('topic-id'))
    throw new UsageError('--topic or --topic-id is required to describe a topic')
  if (action !== 'list' && action !== 'describe') checkRequired(present, 'topic')
  if (action === 'alter') {
    if (present('config'))
      throw new UsageError(
        'Option combination "[config]" can\'t be used with option "[alter]" (To alter topic configurations, the kafka-configs tool can be used.)',
      )
    checkRequired(present, 'partitions')
  }

  checkInvalid(present, 'config', except('alter', 'create'))
  checkInvalid(present, 'partitions', except('alter', 'create'))
  checkInvalid(present, 'replication-factor', except('create'))
  checkInvalid(present, 'replica-assignment', except('alter', 'create'))
  if (action === 'create') checkInvalid(present, 'replica-assignment', ['partitions', 'replication-factor'])
  for (const report of REPORT_OPTIONS)
    checkInvalid(present, report, [
      ...except('describe'),
      'topics-with-overrides',
      ...REPORT_OPTIONS.filter((r) => r !== report),
    ])
  checkInvalid(present, 'topics-with-overrides', [...except('describe'), ...REPORT_OPTIONS])
  checkInvalid(present, 'if-exists', except('alter', 'delete', 'describe'))
  checkInvalid(present, 'if-not-exists', except('create'))
  checkInvalid(present, 'exclude-internal', except('list', 'describe'))
  checkInvalid(present, 'topic-id', except('describe'))
  checkInvalid(present, 'partition-size-limit-per-response', except('describe'))

  intOption('partition-size-limit-per-response', flags['partition-size-limit-per-response'])
  return {
    action,
    configs: parseConfigs(flags.config),
    excludeInternal: flags['exclude-internal'],
    ifExists: flags['if-exists'],
    ifNotExists: flags['if-not-exists'],
    json: flags.json,
    partitions: intOption('partitions', flags.partitions),
    replicaAssignment: parseReplicaAssignment(flags['replica-assignment']),
    replicationFactor: intOption('replication-factor', flags['replication-factor']),
    report: REPORT_OPTIONS.find((r) => flags[r]),
    topic: flags.topic,
    topicId: flags['topic-id'],
    topicsWithOverrides: flags['topics-with-overrides'],
  }
}

/** --config name=value, split at every '=' as kafka-topics does (so a=b=c is refused). */
function parseConfigs(pairs: string[] | undefined): Array<[string, string]> {
  return (pairs ?? []).map((pair) => {
    const parts = pair.split('=').map((s) => s.trim())
    if (parts.length !== 2)
      throw new KtError(
        'INVALID_CONFIG',
        'requirement failed: Invalid topic config: all configs to be added must be in the format "key=val".',
      )
    return [parts[0], parts[1]]
  })
}

/** --replica-assignment "b1:b2,b3:b4": partitions separated by ',', replicas by ':'. */
function parseReplicaAssignment(raw: string | undefined): number[][] | undefined {
  if (raw === undefined) return undefined
  return raw.split(',').map((group) =>
    group.split(':').map((id) => {
      const n = intOption('replica-assignment', id)!
      return n
    }),
  )
}
