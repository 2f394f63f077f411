// kafka-console-producer's run: options, the topic (created if allowed), the reader for the input
// format, the terminal decisions (prompt, progress line), the read/flush loop, and the exit. What
// was read before a stop or an error is flushed; a signal exits 130.
import {ensureTopic} from '../../client/auto-create-topic.js'
import type {RecordReader} from '../../client/input-record.js'
import {Producer} from '../../client/producer.js'
import {KtError} from '../../engine/index.js'
import {EXIT} from '../errors.js'
import {openClientBroker} from '../client-broker.js'
import {checkRemoteFlags} from '../flags.js'
import {LineMessageReader} from '../line-reader.js'
import {PLAIN, styler, useColour} from '../output/color.js'
import {ProgressLine} from '../output/progress.js'
import {JsonRecordReader} from '../record-json.js'
import {type CommandSession, type ExitStatus, warnTopicCreated} from '../session.js'
import {StopController} from '../signals.js'
import {StdinSource} from '../stdin.js'
import {produceLoop} from './loop.js'
import {parseProducerOptions, type ProducerFlags} from './options.js'

/** Kafka's --compression-codec takes an optional value: given alone, it means gzip. */
export const OPTIONAL_VALUES = {'compression-codec': 'gzip'} as const

export async function runConsoleProducer(
  session: CommandSession,
  flags: ProducerFlags & {'data-dir'?: string},
): Promise<ExitStatus> {
  checkRemoteFlags(flags)
  const options = parseProducerOptions(flags)
  const broker = await openClientBroker(
    session,
    'producer',
    flags,
    {file: flags['producer.config'], fileOption: '--producer.config', pairs: flags['producer-property']},
    options,
  )
  const topic = await ensureTopic(broker, options.topic, options.allowAutoCreate, warnTopicCreated)
  if (options.partition !== undefined && (options.partition < 0 || options.partition >= topic.partitionCount))
    throw new KtError(
      'UNKNOWN_TOPIC_OR_PARTITION',
      `Partition ${options.partition} of topic '${topic.name}' does not exist (it has ${topic.partitionCount} partition(s))`,
    )

  const producer = new Producer(broker, topic, options.settings)
  const stop = new StopController()
  const stdin = new StdinSource(stop)
  // A prompt only when a person types and reads; a progress line only for piped input watched
  // on a terminal.
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
  return stop.reason === 'signal' ? EXIT.interrupted : undefined
}
