import {KtCommand} from '../cli/base-command.js'
import {runConsoleConsumer} from '../cli/consumer/run.js'
import {keyValueFlag, remoteFlags} from '../cli/flags.js'
import {Flags} from '../cli/oclif.js'

export default class ConsoleConsumer extends KtCommand {
  static override description =
    'Reads records from a topic and prints them, as kafka-console-consumer does. Without a stop condition it follows the topic and prints new records as other processes append them.'

  static override examples = [
    '<%= config.bin %> console-consumer --topic orders --from-beginning',
    '<%= config.bin %> console-consumer --topic orders --group billing --property print.key=true',
    '<%= config.bin %> console-consumer --topic orders --partition 0 --offset 42 --max-messages 10',
    '<%= config.bin %> console-consumer --topic orders --offset -5 --exit-at-end',
    '<%= config.bin %> console-consumer --topic orders --from-beginning --exit-at-end --output json',
  ]

  static override flags = {
    'consumer-property': keyValueFlag(
      'A consumer config (auto.offset.reset, enable.auto.commit, auto.commit.interval.ms, client.id, group.id, …).',
    ),
    'consumer.config': Flags.string({
      helpValue: '<file>',
      summary: 'Consumer configs in a properties file (--consumer-property wins).',
    }),
    'exit-at-end': Flags.boolean({
      summary: 'Beyond Kafka: stop once every assigned partition reaches the log end offset seen at start.',
    }),
    format: Flags.string({
      helpValue: '<template>',
      summary: 'Beyond Kafka: kcat-style template: %t %p %o %T %k %s %h %K %S, \\n \\t escapes.',
    }),
    formatter: Flags.string({
      helpValue: '<class>',
      summary: 'org.apache.kafka.tools.consumer.DefaultMessageFormatter (default) or NoOpMessageFormatter.',
    }),
    'formatter-config': Flags.string({
      helpValue: '<file>',
      summary: 'Formatter properties in a properties file (--property wins).',
    }),
    'from-beginning': Flags.boolean({summary: 'Start with the earliest record when there is no committed offset.'}),
    group: Flags.string({helpValue: '<group>', summary: 'The consumer group id; offsets are committed to it.'}),
    include: Flags.string({
      helpValue: '<regex>',
      summary: 'Consume every topic matching this regular expression (full match).',
    }),
    'isolation-level': Flags.string({helpValue: '<level>', summary: 'read_uncommitted (default) or read_committed.'}),
    'key-deserializer': Flags.string({
      helpValue: '<class>',
      summary:
        'Print keys through a Kafka deserializer (String, Integer, Long, Short, Double, Float, UUID, ByteArray, Bytes).',
    }),
    'max-messages': Flags.string({helpValue: '<n>', summary: 'Exit after this many records.'}),
    offset: Flags.string({
      helpValue: '<offset>',
      summary:
        'earliest, latest, an offset (with --partition); beyond Kafka: -N (last N per partition) or a time (ISO-8601 with zone, or @ and epoch ms).',
    }),
    output: Flags.string({
      default: 'text',
      helpValue: 'text|json',
      summary: 'Beyond Kafka: json writes one lossless JSON object per record.',
    }),
    partition: Flags.string({helpValue: '<n>', summary: 'Read only this partition (no group).'}),
    property: keyValueFlag(
      'A formatter property: print.key, print.value, print.timestamp, print.partition, print.offset, print.headers, key.separator, line.separator, headers.separator, null.literal, key.deserializer, value.deserializer.',
    ),
    'skip-message-on-error': Flags.boolean({summary: 'Skip a record the formatter cannot print instead of stopping.'}),
    'timeout-ms': Flags.string({helpValue: '<ms>', summary: 'Exit when no record arrived for this long.'}),
    topic: Flags.string({helpValue: '<topic>', summary: 'The topic to consume.'}),
    'value-deserializer': Flags.string({helpValue: '<class>', summary: 'Print values through a Kafka deserializer.'}),
    ...remoteFlags,
  }

  static override summary = 'Read records from a topic and print them to standard output.'

  async run(): Promise<void> {
    const {flags} = await this.parse(ConsoleConsumer)
    await this.exitWith(await runConsoleConsumer(this.session, flags))
  }
}
