// Reading stdin as a stream of chunks, with the one fact the producer's flush policy needs:
// whether the input is caught up (nothing more was waiting when the chunk was read). A pipe is
// read 64 KiB at a time, so a shorter chunk with nothing buffered behind it means the writer has
// paused — a line typed by hand, or the end of a burst — and pending records should go out now.
import {createReadStream, fstatSync} from 'node:fs'

import type {StopController} from './signals.js'

/** libuv reads a pipe 64 KiB at a time. */
const PIPE_READ_SIZE = 65_536
/** A regular file (`< file`) is read in larger chunks: fewer thread-pool round trips. */
const FILE_READ_SIZE = 1024 * 1024

export type StdinEvent =
  {type: 'chunk'; chunk: Buffer; caughtUp: boolean} | {type: 'end'} | {type: 'stopped'} | {type: 'timeout'}

export class StdinSource {
  private readonly iterator: AsyncIterator<Buffer>
  private next: Promise<IteratorResult<Buffer>> | undefined
  private readonly stream: NodeJS.ReadableStream & {readableLength: number; destroy(): void}
  private readonly readSize: number

  constructor(private readonly stop: StopController) {
    let isFile = false
    try {
      isFile = fstatSync(0).isFile()
    } catch {
      isFile = false
    }

    this.readSize = isFile ? FILE_READ_SIZE : PIPE_READ_SIZE
    this.stream = isFile
      ? createReadStream('', {autoClose: false, fd: 0, highWaterMark: FILE_READ_SIZE})
      : process.stdin
    this.iterator = this.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  }

  /** The next chunk, end of input, a stop request, or a timeout after `timeoutMs` (if given). */
  async read(timeoutMs?: number): Promise<StdinEvent> {
    this.next ??= this.iterator.next()
    const waits: Promise<StdinEvent>[] = [
      this.next.then((r): StdinEvent => {
        this.next = undefined
        if (r.done) return {type: 'end'}
        const chunk = typeof r.value === 'string' ? Buffer.from(r.value) : r.value
        return {caughtUp: chunk.length < this.readSize && this.stream.readableLength === 0, chunk, type: 'chunk'}
      }),
    ]
    let timer: NodeJS.Timeout | undefined
    let onAbort: (() => void) | undefined
    if (timeoutMs !== undefined)
      waits.push(new Promise((resolve) => (timer = setTimeout(() => resolve({type: 'timeout'}), timeoutMs))))
    waits.push(
      new Promise((resolve) => {
        if (this.stop.stopped) resolve({type: 'stopped'})
        onAbort = () => resolve({type: 'stopped'})
        this.stop.signal.addEventListener('abort', onAbort, {once: true})
      }),
    )
    try {
      return await Promise.race(waits)
    } finally {
      if (timer) clearTimeout(timer)
      if (onAbort) this.stop.signal.removeEventListener('abort', onAbort)
    }
  }

  /** Stops reading so that the process can exit even if the writer keeps the pipe open. */
  close(): void {
    this.stream.pause()
    this.stream.destroy()
  }
}
