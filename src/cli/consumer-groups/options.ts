// kafka-consumer-groups option rules (ConsumerGroupCommandOptions.checkArgs and the checks of its
// reset path), in Kafka's order and words. Usage errors exit 2 with one line, as everywhere in kt.
import {type Present, bracket, checkInvalid, longOption, parseInteger} from '../options.js'
import {UsageError} from '../errors.js'

export const ACTIONS = ['list', 'describe', 'delete', 'reset-offsets', 'delete-offsets'] as const
export type GroupsAction = (typeof ACTIONS)[number]

/** Kafka's reset scenarios, in its declaration order (the order its messages list them in). */
export const SCENARIOS = [
  'to-offset',
  'shift-by',
  'to-datetime',
  'by-duration',
  'to-earliest',
  'to-latest',
  'to-current',
  'from-file',
] as const
type ScenarioFlag = (typeof SCENARIOS)[number]

/** The group states `--list --state` accepts (Kafka 3.8/3.9's list; kt's groups are classic). */
export const LIST_STATES = [
  'PreparingRebalance',
  'CompletingRebalance',
  'Stable',
  'Dead',
  'Empty',
  'Assigning',
  'Reconciling',
] as const
export const GROUP_TYPES = ['classic', 'consumer'] as const

export const NO_EXECUTE_WARNING =
  'WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.'

export interface GroupsFlags {
  'all-groups': boolean
  'all-topics': boolean
  'by-duration'?: string
  delete: boolean
  'delete-offsets': boolean
  describe: boolean
  'dry-run': boolean
  execute: boolean
  export: boolean
  'from-file'?: string
  group?: string[]
  history: boolean
  json: boolean
  list: boolean
  members: boolean
  offsets: boolean
  'reset-offsets': boolean
  'shift-by'?: string
  state?: string
  timeout?: string
  'to-current': boolean
  'to-datetime'?: string
  'to-earliest': boolean
  'to-latest': boolean
  'to-offset'?: string
  topic?: string[]
  type?: string
  undo: boolean
  verbose: boolean
  watch?: string
}

export interface TopicArg {
  topic: string
  /** Listed partitions (`t:0,2`); all of the topic's partitions when absent. */
  partitions?: number[]
}

export type DescribeView = 'offsets' | 'members' | 'state' | 'history'

/** A reset scenario as given; times and files are read when the command runs (runtime errors). */
export type ScenarioArg =
  | {type: 'to-earliest' | 'to-latest' | 'to-current' | 'undo'}
  | {type: 'to-offset'; offset: number}
  | {type: 'shift-by'; shift: number}
  | {type: 'to-datetime' | 'by-duration' | 'from-file'; text: string}

export interface GroupsOptions {
  action: GroupsAction
  /** --group ids in the order given, or every group with --all-groups. */
  groups: string[] | 'all'
  topics: TopicArg[]
  allTopics: boolean
  json: boolean
  /** --list: print the table (with --state or --type); the filters, undefined when absent. */
  listTable: boolean
  listTypeColumn: boolean
  states?: string[]
  types?: string[]
  /** --describe */
  view: DescribeView
  verbose: boolean
  /** --watch interval in ms, when watching. */
  watchMs?: number
  /** --timeout, when given: how long --describe waits for a rebalancing group to settle. */
  timeoutMs?: number
  /** --reset-offsets */
  scenario?: ScenarioArg
  execute: boolean
  export: boolean
}

/** The default --watch interval, as watch(1)'s. */
export const DEFAULT_WATCH_SECONDS = 2

