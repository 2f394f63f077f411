import {KtCommand} from '../cli/base-command.js'
import {keyValueFlag, remoteFlags} from '../cli/flags.js'
import {Flags} from '../cli/oclif.js'
import {OPTIONAL_VALUES, runConsoleProducer} from '../cli/producer/run.js'

export default class ConsoleProducer extends KtCommand {
  static override description =
    'Reads records from stdin, one per line (Kafka’s LineMessageReader rules), and appends them to a topic. A missing topic is created (auto.create.topics.enable).'

  static override examples = [
    'seq 1000 | <%= config.bin %> console-producer --topic orders',
    "printf 'user-1:clicked\\n' | <%= config.bin %> console-producer --topic orders --property parse.key=true --property key.separator=:",
    '<%= config.bin %> console-consumer --topic a --from-beginning --output json --exit-at-end | <%= config.bin %> console-producer --topic b --input json',
  ]

  static override flags = {
    'batch-size': Flags.string({helpValue: '<bytes>', summary: 'batch.size: bytes per record batch (default 16384).'}),
    'compression-codec': Flags.string({
      helpValue: '[codec]',
      summary: 'compression.type: none or gzip (given without a value: gzip).',
    }),
    input: Flags.string({
      default: 'text',
      helpValue: 'text|json',
      summary: 'text: LineMessageReader lines; json: kt’s JSON records (as console-consumer --output json writes).',
    }),
    'line-reader': Flags.string({helpValue: '<class>', summary: 'Only org.apache.kafka.tools.LineMessageReader.'}),
    'max-partition-memory-bytes': Flags.string({
      helpValue: '<bytes>',
      summary: 'batch.size as well; wins over --batch-size.',
    }),
    partition: Flags.string({helpValue: '<n>', summary: 'Beyond Kafka: write every record to this partition.'}),
    'producer-property': keyValueFlag(
      'A producer config (acks, linger.ms, batch.size, compression.type, partitioner.class, …).',
    ),
    'producer.config': Flags.string({
      helpValue: '<file>',
      summary: 'Producer configs in a properties file (--producer-property wins).',
    }),
    property: keyValueFlag(
      'A line reader property: parse.key, key.separator, parse.headers, headers.delimiter, headers.separator, headers.key.separator, null.marker, ignore.error.',
    ),
    'reader-config': Flags.string({
      helpValue: '<file>',
      summary: 'Line reader properties in a properties file (--property wins).',
    }),
    'request-required-acks': Flags.string({
      helpValue: '<acks>',
      summary: 'acks: -1/all (fsync each flush, default), 1, or 0.',
    }),
    sync: Flags.boolean({summary: 'Write each record in its own transaction before reading the next.'}),
    timeout: Flags.string({
      helpValue: '<ms>',
      summary: 'linger.ms: longest wait before buffered records are written while input keeps arriving (default 1000).',
    }),
    topic: Flags.string({helpValue: '<topic>', summary: 'The topic to produce to (required).'}),
    ...remoteFlags,
  }

  static override summary = 'Read records from standard input and produce them to a topic.'
  static override optionalValues = OPTIONAL_VALUES

  async run(): Promise<void> {
    const {flags} = await this.parse(ConsoleProducer)
    await this.exitWith(await runConsoleProducer(this.session, flags))
  }
}
