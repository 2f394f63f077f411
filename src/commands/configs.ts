import {KtCommand} from '../cli/base-command.js'
import {parseConfigsOptions} from '../cli/configs/options.js'
import {runConfigsCommand} from '../cli/configs/service.js'
import {checkRemoteFlags, jsonFlag, remoteFlags} from '../cli/flags.js'
import {Flags} from '../cli/oclif.js'
import {configsJson, renderConfigsText} from '../cli/output/configs.js'

const action = (summary: string) => Flags.boolean({helpGroup: 'ACTION', summary})

export default class Configs extends KtCommand {
  static override description =
    'Mirrors kafka-configs for topics and brokers. A topic config change applies from the next write (retention from the next check). kt’s broker settings come from server.properties and cannot be altered here.'

  static override examples = [
    '<%= config.bin %> configs --entity-type topics --entity-name orders --describe',
    '<%= config.bin %> configs --entity-type topics --entity-name orders --alter --add-config retention.ms=3600000,cleanup.policy=[compact,delete]',
    '<%= config.bin %> configs --entity-type topics --entity-name orders --alter --delete-config retention.ms',
    '<%= config.bin %> configs --entity-type brokers --entity-default --describe',
  ]

  static override flags = {
    'add-config': Flags.string({
      helpValue: '<k=v,k=[a,b]>',
      summary: 'Configs to set: comma-separated key=value; a value with commas goes in square brackets.',
    }),
    'add-config-file': Flags.string({helpValue: '<file>', summary: 'A properties file of configs to set.'}),
    all: Flags.boolean({summary: 'With --describe: every config, not only the dynamic (overridden) ones.'}),
    alter: action('Alter the configuration of the entity.'),
    broker: Flags.string({
      helpValue: '<id>',
      summary: 'The broker’s id (same as --entity-type brokers --entity-name).',
    }),
    'broker-defaults': Flags.boolean({summary: 'The config defaults for all brokers.'}),
    'delete-config': Flags.string({
      helpValue: '<k1,k2>',
      multiple: true,
      summary: 'Config overrides to remove (comma-separated, repeatable).',
    }),
    describe: action('List configs for the given entity.'),
    'entity-default': Flags.boolean({summary: 'The default entity (brokers: the cluster-wide defaults).'}),
    'entity-name': Flags.string({
      helpValue: '<name>',
      multiple: true,
      summary: 'Name of the entity: a topic or broker id.',
    }),
    'entity-type': Flags.string({
      helpValue: '<topics|brokers>',
      multiple: true,
      summary: 'Type of entity: topics or brokers.',
    }),
    json: jsonFlag,
    topic: Flags.string({
      helpValue: '<topic>',
      summary: 'The topic’s name (same as --entity-type topics --entity-name).',
    }),
    ...remoteFlags,
  }

  static override summary = 'Describe or change the configs of a topic or broker.'

  // kafka-configs prints its errors bare.
  protected override errorPrefix = ''

  async run(): Promise<void> {
    const {flags} = await this.parse(Configs)
    checkRemoteFlags(flags)
    const options = parseConfigsOptions(flags)
    const broker = await this.broker(flags['data-dir'])
    const result = await runConfigsCommand(broker, options)
    process.stdout.write(options.json ? JSON.stringify(configsJson(result), null, 2) + '\n' : renderConfigsText(result))
  }
}
