// The console consumer's main loop: take the records the consumer decodes from its assigned
// partitions, format them to stdout with backpressure, wait for other processes' appends when
// caught up, and stop on --max-messages, --timeout-ms, --exit-at-end, a signal or a closed stdout.
import type {Consumer} from '../../client/consumer.js'
import {type Broker, KtError} from '../../engine/index.js'
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

export type LoopEnd = 'end-of-log' | 'max-messages' | 'stopped' | 'timeout'

/** Records processed so far (printed, skipped, or failed), readable even when the loop throws. */
export interface LoopProgress {
  processed: number
}

/** Longest sleep between checks when nothing has a deadline (a manually assigned consumer). */
const MAX_WAIT_MS = 60_000

export async function consumeLoop(
  broker: Broker,
  consumer: Consumer,
  formatter: RecordFormatter,
  out: DataWriter,
  stop: StopController,
  options: LoopOptions,
  progress: LoopProgress,
): Promise<LoopEnd> {
  let lastRecordAt = Date.now()
  const stage = (data: Buffer) => out.stage(data)
  const max = options.maxMessages ?? Number.POSITIVE_INFINITY
  for (;;) {
    if (stop.stopped) return 'stopped'
    if (progress.processed >= max) return 'max-messages'
    const fetched = await consumer.poll()
    if (!fetched) {
      if (options.exitAtEnd && consumer.atEndOfAssignment()) return 'end-of-log'
      await out.flush()
      // Group work (a check, a handover, a commit) before sleeping rather than after waking, so
      // that a consumer woken by new records fetches them first. When it changed what this
      // member reads, poll again before sleeping: its own writes do not wake it.
      if (await consumer.maintain()) continue
      const now = Date.now()
      let wait = Math.min(consumer.nextMaintenanceIn(now), MAX_WAIT_MS)
      if (options.timeoutMs !== undefined) {
        const left = lastRecordAt + options.timeoutMs - now
        if (left <= 0) return 'timeout'
        wait = Math.min(wait, left)
      }

      // The consumer's own wake-ups too: a group peer whose process is gone is handed over now.
      await broker.waitForChange(wait, AbortSignal.any([stop.signal, consumer.wakeSignal]))
      continue
    }

    const {partition, topic} = fetched
    let next = -1
    let failure: Error | undefined
    try {
      for (const batch of consumer.decode(fetched, stage)) {
        const cursor = batch.records
        const from = Math.max(next, batch.from)
        let full = true
        if (formatter.writeValues) {
          // The common case, values only: one tight loop, nothing to fail.
          const done = formatter.writeValues(cursor, from, max - progress.processed, out)
          progress.processed += done.count
          if (done.next >= 0) next = done.next
          full = done.complete
        } else
          while (cursor.next()) {
            if (cursor.offset < from) continue
            if (progress.processed >= max) {
              full = false
              break
            }

            // Counted before formatting, as Kafka does: a record that fails to print counts too.
            progress.processed++
            try {
              formatter.write(topic, partition, cursor, out)
            } catch (error) {
              const where = `(topic '${topic}' partition ${partition} offset ${cursor.offset})`
              if (!options.skipMessageOnError || !(error instanceof KtError))
                throw new KtError(
                  error instanceof KtError ? error.code : 'INVALID_RECORD',
                  `${(error as Error).message} ${where}`,
                )
              options.onSkip(`${error.message} ${where}`)
            }

            next = cursor.offset + 1
          }

        if (!full) break
        next = batch.end
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
    // Hand this fetch's output to stdout and let the event loop run, so that a full pipe, a
    // closed pipe or a signal is noticed before the next fetch.
    await out.flush()
    await consumer.maintain()
  }
}
