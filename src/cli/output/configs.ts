// kafka-configs output: Kafka's exact text (a header per entity, then one indented line per
// config with its synonyms), or kt's JSON document with --json.
import type {ConfigEntry} from '../../engine/index.js'
import type {ConfigsResult} from '../configs/service.js'

function entryLine(e: ConfigEntry): string {
  const synonyms = e.synonyms.map((s) => `${s.source}:${s.name}=${s.value}`).join(', ')
  return `  ${e.name}=${e.value} sensitive=${e.sensitive} synonyms={${synonyms}}\n`
}

export function renderConfigsText(result: ConfigsResult): string {
  if (result.action === 'alter')
    return result.entityName === ''
      ? `Completed updating default config for ${result.entityType} in the cluster.\n`
      : `Completed updating config for ${result.entityType.slice(0, -1)} ${result.entityName}.\n`
  if (result.missing !== undefined) return `${result.missing}\n`
  return result.entities.map((e) => `${e.header}\n${e.configs.map((c) => entryLine(c)).join('')}`).join('')
}

/** The --json document (documented in README). */
export function configsJson(result: ConfigsResult): unknown {
  if (result.action === 'alter')
    return {
      altered: {
        deleted: result.deleted,
        entityName: result.entityName,
        entityType: result.entityType,
        set: Object.fromEntries(result.set),
      },
    }
  return {
    entities: result.entities.map((e) => ({
      configs: e.configs.map((c) => ({
        name: c.name,
        readOnly: c.readOnly,
        sensitive: c.sensitive,
        source: c.source,
        synonyms: c.synonyms,
        value: c.value,
      })),
      entityName: e.entityName,
      entityType: e.entityType,
    })),
  }
}
