// Writing data to stdout with backpressure: bytes are gathered into large chunks, each handed to
// the stream with one write, waiting for 'drain' when the pipe is full. A closed pipe (EPIPE, e.g.
// `| head`) stops the run through the StopController instead of being swallowed as oclif does.
// whenWritten() tells the caller once bytes are really written, so consumers commit only those.
import {setImmediate as yieldToEventLoop} from 'node:timers/promises'

import type {StopController} from './signals.js'

const CHUNK = 256 * 1024
/** Room after each output chunk for staged input (one record batch, usually 16 KiB). */
const STAGE = 1024 * 1024 + 64 * 1024

// Ownership of memory (the rule issue 9's crash broke):
// - An output chunk belongs to the writer until spill() hands it to the stream, and to the stream
//   until its write completes; only then may it be reused.
// - Only a standard chunk (CHUNK bytes of output, then STAGE bytes of staging area, in one
//   allocation) has a staging area. An oversized buffer, made for one piece larger than a chunk,
//   has none: stage() never copies into it, so it can never overwrite pending output.
// - A staged copy is owned by the caller until the next stage() call. Output writes never touch a
//   staging area, and spilling or switching buffers leaves the copy where it is.

export class DataWriter {
  private buf = DataWriter.chunk()
  /** View of the whole memory behind buf (output chunk + staging area), for copyWithin. */
  private whole = Buffer.from(this.buf.buffer)
  /** The current staged copy (in whole, at CHUNK), while it shares memory with buf. */
  private staged: Buffer | undefined
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

  /** Chunk memory the stream has finished writing, ready for reuse (less garbage to collect). */
  private readonly free: Buffer[] = []

  private static chunk(): Buffer {
    return Buffer.allocUnsafeSlow(CHUNK + STAGE).subarray(0, CHUNK)
  }

  /**
   * Copies `source` (say, a record batch) next to the output chunk and returns that copy: bytes
   * written from it then move with copyWithin, which allocates nothing and costs a third of
   * Buffer#copy for record-sized pieces. Valid until the next stage() call; when there is no room
   * to stage it, `source` itself is returned.
   */
  stage(source: Buffer): Buffer {
    // No staging area here (an oversized buffer), or too big for it: the caller's bytes are read
    // in place, which is safe because the caller owns them until its next stage() call.
    if (source.length > STAGE || this.whole.length !== CHUNK + STAGE || this.buf.length !== CHUNK) {
      this.staged = undefined
      return source
    }

    source.copy(this.whole, CHUNK)
    this.staged = this.whole.subarray(CHUNK, CHUNK + source.length)
    return this.staged
  }

  /** Appends bytes to the pending chunk (no I/O until flush or the chunk is full). */
  write(data: Buffer, start = 0, end = data.length): void {
    const n = end - start
    if (this.pos + n > this.buf.length) {
      this.spill()
      if (n > this.buf.length) this.setBuffer(Buffer.allocUnsafeSlow(n))
    }

    if (n === 1) this.buf[this.pos] = data[start]
    else if (data === this.staged) this.whole.copyWithin(this.pos, CHUNK + start, CHUNK + end)
    else data.copy(this.buf, this.pos, start, end)
    this.pos += n
  }

  writeString(s: string): void {
    const max = s.length * 3
    if (this.pos + max > this.buf.length) {
      this.spill()
      if (max > this.buf.length) this.setBuffer(Buffer.allocUnsafeSlow(max))
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
    const reusable = this.buf.length === CHUNK && this.pos > 0 ? this.buf : undefined
    // The chunk belongs to the stream until written: later output goes to other memory.
    if (this.pos > 0) this.setBuffer(this.free.pop() ?? DataWriter.chunk())
    this.pos = 0
    this.inflight++
    this.stream.write(chunk, (error) => {
      this.inflight--
      if (reusable && this.free.length < 4) this.free.push(reusable)
      if (!error && !this.broken) for (const fn of callbacks) fn()
      if (this.inflight === 0) this.settle()
    })
  }

  private setBuffer(buf: Buffer): void {
    this.buf = buf
    this.whole = Buffer.from(buf.buffer)
    // The staged input stays in the old memory; it is read from there with plain copies.
    this.staged = undefined
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
