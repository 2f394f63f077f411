// One client connection: splits the byte stream into frames (int32 size, then the request),
// and runs its requests one at a time so that responses go out in request order, as Kafka does
// and as kafka-python and the Java client require. A frame larger than the limit, or a request
// the broker cannot parse, closes this connection only.
import type {Socket} from 'node:net'

/** Requests queued beyond this pause reading, so a pipelining client cannot grow memory unbounded. */
const MAX_QUEUED_FRAMES = 64

export interface FrameHandler {
  /** Handles one request frame; resolves when its response (if any) has been written. */
  handle(connection: Connection, frame: Buffer): Promise<void>
  /** The frame was bigger than socket.request.max.bytes. */
  oversized(connection: Connection, size: number): void
  closed(connection: Connection): void
}

export class Connection {
  private pending: Buffer[] = []
  private pendingBytes = 0
  private readonly queue: Buffer[] = []
  private busy = false
  private closing = false
  /** Resolves once the request being handled (if any) is done. */
  private idle: Promise<void> = Promise.resolve()
  /** See Peer.caughtUp: Fetch's per-connection state, which dies with the connection. */
  readonly caughtUp = new Map<string, number>()

  constructor(
    readonly id: number,
    readonly socket: Socket,
    private readonly maxFrameBytes: number,
    private readonly handler: FrameHandler,
  ) {
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', () => {})
    socket.on('close', () => {
      this.closing = true
      this.queue.length = 0
      handler.closed(this)
    })
  }

  get remoteHost(): string {
    return `/${this.socket.remoteAddress ?? 'unknown'}`
  }

  get open(): boolean {
    return !this.closing && !this.socket.destroyed
  }

  /** Writes a response's chunks; resolves when the socket can take more. */
  async write(chunks: Buffer[]): Promise<void> {
    // A draining connection still answers the request in progress.
    if (this.socket.destroyed) return
    this.socket.cork()
    let ok = true
    for (const c of chunks) ok = this.socket.write(c)
    this.socket.uncork()
    if (!ok && !this.socket.destroyed)
      await new Promise<void>((resolve) => {
        const done = () => {
          this.socket.off('drain', done)
          this.socket.off('close', done)
          resolve()
        }

        this.socket.once('drain', done)
        this.socket.once('close', done)
      })
  }

  close(): void {
    this.closing = true
    this.queue.length = 0
    this.socket.destroy()
  }

  /** Stops reading new requests; resolves when the request in progress is answered. */
  async drain(): Promise<void> {
    this.closing = true
    this.queue.length = 0
    this.socket.pause()
    await this.idle
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
    for (;;) {
      if (this.pendingBytes < 4) break
      if (this.pending[0].length < 4) this.pending = [Buffer.concat(this.pending)]
      const size = this.pending[0].readInt32BE(0)
      if (size < 0 || size > this.maxFrameBytes) {
        this.handler.oversized(this, size)
        this.close()
        return
      }

      if (this.pendingBytes < size + 4) break
      const all = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending)
      this.queue.push(all.subarray(4, size + 4))
      const rest = all.subarray(size + 4)
      this.pending = rest.length > 0 ? [rest] : []
      this.pendingBytes = rest.length
    }

    if (this.queue.length >= MAX_QUEUED_FRAMES) this.socket.pause()
    if (!this.busy) this.idle = this.run()
  }

  private async run(): Promise<void> {
    this.busy = true
    try {
      while (this.queue.length > 0 && this.open) {
        const frame = this.queue.shift()!
        await this.handler.handle(this, frame)
        if (this.queue.length < MAX_QUEUED_FRAMES / 2 && this.open && this.socket.isPaused()) this.socket.resume()
      }
    } finally {
      this.busy = false
    }
  }
}
