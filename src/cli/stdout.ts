// Writing data to stdout with backpressure: buffered into large chunks, written with one call,
// waiting for 'drain' when the pipe is full. A closed pipe (EPIPE, e.g. `| head`) stops the run
// through the StopController instead of being swallowed as oclif does.
import type {StopController} from './signals.js'

const CHUNK = 256 * 1024

export class DataWriter {
  private buf = Buffer.allocUnsafe(CHUNK)
  private pos = 0
  private broken = false
  private callbacks: Array<() => void> = []
  private readonly onError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
      this.broken = true
      this.stop.stop('epipe')
    }
  }

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly stop: StopController,
  ) {
    stream.on('error', this.onError)
  }

  /** True once the reader went away. */
  get closed(): boolean {
    return this.broken
  }

  /** Appends bytes to the pending chunk (no I/O until flush or the chunk is full). */
  write(data: Uint8Array, start = 0, end = data.length): void {
    const n = end - start
    if (this.pos + n > this.buf.length) {
      if (n > this.buf.length) this.grow(this.pos + n)
      else this.spill()
    }

    this.buf.set(start === 0 && end === data.length ? data : data.subarray(start, end), this.pos)
    this.pos += n
  }

  writeString(s: string): void {
    const max = s.length * 3
    if (this.pos + max > this.buf.length) {
      if (max > this.buf.length) this.grow(this.pos + max)
      else this.spill()
    }

    this.pos += this.buf.write(s, this.pos)
  }

  /**
   * Calls `fn` once every byte written so far has been handed to the operating system without
   * error — never if the pipe breaks first. Used to commit only what was really written.
   */
  whenWritten(fn: () => void): void {
    if (this.pos === 0 && this.stream.writableLength === 0 && this.callbacks.length === 0) fn()
    else this.callbacks.push(fn)
  }

  /** Bytes waiting in the pending chunk. */
  get pending(): number {
    return this.pos
  }

  /** Hands pending bytes to the stream and waits while the stream is over its high-water mark. */
  async flush(): Promise<void> {
    this.spill()
    if (this.broken) return
    if (this.stream.writableNeedDrain) await this.drained()
  }

  /** Waits until everything handed to the stream has been written (or the pipe broke). */
  async end(): Promise<void> {
    await this.flush()
    if (this.broken || this.stream.writableLength === 0) return
    await this.drained()
  }

  dispose(): void {
    this.stream.off('error', this.onError)
  }

  private spill(): void {
    const callbacks = this.callbacks
    this.callbacks = []
    if (this.broken) return
    if (this.pos === 0) {
      if (callbacks.length > 0) this.stream.write('', (error) => error || callbacks.forEach((fn) => fn()))
      return
    }

    const chunk = this.buf.subarray(0, this.pos)
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK, this.buf.length))
    this.pos = 0
    this.stream.write(chunk, callbacks.length === 0 ? undefined : (error) => error || callbacks.forEach((fn) => fn()))
  }

  private grow(size: number): void {
    this.spill()
    this.buf = Buffer.allocUnsafe(size)
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.stream.off('drain', done)
        this.stream.off('close', done)
        this.stop.signal.removeEventListener('abort', done)
        resolve()
      }

      this.stream.once('drain', done)
      this.stream.once('close', done)
      this.stop.signal.addEventListener('abort', done, {once: true})
    })
  }
}
