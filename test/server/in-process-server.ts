// kt broker's server in the test process, over a store in a temporary directory, on an ephemeral
// port: what the wire tests share.
import {openBroker, type StoreBroker, storeBrokerOf} from '../../src/engine/index.js'
import {KafkaServer, type KafkaServerOptions} from '../../src/server/server.js'

export interface InProcessServer {
  broker: StoreBroker
  server: KafkaServer
  port: number
}

/** Opens the store in dir and serves it on 127.0.0.1 port 0; options override the defaults. */
export async function startInProcessServer(
  dir: string,
  options: Partial<Omit<KafkaServerOptions, 'broker'>> = {},
): Promise<InProcessServer> {
  const broker = storeBrokerOf(await openBroker(dir))
  const server = new KafkaServer({
    broker,
    clusterId: 'AAAAAAAAAAAAAAAAAAAAAA',
    groupInitialRebalanceDelayMs: 0,
    listen: {host: '127.0.0.1', port: 0},
    nodeId: 1,
    ...options,
  })
  const {port} = await server.start()
  return {broker, port, server}
}
