// A raw Kafka protocol client for tests: sends frames built with kt's own codec and reads the
// frames that come back, so tests can send what real clients never would.
import {connect, type Socket} from 'node:net'

import {SCHEMAS} from '../../src/protocol/apis.js'
import {decodeResponse, encodeRequest} from '../../src/protocol/messages.js'
import type {Message} from '../../src/protocol/schema.js'

export class WireClient {
  private buffered = Buffer.alloc(0)
  private readonly frames: Buffer[] = []
  private waiting: (() => void) | undefined
  closed = false
  private correlationId = 0

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk])
      while (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
        const size = this.buffered.readInt32BE(0)
        this.frames.push(this.buffered.subarray(4, 4 + size))
        this.buffered = this.buffered.subarray(4 + size)
      }

      this.waiting?.()
    })
    socket.on('close', () => {
      this.closed = true
      this.waiting?.()
    })
    socket.on('error', () => {})
  }

  static connect(port: number): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new WireClient(socket)))
      socket.once('error', reject)
    })
  }

  /** Sends a request; returns its correlation id. */
  send(apiKey: number, apiVersion: number, body: Message, clientId: string | null = 'wire-test'): number {
    const correlationId = ++this.correlationId
    for (const c of encodeRequest(SCHEMAS.get(apiKey)!, {apiKey, apiVersion, clientId, correlationId}, body))
      this.socket.write(c)
    return correlationId
  }

  /** The next response frame, or undefined if the connection closed (or nothing came within timeoutMs). */
  async nextFrame(timeoutMs = 5000): Promise<Buffer | undefined> {
    const deadline = Date.now() + timeoutMs
    while (this.frames.length === 0 && !this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, deadline - Date.now())
        this.waiting = () => {
          clearTimeout(t)
          resolve()
        }
      })
      this.waiting = undefined
    }

    return this.frames.shift()
  }

  async request(apiKey: number, apiVersion: number, body: Message): Promise<{correlationId: number; body: Message}> {
    const id = this.send(apiKey, apiVersion, body)
    const frame = await this.nextFrame()
    if (!frame) throw new Error(`no response to api ${apiKey} v${apiVersion}: connection closed`)
    const decoded = decodeResponse(frame, SCHEMAS.get(apiKey)!, apiVersion)
    if (decoded.correlationId !== id) throw new Error(`correlation id ${decoded.correlationId}, expected ${id}`)
    return decoded
  }

  /** Resolves true once the server closes the connection (false after timeoutMs). */
  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    while (!this.closed) if ((await this.nextFrame(timeoutMs)) === undefined) break
    return this.closed
  }

  close(): void {
    this.socket.destroy()
  }
}
