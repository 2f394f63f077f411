import {KtCommand} from '../cli/base-command.js'
import {jsonFlag, keyValueFlag, remoteFlags} from '../cli/flags.js'
import {Flags} from '../cli/oclif.js'
import {runTopics, TOPICS_ERROR_PREFIX} from '../cli/topics/run.js'

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

  protected override errorPrefix = TOPICS_ERROR_PREFIX

  async run(): Promise<void> {
    const {flags} = await this.parse(Topics)
    await this.exitWith(await runTopics(this.session, flags))
  }
}
