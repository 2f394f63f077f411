// End-to-end tests of `kt consumer-groups` (kafka-consumer-groups): each case spawns the built
// bin/run.js with its own temporary data dir and checks stdout, stderr and the exit status
// exactly. Reference: shared/reference/kafka-cli.md §5 and §9. kt's decided differences from
// Kafka: usage errors are one line and exit 2; runtime errors exit 1 (Kafka exits 0) and go to
// stderr, `Consumer group 'g' does not exist.` and the reset refusal included (stdout is data);
// rows are sorted; 4.x widths for --state and the reset plan, 3.7's ASSIGNMENT column.
import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, test, vi} from 'vitest'

import {BIN, collect, kt, type KtResult, spawnKt, storeTemplate, tempDirsForFile} from '../helpers/kt.js'

// Each test spawns up to ~12 kt processes; on a loaded 2-core machine one spawn took up to 7 s.
vi.setConfig({testTimeout: 300_000})

const store = tempDirsForFile()

interface Outcome {
  status: number | null
  stdout: string
  stderr: string
}

function outcome(r: KtResult): Outcome {
  return {status: r.status, stderr: r.stderr, stdout: r.stdout}
}

function groups(dir: string, ...args: string[]): Promise<KtResult> {
  return kt(dir, ['consumer-groups', ...args])
}

const ok = (stdout: string, stderr = ''): Outcome => ({status: 0, stderr, stdout})
const usage = (message: string, stderrBefore = ''): Outcome => ({
  status: 2,
  stderr: `${stderrBefore}${message}\n`,
  stdout: '',
})

const NO_EXECUTE =
  'WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.\n'

/** Base of the seeded records' timestamps: 2023-11-14T22:13:20.000Z, one minute apart. */
const T0 = 1_700_000_000_000
/** A partition of a topic a live member subscribes to, in kafka-consumer-groups --delete-offsets (KIP-496). */
const SUBSCRIBED =
  'org.apache.kafka.common.errors.GroupSubscribedToTopicException: Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.'
const MINUTE = 60_000

/**
 * A store with topic t: partition 0 holds 10 records, partition 1 holds 20, partition 2 holds 5,
 * record i of each partition stamped T0 + i minutes. Built once for the file; each call returns
 * the data dir of a fresh copy.
 */
const seeded = storeTemplate(store, async (dir) => {
  const counts = [10, 20, 5]
  const created = await kt(dir, ['topics', '--create', '--topic', 't', '--partitions', String(counts.length)])
  expect(created.status).toBe(0)
  const lines: string[] = []
  for (const [partition, n] of counts.entries())
    for (let i = 0; i < n; i++) lines.push(JSON.stringify({partition, timestamp: T0 + i * MINUTE, value: `v${i}`}))
  const produced = await kt(dir, ['console-producer', '--topic', 't', '--input', 'json'], {
    input: lines.join('\n') + '\n',
  })
  expect(outcome(produced)).toEqual(ok(''))
})

/** Commits the given offsets for group `group` through --from-file (one line per partition). */
async function commit(dir: string, group: string, offsets: Record<string, number>, topic = 't'): Promise<void> {
  const file = join(dir, `${group}-plan.csv`)
  writeFileSync(
    file,
    Object.entries(offsets)
      .map(([p, o]) => `${topic},${p},${o}\n`)
      .join(''),
  )
  const r = await groups(dir, '--group', group, '--reset-offsets', '--from-file', file, '--execute')
  expect(r.status, r.stderr).toBe(0)
}

interface JsonOffset {
  topic: string
  partition: number
  currentOffset: number | null
  logEndOffset: number | null
  lag: number | null
  consumerId: string | null
  host: string | null
  clientId: string | null
}

async function committedOf(dir: string, group: string): Promise<Array<[number, number | null]>> {
  const r = await groups(dir, '--describe', '--group', group, '--json')
  const doc = JSON.parse(r.stdout) as {groups: Array<{offsets?: JsonOffset[]}>}
  return (doc.groups[0].offsets ?? []).map((o) => [o.partition, o.currentOffset])
}

const pad = (s: string, n: number) => s.padEnd(n)
const OFFSETS_HEADER =
  'GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\n'
/** An offsets row of a group nobody consumes in (widths 15/15/10/15/15/15/15/15). */
function idleRow(group: string, topic: string, p: number, current: string, end: number, lag: string): string {
  return `${pad(group, 15)} ${pad(topic, 15)} ${pad(String(p), 10)} ${pad(current, 15)} ${pad(String(end), 15)} ${pad(lag, 15)} ${pad('-', 15)} ${pad('-', 15)} -\n`
}

const PLAN_HEADER = 'GROUP           TOPIC           PARTITION  NEW-OFFSET\n'
const planRow = (group: string, topic: string, p: number, o: number | string) =>
  `${pad(group, 15)} ${pad(topic, 15)} ${pad(String(p), 10)} ${o}\n`

// ---------------------------------------------------------------------------------------------

