// kafka-delete-records over the Broker interface: each partition's log start offset moves up to
// its offset; each gets its new low watermark or its own error (one failure stops no other).
import {type Broker, isKtError} from '../../engine/index.js'
import type {DeleteRecordsOptions} from './options.js'

export type DeleteRecordsResult = {topic: string; partition: number} & (
  {lowWatermark: number} | {error: string; code: string}
)

/** Kafka's exception for an error code, as its admin client reports it. */
const KAFKA_ERRORS: Record<string, string> = {
  OFFSET_OUT_OF_RANGE:
    'org.apache.kafka.common.errors.OffsetOutOfRangeException: The requested offset is not within the range of offsets maintained by the server.',
  UNKNOWN_TOPIC_OR_PARTITION:
    'org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.',
}

export async function runDeleteRecords(broker: Broker, opts: DeleteRecordsOptions): Promise<DeleteRecordsResult[]> {
  const results: DeleteRecordsResult[] = []
  const ordered = [...opts.partitions].sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
  )
  for (const {offset, partition, topic} of ordered) {
    try {
      results.push({lowWatermark: await broker.deleteRecords(topic, partition, offset), partition, topic})
    } catch (error) {
      if (!isKtError(error)) throw error
      results.push({code: error.code, error: KAFKA_ERRORS[error.code] ?? error.message, partition, topic})
    }
  }

  return results
}

/** Kafka's report: two progress lines, then one line per partition. */
export function renderDeleteRecordsText(results: readonly DeleteRecordsResult[]): string {
  let out = 'Executing records delete operation\nRecords delete operation completed:\n'
  for (const r of results)
    out +=
      'lowWatermark' in r
        ? `partition: ${r.topic}-${r.partition}\tlow_watermark: ${r.lowWatermark}\n`
        : `partition: ${r.topic}-${r.partition}\terror: ${r.error}\n`
  return out
}

/** The --json document (documented in README). */
export function deleteRecordsJson(results: readonly DeleteRecordsResult[]): unknown {
  return {
    partitions: results.map((r) =>
      'lowWatermark' in r
        ? {lowWatermark: r.lowWatermark, partition: r.partition, topic: r.topic}
        : {error: r.code, message: r.error, partition: r.partition, topic: r.topic},
    ),
  }
}
