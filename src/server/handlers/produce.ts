// Produce: each partition entry must hold exactly one RecordBatch v2, which the engine validates
// in full (CRC-32C included) and appends with offsets assigned in its write transaction, the
// same path kt console-producer takes. acks=0 gets no response at all.
import {isKtError, type ProduceBatch} from '../../engine/index.js'
import {errorCode, type RequestHeader} from '../../protocol/index.js'
import {CLOSE_CONNECTION, type ServerContext} from '../context.js'

interface PartitionData {
  index: number
  records: Buffer | null
}

interface TopicData {
  name: string
  partitionData: PartitionData[]
}

/** Checks the entry's framing: one whole batch, no more, no less. */
function framingError(records: Buffer | null): {code: number; message: string} | undefined {
  if (records === null || records.length < 12)
    return {code: errorCode('CORRUPT_MESSAGE'), message: 'The partition entry holds no complete record batch'}
  const size = records.readInt32BE(8) + 12
  if (size < records.length)
    return {
      code: errorCode('INVALID_RECORD'),
      message: 'A produce request must carry exactly one record batch per partition',
    }
  if (size > records.length)
    return {
      code: errorCode('CORRUPT_MESSAGE'),
      message: `The record batch claims ${size} bytes but ${records.length} were sent`,
    }
  return undefined
}

export async function produce(
  ctx: ServerContext,
  body: Record<string, unknown>,
  header: RequestHeader,
): Promise<Record<string, unknown> | typeof CLOSE_CONNECTION | null> {
  const acks = body.acks as number
  const topicData = body.topicData as TopicData[]
  const results = new Map<PartitionData, Record<string, unknown>>()
  const fail = (p: PartitionData, code: number, message: string | null) =>
    results.set(p, {baseOffset: -1, errorCode: code, errorMessage: message, index: p.index, logAppendTimeMs: -1})

  const batches: ProduceBatch[] = []
  const entries: PartitionData[] = []
  for (const t of topicData)
    for (const p of t.partitionData) {
      if (acks !== 0 && acks !== 1 && acks !== -1) {
        fail(p, errorCode('INVALID_REQUIRED_ACKS'), `Invalid required acks ${acks}`)
        continue
      }

      if (header.apiVersion < 3) {
        fail(p, errorCode('UNSUPPORTED_VERSION'), 'kt broker stores RecordBatch v2 only: use Produce v3 or later')
        continue
      }

      if (body.transactionalId !== null) {
        fail(p, errorCode('TRANSACTIONAL_ID_AUTHORIZATION_FAILED'), 'kt broker does not support transactions')
        continue
      }

      const bad = framingError(p.records)
      if (bad) {
        fail(p, bad.code, bad.message)
        continue
      }

      batches.push({batch: p.records!, partition: p.index, topic: t.name})
      entries.push(p)
    }

  if (batches.length > 0) {
    let outcomes: Awaited<ReturnType<typeof ctx.broker.produceEach>>
    try {
      outcomes = await ctx.broker.produceEach(batches, acks === 0 ? 0 : acks === 1 ? 1 : -1)
    } catch (error) {
      // The store refused the write (a full disk, a damaged or read-only file): nothing of this
      // request was appended. Each partition says so, as Kafka's KAFKA_STORAGE_ERROR, and the
      // connection stays open for what can still be served.
      if (!isKtError(error, 'KAFKA_STORAGE_ERROR')) throw error
      ctx.problem?.(`Produce failed: ${error.message}`)
      outcomes = batches.map(() => ({error: {code: 'KAFKA_STORAGE_ERROR', message: error.message}}))
    }

    ctx.changes.notify()
    for (const [i, o] of outcomes.entries()) {
      if ('error' in o) fail(entries[i], errorCode(o.error.code), o.error.message)
      else
        results.set(entries[i], {
          baseOffset: o.baseOffset,
          errorCode: 0,
          errorMessage: null,
          index: o.partition,
          logAppendTimeMs: o.logAppendTime,
        })
    }
  }

  // acks=0 gets no response; a failure closes the connection instead, as Kafka does, so that the
  // client notices and refreshes its metadata.
  if (acks === 0) return [...results.values()].some((r) => r.errorCode !== 0) ? CLOSE_CONNECTION : null
  return {
    responses: topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => ({logStartOffset: -1, recordErrors: [], ...results.get(p)})),
    })),
    throttleTimeMs: 0,
  }
}
