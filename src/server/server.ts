// kt broker's TCP server: accepts connections, decodes each request with the protocol codec,
// calls the handler for its API, and writes the response. A request for an API or version the
// broker does not advertise, or one that does not parse, closes its connection (Kafka's
// behaviour); ApiVersions instead answers a too-high version with a v0 error body so that the
// client can retry lower. A handler failure closes that connection only; the broker keeps serving.
import {createServer, type Server, type Socket} from 'node:net'
import {performance} from 'node:perf_hooks'

import {isKtError, type StoreBroker} from '../engine/index.js'
import {
  apis,
  decodeRequest,
  encodeResponse,
  errorCode,
  peekRequestHeader,
  ProtocolError,
  type RequestHeader,
  within,
} from '../protocol/index.js'
import {Connection, type FrameHandler} from './connection.js'
import {CLOSE_CONNECTION, type Endpoint, type ServerContext} from './context.js'
import {GroupCoordinator} from './groups/coordinator.js'
import {HANDLERS} from './handlers/index.js'
import {StoreChanges} from './store-changes.js'

/** Kafka's socket.request.max.bytes default: 100 MiB. */
export const SOCKET_REQUEST_MAX_BYTES = 104_857_600

export interface RequestLogEntry {
  apiKey: number
  apiName: string
  apiVersion: number
  clientId: string | null
  correlationId: number
  durationMs: number
  /** Set when the request closed its connection instead of being answered. */
  error?: string
}

export interface KafkaServerOptions {
  broker: StoreBroker
  nodeId: number
  clusterId: string
  listen: Endpoint
  /** Defaults to the listening address (with the port actually bound). */
  advertised?: Endpoint
  maxFrameBytes?: number
  groupInitialRebalanceDelayMs?: number
  onRequest?: (entry: RequestLogEntry) => void
  /** Something went wrong that the broker survived (a handler bug); for stderr. */
  onProblem?: (message: string) => void
}

export class KafkaServer implements FrameHandler {
  private readonly server: Server
  private readonly connections = new Set<Connection>()
  private readonly stopController = new AbortController()
  private nextConnectionId = 1
  private ctx: ServerContext | undefined
  private retentionTimer: NodeJS.Timeout | undefined

  constructor(private readonly options: KafkaServerOptions) {
    this.server = createServer((socket) => this.accept(socket))
  }