describe('command line', () => {
  const cases: Array<[string, string[], Outcome]> = [
    [
      'no action',
      ['--group', 'g'],
      usage('Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets'),
    ],
    [
      'two actions',
      ['--list', '--describe'],
      usage('Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets'),
    ],
    [
      'describe without a group',
      ['--describe'],
      usage('Option [describe] takes one of these options: [all-groups], [group]'),
    ],
    [
      'two describe views',
      ['--describe', '--group', 'g', '--members', '--state'],
      usage('Option [describe] takes at most one of these options: [members], [offsets], [state]'),
    ],
    [
      'describe --state with a value',
      ['--describe', '--group', 'g', '--state', 'stable'],
      usage('Option [describe] does not take a value for [state]'),
    ],
    [
      'delete without a group',
      ['--delete'],
      usage('Option [delete] takes one of these options: [all-groups], [group]'),
    ],
    [
      'delete with --topic',
      ['--delete', '--group', 'g', '--topic', 't'],
      usage('The consumer does not support topic-specific offset deletion from a consumer group.'),
    ],
    [
      'delete-offsets without --topic',
      ['--delete-offsets', '--group', 'g'],
      usage('Option [delete-offsets] takes the following options: [group], [topic]'),
    ],
    [
      'reset with --dry-run and --execute',
      ['--reset-offsets', '--group', 'g', '--all-topics', '--to-earliest', '--dry-run', '--execute'],
      usage('Option [reset-offsets] only accepts one of [execute] and [dry-run]'),
    ],
    [
      'reset without a group (the WARN comes first, as in Kafka)',
      ['--reset-offsets', '--all-topics', '--to-earliest'],
      usage('Option [reset-offsets] takes one of these options: [all-groups], [group]', NO_EXECUTE),
    ],
    [
      'two scenarios',
      ['--reset-offsets', '--group', 'g', '--all-topics', '--to-earliest', '--to-latest', '--dry-run'],
      usage('Option "[to-earliest]" can\'t be used with option "[to-latest]"'),
    ],
    [
      'no reset scope',
      ['--reset-offsets', '--group', 'g', '--to-earliest', '--dry-run'],
      usage('One of the reset scopes should be defined: --all-topics, --topic.'),
    ],
    [
      'no scenario',
      ['--reset-offsets', '--group', 'g', '--all-topics', '--dry-run'],
      usage(
        "Option '[reset-offsets]' requires one of the following scenarios: [[to-offset], [shift-by], [to-datetime], [by-duration], [to-earliest], [to-latest], [to-current], [from-file]]",
      ),
    ],
    [
      '--group with --all-groups',
      ['--describe', '--group', 'g', '--all-groups'],
      usage('Option "[group]" can\'t be used with option "[all-groups]"'),
    ],
    ['--group with --list', ['--list', '--group', 'g'], usage('Option "[group]" can\'t be used with option "[list]"')],
    [
      '--topic with --describe',
      ['--describe', '--group', 'g', '--topic', 't'],
      usage('Option "[topic]" can\'t be used with option "[describe]"'),
    ],
    [
      '--members without --describe',
      ['--list', '--members'],
      usage('Option(s) [members] are unavailable given other options on the command line'),
    ],
    [
      'invalid state list',
      ['--list', '--state', 'stable,foo'],
      usage(
        "Invalid state list 'stable,foo'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty, Assigning, Reconciling",
      ),
    ],
    [
      'invalid partition in a topic arg',
      ['--reset-offsets', '--group', 'g', '--topic', 't:x', '--to-earliest', '--dry-run'],
      usage("Invalid partition 'x' specified in topic arg 't:x''"),
    ],
    [
      'invalid topic arg',
      ['--reset-offsets', '--group', 'g', '--topic', 't:1:2', '--to-earliest', '--dry-run'],
      usage("Invalid topic arg 't:1:2', expected topic name and partitions"),
    ],
    [
      '--to-offset that is not a number',
      ['--reset-offsets', '--group', 'g', '--all-topics', '--to-offset', 'ten', '--dry-run'],
      usage("Cannot parse argument 'ten' of option to-offset."),
    ],
    [
      'a reset option with --describe',
      ['--describe', '--group', 'g', '--to-earliest'],
      usage('Option "[to-earliest]" can\'t be used with option "[describe]"'),
    ],
    [
      '--undo with a scope',
      ['--reset-offsets', '--group', 'g', '--undo', '--all-topics', '--dry-run'],
      usage('Option "[all-topics]" can\'t be used with option "[undo]"'),
    ],
    [
      '--command-config',
      ['--list', '--command-config', 'client.properties'],
      usage(
        '--command-config: client connection properties need a cluster to connect to; give --bootstrap-server (or KT_BOOTSTRAP_SERVER) too',
      ),
    ],
    [
      '--timeout that is not a number',
      ['--list', '--timeout', 'soon'],
      usage("Cannot parse argument 'soon' of option timeout."),
    ],
  ]
  // Independent one-process cases: run a few at a time.
  test.concurrent.each(cases)('%s', async (_name, args, expected) => {
    expect(outcome(await groups(store(), ...args))).toEqual(expected)
  })

  test('--help names the exit statuses', async () => {
    const r = await groups(store(), '--help')
    expect(r.status).toBe(0)
    expect(r.stdout.replaceAll(/\s+/g, ' ')).toContain(
      'Exit status: 0 on success, 2 for a bad command line, 1 for a runtime error',
    )
  })
})

