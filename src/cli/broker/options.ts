// kt broker's settings, from its flags or <data-dir>/server.properties with Kafka's names:
// listeners, advertised.listeners, socket.request.max.bytes, group.initial.rebalance.delay.ms.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {invalidValue, KtError, parseJavaProperties, SERVER_PROPERTIES} from '../../engine/index.js'
import {UsageError} from '../errors.js'
import {parseInteger} from '../options.js'

export interface Listener {
  host: string
  port: number
}

export interface BrokerOptions {
  listen: Listener
  advertised: Listener
  maxFrameBytes: number
  groupInitialRebalanceDelayMs: number
  logRequests: boolean
}

export const DEFAULT_LISTENERS = 'PLAINTEXT://127.0.0.1:9092'
const SOCKET_REQUEST_MAX_BYTES = 104_857_600
const GROUP_INITIAL_REBALANCE_DELAY_MS = 3000

/** The first listener of a Kafka listener list (`PLAINTEXT://host:port,...`); PLAINTEXT only. */
export function parseListeners(value: string, name: string): Listener {
  const first = value.split(',')[0].trim()
  const m = /^([A-Za-z0-9_]+):\/\/(\[[^\]]*\]|[^:/]*):(\d+)$/.exec(first)
  if (!m) throw new UsageError(`Invalid ${name} '${value}': expected PLAINTEXT://host:port`)
  if (m[1].toUpperCase() !== 'PLAINTEXT')
    throw new UsageError(`Invalid ${name} '${value}': kt broker speaks PLAINTEXT only, not ${m[1]}`)
  const port = Number(m[3])
  if (port > 65_535) throw new UsageError(`Invalid ${name} '${value}': port ${port} is out of range`)
  const host = m[2].startsWith('[') ? m[2].slice(1, -1) : m[2]
  return {host: host === '' ? '0.0.0.0' : host, port}
}

function intSetting(props: ReadonlyMap<string, string>, name: string, fallback: number, min: number): number {
  const raw = props.get(name)
  if (raw === undefined) return fallback
  // ConfigDef: trimmed, then Integer.parseInt (Number() took "1e3" and "0x10").
  const n = parseInteger(raw.trim(), 'INT')
  if (n === undefined)
    throw new UsageError(`${SERVER_PROPERTIES}: ${invalidValue(name, raw, 'Not a number of type INT').message}`)
  if (n < min)
    throw new UsageError(`${SERVER_PROPERTIES}: ${invalidValue(name, raw, `Value must be at least ${min}`).message}`)
  return n
}

export function parseBrokerOptions(
  flags: {listeners?: string; 'advertised-listeners'?: string; 'log-requests': boolean},
  dataDir: string,
): BrokerOptions {
  let props: ReadonlyMap<string, string> = new Map()
  const file = join(dataDir, SERVER_PROPERTIES)
  try {
    props = parseJavaProperties(readFileSync(file, 'utf8'))
  } catch (error) {
    // ENOTDIR: the data dir (or a directory above it) is a file. The store, opened next, names
    // that in the words every tool uses; the file's own error would not (issue 9).
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'ENOENT' && code !== 'ENOTDIR')
      throw new KtError('INVALID_CONFIG', `Cannot read ${file}: ${(error as Error).message}`)
  }

  const listenersText = flags.listeners ?? props.get('listeners') ?? DEFAULT_LISTENERS
  const listen = parseListeners(listenersText, flags.listeners === undefined ? 'listeners' : '--listeners')
  const advertisedText = flags['advertised-listeners'] ?? props.get('advertised.listeners')
  const advertised =
    advertisedText === undefined
      ? {host: listen.host === '0.0.0.0' || listen.host === '::' ? '127.0.0.1' : listen.host, port: listen.port}
      : parseListeners(
          advertisedText,
          flags['advertised-listeners'] === undefined ? 'advertised.listeners' : '--advertised-listeners',
        )
  return {
    advertised,
    groupInitialRebalanceDelayMs: intSetting(
      props,
      'group.initial.rebalance.delay.ms',
      GROUP_INITIAL_REBALANCE_DELAY_MS,
      0,
    ),
    listen,
    logRequests: flags['log-requests'],
    maxFrameBytes: intSetting(props, 'socket.request.max.bytes', SOCKET_REQUEST_MAX_BYTES, 1),
  }
}