export function parseGroupsOptions(flags: GroupsFlags, warn: (line: string) => void): GroupsOptions {
  const present: Present = (name) => {
    const v = (flags as unknown as Record<string, unknown>)[name]
    return Array.isArray(v) ? v.length > 0 : v !== undefined && v !== false
  }

  // jopt-simple's availableIf: checked while parsing, before anything else.
  const unavailable = (name: string, ...actions: GroupsAction[]) => {
    if (present(name) && !actions.some((a) => flags[a]))
      throw new UsageError(`Option(s) ${bracket(name)} are unavailable given other options on the command line`)
  }

  for (const name of ['members', 'verbose', 'offsets', 'history', 'watch']) unavailable(name, 'describe')
  unavailable('state', 'describe', 'list')
  unavailable('type', 'list')
  unavailable('undo', 'reset-offsets')

  const actions = ACTIONS.filter((a) => flags[a])
  if (actions.length !== 1)
    throw new UsageError(
      'Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets',
    )
  const action = actions[0]
  const scopes = `${bracket('all-groups')}, ${bracket('group')}`

  const timeoutMs = longOption('timeout', flags.timeout)
  let view: DescribeView = 'offsets'
  let watchMs: number | undefined
  if (action === 'describe') {
    if (!present('group') && !present('all-groups'))
      throw new UsageError(`Option ${bracket('describe')} takes one of these options: ${scopes}`)
    const views = (['members', 'offsets', 'state'] as const).filter((v) => present(v))
    if (views.length > 1)
      throw new UsageError(
        `Option ${bracket('describe')} takes at most one of these options: ${bracket('members')}, ${bracket('offsets')}, ${bracket('state')}`,
      )
    if (flags.state !== undefined && flags.state !== '')
      throw new UsageError(`Option ${bracket('describe')} does not take a value for ${bracket('state')}`)
    view = views[0] ?? 'offsets'
    if (flags.history) {
      if (views.length > 0) checkInvalid(present, 'history', ['members', 'offsets', 'state'])
      view = 'history'
    }

    if (flags.watch !== undefined) {
      const seconds = flags.watch === '' ? DEFAULT_WATCH_SECONDS : Number(flags.watch)
      if (!/^\d+(\.\d+)?$/.test(flags.watch === '' ? '2' : flags.watch) || !(seconds > 0))
        throw new UsageError(`--watch ${flags.watch}: the interval must be a positive number of seconds`)
      if (flags.json) checkInvalid(present, 'watch', ['json'])
      if (view === 'history') checkInvalid(present, 'watch', ['history'])
      watchMs = seconds * 1000
    }
  }

  if (action === 'delete') {
    if (!present('group') && !present('all-groups'))
      throw new UsageError(`Option ${bracket('delete')} takes one of these options: ${scopes}`)
    if (present('topic'))
      throw new UsageError('The consumer does not support topic-specific offset deletion from a consumer group.')
  }

  if (action === 'delete-offsets' && (!present('group') || !present('topic')))
    throw new UsageError(
      `Option ${bracket('delete-offsets')} takes the following options: ${bracket('group')}, ${bracket('topic')}`,
    )

  let scenario: ScenarioArg | undefined
  if (action === 'reset-offsets') {
    if (flags['dry-run'] && flags.execute)
      throw new UsageError(
        `Option ${bracket('reset-offsets')} only accepts one of ${bracket('execute')} and ${bracket('dry-run')}`,
      )
    if (!flags['dry-run'] && !flags.execute) warn(NO_EXECUTE_WARNING)
    if (!present('group') && !present('all-groups'))
      throw new UsageError(`Option ${bracket('reset-offsets')} takes one of these options: ${scopes}`)
    // Kafka checks the scenarios in this order (each against all the others).
    const all = [
      'to-offset',
      'to-datetime',
      'by-duration',
      'to-earliest',
      'to-latest',
      'to-current',
      'shift-by',
      'from-file',
      'undo',
    ]
    for (const s of all)
      checkInvalid(
        present,
        s,
        all.filter((o) => o !== s),
      )
  } else {
    // Kafka ignores reset options with other actions; kt says so rather than ignore them.
    const others = ACTIONS.filter((a) => a !== 'reset-offsets')
    for (const name of [...SCENARIOS, 'dry-run', 'execute', 'export', 'all-topics']) checkInvalid(present, name, others)
  }

  checkInvalid(present, 'group', ['all-groups'])
  checkInvalid(present, 'group', ['list'])
  checkInvalid(present, 'topic', ['list', 'describe'])
  if (action === 'delete-offsets') checkInvalid(present, 'all-groups', ['delete-offsets'])

  const topics = (flags.topic ?? []).map((t) => parseTopicArg(t))

  if (action === 'reset-offsets') {
    const given = SCENARIOS.find((s) => present(s))
    if (!present('all-topics') && !present('topic') && given !== 'from-file' && !flags.undo)
      throw new UsageError('One of the reset scopes should be defined: --all-topics, --topic.')
    if (given === undefined && !flags.undo)
      throw new UsageError(
        `Option '${bracket('reset-offsets')}' requires one of the following scenarios: [${SCENARIOS.map((s) => bracket(s)).join(', ')}]`,
      )
    if (flags.undo) for (const scope of ['all-topics', 'topic']) checkInvalid(present, scope, ['undo'])
    scenario = flags.undo ? {type: 'undo'} : scenarioArg(flags, given!)
    if (flags.export && flags.json) checkInvalid(present, 'export', ['json'])
  }

  let states: string[] | undefined
  let types: string[] | undefined
  if (action === 'list') {
    if (flags.state !== undefined && flags.state !== '') states = parseList(flags.state, LIST_STATES, 'state', 'states')
    if (flags.type !== undefined && flags.type !== '') types = parseList(flags.type, GROUP_TYPES, 'types', 'types')
  }

  return {
    action,
    allTopics: flags['all-topics'],
    execute: flags.execute,
    export: flags.export,
    groups: flags['all-groups'] ? 'all' : (flags.group ?? []),
    json: flags.json,
    listTable: action === 'list' && (flags.state !== undefined || flags.type !== undefined),
    listTypeColumn: flags.type !== undefined,
    scenario,
    states,
    timeoutMs: timeoutMs === undefined ? undefined : Math.max(0, timeoutMs),
    topics,
    types,
    verbose: flags.verbose,
    view,
    watchMs,
  }
}