describe('--list', () => {
  test('an empty store prints nothing; names are sorted; --state and --type give the padded tables', async () => {
    const dir = await seeded()
    expect(outcome(await groups(dir, '--list'))).toEqual(ok(''))
    await commit(dir, 'zeta', {0: 1})
    await commit(dir, 'alpha', {0: 1})
    await commit(dir, 'a-group-with-a-long-name', {0: 1})
    expect(outcome(await groups(dir, '--list'))).toEqual(ok('a-group-with-a-long-name\nalpha\nzeta\n'))
    const w = 'a-group-with-a-long-name'.length + 10
    const row = (g: string, s: string) => `${pad(g, w)} ${pad(s, 20)}\n`
    expect(outcome(await groups(dir, '--list', '--state'))).toEqual(
      ok(
        row('GROUP', 'STATE') + row('a-group-with-a-long-name', 'Empty') + row('alpha', 'Empty') + row('zeta', 'Empty'),
      ),
    )
    // The width comes from the groups listed: none here.
    expect(outcome(await groups(dir, '--list', '--state', 'stable'))).toEqual(
      ok(`${pad('GROUP', 25)} ${pad('STATE', 20)}\n`),
    )
    expect(outcome(await groups(dir, '--list', '--state', 'EMPTY,Stable'))).toEqual(
      ok(
        row('GROUP', 'STATE') + row('a-group-with-a-long-name', 'Empty') + row('alpha', 'Empty') + row('zeta', 'Empty'),
      ),
    )
    const typed = (g: string, t: string, s: string) => `${pad(g, w)} ${pad(t, 20)} ${pad(s, 20)}\n`
    expect(outcome(await groups(dir, '--list', '--type'))).toEqual(
      ok(
        typed('GROUP', 'TYPE', 'STATE') +
          typed('a-group-with-a-long-name', 'Classic', 'Empty') +
          typed('alpha', 'Classic', 'Empty') +
          typed('zeta', 'Classic', 'Empty'),
      ),
    )
    expect(outcome(await groups(dir, '--list', '--type', 'consumer'))).toEqual(
      ok(`${pad('GROUP', 25)} ${pad('TYPE', 20)} ${pad('STATE', 20)}\n`),
    )
    expect(JSON.parse((await groups(dir, '--list', '--json')).stdout)).toEqual({
      groups: [
        {group: 'a-group-with-a-long-name', state: 'Empty', type: 'classic'},
        {group: 'alpha', state: 'Empty', type: 'classic'},
        {group: 'zeta', state: 'Empty', type: 'classic'},
      ],
    })
  })
})

describe('--describe', () => {
  test('a group that does not exist: the message on stderr, exit 1; other groups still print', async () => {
    const dir = await seeded()
    expect(outcome(await groups(dir, '--describe', '--all-groups'))).toEqual(ok(''))
    await commit(dir, 'g', {0: 4, 1: 20})
    expect(outcome(await groups(dir, '--describe', '--group', 'nope'))).toEqual({
      status: 1,
      stderr: "\nError: Consumer group 'nope' does not exist.\n",
      stdout: '',
    })
    expect(outcome(await groups(dir, '--describe', '--group', 'nope', '--group', 'g'))).toEqual({
      status: 1,
      stderr: "\nConsumer group 'g' has no active members.\n\nError: Consumer group 'nope' does not exist.\n",
      stdout: '\n' + OFFSETS_HEADER + idleRow('g', 't', 0, '4', 10, '6') + idleRow('g', 't', 1, '20', 20, '0'),
    })
    expect(outcome(await groups(dir, '--describe', '--group', 'nope', '--members'))).toEqual({
      status: 1,
      stderr: "\nError: Consumer group 'nope' does not exist.\n",
      stdout: '',
    })
    expect(outcome(await groups(dir, '--describe', '--group', 'nope', '--json'))).toEqual({
      status: 1,
      stderr: "\nError: Consumer group 'nope' does not exist.\n",
      stdout: JSON.stringify({groups: [{group: 'nope', state: 'Dead'}]}, null, 2) + '\n',
    })
  })

  test('an Empty group: every view, with the message on stderr', async () => {
    const dir = await seeded()
    await commit(dir, 'g', {0: 4, 2: 5})
    const empty = "\nConsumer group 'g' has no active members.\n"
    expect(outcome(await groups(dir, '--describe', '--group', 'g'))).toEqual(
      ok('\n' + OFFSETS_HEADER + idleRow('g', 't', 0, '4', 10, '6') + idleRow('g', 't', 2, '5', 5, '0'), empty),
    )
    expect(outcome(await groups(dir, '--describe', '--group', 'g', '--offsets'))).toEqual(
      ok('\n' + OFFSETS_HEADER + idleRow('g', 't', 0, '4', 10, '6') + idleRow('g', 't', 2, '5', 5, '0'), empty),
    )
    const members = `GROUP           CONSUMER-ID     HOST            CLIENT-ID       ${pad('#PARTITIONS', 15)}`
    expect(outcome(await groups(dir, '--describe', '--group', 'g', '--members'))).toEqual(ok(`\n${members} \n`, empty))
    expect(outcome(await groups(dir, '--describe', '--group', 'g', '--members', '--verbose'))).toEqual(
      ok(`\n${members} ASSIGNMENT\n`, empty),
    )
    const coordinator = `${join(dir, 'kt.db')}  (1)`
    const cw = Math.max(25, coordinator.length)
    expect(outcome(await groups(dir, '--describe', '--group', 'g', '--state'))).toEqual(
      ok(
        `\n${pad('GROUP', 15)} ${pad('COORDINATOR (ID)', cw)} ${pad('ASSIGNMENT-STRATEGY', 20)} ${pad('STATE', 20)} #MEMBERS\n` +
          `${pad('g', 15)} ${pad(coordinator, cw)} ${pad('-', 20)} ${pad('Empty', 20)} 0\n`,
        empty,
      ),
    )
    expect(JSON.parse((await groups(dir, '--describe', '--group', 'g', '--state', '--json')).stdout)).toEqual({
      groups: [
        {
          assignmentStrategy: null,
          coordinator: {id: 1, location: join(dir, 'kt.db')},
          group: 'g',
          members: 0,
          state: 'Empty',
        },
      ],
    })
    expect(JSON.parse((await groups(dir, '--describe', '--group', 'g', '--members', '--json')).stdout)).toEqual({
      groups: [{group: 'g', members: [], state: 'Empty'}],
    })
  })

  test('--all-groups: groups in sorted order, each with its own widths', async () => {
    const dir = await seeded()
    await commit(dir, 'b', {1: 3})
    await commit(dir, 'a-rather-long-group', {0: 10})
    const long = 'a-rather-long-group'
    const header = `${pad('GROUP', long.length)} ${OFFSETS_HEADER.slice(16)}`
    const r = await groups(dir, '--describe', '--all-groups')
    expect(outcome(r)).toEqual(
      ok(
        '\n' +
          header +
          `${long} ${idleRow('', 't', 0, '10', 10, '0').slice(16)}` +
          '\n' +
          OFFSETS_HEADER +
          idleRow('b', 't', 1, '3', 20, '17'),
        `\nConsumer group '${long}' has no active members.\n\nConsumer group 'b' has no active members.\n`,
      ),
    )
  })
})

