// The console producer's main loop: stdin chunks become records, and pending batches are flushed
// (one transaction) when stdin is caught up, at FLUSH_BYTES while input keeps coming, after
// linger.ms, or per record with --sync. Stops at end of input, on a signal, or on bad input.
import type {RecordReader} from '../../client/input-record.js'
import type {Producer} from '../../client/producer.js'
import {isKtError, KtError} from '../../engine/index.js'
import type {StdinSource} from '../stdin.js'

/** Flush when this much is pending even if input keeps coming (group commit size). */
const FLUSH_BYTES = 8 * 1024 * 1024

export interface ProduceLoopOptions {
  lingerMs: number
  sync: boolean
  /** Shows the prompt before the next line is read (on a terminal). */
  prompt?: () => void
  onProgress: (records: number, bytes: number) => void
}

export async function produceLoop(
  producer: Producer,
  reader: RecordReader,
  stdin: StdinSource,
  options: ProduceLoopOptions,
): Promise<void> {
  // Errors about a record name its line.
  const withLine = (error: unknown): unknown => {
    if (!isKtError(error) || error.code === 'CORRUPT_MESSAGE' || /line number/i.test(error.message)) return error
    return new KtError(error.code, `Line number ${reader.lineNumber}: ${error.message}`)
  }

  let bytes = 0
  let lingerDeadline = 0
  options.prompt?.()
  for (;;) {
    const wait = producer.pendingRecords > 0 ? Math.max(0, lingerDeadline - Date.now()) : undefined
    const event = await stdin.read(wait)
    if (event.type === 'stopped') return
    if (event.type === 'timeout') {
      await producer.flush()
      continue
    }

    if (event.type === 'end') {
      try {
        reader.end()
      } catch (error) {
        throw withLine(error)
      }

      return
    }

    const before = producer.pendingRecords
    producer.now = Date.now()
    try {
      const chunk = producer.stage(event.chunk)
      if (options.sync) await pushSync(reader, chunk, producer)
      else reader.push(chunk)
    } catch (error) {
      throw withLine(error)
    }

    bytes += event.chunk.length
    if (before === 0 && producer.pendingRecords > 0) lingerDeadline = Date.now() + options.lingerMs
    if (options.sync || event.caughtUp || producer.pendingBytes >= FLUSH_BYTES || options.lingerMs === 0)
      await producer.flush()
    options.onProgress(producer.sent + producer.pendingRecords, bytes)
    if (event.caughtUp) options.prompt?.()
  }
}

/** --sync: the chunk is fed one line at a time and every record is written before the next. */
async function pushSync(reader: RecordReader, chunk: Buffer, producer: Producer): Promise<void> {
  let start = 0
  for (;;) {
    const nl = chunk.indexOf(10, start)
    if (nl < 0) break
    reader.push(chunk.subarray(start, nl + 1))
    start = nl + 1
    await producer.flush()
  }

  if (start < chunk.length) reader.push(chunk.subarray(start))
}
