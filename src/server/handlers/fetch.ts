// Fetch: a long poll. Stored batches are returned whole, as stored (never re-encoded), from the
// batch holding the fetch offset; the answer goes out once min_bytes are collected or max_wait_ms
// passes, and any writer (this broker or another kt process) wakes the wait. Fetch sessions
// are not kept: session id 0 means a full fetch every time, which every client accepts.
import {errorCode, type RequestHeader} from '../../protocol/index.js'
import type {ServerContext} from '../context.js'
import {errorOf} from './errors.js'

interface FetchPartition {
  partition: number
  currentLeaderEpoch: number
  fetchOffset: number
  partitionMaxBytes: number
}

interface FetchTopic {
  topic: string
  topicId: string
  partitions: FetchPartition[]
}

export async function fetch(
  ctx: ServerContext,
  body: Record<string, unknown>,
  header: RequestHeader,
): Promise<Record<string, unknown>> {
  const byId = header.apiVersion >= 13
  const topics = body.topics as FetchTopic[]
  const maxWaitMs = Math.max(0, body.maxWaitMs as number)
  const minBytes = body.minBytes as number
  const maxBytes = Math.max(1, body.maxBytes as number)
  const deadline = performance.now() + maxWaitMs
  let names = new Map<string, string>()

  for (;;) {
    if (byId) names = new Map((await ctx.broker.topicList()).map((t) => [t.topicId, t.name]))
    let total = 0
    let errors = false
    const responses = []
    for (const t of topics) {
      const name = byId ? names.get(t.topicId) : t.topic
      const partitions = []
      for (const p of t.partitions) {
        const out = {
          abortedTransactions: null,
          errorCode: 0,
          highWatermark: -1,
          lastStableOffset: -1,
          logStartOffset: -1,
          partitionIndex: p.partition,
          preferredReadReplica: -1,
          records: null as Buffer[] | null,
        }
        partitions.push(out)
        if (name === undefined) {
          out.errorCode = errorCode(byId ? 'UNKNOWN_TOPIC_ID' : 'UNKNOWN_TOPIC_OR_PARTITION')
          errors = true
          continue
        }

        // The leader epoch is 0 forever.
        if (p.currentLeaderEpoch > 0) {
          out.errorCode = errorCode('UNKNOWN_LEADER_EPOCH')
          errors = true
          continue
        }

        try {
          const budget = Math.max(1, Math.min(p.partitionMaxBytes, maxBytes - total))
          const r = await ctx.broker.fetch(name, p.partition, p.fetchOffset, {maxBytes: budget})
          out.highWatermark = r.logEndOffset
          out.lastStableOffset = r.logEndOffset
          out.logStartOffset = r.logStartOffset
          const chunks: Buffer[] = []
          let bytes = 0
          for (const b of r.batches) {
            // At least one batch per partition while the response has room (KIP-74), then whole
            // batches only within both limits.
            const fits = bytes + b.data.length <= p.partitionMaxBytes && total + b.data.length <= maxBytes
            if (!fits && (bytes > 0 || total >= maxBytes)) break
            chunks.push(b.data)
            bytes += b.data.length
            total += b.data.length
          }

          out.records = chunks
        } catch (error) {
          out.errorCode = errorOf(error).code
          errors = true
        }
      }

      responses.push({partitions, topic: name ?? t.topic, topicId: t.topicId})
    }

    const remaining = deadline - performance.now()
    if (total >= minBytes || errors || remaining <= 0 || ctx.stopping.aborted)
      return {errorCode: 0, responses, sessionId: 0, throttleTimeMs: 0}
    await ctx.changes.wait(remaining)
  }
}