describe('--reset-offsets', () => {
  test('a dry run by default (with Kafka’s WARN), --dry-run quietly, --execute writes', async () => {
    const dir = await seeded()
    await commit(dir, 'g', {0: 7, 1: 12, 2: 5})
    const plan = '\n' + PLAN_HEADER + planRow('g', 't', 0, 0) + planRow('g', 't', 1, 0) + planRow('g', 't', 2, 0) + '\n'
    expect(outcome(await groups(dir, '--group', 'g', '--topic', 't', '--reset-offsets', '--to-earliest'))).toEqual(
      ok(plan, NO_EXECUTE),
    )
    expect(
      outcome(await groups(dir, '--group', 'g', '--topic', 't', '--reset-offsets', '--to-earliest', '--dry-run')),
    ).toEqual(ok(plan))
    expect(await committedOf(dir, 'g')).toEqual([
      [0, 7],
      [1, 12],
      [2, 5],
    ])
    expect(
      outcome(await groups(dir, '--group', 'g', '--topic', 't', '--reset-offsets', '--to-earliest', '--execute')),
    ).toEqual(ok(plan))
    expect(await committedOf(dir, 'g')).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
    ])
  })

  test('scenarios give the offsets Kafka would, with its clamping warnings', async () => {
    const dir = await seeded()
    await commit(dir, 'g', {0: 7, 1: 3})
    const reset = async (...args: string[]) =>
      outcome(await groups(dir, '--group', 'g', '--reset-offsets', '--dry-run', ...args))
    const plan = (...rows: Array<[number, number]>) =>
      '\n' + PLAN_HEADER + rows.map(([p, o]) => planRow('g', 't', p, o)).join('') + '\n'

    expect(await reset('--all-topics', '--to-latest')).toEqual(ok(plan([0, 10], [1, 20])))
    expect(await reset('--topic', 't', '--to-current')).toEqual(ok(plan([0, 7], [1, 3], [2, 5])))
    expect(await reset('--topic', 't:1', '--to-offset', '4')).toEqual(ok(plan([1, 4])))
    expect(await reset('--topic', 't:0,2', '--to-offset', '999999')).toEqual(
      ok(
        plan([0, 10], [2, 5]),
        'WARN New offset (999999) is higher than latest offset for topic partition t-0. Value will be set to 10\n' +
          'WARN New offset (999999) is higher than latest offset for topic partition t-2. Value will be set to 5\n',
      ),
    )
    expect(await reset('--all-topics', '--shift-by', '-5')).toEqual(
      ok(
        plan([0, 2], [1, 0]),
        'WARN New offset (-2) is lower than earliest offset for topic partition t-1. Value will be set to 0\n',
      ),
    )
    expect(await reset('--all-topics', '--shift-by', '5')).toEqual(
      ok(
        plan([0, 10], [1, 8]),
        'WARN New offset (12) is higher than latest offset for topic partition t-0. Value will be set to 10\n',
      ),
    )
    expect(await reset('--topic', 't', '--shift-by', '1')).toEqual({
      status: 1,
      stderr:
        'Error: Executing consumer group command failed due to Cannot shift offset for partition t-2 since there is no current committed offset\n',
      stdout: '',
    })
    expect(await reset('--topic', 't:5', '--to-earliest')).toEqual({
      status: 1,
      stderr: 'Error: Executing consumer group command failed due to The partitions "t-5" do not exist\n',
      stdout: '',
    })
  })

  test('--to-datetime in every format Kafka accepts, its parse errors, and the empty-partition fallback', async () => {
    const dir = await seeded()
    const reset = async (when: string, topic = 't') =>
      outcome(
        await groups(dir, '--group', 'g', '--reset-offsets', '--dry-run', '--topic', topic, '--to-datetime', when),
      )
    const plan = (...rows: Array<[number, number]>) =>
      '\n' + PLAN_HEADER + rows.map(([p, o]) => planRow('g', 't', p, o)).join('') + '\n'
    // T0 is 2023-11-14T22:13:20.000Z; records are one minute apart: offset n is T0 + n minutes.
    expect(await reset('2023-11-14T22:16:20.000')).toEqual(ok(plan([0, 3], [1, 3], [2, 3])))
    expect(await reset('2023-11-14T22:16:19.999Z')).toEqual(ok(plan([0, 3], [1, 3], [2, 3])))
    expect(await reset('2023-11-15T03:53:20.000+05:30')).toEqual(
      ok(plan([0, 10], [1, 10], [2, 5]), warnEmpty(0) + warnEmpty(2)),
    )
    expect(await reset('2023-11-15T03:50:20.000+0530')).toEqual(ok(plan([0, 7], [1, 7], [2, 5]), warnEmpty(2)))
    expect(await reset('2023-11-14T17:14:20.000-05')).toEqual(ok(plan([0, 1], [1, 1], [2, 1])))
    expect(await reset('2023-11-14')).toEqual({
      status: 1,
      stderr:
        "Error: Executing consumer group command failed due to Error parsing timestamp. It does not contain a 'T' according to ISO8601 format: 2023-11-14\n",
      stdout: '',
    })
    expect(await reset('2023-11-14T22:16:20')).toEqual({
      status: 1,
      stderr: 'Error: Executing consumer group command failed due to Unparseable date: "2023-11-14T22:16:20Z"\n',
      stdout: '',
    })
  })

  test('--by-duration PT1H: the first offset stamped within the last hour', async () => {
    const dir = store()
    await kt(dir, ['topics', '--create', '--topic', 't', '--partitions', '1'])
    const now = Date.now()
    const stamps = [now - 3 * 3_600_000, now - 2 * 3_600_000, now - 30 * MINUTE, now - 10 * MINUTE]
    const input =
      stamps.map((timestamp, i) => JSON.stringify({partition: 0, timestamp, value: `v${i}`})).join('\n') + '\n'
    expect((await kt(dir, ['console-producer', '--topic', 't', '--input', 'json'], {input})).status).toBe(0)
    const r = await groups(
      dir,
      '--group',
      'g',
      '--all-groups',
      '--reset-offsets',
      '--topic',
      't',
      '--by-duration',
      'PT1H',
    )
    expect(outcome(r).status).toBe(2) // --group with --all-groups
    expect(
      outcome(
        await groups(dir, '--group', 'g', '--reset-offsets', '--topic', 't', '--by-duration', 'PT1H', '--dry-run'),
      ),
    ).toEqual(ok('\n' + PLAN_HEADER + planRow('g', 't', 0, 2) + '\n'))
    expect(
      outcome(
        await groups(dir, '--group', 'g', '--reset-offsets', '--topic', 't', '--by-duration', 'P1DT0H', '--dry-run'),
      ),
    ).toEqual(ok('\n' + PLAN_HEADER + planRow('g', 't', 0, 0) + '\n'))
    expect(
      outcome(await groups(dir, '--group', 'g', '--reset-offsets', '--topic', 't', '--by-duration', '1h', '--dry-run')),
    ).toEqual({
      status: 1,
      stderr: 'Error: Executing consumer group command failed due to Text cannot be parsed to a Duration: 1h\n',
      stdout: '',
    })
  })

  test('--export writes the CSV that --from-file reads back; several groups use four columns', async () => {
    const dir = await seeded()
    await commit(dir, 'g', {0: 8, 1: 9})
    await commit(dir, 'h', {2: 4})
    const exported = await groups(
      dir,
      '--group',
      'g',
      '--all-topics',
      '--reset-offsets',
      '--shift-by',
      '-5',
      '--export',
      '--dry-run',
    )
    expect(outcome(exported)).toEqual(ok('t,0,3\nt,1,4\n\n'))
    const file = join(dir, 'plan.csv')
    writeFileSync(file, exported.stdout)
    expect(outcome(await groups(dir, '--group', 'g', '--reset-offsets', '--from-file', file, '--execute'))).toEqual(
      ok('\n' + PLAN_HEADER + planRow('g', 't', 0, 3) + planRow('g', 't', 1, 4) + '\n'),
    )
    expect(await committedOf(dir, 'g')).toEqual([
      [0, 3],
      [1, 4],
    ])
    const both = await groups(
      dir,
      '--all-groups',
      '--all-topics',
      '--reset-offsets',
      '--to-latest',
      '--export',
      '--dry-run',
    )
    expect(outcome(both)).toEqual(ok('g,t,0,10\ng,t,1,20\nh,t,2,5\n\n'))
    writeFileSync(file, 'g,t,0,1\nh,t,2,99\n')
    expect(
      outcome(await groups(dir, '--group', 'g', '--group', 'h', '--reset-offsets', '--from-file', file, '--dry-run')),
    ).toEqual(
      ok(
        '\n' + PLAN_HEADER + planRow('g', 't', 0, 1) + planRow('h', 't', 2, 5) + '\n',
        'WARN New offset (99) is higher than latest offset for topic partition t-2. Value will be set to 5\n',
      ),
    )
    writeFileSync(file, 'g,t,0,1\n')
    expect(
      outcome(await groups(dir, '--group', 'g', '--group', 'h', '--reset-offsets', '--from-file', file, '--dry-run')),
    ).toEqual({
      status: 1,
      stderr: '\nError: No reset plan for group h found.\n',
      stdout: '\n' + PLAN_HEADER + planRow('g', 't', 0, 1) + '\n',
    })
  })

  test('--json gives the plan with the current offsets', async () => {
    const dir = await seeded()
    await commit(dir, 'g', {0: 8})
    const r = await groups(
      dir,
      '--group',
      'g',
      '--topic',
      't:0,1',
      '--reset-offsets',
      '--to-earliest',
      '--json',
      '--execute',
    )
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({
      executed: true,
      offsets: [
        {currentOffset: 8, group: 'g', newOffset: 0, partition: 0, topic: 't'},
        {currentOffset: null, group: 'g', newOffset: 0, partition: 1, topic: 't'},
      ],
    })
  })

  test('--describe --history lists executed resets; --undo restores what the last one replaced', async () => {
    const dir = await seeded()
    await commit(dir, 'g', {0: 8})
    const earliest = ['--group', 'g', '--topic', 't:0,1', '--reset-offsets', '--to-earliest', '--execute']
    expect((await groups(dir, ...earliest)).status).toBe(0)
    const undoPlan = '\n' + PLAN_HEADER + planRow('g', 't', 0, 8) + planRow('g', 't', 1, '-') + '\n'
    expect(outcome(await groups(dir, '--group', 'g', '--reset-offsets', '--undo', '--dry-run'))).toEqual(ok(undoPlan))
    expect(await committedOf(dir, 'g')).toEqual([
      [0, 0],
      [1, 0],
    ])
    expect(outcome(await groups(dir, '--group', 'g', '--reset-offsets', '--undo', '--execute'))).toEqual(ok(undoPlan))
    expect(await committedOf(dir, 'g')).toEqual([[0, 8]])

    const history = await groups(dir, '--describe', '--group', 'g', '--history')
    const times = [...history.stdout.matchAll(/at (\S+Z):/g)].map((m) => m[1])
    expect(times).toHaveLength(3)
    const header = 'GROUP           TOPIC           PARTITION  OLD-OFFSET      NEW-OFFSET\n'
    const row = (p: number, o: string, n: string) =>
      `${pad('g', 15)} ${pad('t', 15)} ${pad(String(p), 10)} ${pad(o, 15)} ${n}\n`
    expect(outcome(history)).toEqual(
      ok(
        `\nReset 1 at ${times[0]}: kt consumer-groups --group g --reset-offsets --from-file ${join(dir, 'g-plan.csv')} --execute\n` +
          header +
          row(0, '-', '8') +
          `\nReset 2 at ${times[1]}: kt consumer-groups ${earliest.join(' ')}\n` +
          header +
          row(0, '8', '0') +
          row(1, '-', '0') +
          `\nReset 3 at ${times[2]}: kt consumer-groups --group g --reset-offsets --undo --execute\n` +
          header +
          row(0, '0', '8') +
          row(1, '0', '-'),
      ),
    )
    expect(outcome(await groups(dir, '--reset-offsets', '--group', 'none', '--undo', '--execute'))).toEqual({
      status: 1,
      stderr: "\nError: Consumer group 'none' has no executed reset to undo.\n",
      stdout: '',
    })
  })
})

