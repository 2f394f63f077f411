// kafka-topics output: Kafka's exact tab-separated layout on a pipe, the same with coloured
// labels on a terminal, and kt's JSON document with --json.
import type {PartitionDescription, TopicDescription} from '../../engine/index.js'
import type {TopicCommandResult} from '../topics/service.js'
import type {Styler} from './color.js'

export function renderTopicsText(result: TopicCommandResult, s: Styler): string {
  switch (result.action) {
    case 'create': {
      return result.created ? `Created topic ${result.created.name}.\n` : ''
    }

    case 'list': {
      return result.topics.join('\n') + '\n'
    }

    case 'describe': {
      let out = ''
      const label = (l: string) => s.dim(l)
      for (const t of result.topics) {
        const overrides = Object.entries(t.configs)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')
        const summary = result.report === undefined && (!result.topicsWithOverrides || overrides !== '')
        if (summary)
          out +=
            `${label('Topic:')} ${s.bold(t.name)}\t${label('TopicId:')} ${t.topicId}\t${label('PartitionCount:')} ${t.partitionCount}\t` +
            `${label('ReplicationFactor:')} ${t.replicationFactor}\t${label('Configs:')} ${overrides}\n`
        if (result.topicsWithOverrides) continue
        const minIsr = Number(t.configs['min.insync.replicas'] ?? 1)
        for (const p of t.partitions) {
          if (!matchesReport(p, result.report, t.replicationFactor, minIsr)) continue
          out +=
            `\t${label('Topic:')} ${t.name}\t${label('Partition:')} ${p.partition}\t${label('Leader:')} ${p.leader ?? 'none'}\t` +
            `${label('Replicas:')} ${p.replicas.join(',')}\t${label('Isr:')} ${p.isr.join(',')}\t${label('Elr:')} \t${label('LastKnownElr:')} \n`
        }
      }

      return out
    }

    default: {
      return ''
    }
  }
}

function matchesReport(p: PartitionDescription, report: string | undefined, rf: number, minIsr: number): boolean {
  switch (report) {
    case undefined: {
      return true
    }

    case 'under-replicated-partitions': {
      return p.isr.length < rf
    }

    case 'unavailable-partitions': {
      return p.leader === null
    }

    case 'under-min-isr-partitions': {
      return p.leader === null || p.isr.length < minIsr
    }

    case 'at-min-isr-partitions': {
      return p.isr.length === minIsr
    }

    default: {
      return false
    }
  }
}

/** The --json document (documented in README): what Kafka's text shows, and what it hides. */
export function topicsJson(result: TopicCommandResult): unknown {
  switch (result.action) {
    case 'list': {
      return {topics: result.topics}
    }

    case 'describe': {
      return {topics: result.topics.map((t) => topicJson(t))}
    }

    case 'create': {
      return {created: result.created ? topicJson(result.created) : null}
    }

    default: {
      return {[result.action === 'alter' ? 'altered' : 'deleted']: result.topics}
    }
  }
}

function topicJson(t: TopicDescription) {
  return {
    configs: t.configs,
    internal: t.internal,
    name: t.name,
    partitionCount: t.partitionCount,
    partitions: t.partitions.map((p) => ({
      isr: p.isr,
      leader: p.leader,
      logEndOffset: p.logEndOffset,
      logStartOffset: p.logStartOffset,
      partition: p.partition,
      recordCount: p.recordCount,
      replicas: p.replicas,
      sizeBytes: p.sizeBytes,
    })),
    replicationFactor: t.replicationFactor,
    topicId: t.topicId,
  }
}
