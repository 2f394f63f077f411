// Fetch: a long poll. Stored batches are returned whole, as stored (never re-encoded), from the
// batch holding the fetch offset; the answer goes out once min_bytes are collected or max_wait_ms
// passes, and any writer (this broker or another kt process) wakes the wait. Fetch sessions
// are not kept: session id 0 means a full fetch every time, which every client accepts.
//
// One departure from Kafka's wait: a consumer that has just drained a backlog (its last answer
// for a partition came at once and reached the log end) gets its next, empty answer at once
// instead of after max_wait_ms. librdkafka reports end of partition only on an answer whose
// fetch offset equals the high watermark, so `kcat -C -e` on Kafka always pays
// fetch.wait.max.ms (500 ms) before it exits: measured here, 0.5 s of a 1.1 s drain of 1M
// records. It costs one extra round trip per backlog drained; a consumer that is already caught
// up (its answers come from waits) long-polls exactly as before, and the empty answer clears the
// mark, so an idle consumer never spins.
import {errorCode, type RequestHeader} from '../../protocol/index.js'
import type {Peer, ServerContext} from '../context.js'
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
  peer: Peer,
): Promise<Record<string, unknown>> {
  const byId = header.apiVersion >= 13
  const topics = body.topics as FetchTopic[]
  const maxWaitMs = Math.max(0, body.maxWaitMs as number)
  const minBytes = body.minBytes as number
  const maxBytes = Math.max(1, body.maxBytes as number)
  const deadline = performance.now() + maxWaitMs
  let names = new Map<string, string>()
  const {caughtUp} = peer

  for (let first = true; ; first = false) {
    if (byId) names = new Map((await ctx.broker.topicList()).map((t) => [t.topicId, t.name]))
    let total = 0
    let errors = false
    /** A partition this connection just caught up on is at its end: the client is owed that news now. */
    let endOwed = false
    const responses = []
    for (const t of topics) {
      const name = byId ? names.get(t.topicId) : t.topic
      const partitions = []
      for (const p of t.partitions) {
        const key = `${byId ? t.topicId : t.topic}\0${p.partition}`
        const out = {
          abortedTransactions: null,
          errorCode: 0,
          highWatermark: -1,
          lastStableOffset: -1,
          logStartOffset: -1,
          partitionIndex: p.partition,
          preferredReadReplica: -1,
          // Empty, never null, when the partition has an error, as Kafka sends it: librdkafka
          // reads a null record set as a parse failure and refetches at once, forever, without
          // seeing the error code (an out-of-range offset hung kcat -C -e at 100% CPU).
          records: [] as Buffer[],
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
          if (chunks.length === 0) {
            if (p.fetchOffset === r.logEndOffset && caughtUp.get(key) === p.fetchOffset) endOwed = true
            caughtUp.delete(key)
          } else if (first && r.batches[chunks.length - 1].lastOffset + 1 >= r.logEndOffset) {
            caughtUp.set(key, r.logEndOffset)
          } else {
            caughtUp.delete(key)
          }
        } catch (error) {
          out.errorCode = errorOf(error).code
          errors = true
        }
      }

      responses.push({partitions, topic: name ?? t.topic, topicId: t.topicId})
    }

    const remaining = deadline - performance.now()
    if (total >= minBytes || errors || endOwed || remaining <= 0 || ctx.stopping.aborted)
      return {errorCode: 0, responses, sessionId: 0, throttleTimeMs: 0}
    await ctx.changes.wait(remaining)
  }
}
