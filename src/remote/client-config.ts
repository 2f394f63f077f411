// Kafka client properties (--command-config, --producer.config, --consumer.config, -property
// options) turned into what the remote client needs: the bootstrap list, TLS and SASL settings
// and timeouts. Plain data only: nothing here loads the Kafka client library, so the embedded
// path pays nothing for it.
import {readFileSync} from 'node:fs'

import {invalidValue, KtError} from '../engine/index.js'

/** Where to connect and how: what --bootstrap-server and the client properties say. */
export interface RemoteTarget {
  /** host:port entries, in the user's order. */
  bootstrapServers: string[]
  /** Client properties: --command-config under the tool's own client properties. */
  properties: ReadonlyMap<string, string>
  /** Known client configs the tool itself does not use (candidates for the warning line). */
  unused?: readonly string[]
  /** The command's --timeout style bound on connecting (ms), when it has one. */
  timeoutMs?: number
}

export type SecurityProtocol = 'PLAINTEXT' | 'SASL_PLAINTEXT' | 'SASL_SSL' | 'SSL'
export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'

/** The connection settings handed to the client library (its option names). */
export interface ConnectionSettings {
  clientId: string
  bootstrapBrokers: string[]
  connectTimeout: number
  requestTimeout: number
  retries: number
  retryDelay: number
  metadataMaxAge: number
  tls?: {
    ca?: string
    cert?: string
    key?: string
    passphrase?: string
    rejectUnauthorized: boolean
    checkServerIdentity?: () => undefined
  }
  sasl?: {mechanism: SaslMechanism; username: string; password: string}
  securityProtocol: SecurityProtocol
}

export interface ResolvedClientConfig {
  settings: ConnectionSettings
  /** Supplied settings kt cannot honour against a cluster (one warning line names them). */
  ignored: string[]
}

/** Client configs the remote connection honours. */
export const HONOURED_CONNECTION_CONFIGS: ReadonlySet<string> = new Set([
  'bootstrap.servers',
  'client.id',
  'metadata.max.age.ms',
  'request.timeout.ms',
  'retries',
  'retry.backoff.ms',
  'sasl.jaas.config',
  'sasl.mechanism',
  'security.protocol',
  'socket.connection.setup.timeout.ms',
  'ssl.endpoint.identification.algorithm',
  'ssl.key.password',
  'ssl.keystore.certificate.chain',
  'ssl.keystore.key',
  'ssl.keystore.location',
  'ssl.keystore.password',
  'ssl.keystore.type',
  'ssl.truststore.certificates',
  'ssl.truststore.location',
  'ssl.truststore.type',
])

/** Kafka's connection-level client configs that kt does not implement (named in the warning). */
const KNOWN_UNSUPPORTED = [
  /^sasl\.(?!jaas\.config$|mechanism$)/,
  /^ssl\.(?!endpoint\.identification\.algorithm$|key\.password$|keystore\.|truststore\.)/,
  /^ssl\.(keystore|truststore)\.(?!certificate|certificates$|key$|location$|password$|type$)/,
]

/** Whether a supplied property is a connection/security setting (honoured or named as ignored). */
export function isConnectionConfig(name: string): boolean {
  return HONOURED_CONNECTION_CONFIGS.has(name) || KNOWN_UNSUPPORTED.some((r) => r.test(name))
}

const SECURITY_PROTOCOLS = new Set<string>(['PLAINTEXT', 'SASL_PLAINTEXT', 'SASL_SSL', 'SSL'])
const MECHANISMS = new Set<string>(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])

/** Kafka's default request.timeout.ms (30 s) and socket.connection.setup.timeout.ms (10 s). */
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000

/** Splits --bootstrap-server's host:port[,host:port] list, checking each entry. */
export function parseBootstrapServers(value: string, option = '--bootstrap-server'): string[] {
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  if (entries.length === 0) throw new KtError('INVALID_CONFIG', `${option}: expected host:port[,host:port…]`)
  for (const e of entries) {
    const m = /^(\[[^\]]+\]|[^:\s]+):(\d+)$/.exec(e)
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65_535)
      throw new KtError(
        'INVALID_CONFIG',
        `Invalid url in bootstrap.servers: ${e} (${option} expects host:port[,host:port…])`,
      )
  }

  return entries
}

