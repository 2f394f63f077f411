// The remote Broker's entry: loads @platformatic/kafka only now, when --bootstrap-server (or
// KT_BOOTSTRAP_SERVER) asked for a cluster. The import costs ~400 ms (most of it the library
// compiling its option schemas), which the embedded path must not pay: the bundler keeps this
// dynamic import of an external package dynamic.
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
