import {KtCommand} from '../cli/base-command.js'
import {Flags} from '../cli/oclif.js'
import {jsonFlag, keyValueFlag, refuseRemoteFlags, remoteFlags} from '../cli/flags.js'
import {renderTopicsText, topicsJson} from '../cli/output/topics.js'
import {styler, useColour} from '../cli/output/color.js'
import {parseTopicOptions} from '../cli/topics/options.js'
import {runTopicCommand} from '../cli/topics/service.js'

const action = (summary: string) => Flags.boolean({helpGroup: 'ACTION', summary})

export default class Topics extends KtCommand {
  static override description =
    'Mirrors kafka-topics. --topic is a regular expression (full match) for --list, --describe, --alter and --delete.'

  static override examples = [
    '<%= config.bin %> topics --create --topic orders --partitions 3',
    '<%= config.bin %> topics --list',
    '<%= config.bin %> topics --describe --topic orders',
    '<%= config.bin %> topics --alter --topic orders --partitions 6',
    '<%= config.bin %> topics --delete --topic orders',
  ]

  static override flags = {
    alter: action('Alter the number of partitions of a topic.'),
    'at-min-isr-partitions': Flags.boolean({
      summary: 'With --describe: only partitions whose ISR count equals min.insync.replicas.',
    }),
    config: keyValueFlag('A topic config override for the topic being created (repeatable).'),
    create: action('Create a new topic.'),
    delete: action('Delete a topic.'),
    'delete-config': Flags.string({
      helpValue: '<name>',
      multiple: true,
      summary: 'Deprecated in Kafka 4.0 and ignored (use kafka-configs); accepted with Kafka’s warning.',
    }),
    describe: action('List details for the given topics.'),
    'exclude-internal': Flags.boolean({summary: 'Exclude internal topics when running list or describe.'}),
    'if-exists': Flags.boolean({
      summary: 'With --alter, --delete or --describe: do nothing if the topic does not exist.',
    }),
    'if-not-exists': Flags.boolean({summary: 'With --create: do nothing if the topic already exists.'}),
    json: jsonFlag,
    list: action('List all available topics.'),
    'partition-size-limit-per-response': Flags.string({
      helpValue: '<n>',
      summary: 'Partitions per describe response (paging only).',
    }),
    partitions: Flags.string({
      helpValue: '<n>',
      summary: 'Partition count for --create (default num.partitions) or the new count for --alter.',
    }),
    'replica-assignment': Flags.string({
      helpValue: '<b1:b2,b3:b4>',
      summary: 'Manual replicas per partition, for --create or --alter.',
    }),
    'replication-factor': Flags.string({
      helpValue: '<n>',
      summary: 'Replication factor for --create (kt is one broker: 1).',
    }),
    topic: Flags.string({
      helpValue: '<topic>',
      summary: 'Topic to create, or a regular expression of topics to alter, describe, list or delete.',
    }),
    'topic-id': Flags.string({helpValue: '<id>', summary: 'With --describe: the topic id to describe.'}),
    'topics-with-overrides': Flags.boolean({summary: 'With --describe: only topics that have config overrides.'}),
    'unavailable-partitions': Flags.boolean({summary: 'With --describe: only partitions without a leader.'}),
    'under-min-isr-partitions': Flags.boolean({
      summary: 'With --describe: only partitions whose ISR is below min.insync.replicas.',
    }),
    'under-replicated-partitions': Flags.boolean({summary: 'With --describe: only under-replicated partitions.'}),
    ...remoteFlags,
  }

  static override summary = 'Create, delete, describe, or change a topic.'

  protected override errorPrefix = 'Error while executing topic command : '

  async run(): Promise<void> {
    const {flags} = await this.parse(Topics)
    refuseRemoteFlags(flags)
    const options = parseTopicOptions(flags)
    const warn = (line: string) => process.stderr.write(`${line}\n`)
    if (flags['delete-config'] !== undefined)
      warn(
        'delete-config option is no longer supported and deprecated since version 4.0. The config will be fully removed in future releases.',
      )
    if (
      options.action === 'describe' &&
      options.ifExists &&
      options.topic !== undefined &&
      options.topicId !== undefined
    )
      warn(
        'Only topic id will be used when both --topic and --topic-id are specified and topicId is not Uuid.ZERO_UUID',
      )
    const broker = await this.broker(flags['data-dir'])
    const result = await runTopicCommand(broker, options, warn)
    process.stdout.write(
      options.json
        ? JSON.stringify(topicsJson(result), null, 2) + '\n'
        : renderTopicsText(result, await styler(useColour(process.stdout))),
    )
  }
}
