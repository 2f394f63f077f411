import {KtCommand, resolveDataDir} from '../cli/base-command.js'
import {parseBrokerOptions} from '../cli/broker/options.js'
import {runBroker} from '../cli/broker/run.js'
import {Flags} from '../cli/oclif.js'

export default class Broker extends KtCommand {
  static override description =
    'Serves the kt store over the Kafka wire protocol, so Kafka clients (kcat, librdkafka, kafkajs, Python clients) produce, consume and join groups on it while kt commands see the same data. Settings come from server.properties in the data dir (listeners, advertised.listeners, socket.request.max.bytes, group.initial.rebalance.delay.ms, auto.create.topics.enable, num.partitions) or from the options below.'

  static override examples = [
    '<%= config.bin %> broker',
    '<%= config.bin %> broker --listeners PLAINTEXT://127.0.0.1:0',
    'kcat -b 127.0.0.1:9092 -L',
  ]

  static override flags = {
    'advertised-listeners': Flags.string({
      helpValue: 'PLAINTEXT://host:port',
      summary: 'advertised.listeners: the address clients are told to connect to (default: the listener).',
    }),
    listeners: Flags.string({
      helpValue: 'PLAINTEXT://host:port',
      summary: 'listeners: where to accept connections (default PLAINTEXT://127.0.0.1:9092; port 0 picks a free port).',
    }),
    'log-requests': Flags.boolean({
      summary: 'Print one stderr line per request: api key, version, client id, correlation id, duration.',
    }),
  }

  static override summary = 'Serve the store to Kafka clients over the wire protocol.'

  async run(): Promise<void> {
    const {flags} = await this.parse(Broker)
    const dataDir = resolveDataDir(flags['data-dir'])
    const options = parseBrokerOptions(flags, dataDir)
    await runBroker(await this.broker(dataDir), options, dataDir)
  }
}
