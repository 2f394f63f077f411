import {KtCommand} from '../cli/base-command.js'
import {Flags} from '../cli/oclif.js'
import {jsonFlag, checkRemoteFlags, remoteFlags} from '../cli/flags.js'
import {commandLine, parseGroupsOptions, withOptionalValues} from '../cli/consumer-groups/options.js'
import {runConsumerGroups} from '../cli/consumer-groups/run.js'
import {StopController} from '../cli/signals.js'

const action = (summary: string) => Flags.boolean({helpGroup: 'ACTION', summary})
const scenario = (summary: string) => Flags.boolean({helpGroup: 'RESET SCENARIO', summary})
const scenarioValue = (helpValue: string, summary: string) =>
  Flags.string({helpGroup: 'RESET SCENARIO', helpValue, summary})

export default class ConsumerGroups extends KtCommand {
  static override description =
    'Mirrors kafka-consumer-groups: list groups, describe their members and lag, reset or delete their offsets. ' +
    'Exit status: 0 on success, 2 for a bad command line, 1 for a runtime error (a group that does not exist, ' +
    'a reset refused because the group is active, a failed deletion), where Kafka prints the error and exits 0.'

  static override examples = [
    '<%= config.bin %> consumer-groups --list',
    '<%= config.bin %> consumer-groups --describe --group billing',
    '<%= config.bin %> consumer-groups --describe --group billing --members --verbose',
    '<%= config.bin %> consumer-groups --describe --all-groups --state',
    '<%= config.bin %> consumer-groups --describe --group billing --watch',
    '<%= config.bin %> consumer-groups --group billing --topic orders --reset-offsets --to-earliest --execute',
    '<%= config.bin %> consumer-groups --group billing --all-topics --reset-offsets --by-duration PT1H --export > plan.csv',
    '<%= config.bin %> consumer-groups --group billing --reset-offsets --from-file plan.csv --execute',
    '<%= config.bin %> consumer-groups --group billing --reset-offsets --undo --execute',
    '<%= config.bin %> consumer-groups --delete --group billing',
  ]

  static override flags = {
    'all-groups': Flags.boolean({summary: 'Apply to all consumer groups.'}),
    'all-topics': Flags.boolean({
      summary: 'With --reset-offsets: every partition the group has a committed offset for.',
    }),
    'by-duration': scenarioValue('<PnDTnHnMnS>', 'Reset to the offsets of this long ago (ISO-8601, e.g. PT1H).'),
    delete: action('Delete the groups (only inactive ones), with their offsets.'),
    'delete-offsets': action('Delete the committed offsets of --topic from an inactive group.'),
    describe: action('Describe groups: offsets and lag (default), --members, or --state.'),
    'dry-run': Flags.boolean({summary: 'With --reset-offsets: only show the plan (the default).'}),
    execute: Flags.boolean({summary: 'With --reset-offsets: write the new offsets.'}),
    export: Flags.boolean({summary: 'With --reset-offsets: print the plan as CSV, for --from-file.'}),
    'from-file': scenarioValue('<path>', 'Reset to the offsets in this CSV file (as --export writes it).'),
    group: Flags.string({helpValue: '<group>', multiple: true, summary: 'A consumer group (repeatable).'}),
    history: Flags.boolean({summary: 'With --describe: the group’s executed offset resets (kt).'}),
    json: jsonFlag,
    list: action('List all consumer groups.'),
    members: Flags.boolean({summary: 'With --describe: the members of the group.'}),
    offsets: Flags.boolean({summary: 'With --describe: offsets and lag per partition (the default).'}),
    'reset-offsets': action('Reset the offsets of inactive groups (a dry run unless --execute).'),
    'shift-by': scenarioValue('<n>', 'Move each committed offset by n (may be negative).'),
    state: Flags.string({
      helpValue: '[states]',
      summary: 'With --describe: the group state. With --list: show states, optionally only these (comma-separated).',
    }),
    timeout: Flags.string({
      helpValue: '<ms>',
      summary: 'With --describe: how long to wait for a rebalancing group to settle.',
    }),
    'to-current': scenario('Reset to the current committed offsets.'),
    'to-datetime': scenarioValue(
      '<yyyy-MM-ddTHH:mm:ss.SSS[zone]>',
      'Reset to the first offset at or after this time (UTC without a zone).',
    ),
    'to-earliest': scenario('Reset to the log start offset.'),
    'to-latest': scenario('Reset to the log end offset.'),
    'to-offset': scenarioValue('<offset>', 'Reset to this offset (clamped to the log).'),
    topic: Flags.string({
      helpValue: '<topic[:p,p]>',
      multiple: true,
      summary: 'With --reset-offsets or --delete-offsets: a topic, or some of its partitions (repeatable).',
    }),
    type: Flags.string({helpValue: '[types]', summary: 'With --list: show group types, optionally only these.'}),
    undo: Flags.boolean({
      helpGroup: 'RESET SCENARIO',
      summary: 'Restore the offsets the group’s last executed reset replaced (kt).',
    }),
    verbose: Flags.boolean({summary: 'With --describe --members: the ASSIGNMENT column.'}),
    watch: Flags.string({
      helpValue: '[seconds]',
      summary: 'With --describe: redraw every few seconds (default 2) and on every change, until Ctrl-C (kt).',
    }),
    ...remoteFlags,
  }

  static override summary = 'List, describe, reset or delete consumer groups.'

  protected override errorPrefix = 'Error: Executing consumer group command failed due to '

  override async init(): Promise<void> {
    this.argv = withOptionalValues(this.argv)
    await super.init()
  }

  async run(): Promise<void> {
    const command = commandLine(this.argv)
    const {flags} = await this.parse(ConsumerGroups)
    checkRemoteFlags(flags)
    const options = parseGroupsOptions(flags, (line) => process.stderr.write(`${line}\n`))
    const broker = await this.broker(flags['data-dir'])
    const stop = new StopController()
    try {
      const status = await runConsumerGroups(broker, options, {
        command,
        err: (t) => process.stderr.write(t),
        out: (t) => process.stdout.write(t),
        signal: stop.signal,
        tty: Boolean(process.stdout.isTTY),
      })
      if (status !== 0) this.exit(status)
    } finally {
      stop.dispose()
    }
  }
}
