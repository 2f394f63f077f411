// End-to-end tests of `kt configs` (kafka-configs) for topics and brokers: Kafka's describe
// layout, --alter with --add-config (bracket syntax) and --delete-config, the validation of
// kt topics --create --config, and the JSON document. Usage errors exit 2, runtime errors 1,
// each one bare line on stderr as kafka-configs prints them.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, test, vi} from 'vitest'

import {describeJson, kt, type KtResult, tempDirsForFile} from '../helpers/kt.js'

vi.setConfig({testTimeout: 120_000})

const store = tempDirsForFile()

interface Outcome {
  status: number | null
  stdout: string
  stderr: string
}

const ok = (stdout = ''): Outcome => ({status: 0, stderr: '', stdout})
const failed = (message: string): Outcome => ({status: 1, stderr: `${message}\n`, stdout: ''})
const usage = (message: string): Outcome => ({status: 2, stderr: `${message}\n`, stdout: ''})

function expectOutcome(r: KtResult, expected: Outcome): void {
  expect({status: r.status, stderr: r.stderr, stdout: r.stdout}).toEqual(expected)
}

function configs(dir: string, ...args: string[]): Promise<KtResult> {
  return kt(dir, ['configs', ...args])
}

const TOPIC = ['--entity-type', 'topics', '--entity-name', 't']

async function withTopic(...createArgs: string[]): Promise<string> {
  const dir = store()
  expectOutcome(await kt(dir, ['topics', '--create', '--topic', 't', ...createArgs]), ok('Created topic t.\n'))
  return dir
}

