// kt broker's lifecycle: bind the listener, say where it is (one stderr line), serve until
// SIGINT/SIGTERM, then let in-flight requests finish and close the store.
import {createHash} from 'node:crypto'
import {realpathSync} from 'node:fs'

import {type Broker, KtError, storeBrokerOf} from '../../engine/index.js'
import {KafkaServer, type RequestLogEntry} from '../../server/server.js'
import {StopController} from '../signals.js'
import {lockStoreForBroker} from './lock.js'
import type {BrokerOptions} from './options.js'

/** A stable cluster id per store: 16 bytes of the store path's hash, as Kafka's 22-character ids. */
function clusterIdOf(dataDir: string): string {
  let path = dataDir
  try {
    path = realpathSync(dataDir)
  } catch {}

  return createHash('sha256').update(path).digest().subarray(0, 16).toString('base64url')
}

function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

export function requestLine(e: RequestLogEntry): string {
  return (
    `request api_key=${e.apiKey} (${e.apiName}) api_version=${e.apiVersion} client_id=${e.clientId ?? ''}` +
    ` correlation_id=${e.correlationId} duration_ms=${e.durationMs.toFixed(1)}${e.error ? ` error=${e.error}` : ''}`
  )
}

export async function runBroker(broker: Broker, options: BrokerOptions, dataDir: string): Promise<void> {
  const stderr = (line: string) => process.stderr.write(`${line}\n`)
  const server = new KafkaServer({
    advertised: {...options.advertised},
    broker: storeBrokerOf(broker),
    clusterId: clusterIdOf(dataDir),
    groupInitialRebalanceDelayMs: options.groupInitialRebalanceDelayMs,
    listen: options.listen,
    maxFrameBytes: options.maxFrameBytes,
    nodeId: broker.config.nodeId,
    onProblem: (message) => stderr(`kt broker: ${message}`),
    onRequest: options.logRequests ? (e) => stderr(requestLine(e)) : undefined,
  })
  const lock = lockStoreForBroker(dataDir)
  const stop = new StopController()
  try {
    let bound
    try {
      bound = await server.start()
    } catch (error) {
      const e = error as NodeJS.ErrnoException
      throw new KtError(
        'INVALID_CONFIG',
        `Cannot listen on ${formatAddress(options.listen.host, options.listen.port)}: ${e.code === 'EADDRINUSE' ? 'the address is already in use' : e.message}`,
      )
    }

    const advertised = server.context.advertised
    stderr(
      `kt broker: listening on PLAINTEXT://${formatAddress(bound.host, bound.port)}` +
        ` (advertised ${formatAddress(advertised.host, advertised.port)}), data dir ${dataDir}, node id ${broker.config.nodeId}`,
    )
    await new Promise<void>((resolve) => {
      if (stop.stopped) resolve()
      else stop.signal.addEventListener('abort', () => resolve(), {once: true})
    })
    await server.stop()
    stderr('kt broker: stopped')
  } finally {
    stop.dispose()
    lock.release()
  }
}