describe('--delete and --delete-offsets', () => {
  test('Kafka’s messages for success, partial failure and partition errors', async () => {
    const dir = await seeded()
    await commit(dir, 'g1', {0: 1})
    await commit(dir, 'g2', {0: 1, 1: 2})
    await commit(dir, 'g3', {0: 1})
    expect(outcome(await groups(dir, '--delete', '--group', 'g1', '--group', 'g3'))).toEqual(
      ok("Deletion of requested consumer groups ('g1', 'g3') was successful.\n"),
    )
    expect(outcome(await groups(dir, '--list'))).toEqual(ok('g2\n'))
    expect(outcome(await groups(dir, '--delete', '--group', 'g1', '--group', 'g2'))).toEqual({
      status: 1,
      stderr:
        '\nError: Deletion of some consumer groups failed:\n' +
        "* Group 'g1' could not be deleted due to: org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.\n",
      stdout: "\nThese consumer groups were deleted successfully: 'g2'\n",
    })

    await commit(dir, 'g', {0: 1, 1: 2, 2: 3})
    const status = (topic: string, p: string, s: string) => `${pad(topic, 15)} ${pad(p, 10)} ${pad(s, 15)}\n`
    expect(outcome(await groups(dir, '--delete-offsets', '--group', 'g', '--topic', 't:1'))).toEqual(
      ok(
        'Request succeeded for deleting offsets from group g.\n\n' +
          status('TOPIC', 'PARTITION', 'STATUS') +
          status('t', '1', 'Successful'),
      ),
    )
    expect(await committedOf(dir, 'g')).toEqual([
      [0, 1],
      [2, 3],
    ])
    expect(outcome(await groups(dir, '--delete-offsets', '--group', 'g', '--topic', 't:0,7', '--topic', 'zz'))).toEqual(
      {
        status: 1,
        stderr: '\nError: Encountered some partition-level error, see the follow-up details.\n',
        stdout:
          '\n' +
          status('TOPIC', 'PARTITION', 'STATUS') +
          status('t', '0', 'Successful') +
          status('t', '7', 'Error: This server does not host this topic-partition.') +
          status('zz', '-', 'Error: This server does not host this topic-partition.'),
      },
    )
    expect(outcome(await groups(dir, '--delete-offsets', '--group', 'nope', '--topic', 't'))).toEqual({
      status: 1,
      stderr: '\nError: The group id does not exist.\n',
      stdout: '',
    })
  })
})

