import {Producer} from '../client/producer.js'
import type {RecordReader} from '../client/input-record.js'
import {KtCommand} from '../cli/base-command.js'
import {Flags} from '../cli/oclif.js'
import {keyValueFlag, refuseRemoteFlags, remoteFlags} from '../cli/flags.js'
import {LineMessageReader} from '../cli/line-reader.js'
import {PLAIN, styler, useColour} from '../cli/output/color.js'
import {ProgressLine} from '../cli/output/progress.js'
import {parseProducerOptions} from '../cli/producer/options.js'
import {ensureTopic} from '../cli/ensure-topic.js'
import {produceLoop} from '../cli/producer/loop.js'
import {JsonRecordReader} from '../cli/record-json.js'
import {EXIT} from '../cli/errors.js'
import {warnAboutClientConfigs} from '../cli/properties.js'
import {StopController} from '../cli/signals.js'
import {StdinSource} from '../cli/stdin.js'
import {KtError} from '../engine/index.js'

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
  static override optionalValues = {'compression-codec': 'gzip'}

  override async init(): Promise<void> {
    await super.init()
    // --compression-codec takes an optional value: alone, it means gzip (as in Kafka).
    const i = this.argv.indexOf('--compression-codec')
    if (i >= 0 && (i + 1 >= this.argv.length || this.argv[i + 1].startsWith('--'))) this.argv.splice(i + 1, 0, 'gzip')
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(ConsoleProducer)
    refuseRemoteFlags(flags)
    const options = parseProducerOptions(flags)
    warnAboutClientConfigs('producer', options.unknown, options.inert)
    const broker = await this.broker(flags['data-dir'])
    const topic = await ensureTopic(broker, options.topic, options.allowAutoCreate, (line) =>
      process.stderr.write(`${line}\n`),
    )
    if (options.partition !== undefined && (options.partition < 0 || options.partition >= topic.partitionCount))
      throw new KtError(
        'UNKNOWN_TOPIC_OR_PARTITION',
        `Partition ${options.partition} of topic '${topic.name}' does not exist (it has ${topic.partitionCount} partition(s))`,
      )

    const producer = new Producer(broker, topic, options.settings)
    const stop = new StopController()
    const stdin = new StdinSource(stop)
    const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY)
    const showProgress = !process.stdin.isTTY && Boolean(process.stderr.isTTY)
    const progress = new ProgressLine(
      process.stderr,
      showProgress,
      showProgress ? await styler(useColour(process.stderr)) : PLAIN,
    )
    const sink = (record: Parameters<Producer['send']>[0]) => {
      if (options.partition !== undefined) record.partition = options.partition
      producer.send(record)
    }

    // A record that is too large is refused with Kafka's message once its line is read; a line
    // many times the limit is refused before it is all in memory.
    const recordLimit = Math.min(options.settings.maxRequestSize, topic.maxMessageBytes)
    const lineLimit = recordLimit * 16 + 1024 * 1024
    const reader: RecordReader =
      options.input === 'json'
        ? new JsonRecordReader(sink, lineLimit, recordLimit)
        : new LineMessageReader(options.reader, sink, lineLimit, recordLimit)
    let failure: Error | undefined
    try {
      await produceLoop(producer, reader, stdin, {
        lingerMs: options.lingerMs,
        onProgress: (records, bytes) => progress.update(records, bytes),
        prompt: interactive ? () => process.stdout.write('>') : undefined,
        sync: options.sync,
      })
    } catch (error) {
      failure = error as Error
    }

    // Whatever was read before the stop or the error is kept.
    try {
      await producer.flush()
    } catch (error) {
      failure ??= error as Error
    } finally {
      progress.clear()
      stdin.close()
      stop.dispose()
    }

    if (failure) throw failure
    if (stop.reason === 'signal') {
      await this.closeBroker()
      this.exit(EXIT.interrupted)
    }
  }
}