  /** Binds the listener; resolves with the bound address. */
  async start(): Promise<Endpoint> {
    const {listen} = this.options
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(listen.port, listen.host, () => {
        this.server.off('error', reject)
        resolve()
      })
    })
    // Past the bind, a listener error (say, out of file descriptors on accept) is reported, not fatal.
    this.server.on('error', (error) => this.options.onProblem?.(`listener error: ${error.message}`))
    const address = this.server.address()
    const port = typeof address === 'object' && address ? address.port : listen.port
    const advertised = this.options.advertised ?? {host: listen.host, port}
    if (advertised.port === 0) advertised.port = port
    const {broker} = this.options
    const problem = this.options.onProblem && onceInAWhile(this.options.onProblem)
    // Members an earlier broker process with this pid published are stale.
    await broker.clearWireGroups(process.pid)
    this.ctx = {
      advertised,
      broker,
      changes: new StoreChanges(broker, this.stopController.signal),
      clusterId: this.options.clusterId,
      groups: new GroupCoordinator(broker, {
        brokerPid: process.pid,
        endpoint: `${advertised.host}:${advertised.port}`,
        initialRebalanceDelayMs: this.options.groupInitialRebalanceDelayMs ?? 3000,
        maxSessionTimeoutMs: broker.config.groupMaxSessionTimeoutMs,
        minSessionTimeoutMs: broker.config.groupMinSessionTimeoutMs,
        nodeId: this.options.nodeId,
        onProblem: problem,
      }),
      nodeId: this.options.nodeId,
      problem,
      stopping: this.stopController.signal,
    }
    // Kafka's log retention runs every log.retention.check.interval.ms (5 min by default) whether
    // or not anything is written; kt's writers also run it after their appends, so the timer
    // waits at least 1 s (an interval of 1 ms would keep an idle broker busy). setInterval takes
    // at most 2^31-1 ms (about 24.8 days): a longer interval would fire at once.
    const retention = () =>
      broker.cleanLogs().catch((error: Error) => problem?.(`log retention failed: ${error.message}`))
    const every = Math.min(Math.max(broker.config.retentionCheckIntervalMs, 1000), 2_147_483_647)
    this.retentionTimer = setInterval(retention, every)
    this.retentionTimer.unref()
    return {host: listen.host, port}
  }

  get context(): ServerContext {
    return this.ctx!
  }

  /**
   * Stops accepting, lets every connection's request in progress finish (long polls return at
   * once), then closes the connections.
   */
  async stop(): Promise<void> {
    this.stopController.abort()
    clearInterval(this.retentionTimer)
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    await Promise.all([...this.connections].map((c) => c.drain()))
    this.ctx?.groups.close()
    for (const c of this.connections) c.close()
    await closed
    // The groups' members lived in this process.
    await this.options.broker.clearWireGroups(process.pid)
  }

  private accept(socket: Socket): void {
    if (this.stopController.signal.aborted) {
      socket.destroy()
      return
    }

    const connection = new Connection(
      this.nextConnectionId++,
      socket,
      this.options.maxFrameBytes ?? SOCKET_REQUEST_MAX_BYTES,
      this,
    )
    this.connections.add(connection)
  }

  closed(connection: Connection): void {
    this.connections.delete(connection)
  }

  oversized(connection: Connection, size: number): void {
    // A negative size (Kafka: "Invalid receive (size = -16)") is no request at all, not a big one.
    this.options.onProblem?.(
      size < 0
        ? `closing connection from ${connection.remoteHost}: invalid request size ${size}`
        : `closing connection from ${connection.remoteHost}: request of ${size} bytes exceeds socket.request.max.bytes (${this.options.maxFrameBytes ?? SOCKET_REQUEST_MAX_BYTES})`,
    )
  }

  async handle(connection: Connection, frame: Buffer): Promise<void> {
    const started = performance.now()
    let header: RequestHeader
    try {
      header = peekRequestHeader(frame)
    } catch {
      this.options.onProblem?.(`closing connection from ${connection.remoteHost}: unreadable request header`)
      connection.close()
      return
    }

    const log = (apiName: string, error?: string) =>
      this.options.onRequest?.({
        apiKey: header.apiKey,
        apiName,
        apiVersion: header.apiVersion,
        clientId: header.clientId,
        correlationId: header.correlationId,
        durationMs: performance.now() - started,
        error,
      })

    const entry = HANDLERS.get(header.apiKey)
    if (!entry || !within(header.apiVersion, entry.schema.versions)) {
      if (header.apiKey === apis.ApiVersions.apiKey) {
        // Kafka's answer to a version it does not know: a v0 body with UNSUPPORTED_VERSION and the
        // ApiVersions range, in response header v0.
        await connection.write(
          encodeResponse(apis.ApiVersions, 0, header.correlationId, {
            apiKeys: [{apiKey: 18, maxVersion: apis.ApiVersions.versions.max, minVersion: 0}],
            errorCode: errorCode('UNSUPPORTED_VERSION'),
          }),
        )
        log('ApiVersions')
        return
      }

      connection.close()
      log(entry?.schema.name ?? 'Unknown', 'unsupported API or version: connection closed')
      return
    }

    const {schema} = entry
    let body: Record<string, unknown>
    try {
      body = decodeRequest(frame, schema).body
    } catch (error) {
      connection.close()
      log(schema.name, `malformed request (${(error as Error).message}): connection closed`)
      return
    }

    let response: Awaited<ReturnType<typeof entry.handler>>
    try {
      response = await entry.handler(this.ctx!, body, header, {
        caughtUp: connection.caughtUp,
        host: connection.remoteHost,
        id: connection.id,
      })
    } catch (error) {
      // A failure must not take the broker down: this connection closes, the others carry on.
      // An expected one (a KtError: the store is full, damaged or read-only) is its one line; a
      // bug gets its stack.
      connection.close()
      const message =
        error instanceof ProtocolError || isKtError(error) ? error.message : ((error as Error).stack ?? String(error))
      this.ctx!.problem?.(`${schema.name} v${header.apiVersion} failed: ${message}`)
      log(schema.name, 'handler failed: connection closed')
      return
    }

    if (response === CLOSE_CONNECTION) {
      connection.close()
      log(schema.name, 'failed without a response (acks=0): connection closed')
      return
    }

    if (response !== null) {
      try {
        await connection.write(encodeResponse(schema, header.apiVersion, header.correlationId, response))
      } catch (error) {
        connection.close()
        this.options.onProblem?.(`${schema.name} v${header.apiVersion} response failed: ${(error as Error).message}`)
      }
    }

    log(schema.name)
  }
}

/**
 * Prints a line at most once per 10 s: clients retry a write the store refuses (a full disk) at
 * once, and one kcat producer's retries printed the same line over 6,000 times.
 */
export function onceInAWhile(print: (message: string) => void, intervalMs = 10_000): (message: string) => void {
  const printedAt = new Map<string, number>()
  return (message) => {
    const now = Date.now()
    const at = printedAt.get(message)
    if (at !== undefined && now - at < intervalMs) return
    if (printedAt.size >= 1000) printedAt.clear()
    printedAt.set(message, now)
    print(message)
  }
}
