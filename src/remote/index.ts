// The remote Broker's entry: loads @platformatic/kafka only now, when --bootstrap-server (or
// KT_BOOTSTRAP_SERVER) asked for a cluster, so the embedded path never pays for it. In the build,
// this import loads lib/kafka.js, the library bundled with its dependencies and with its option
// validators compiled on first use (scripts/bundle.js): measured in one loaded run, its import
// costs 120 ms of CPU where the package from node_modules cost 1030 ms. Under vitest it is the
// package itself.
import type {Broker} from '../engine/index.js'
import {RemoteBroker} from './broker.js'
import {resolveClientConfig, type RemoteTarget} from './client-config.js'

export {isConnectionConfig, parseBootstrapServers, type RemoteTarget} from './client-config.js'

export interface RemoteBrokerOptions {
  /** The default client.id (Kafka's tools use e.g. console-producer, adminclient-1). */
  clientId: string
  /** kt's data dir: where kt keeps what a cluster does not (the reset history). */
  dataDir: string
}

export async function openRemoteBroker(target: RemoteTarget, options: RemoteBrokerOptions): Promise<Broker> {
  const {ignored, settings} = resolveClientConfig(target, options.clientId)
  const warnings =
    ignored.length > 0 ? [`client configs kt does not honour against a Kafka cluster: ${ignored.join(', ')}`] : []
  const lib = await import('@platformatic/kafka')
  return new RemoteBroker(lib, settings, warnings, options.dataDir)
}
