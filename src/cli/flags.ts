// Flag builders shared by the commands, and the remote options every Kafka tool has
// (--bootstrap-server, --command-config): with them kt works against a cluster or kt broker.
import {Flags} from './oclif.js'

import {isConnectionConfig} from '../remote/client-config.js'
import type {Broker} from '../engine/index.js'
import {UsageError} from './errors.js'
import {readPropertiesFile} from './properties.js'
import type {ClientProperties} from './session.js'

/** A repeatable key=value option (--property, --config, --producer-property …). */
export function keyValueFlag(summary: string) {
  return Flags.string({helpValue: '<key=value>', multiple: true, multipleNonGreedy: true, summary})
}

export const remoteFlags = {
  'bootstrap-server': Flags.string({
    env: 'KT_BOOTSTRAP_SERVER',
    helpGroup: 'REMOTE',
    helpValue: '<host:port[,host:port]>',
    summary:
      'The Kafka cluster (or kt broker) to work against instead of the embedded store. Env: KT_BOOTSTRAP_SERVER.',
  }),
  'command-config': Flags.string({
    helpGroup: 'REMOTE',
    helpValue: '<file>',
    summary:
      'Client properties for the cluster connection: security.protocol, sasl.mechanism, sasl.jaas.config, ssl.*.location (PEM), request.timeout.ms …',
  }),
}

/** Checks the remote options' combination: --command-config only describes a cluster connection. */
export function checkRemoteFlags(flags: {'bootstrap-server'?: string; 'command-config'?: string}): void {
  if (flags['command-config'] !== undefined && flags['bootstrap-server'] === undefined)
    throw new UsageError(
      '--command-config: client connection properties need a cluster to connect to; give --bootstrap-server (or KT_BOOTSTRAP_SERVER) too',
    )
}

/** Whether the run works against a cluster (--bootstrap-server or KT_BOOTSTRAP_SERVER). */
export function isRemote(flags: {'bootstrap-server'?: string}): boolean {
  return flags['bootstrap-server'] !== undefined
}

/**
 * A tool's client configs, split for the warnings: against a cluster the connection settings
 * (security.protocol, sasl.*, ssl.*, timeouts) are not unknown and not inert; the remote broker
 * names the settings it cannot honour in one line of its own.
 */
export function clientConfigWarnings(
  remote: boolean,
  unknown: readonly string[],
  inert: readonly string[],
): {unknown: string[]; inert: string[]} {
  if (!remote) return {inert: [...inert], unknown: [...unknown]}
  return {inert: [], unknown: unknown.filter((n) => !isConnectionConfig(n))}
}

export const jsonFlag = Flags.boolean({summary: 'Print a JSON document instead of Kafka’s text layout.'})

/** The remote options as a command parsed them. */
export interface RemoteFlags {
  'bootstrap-server'?: string
  'command-config'?: string
  /** kafka-consumer-groups --timeout (the command's flags are kept whole: see requestBound). */
  timeout?: string
  /** kafka-console-consumer --timeout-ms. */
  'timeout-ms'?: string
}

/**
 * The tool option that bounds a request to the cluster, as Kafka's tool bounds it:
 * kafka-consumer-groups' --timeout is the timeout of each of its admin calls (withTimeoutMs), and
 * kafka-console-consumer's --timeout-ms ends the run once nothing arrived for that long, also when
 * nothing answers. kafka-console-producer's --timeout is linger.ms, not a bound: its requests wait
 * request.timeout.ms, as Kafka's producer's do. An unanswering server fails within the bound
 * instead of the 30 s request.timeout.ms default.
 */
function requestBound(commandId: string, flags: RemoteFlags): number | undefined {
  const value =
    commandId === 'consumer-groups' ? flags.timeout : commandId === 'console-consumer' ? flags['timeout-ms'] : undefined
  const ms = value === undefined ? Number.NaN : Number(value)
  return Number.isFinite(ms) && ms > 0 ? ms : undefined
}

/** Kafka's tools' default client ids, by command. */
const CLIENT_IDS: Record<string, string> = {
  'console-consumer': 'console-consumer',
  'console-producer': 'console-producer',
}

/**
 * Connects to the cluster of --bootstrap-server: --command-config's properties under the tool's
 * own client properties (theirs win, as the more specific source). The client library is loaded
 * here, and only here.
 */
export async function openRemote(
  commandId: string,
  dataDir: string,
  flags: RemoteFlags,
  client: ClientProperties | undefined,
): Promise<Broker> {
  checkRemoteFlags(flags)
  const properties = readPropertiesFile(flags['command-config'], '--command-config')
  // --command-config holds connection settings only: anything else in it is named as ignored.
  const unused = [...properties.keys(), ...(client?.unused ?? [])]
  for (const [k, v] of client?.properties ?? []) properties.set(k, v)
  const fromFlag = flags['bootstrap-server']!
  const {openRemoteBroker, parseBootstrapServers} = await import('../remote/index.js')
  return openRemoteBroker(
    {
      bootstrapServers: parseBootstrapServers(fromFlag),
      properties,
      timeoutMs: requestBound(commandId, flags),
      unused,
    },
    {clientId: CLIENT_IDS[commandId] ?? 'adminclient-1', dataDir},
  )
}