/** The settings for the client library, from the target's properties. */
export function resolveClientConfig(target: RemoteTarget, clientId: string): ResolvedClientConfig {
  const props = target.properties
  const get = (name: string) => {
    const v = props.get(name)
    return v === undefined ? undefined : v.trim()
  }

  const protocolRaw = (get('security.protocol') ?? 'PLAINTEXT').toUpperCase()
  if (!SECURITY_PROTOCOLS.has(protocolRaw))
    throw invalidValue(
      'security.protocol',
      String(get('security.protocol')),
      'String must be one of: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL',
    )
  const securityProtocol = protocolRaw as SecurityProtocol
  const usesSasl = securityProtocol.startsWith('SASL_')
  const usesTls = securityProtocol.endsWith('SSL')

  const settings: ConnectionSettings = {
    bootstrapBrokers: target.bootstrapServers,
    clientId: get('client.id') || clientId,
    connectTimeout: positiveMs(props, 'socket.connection.setup.timeout.ms', DEFAULT_CONNECT_TIMEOUT_MS),
    metadataMaxAge: positiveMs(props, 'metadata.max.age.ms', 300_000),
    requestTimeout: positiveMs(props, 'request.timeout.ms', DEFAULT_REQUEST_TIMEOUT_MS),
    // A command-line tool fails fast: one retry after a leader moved or a connection dropped.
    retries: Math.min(positiveMs(props, 'retries', 1), 5),
    retryDelay: positiveMs(props, 'retry.backoff.ms', 100),
    securityProtocol,
  }
  if (target.timeoutMs !== undefined) {
    // A floor of 1 s: a bound of a few ms would fail every request on a busy machine.
    const bound = Math.max(target.timeoutMs, 1000)
    settings.connectTimeout = Math.min(settings.connectTimeout, bound)
    settings.requestTimeout = Math.min(settings.requestTimeout, bound)
  }

  if (usesSasl) {
    const mechanism = (get('sasl.mechanism') ?? 'GSSAPI').toUpperCase()
    if (!MECHANISMS.has(mechanism))
      throw new KtError(
        'INVALID_CONFIG',
        `sasl.mechanism ${mechanism}: kt supports PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512${mechanism === 'GSSAPI' ? ' (GSSAPI is the default when sasl.mechanism is not set)' : ''}`,
      )
    const jaas = get('sasl.jaas.config')
    if (jaas === undefined)
      throw new KtError(
        'INVALID_CONFIG',
        `security.protocol ${securityProtocol} with sasl.mechanism ${mechanism} needs sasl.jaas.config (username and password)`,
      )
    const {password, username} = parseJaasConfig(jaas)
    settings.sasl = {mechanism: mechanism as SaslMechanism, password, username}
  }

  if (usesTls) settings.tls = tlsSettings(get)

  const ignored = new Set<string>()
  for (const name of props.keys()) {
    if (HONOURED_CONNECTION_CONFIGS.has(name)) continue
    if (KNOWN_UNSUPPORTED.some((r) => r.test(name))) ignored.add(name)
  }

  for (const name of target.unused ?? []) if (!HONOURED_CONNECTION_CONFIGS.has(name)) ignored.add(name)
  ignored.delete('bootstrap.servers')
  // Security settings that mean nothing under the chosen protocol.
  for (const name of props.keys()) {
    if (!usesSasl && (name === 'sasl.mechanism' || name === 'sasl.jaas.config')) ignored.add(name)
    if (!usesTls && name.startsWith('ssl.')) ignored.add(name)
  }

  return {ignored: [...ignored].sort(), settings}
}

function positiveMs(props: ReadonlyMap<string, string>, name: string, fallback: number): number {
  const raw = props.get(name)
  if (raw === undefined) return fallback
  const n = Number(raw.trim())
  if (!Number.isInteger(n) || n < 0) throw invalidValue(name, raw, 'Not a number of type INT')
  return n
}

/**
 * The username and password of a PlainLoginModule / ScramLoginModule sasl.jaas.config:
 * `<class> required username="u" password="p";` (Java's JAAS syntax, quoted values).
 */
export function parseJaasConfig(jaas: string): {username: string; password: string} {
  const m = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\b\s*(.*?);?\s*$/s.exec(jaas)
  if (!m)
    throw new KtError(
      'INVALID_CONFIG',
      'sasl.jaas.config: expected <LoginModule class> required username="…" password="…";',
    )
  const options = new Map<string, string>()
  const re = /([\w.]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|(\S+))/g
  for (const o of m[3].matchAll(re)) options.set(o[1], o[2] === undefined ? o[3] : o[2].replaceAll(/\\(.)/g, '$1'))
  const username = options.get('username')
  const password = options.get('password')
  if (username === undefined || password === undefined)
    throw new KtError('INVALID_CONFIG', `sasl.jaas.config: ${m[1]} needs username and password options`)
  return {password, username}
}

function tlsSettings(get: (name: string) => string | undefined): NonNullable<ConnectionSettings['tls']> {
  const tls: NonNullable<ConnectionSettings['tls']> = {rejectUnauthorized: true}
  for (const name of ['ssl.truststore.type', 'ssl.keystore.type']) {
    const type = get(name)
    if (type !== undefined && type.toUpperCase() !== 'PEM')
      throw new KtError(
        'INVALID_CONFIG',
        `${name} ${type}: kt reads PEM files only (convert the store with keytool/openssl and set ${name}=PEM)`,
      )
  }

  const truststore = get('ssl.truststore.location')
  if (truststore !== undefined) tls.ca = readPem(truststore, 'ssl.truststore.location')
  const trusted = get('ssl.truststore.certificates')
  if (trusted !== undefined) tls.ca = trusted
  const keystore = get('ssl.keystore.location')
  if (keystore !== undefined) {
    // A PEM key store holds the private key and the certificate chain in one file.
    const pem = readPem(keystore, 'ssl.keystore.location')
    tls.cert = pem
    tls.key = pem
  }

  const chain = get('ssl.keystore.certificate.chain')
  if (chain !== undefined) tls.cert = chain
  const key = get('ssl.keystore.key')
  if (key !== undefined) tls.key = key
  const passphrase = get('ssl.key.password') ?? get('ssl.keystore.password')
  if (passphrase !== undefined) tls.passphrase = passphrase
  // Kafka: an empty ssl.endpoint.identification.algorithm turns host name verification off.
  if (get('ssl.endpoint.identification.algorithm') === '') tls.checkServerIdentity = () => undefined
  return tls
}

function readPem(path: string, name: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw new KtError(
      'INVALID_CONFIG',
      `Cannot read ${name} '${path}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    )
  }
}
