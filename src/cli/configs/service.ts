// What kafka-configs does with its options, over the Broker interface: describe the configs of
// topics or brokers, or alter a topic's overrides. Returns plain results; never prints.
import type {Broker, ConfigEntry} from '../../engine/index.js'
import type {ConfigsOptions, EntityType} from './options.js'

export interface DescribedEntity {
  entityType: EntityType
  /** '' for the default broker entity. */
  entityName: string
  /** The header kafka-configs prints before the entries. */
  header: string
  configs: ConfigEntry[]
}

export type ConfigsResult =
  | {action: 'alter'; entityType: EntityType; entityName: string; set: Array<[string, string]>; deleted: string[]}
  | {action: 'describe'; entities: DescribedEntity[]; missing?: string}

/** Kafka shows an entity's dynamic configs unless --all: a topic's overrides; kt's brokers have none. */
function shown(entries: ConfigEntry[], all: boolean, dynamicSource: ConfigEntry['source']): ConfigEntry[] {
  return all ? entries : entries.filter((e) => e.source === dynamicSource)
}

export async function runConfigsCommand(broker: Broker, opts: ConfigsOptions): Promise<ConfigsResult> {
  const {entityName, entityType} = opts
  if (opts.action === 'alter') {
    if (entityType === 'brokers') await broker.alterBrokerConfigs(entityName!, opts.add, opts.remove)
    else await broker.alterTopicConfigs(entityName!, opts.add, opts.remove)
    return {action: 'alter', deleted: opts.remove, entityName: entityName!, entityType, set: opts.add}
  }

  const kind = entityType === 'topics' ? 'topic' : 'broker'
  const label = opts.all ? 'All' : 'Dynamic'
  if (entityType === 'topics') {
    const names = entityName === undefined ? await broker.listTopics() : [entityName]
    if (entityName !== undefined && !opts.all && !(await broker.topicMetadata(entityName)))
      return {
        action: 'describe',
        entities: [],
        missing: `The ${kind} '${entityName}' doesn't exist and doesn't have dynamic config.`,
      }
    const entities: DescribedEntity[] = []
    for (const name of names)
      entities.push({
        configs: shown(await broker.describeTopicConfigs(name), opts.all, 'DYNAMIC_TOPIC_CONFIG'),
        entityName: name,
        entityType,
        header: `${label} configs for ${kind} ${name} are:`,
      })
    return {action: 'describe', entities}
  }

  const ids = await broker.brokerIds()
  if (entityName !== undefined && entityName !== '' && !ids.includes(Number(entityName)) && !opts.all)
    return {
      action: 'describe',
      entities: [],
      missing: `The ${kind} '${entityName}' doesn't exist and doesn't have dynamic config.`,
    }
  const names = entityName === undefined ? [...ids.map(String), ''] : [entityName]
  const entities: DescribedEntity[] = []
  for (const name of names)
    entities.push({
      configs: shown(
        await broker.describeBrokerConfigs(name),
        opts.all,
        name === '' ? 'DYNAMIC_DEFAULT_BROKER_CONFIG' : 'DYNAMIC_BROKER_CONFIG',
      ),
      entityName: name,
      entityType,
      header:
        name === '' ? 'Default configs for brokers in the cluster are:' : `${label} configs for ${kind} ${name} are:`,
    })
  return {action: 'describe', entities}
}
