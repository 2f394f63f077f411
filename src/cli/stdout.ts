// Writing data to stdout with backpressure: bytes are gathered into large chunks, each handed to
// the stream with one write, waiting for 'drain' when the pipe is full. A closed pipe (EPIPE, e.g.
// `| head`) stops the run through the StopController instead of being swallowed as oclif does.
// whenWritten() tells the caller once bytes are really written, so consumers commit only those.
import {setImmediate as yieldToEventLoop} from 'node:timers/promises'

import type {StopController} from './signals.js'

const CHUNK = 256 * 1024

export class DataWriter {
  private buf = Buffer.allocUnsafe(CHUNK)
  private pos = 0
  private broken = false
  private callbacks: Array<() => void> = []
  private inflight = 0
  private idle: Array<() => void> = []
  private readonly onError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED' || error.code === 'ECONNRESET') {
      this.broken = true
      this.stop.stop('epipe')
      this.settle()
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

  /** Bytes gathered but not yet handed to the stream. */
  get pending(): number {
    return this.pos
  }

  /** Appends bytes to the pending chunk (no I/O until flush or the chunk is full). */
  write(data: Buffer, start = 0, end = data.length): void {
    const n = end - start
    if (this.pos + n > this.buf.length) {
      this.spill()
      if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n)
    }

    data.copy(this.buf, this.pos, start, end)
    this.pos += n
  }

  writeString(s: string): void {
    const max = s.length * 3
    if (this.pos + max > this.buf.length) {
      this.spill()
      if (max > this.buf.length) this.buf = Buffer.allocUnsafe(max)
    }

    this.pos += this.buf.write(s, this.pos)
  }

  /**
   * Calls `fn` once every byte written so far has been handed to the operating system without
   * error — never if the pipe breaks first.
   */
  whenWritten(fn: () => void): void {
    this.callbacks.push(fn)
  }

  /**
   * Hands pending bytes to the stream, waits while the stream is over its high-water mark, and
   * lets the event loop run (so that a broken pipe or a signal is noticed).
   */
  async flush(): Promise<void> {
    this.spill()
    if (!this.broken && this.stream.writableNeedDrain) await this.drained()
    await yieldToEventLoop()
  }

  /** Flushes and waits until every write has completed (or the pipe broke). */
  async end(): Promise<void> {
    this.spill()
    if (this.inflight === 0 || this.broken) return
    await new Promise<void>((resolve) => this.idle.push(resolve))
  }

  dispose(): void {
    this.stream.off('error', this.onError)
  }

  private spill(): void {
    if (this.broken) {
      this.pos = 0
      this.callbacks = []
      return
    }

    if (this.pos === 0 && this.callbacks.length === 0) return
    const callbacks = this.callbacks
    this.callbacks = []
    const chunk = this.buf.subarray(0, this.pos)
    if (this.pos > 0) this.buf = Buffer.allocUnsafe(Math.max(CHUNK, this.buf.length))
    this.pos = 0
    this.inflight++
    this.stream.write(chunk, (error) => {
      this.inflight--
      if (!error && !this.broken) for (const fn of callbacks) fn()
      if (this.inflight === 0) this.settle()
    })
  }

  private settle(): void {
    const waiting = this.idle
    this.idle = []
    for (const resolve of waiting) resolve()
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