function warnEmpty(partition: number): string {
  return `\nWarn: Partition ${partition} from topic t is empty. Falling back to latest known offset.\n`
}

// ---------------------------------------------------------------------------------------------
// With a live member

/** Polls until `group` has `n` live members; returns their JSON descriptions. */
async function waitForMembers(dir: string, group: string, n: number): Promise<void> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const r = await groups(dir, '--describe', '--group', group, '--members', '--json')
    const doc = JSON.parse(r.stdout || '{"groups":[{}]}') as {groups: Array<{members?: unknown[]}>}
    if ((doc.groups[0].members ?? []).length === n) return
    if (Date.now() > deadline) throw new Error(`group ${group} did not reach ${n} members: ${r.stdout}${r.stderr}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

describe('a group with a running member', () => {
  test('describe shows the member; reset, delete and delete-offsets are refused; after it stops, lag counts new records', async () => {
    const dir = await seeded()
    // Auto-commit every 100 ms rather than Kafka's 5 s: the test waits for the first commit.
    const member = spawnKt(dir, [
      'console-consumer',
      '--topic',
      't',
      '--group',
      'g',
      '--from-beginning',
      '--consumer-property',
      'auto.commit.interval.ms=100',
    ])
    const done = collect(member, 90_000)
    try {
      await waitForMembers(dir, 'g', 1)
      // Wait until it has caught up and committed.
      const deadline = Date.now() + 30_000
      let offsets: JsonOffset[] = []
      while (Date.now() < deadline) {
        const doc = JSON.parse((await groups(dir, '--describe', '--group', 'g', '--json')).stdout) as {
          groups: Array<{offsets: JsonOffset[]}>
        }
        offsets = doc.groups[0].offsets
        if (offsets.every((o) => o.lag === 0)) break
        await new Promise((resolve) => setTimeout(resolve, 300))
      }

      expect(offsets.map((o) => [o.partition, o.currentOffset, o.logEndOffset, o.lag])).toEqual([
        [0, 10, 10, 0],
        [1, 20, 20, 0],
        [2, 5, 5, 0],
      ])
      const id = offsets[0].consumerId!
      expect(id).toMatch(/^console-consumer-[\da-f-]{36}$/)
      const wc = id.length
      const described = await groups(dir, '--describe', '--group', 'g')
      const header = `GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             ${pad('CONSUMER-ID', wc)} HOST            CLIENT-ID\n`
      const row = (p: number, n: number) =>
        `${pad('g', 15)} ${pad('t', 15)} ${pad(String(p), 10)} ${pad(String(n), 15)} ${pad(String(n), 15)} ${pad('0', 15)} ${id} ${pad('/127.0.0.1', 15)} console-consumer\n`
      expect(outcome(described)).toEqual(ok('\n' + header + row(0, 10) + row(1, 20) + row(2, 5)))

      const cw = Math.max(15, id.length)
      expect(outcome(await groups(dir, '--describe', '--group', 'g', '--members', '--verbose'))).toEqual(
        ok(
          `\n${pad('GROUP', 15)} ${pad('CONSUMER-ID', cw)} ${pad('HOST', 15)} ${pad('CLIENT-ID', 16)} ${pad('#PARTITIONS', 15)} ASSIGNMENT\n` +
            `${pad('g', 15)} ${id} ${pad('/127.0.0.1', 15)} console-consumer ${pad('3', 15)} t(0,1,2)\n`,
        ),
      )
      const state = await groups(dir, '--describe', '--group', 'g', '--state')
      expect(state.stdout).toMatch(/\ng {15}.+ {2}\(1\) +range {16}Stable {15}1\n$/)
      expect(state.status).toBe(0)

      const refused =
        "\nError: Assignments can only be reset if the group 'g' is inactive, but the current state is Stable.\n"
      expect(
        outcome(await groups(dir, '--group', 'g', '--topic', 't', '--reset-offsets', '--to-earliest', '--execute')),
      ).toEqual({
        status: 1,
        stderr: refused,
        stdout: '',
      })
      expect(outcome(await groups(dir, '--delete', '--group', 'g'))).toEqual({
        status: 1,
        stderr:
          "\nError: Deletion of some consumer groups failed:\n* Group 'g' could not be deleted due to: org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.\n",
        stdout: '',
      })
      // Kafka (KIP-496) refuses the topics a live member subscribes to, partition by partition.
      expect(outcome(await groups(dir, '--delete-offsets', '--group', 'g', '--topic', 't'))).toEqual({
        status: 1,
        stderr: '\nError: Encountered some partition-level error, see the follow-up details.\n',
        stdout: `\nTOPIC           PARTITION  STATUS         ${[0, 1, 2].map((p) => `\nt               ${p}          Error: ${SUBSCRIBED}`).join('')}\n`,
      })
    } finally {
      member.kill('SIGTERM')
    }

    const stopped = await done
    expect(stopped.stderr).toBe('Processed a total of 35 messages\n')
    expect(await committedOf(dir, 'g')).toEqual([
      [0, 10],
      [1, 20],
      [2, 5],
    ])

    // After the member stopped: the message on stderr, then the offsets table; 50 more records.
    const input =
      Array.from({length: 50}, (_, i) => JSON.stringify({partition: i % 3, value: `more${i}`})).join('\n') + '\n'
    expect((await kt(dir, ['console-producer', '--topic', 't', '--input', 'json'], {input})).status).toBe(0)
    const after = await groups(dir, '--describe', '--group', 'g')
    expect(outcome(after)).toEqual(
      ok(
        '\n' +
          OFFSETS_HEADER +
          idleRow('g', 't', 0, '10', 27, '17') +
          idleRow('g', 't', 1, '20', 37, '17') +
          idleRow('g', 't', 2, '5', 21, '16'),
        "\nConsumer group 'g' has no active members.\n",
      ),
    )
    const lag = after.stdout
      .split('\n')
      .slice(2, -1)
      .reduce((sum, line) => sum + Number(line.split(/\s+/)[5]), 0)
    expect(lag).toBe(50)
    expect(
      outcome(await groups(dir, '--group', 'g', '--topic', 't', '--reset-offsets', '--to-earliest', '--execute')),
    ).toEqual(
      ok('\n' + PLAN_HEADER + planRow('g', 't', 0, 0) + planRow('g', 't', 1, 0) + planRow('g', 't', 2, 0) + '\n'),
    )
  })
})

describe('--describe --watch', () => {
  test('piped: plain tables one after another, a new one when the group changes; SIGTERM ends it with status 0', async () => {
    const dir = await seeded()
    await commit(dir, 'g', {0: 4})
    const watcher = spawnKt(dir, ['consumer-groups', '--describe', '--group', 'g', '--watch', '30'])
    const done = collect(watcher, 60_000)
    let seen = ''
    watcher.stdout!.on('data', (d: Buffer) => {
      seen += d.toString()
    })
    const waitFor = async (text: string) => {
      const deadline = Date.now() + 20_000
      while (!seen.includes(text) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
    }

    await waitFor(idleRow('g', 't', 0, '4', 10, '6'))
    await commit(dir, 'g', {0: 9})
    await waitFor(idleRow('g', 't', 0, '9', 10, '1'))
    watcher.kill('SIGTERM')
    const r = await done
    expect(r.status).toBe(0)
    expect(r.stdout).toBe(
      '\n' +
        OFFSETS_HEADER +
        idleRow('g', 't', 0, '4', 10, '6') +
        '\n' +
        OFFSETS_HEADER +
        idleRow('g', 't', 0, '9', 10, '1'),
    )
    expect(r.stderr).toBe("\nConsumer group 'g' has no active members.\n".repeat(2))
  })
})

const hasScript = spawnSync('script', ['--version']).status === 0

describe.skipIf(!hasScript)('--describe --watch on a terminal', () => {
  test('each frame clears the screen and redraws in place, every interval; Ctrl-C ends it', async () => {
    const dir = await seeded()
    await commit(dir, 'g', {0: 4})
    const r = spawnSync(
      'script',
      [
        '-q',
        '-E',
        'never',
        '-c',
        `timeout -s INT 6 node ${BIN} consumer-groups --describe --group g --watch 1`,
        '/dev/null',
      ],
      {encoding: 'utf8', env: {...process.env, KT_DATA_DIR: dir, NO_COLOR: '1'}, timeout: 60_000},
    )
    const frames = r.stdout.replaceAll('\r\n', '\n').split('\u001B[H\u001B[2J')
    expect(frames[0]).toBe('')
    expect(frames.length).toBeGreaterThanOrEqual(3)
    for (const frame of frames.slice(1, -1))
      expect(frame.replace(/ {4}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\n/, '    <time>\n')).toBe(
        'Every 1s: kt consumer-groups --describe --group g --watch 1    <time>\n' +
          "\nConsumer group 'g' has no active members.\n" +
          '\n' +
          OFFSETS_HEADER +
          idleRow('g', 't', 0, '4', 10, '6'),
      )
  })
})

describe('--json documents of --delete, --delete-offsets and --history', () => {
  test('the shapes the README documents', async () => {
    const dir = await seeded()
    await commit(dir, 'g', {0: 1, 1: 2})
    const history = await groups(dir, '--describe', '--group', 'g', '--group', 'nope', '--history', '--json')
    expect({status: history.status, stderr: history.stderr}).toEqual({
      status: 1,
      stderr: "\nError: Consumer group 'nope' does not exist.\n",
    })
    const doc = JSON.parse(history.stdout) as {groups: Array<{resets: Array<{time: string}>}>}
    const time = doc.groups[0].resets[0].time
    expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(doc).toEqual({
      groups: [
        {
          group: 'g',
          resets: [
            {
              command: `kt consumer-groups --group g --reset-offsets --from-file ${join(dir, 'g-plan.csv')} --execute`,
              id: 1,
              offsets: [
                {newOffset: 1, oldOffset: null, partition: 0, topic: 't'},
                {newOffset: 2, oldOffset: null, partition: 1, topic: 't'},
              ],
              time,
            },
          ],
          state: 'Empty',
        },
        {group: 'nope', resets: [], state: 'Dead'},
      ],
    })
    expect(outcome(await groups(dir, '--delete-offsets', '--group', 'g', '--topic', 't:1,9', '--json'))).toEqual({
      status: 1,
      stderr: '\nError: Encountered some partition-level error, see the follow-up details.\n',
      stdout:
        JSON.stringify(
          {
            group: 'g',
            partitions: [
              {error: null, partition: 1, topic: 't'},
              {error: 'This server does not host this topic-partition.', partition: 9, topic: 't'},
            ],
          },
          null,
          2,
        ) + '\n',
    })
    expect(outcome(await groups(dir, '--delete', '--group', 'g', '--group', 'nope', '--json'))).toEqual({
      status: 1,
      stderr:
        "Error: Group 'nope' could not be deleted due to: org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.\n",
      stdout:
        JSON.stringify(
          {
            deleted: ['g'],
            failed: [
              {
                error: 'org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.',
                group: 'nope',
              },
            ],
          },
          null,
          2,
        ) + '\n',
    })
  })
})