describe.concurrent('kt configs --entity-type topics', () => {
  test('--describe lists the overrides with their synonyms; none gives the header alone', async () => {
    const dir = await withTopic('--config', 'retention.ms=3600000')
    expectOutcome(
      await configs(dir, ...TOPIC, '--describe'),
      ok(
        'Dynamic configs for topic t are:\n' +
          '  retention.ms=3600000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=3600000, DEFAULT_CONFIG:log.retention.hours=168}\n',
      ),
    )
    expectOutcome(
      await configs(dir, '--topic', 't', '--alter', '--delete-config', 'retention.ms'),
      ok('Completed updating config for topic t.\n'),
    )
    expectOutcome(await configs(dir, ...TOPIC, '--describe'), ok('Dynamic configs for topic t are:\n'))
  })

  test('--alter --add-config changes what both describes show, and retention follows it', async () => {
    const dir = await withTopic()
    writeFileSync(join(dir, 'server.properties'), 'log.retention.check.interval.ms=1\n')
    const old = Date.now() - 10_000
    const input = ['a', 'b'].map((v) => JSON.stringify({key: null, timestamp: old, value: v}) + '\n').join('')
    expectOutcome(await kt(dir, ['console-producer', '--topic', 't', '--input', 'json'], {input}), ok())
    expect((await describeJson(dir, 't')).partitions[0].logStartOffset).toBe(0)
    expectOutcome(
      await configs(dir, ...TOPIC, '--alter', '--add-config', 'retention.ms=1000,cleanup.policy=[delete,compact]'),
      ok('Completed updating config for topic t.\n'),
    )
    expectOutcome(
      await configs(dir, ...TOPIC, '--describe'),
      ok(
        'Dynamic configs for topic t are:\n' +
          '  cleanup.policy=delete,compact sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=delete,compact, DEFAULT_CONFIG:log.cleanup.policy=delete}\n' +
          '  retention.ms=1000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000, DEFAULT_CONFIG:log.retention.hours=168}\n',
      ),
    )
    const described = await kt(dir, ['topics', '--describe', '--topic', 't'])
    expect(described.stdout.split('\n')[0]).toMatch(/\tConfigs: cleanup.policy=delete,compact,retention.ms=1000$/)
    // The next write runs retention with the new value: the two old records go.
    expectOutcome(
      await kt(dir, ['console-producer', '--topic', 't', '--property', 'parse.key=true'], {input: 'k\tnew\n'}),
      ok(),
    )
    const p = (await describeJson(dir, 't')).partitions[0]
    expect({end: p.logEndOffset, start: p.logStartOffset}).toEqual({end: 3, start: 2})
  })

  test('--describe --all shows every topic config with its source; --json is documented', async () => {
    const dir = await withTopic('--config', 'segment.ms=100000')
    const all = await configs(dir, '--topic', 't', '--describe', '--all')
    expect(all.status).toBe(0)
    const lines = all.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe('All configs for topic t are:')
    expect(lines).toContain(
      '  segment.ms=100000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:segment.ms=100000, DEFAULT_CONFIG:log.roll.hours=168}',
    )
    expect(lines).toContain('  retention.bytes=-1 sensitive=false synonyms={DEFAULT_CONFIG:log.retention.bytes=-1}')
    const json = await configs(dir, ...TOPIC, '--describe', '--json')
    expect(JSON.parse(json.stdout)).toEqual({
      entities: [
        {
          configs: [
            {
              name: 'segment.ms',
              readOnly: false,
              sensitive: false,
              source: 'DYNAMIC_TOPIC_CONFIG',
              synonyms: [
                {name: 'segment.ms', source: 'DYNAMIC_TOPIC_CONFIG', value: '100000'},
                {name: 'log.roll.hours', source: 'DEFAULT_CONFIG', value: '168'},
              ],
              value: '100000',
            },
          ],
          entityName: 't',
          entityType: 'topics',
        },
      ],
    })
    const altered = await configs(dir, ...TOPIC, '--alter', '--delete-config', 'segment.ms', '--json')
    expect(JSON.parse(altered.stdout)).toEqual({
      altered: {deleted: ['segment.ms'], entityName: 't', entityType: 'topics', set: {}},
    })
  })

  test('--add-config-file: a properties file of configs to set', async () => {
    const dir = await withTopic()
    const file = join(dir, 'topic.properties')
    writeFileSync(file, '# overrides\nretention.ms = 5000\ncleanup.policy=compact,delete\n')
    expectOutcome(
      await configs(dir, '--topic', 't', '--alter', '--add-config-file', file),
      ok('Completed updating config for topic t.\n'),
    )
    expect((await describeJson(dir, 't')).configs).toEqual({'cleanup.policy': 'compact,delete', 'retention.ms': '5000'})
    expectOutcome(
      await configs(dir, '--topic', 't', '--alter', '--add-config-file', join(dir, 'missing')),
      failed(
        `Cannot read --add-config-file ${join(dir, 'missing')}: ENOENT: no such file or directory, open '${join(dir, 'missing')}'`,
      ),
    )
  })

  test('server.properties settings appear as static synonyms', async () => {
    const dir = store()
    writeFileSync(join(dir, 'server.properties'), 'log.retention.hours=24\n')
    expectOutcome(
      await kt(dir, ['topics', '--create', '--topic', 't', '--config', 'retention.ms=5000']),
      ok('Created topic t.\n'),
    )
    expectOutcome(
      await configs(dir, ...TOPIC, '--describe'),
      ok(
        'Dynamic configs for topic t are:\n' +
          '  retention.ms=5000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=5000, STATIC_BROKER_CONFIG:log.retention.hours=24, DEFAULT_CONFIG:log.retention.hours=168}\n',
      ),
    )
  })

  test("kt topics --describe lists every config not at Kafka's default: overrides and server.properties settings", async () => {
    const dir = store()
    writeFileSync(join(dir, 'server.properties'), 'log.segment.bytes=1073741824\nlog.retention.hours=48\n')
    expectOutcome(
      await kt(dir, ['topics', '--create', '--topic', 't', '--config', 'cleanup.policy=compact']),
      ok('Created topic t.\n'),
    )
    const described = await kt(dir, ['topics', '--describe', '--topic', 't'])
    expectOutcome(described, ok(described.stdout))
    expect(described.stdout.split('\n')[0]).toMatch(
      /\tConfigs: cleanup\.policy=compact,retention\.ms=172800000,segment\.bytes=1073741824$/,
    )
  })

  test('the validation and messages of kt topics --create --config; nothing changes on error', async () => {
    const dir = await withTopic('--config', 'retention.ms=5000')
    const alter = (...a: string[]) => configs(dir, ...TOPIC, '--alter', ...a)
    expectOutcome(
      await alter('--add-config', 'retention.ms=abc'),
      failed('Invalid value abc for configuration retention.ms: Not a number of type LONG'),
    )
    expectOutcome(
      await alter('--add-config', 'retention.ms=-2'),
      failed('Invalid value -2 for configuration retention.ms: Value must be at least -1'),
    )
    expectOutcome(
      await alter('--add-config', 'cleanup.policy=[compact,nope]'),
      failed('Invalid value nope for configuration cleanup.policy: String must be one of: compact, delete'),
    )
    expectOutcome(
      await alter('--add-config', 'segment.ms=1000,no.such=1'),
      failed('Unknown topic config name: no.such'),
    )
    expectOutcome(await alter('--delete-config', 'segment.ms,retention.ms'), failed('Invalid config(s): segment.ms'))
    expectOutcome(
      await alter('--add-config', 'retention.ms'),
      usage(
        'Invalid entity config: all configs to be added must be in the format "key=val" or  "key=[val1,val2]" to group values which contain commas.',
      ),
    )
    expectOutcome(await alter('--add-config', 'a b=1'), usage('Invalid character found for config key: a b'))
    expectOutcome(
      await configs(dir, '--topic', 'nope', '--alter', '--add-config', 'retention.ms=1'),
      failed("Topic 'nope' does not exist as expected"),
    )
    // Still only the original override.
    expect((await describeJson(dir, 't')).configs).toEqual({'retention.ms': '5000'})
  })

  test('a missing topic has no dynamic config (Kafka’s line, exit 0); without a name, every topic', async () => {
    const dir = await withTopic('--config', 'retention.ms=5000')
    expectOutcome(await kt(dir, ['topics', '--create', '--topic', 'u']), ok('Created topic u.\n'))
    expectOutcome(
      await configs(dir, '--entity-type', 'topics', '--entity-name', 'nope', '--describe'),
      ok("The topic 'nope' doesn't exist and doesn't have dynamic config.\n"),
    )
    const every = await configs(dir, '--entity-type', 'topics', '--describe')
    expect(every.stdout).toBe(
      'Dynamic configs for topic t are:\n' +
        '  retention.ms=5000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=5000, DEFAULT_CONFIG:log.retention.hours=168}\n' +
        'Dynamic configs for topic u are:\n',
    )
  })
})

