// kafka-console-consumer's run: options, the consumer (group member or manual assignment), the
// fetch/print loop, and the shutdown every path takes: stdout drained, offsets committed for
// what reached it, the group left, then the error (if any) and `Processed a total of N messages`
// on stderr. An error exits with its code, a signal 130, a closed stdout 0.
import {Consumer} from '../../client/consumer.js'
import {isKtError} from '../../engine/index.js'
import {EXIT} from '../errors.js'
import {openClientBroker} from '../client-broker.js'
import {checkRemoteFlags} from '../flags.js'
import {CLIENT_HOST} from '../process.js'
import {directSubscription, readOnlySubscription} from '../read-only.js'
import {type CommandSession, type ExitStatus, warnTopicCreated} from '../session.js'
import {StopController} from '../signals.js'
import {DataWriter} from '../stdout.js'
import {consumeLoop} from './loop.js'
import {type ConsumerFlags, parseConsumerOptions} from './options.js'

export async function runConsoleConsumer(
  session: CommandSession,
  flags: ConsumerFlags & {'data-dir'?: string},
): Promise<ExitStatus> {
  checkRemoteFlags(flags)
  let generatedGroup = false
  const options = parseConsumerOptions(flags, () => {
    generatedGroup = true
    return Math.floor(Math.random() * 100_000)
  })
  const broker = await openClientBroker(
    session,
    'consumer',
    flags,
    {file: flags['consumer.config'], fileOption: '--consumer.config', pairs: flags['consumer-property']},
    options,
  )
  // On a read-only store, a consumer without a group of its own reads its partitions directly.
  let chosen = await readOnlySubscription(broker, options, !generatedGroup)
  const consumerOf = ({settings, subscription}: typeof chosen) =>
    new Consumer(broker, {...settings, clientHost: CLIENT_HOST, processId: process.pid}, subscription, {
      onTopicCreated: warnTopicCreated,
    })
  let consumer = consumerOf(chosen)
  const stop = new StopController()
  const out = new DataWriter(process.stdout, stop)
  const progress = {processed: 0}
  const onSkip = (message: string) =>
    process.stderr.write(`ERROR Error processing message, skipping this message: ${message}\n`)
  let failure: Error | undefined
  try {
    try {
      await consumer.open(options.start)
    } catch (error) {
      // Joining the throwaway group is a write, which a full disk refuses: read directly instead.
      if (!generatedGroup || chosen.subscription.kind === 'assign' || !isKtError(error, 'KAFKA_STORAGE_ERROR'))
        throw error
      chosen = await directSubscription(broker, options)
      consumer = consumerOf(chosen)
      await consumer.open(options.start)
    }

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
  const code = failure ? session.report(failure) : undefined
  process.stderr.write(`Processed a total of ${progress.processed} messages\n`)
  if (code !== undefined) return code
  return stop.reason === 'signal' ? EXIT.interrupted : undefined
}