function scenarioArg(flags: GroupsFlags, given: ScenarioFlag): ScenarioArg {
  switch (given) {
    case 'to-offset': {
      return {offset: longOption('to-offset', flags['to-offset'])!, type: 'to-offset'}
    }

    case 'shift-by': {
      return {shift: longOption('shift-by', flags['shift-by'])!, type: 'shift-by'}
    }

    case 'to-datetime':
    case 'by-duration':
    case 'from-file': {
      return {text: flags[given]!, type: given}
    }

    default: {
      return {type: given}
    }
  }
}

/** `topic` or `topic:0,1,2`, with Kafka's messages (the doubled quote is Kafka's). */
export function parseTopicArg(arg: string): TopicArg {
  // Java's String.split drops trailing empty strings: `t:` is the whole topic.
  const parts = javaSplit(arg, ':')
  if (parts.length === 1) return {topic: parts[0]}
  if (parts.length !== 2) throw new UsageError(`Invalid topic arg '${arg}', expected topic name and partitions`)
  const partitions = javaSplit(parts[1], ',').map((p) => {
    const partition = parseInteger(p, 'INT')
    if (partition === undefined) throw new UsageError(`Invalid partition '${p}' specified in topic arg '${arg}''`)
    return partition
  })
  return {partitions, topic: parts[0]}
}

function javaSplit(text: string, separator: string): string[] {
  const parts = text.split(separator)
  while (parts.length > 1 && parts.at(-1) === '') parts.pop()
  return parts
}

/** A comma-separated, case-insensitive list of names, given back in their canonical spelling. */
function parseList(raw: string, valid: readonly string[], what: string, plural: string): string[] {
  const out: string[] = []
  for (const item of raw.split(',')) {
    const match = valid.find((v) => v.toLowerCase() === item.trim().toLowerCase())
    if (!match) throw new UsageError(`Invalid ${what} list '${raw}'. Valid ${plural} are: ${valid.join(', ')}`)
    out.push(match)
  }

  return out
}

/** Kafka options whose value is optional: `--state` alone, or `--state stable,empty`. */
const OPTIONAL_VALUE = new Set(['state', 'type', 'watch'])

/**
 * oclif has no optional option values: a bare `--state` (nothing, or another option, after it)
 * becomes `--state=`, which parses as the empty value.
 */
export function withOptionalValues(argv: readonly string[]): string[] {
  return argv.map((arg, i) => {
    const name = /^--?([a-z-]+)$/.exec(arg)?.[1]
    const next = argv[i + 1]
    return name !== undefined && OPTIONAL_VALUE.has(name) && (next === undefined || next.startsWith('-'))
      ? `--${name}=`
      : arg
  })
}

/** The command line as the reset history records it, quoted for a POSIX shell. */
export function commandLine(argv: readonly string[]): string {
  return ['kt', 'consumer-groups', ...argv]
    .map((a) => (/^--[a-z-]+=$/.test(a) ? a.slice(0, -1) : a))
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`))
    .join(' ')
}