describe.concurrent('kt configs --entity-type brokers', () => {
  test('--entity-default and --entity-name 1 --describe: kt has no dynamic broker configs', async () => {
    const dir = store()
    expectOutcome(
      await configs(dir, '--entity-type', 'brokers', '--entity-default', '--describe'),
      ok('Default configs for brokers in the cluster are:\n'),
    )
    expectOutcome(
      await configs(dir, '--entity-type', 'brokers', '--entity-name', '1', '--describe'),
      ok('Dynamic configs for broker 1 are:\n'),
    )
    expectOutcome(
      await configs(dir, '--entity-type', 'brokers', '--describe'),
      ok('Dynamic configs for broker 1 are:\nDefault configs for brokers in the cluster are:\n'),
    )
    expectOutcome(
      await configs(dir, '--entity-type', 'brokers', '--entity-name', '2', '--describe'),
      ok("The broker '2' doesn't exist and doesn't have dynamic config.\n"),
    )
  })

  test('--all shows server.properties settings as static and the rest as defaults', async () => {
    const dir = store()
    writeFileSync(join(dir, 'server.properties'), 'num.partitions=3\n')
    const r = await configs(dir, '--broker', '1', '--describe', '--all')
    const lines = r.stdout.split('\n')
    expect(lines[0]).toBe('All configs for broker 1 are:')
    expect(lines).toContain(
      '  num.partitions=3 sensitive=false synonyms={STATIC_BROKER_CONFIG:num.partitions=3, DEFAULT_CONFIG:num.partitions=1}',
    )
    expect(lines).toContain(
      '  log.retention.hours=168 sensitive=false synonyms={DEFAULT_CONFIG:log.retention.hours=168}',
    )
    expect(lines).toContain('  log.retention.ms=null sensitive=false synonyms={}')
  })

  test('--alter is refused: broker settings are static', async () => {
    const dir = store()
    expectOutcome(
      await configs(dir, '--entity-type', 'brokers', '--entity-default', '--alter', '--add-config', 'num.partitions=3'),
      failed(
        "kt's broker settings are static: edit server.properties in the data directory (kt has no dynamic broker configs)",
      ),
    )
  })
})

describe.concurrent('kt configs usage errors (exit 2)', () => {
  const cases: Array<[string[], string]> = [
    [['--entity-type', 'topics'], 'Command must include exactly one action: --describe, --alter'],
    [
      ['--describe', '--alter', '--entity-type', 'topics'],
      'Command must include exactly one action: --describe, --alter',
    ],
    [
      ['--describe', '--entity-type', 'topics', '--add-config', 'a=1'],
      'Option "[describe]" can\'t be used with option "[add-config]"',
    ],
    [['--describe'], 'At least one entity type must be specified'],
    [
      ['--describe', '--entity-type', 'topics', '--entity-type', 'topics'],
      'Duplicate entity type(s) specified: topics',
    ],
    [
      ['--describe', '--entity-type', 'topics', '--entity-type', 'brokers'],
      "Only 'users' and 'clients' entity types may be specified together",
    ],
    [
      ['--describe', '--entity-type', 'users'],
      "Entity type users is not supported by kt's embedded broker; it has topics and brokers",
    ],
    [
      ['--describe', '--entity-type', 'widgets'],
      'Invalid entity type widgets, the entity type must be one of topics, brokers, clients, users, ips, client-metrics, groups, broker-loggers',
    ],
    [
      ['--describe', '--entity-name', 'x', '--topic', 't'],
      '--entity-{type,name,default} should not be used in conjunction with specific entity flags',
    ],
    [
      ['--describe', '--entity-type', 'brokers', '--entity-name', 'x'],
      'The entity name for brokers must be a valid integer broker id, but it is: x',
    ],
    [
      ['--describe', '--entity-type', 'topics', '--entity-default'],
      '--entity-default must not be specified with --describe of topics',
    ],
    [
      ['--alter', '--entity-type', 'topics', '--add-config', 'a=1'],
      'An entity name must be specified with --alter of topics',
    ],
    [
      ['--alter', '--entity-type', 'brokers', '--add-config', 'a=1'],
      'An entity-name or default entity must be specified with --alter of users, clients, brokers or ips',
    ],
    [
      ['--alter', '--topic', 't'],
      'At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter',
    ],
    [
      ['--alter', '--topic', 't', '--add-config', 'a=1', '--add-config-file', 'f'],
      'Only one of --add-config or --add-config-file must be specified',
    ],
  ]
  for (const [args, message] of cases)
    test(args.join(' '), async () => {
      expectOutcome(await configs(store(), ...args), usage(message))
    })
})
