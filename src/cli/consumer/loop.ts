// The console consumer's main loop: fetch from the assigned partitions, format records to stdout
// with backpressure, wait for other processes' appends when caught up, and stop on
// --max-messages, --timeout-ms, --exit-at-end, a signal or a closed stdout.
import type {Consumer} from '../../client/consumer.js'
import {type Broker, forEachRecord, KtError, readBatchHeader, RecordView} from '../../engine/index.js'
import type {RecordFormatter} from '../formatter.js'
import type {StopController} from '../signals.js'
import type {DataWriter} from '../stdout.js'

export interface LoopOptions {
  maxMessages?: number
  timeoutMs?: number
  exitAtEnd: boolean
  skipMessageOnError: boolean
  /** Reports a record skipped with --skip-message-on-error. */
  onSkip: (message: string) => void
}

export type LoopEnd = 'end-of-log' | 'error' | 'max-messages' | 'stopped' | 'timeout'

/** Output buffered beyond this is handed to stdout before fetching more. */
const FLUSH_AT = 1024 * 1024

export async function consumeLoop(
  broker: Broker,
  consumer: Consumer,
  formatter: RecordFormatter,
  out: DataWriter,
  stop: StopController,
  options: LoopOptions,
): Promise<{processed: number; end: LoopEnd}> {
  let processed = 0
  let lastRecordAt = Date.now()
  const view = new RecordView()
  const max = options.maxMessages ?? Number.POSITIVE_INFINITY
  for (;;) {
    if (stop.stopped) return {end: 'stopped', processed}
    if (processed >= max) return {end: 'max-messages', processed}
    const fetched = await consumer.poll()
    if (!fetched) {
      if (options.exitAtEnd && consumer.atEndOfAssignment()) return {end: 'end-of-log', processed}
      await out.flush()
      const now = Date.now()
      let wait = consumer.nextMaintenanceIn(now)
      if (options.timeoutMs !== undefined) {
        const left = lastRecordAt + options.timeoutMs - now
        if (left <= 0) return {end: 'timeout', processed}
        wait = Math.min(wait, left)
      }

      await broker.waitForChange(wait, stop.signal)
      await consumer.maintain()
      continue
    }

    const {partition, topic} = fetched
    let next = -1
    let failure: Error | undefined
    try {
      for (const batch of fetched.batches) {
        // The broker verified the batch (structure and CRC) when it read it.
        const header = readBatchHeader(batch.data)
        const from = Math.max(next, batch.baseOffset, consumer.positionOf(topic, partition))
        let full = true
        forEachRecord(
          batch.data,
          header,
          (r) => {
            if (r.offset < from) return true
            if (processed >= max) {
              full = false
              return false
            }

            try {
              formatter.write(topic, partition, r, out)
            } catch (error) {
              const where = `(topic '${topic}' partition ${partition} offset ${r.offset})`
              if (!options.skipMessageOnError || !(error instanceof KtError))
                throw new KtError(
                  error instanceof KtError ? error.code : 'INVALID_RECORD',
                  `${(error as Error).message} ${where}`,
                )
              options.onSkip(`${error.message} ${where}`)
            }

            processed++
            next = r.offset + 1
            return true
          },
          view,
        )
        if (!full) break
        // Offsets of control records and compaction gaps at the end of a batch are consumed too.
        next = batch.lastOffset + 1
      }
    } catch (error) {
      failure = error as Error
    }

    if (next >= 0) {
      const upTo = next
      consumer.advance(topic, partition, upTo)
      out.whenWritten(() => consumer.markWritten(topic, partition, upTo))
      lastRecordAt = Date.now()
    }

    if (failure) throw failure
    if (out.pending >= FLUSH_AT) await out.flush()
    await consumer.maintain()
  }
}
