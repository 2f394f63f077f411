import {Consumer} from '../client/consumer.js'
import {KtCommand} from '../cli/base-command.js'
import {readOnlySubscription} from '../cli/read-only.js'
import {Flags} from '../cli/oclif.js'
import {consumeLoop} from '../cli/consumer/loop.js'
import {parseConsumerOptions} from '../cli/consumer/options.js'
import {EXIT} from '../cli/errors.js'
import {keyValueFlag, refuseRemoteFlags, remoteFlags} from '../cli/flags.js'
import {CLIENT_HOST} from '../cli/process.js'
import {warnAboutClientConfigs} from '../cli/properties.js'
import {StopController} from '../cli/signals.js'
import {DataWriter} from '../cli/stdout.js'

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
        'earliest, latest, an offset (with --partition); beyond Kafka: -N (last N per partition) or a time (ISO-8601 with zone, or epoch ms).',
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
    refuseRemoteFlags(flags)
    let generatedGroup = false
    const options = parseConsumerOptions(flags, () => {
      generatedGroup = true
      return Math.floor(Math.random() * 100_000)
    })
    warnAboutClientConfigs('consumer', options.unknown, options.inert)
    const broker = await this.broker(flags['data-dir'])
    // On a read-only store, a consumer without a group of its own reads its partitions directly.
    const {settings, subscription} = await readOnlySubscription(broker, options, !generatedGroup)
    const stop = new StopController()
    const out = new DataWriter(process.stdout, stop)
    const consumer = new Consumer(
      broker,
      {...settings, clientHost: CLIENT_HOST, processId: process.pid},
      subscription,
      {
        onTopicCreated: (topic, partitions) =>
          process.stderr.write(
            `WARN Topic '${topic}' did not exist: created it with ${partitions} partition(s) (auto.create.topics.enable=true)\n`,
          ),
      },
    )
    const progress = {processed: 0}
    const onSkip = (message: string) =>
      process.stderr.write(`ERROR Error processing message, skipping this message: ${message}\n`)
    let failure: Error | undefined
    try {
      await consumer.open(options.start)
      await consumeLoop(broker, consumer, options.formatter, out, stop, {...options, onSkip}, progress)
    } catch (error) {
      failure = error as Error
    }

    // Commit only what reached stdout, leave the group, and report — on every path.
    try {
      await out.end()
      await consumer.close()
    } catch (error) {
      failure ??= error as Error
    } finally {
      out.dispose()
      stop.dispose()
    }

    if (stop.reason === 'epipe') process.stderr.write('Unable to write to standard out, closing consumer.\n')
    // The error (if any) first; the count is always the last line.
    const code = failure ? this.report(failure) : undefined
    process.stderr.write(`Processed a total of ${progress.processed} messages\n`)
    if (code !== undefined) {
      await this.closeBroker()
      this.exit(code)
    }

    if (stop.reason === 'signal') {
      await this.closeBroker()
      this.exit(EXIT.interrupted)
    }
  }
}
