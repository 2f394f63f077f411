// The two requests kt sends in its own encoding over the client library's connections: Produce
// with RecordBatches kt already built (its producer partitions and batches client-side, with the
// same murmur2 as the embedded path), and Fetch returning the stored batches as bytes (kt's
// formatter reads RecordBatch v2 itself; decoding into objects and back would cost more than the
// fetch). Everything else goes through the library's own API calls.
import type * as Kafka from '@platformatic/kafka'

import {checkBatch, type FetchedBatch} from '../engine/index.js'

type Lib = typeof Kafka
type Connection = Kafka.Connection
type Reader = Kafka.Reader

export interface RawPartitionBatches {
  partition: number
  /** One RecordBatch v2 (Kafka takes one batch per partition in a produce request). */
  batch: Buffer
}

export interface ProducedPartition {
  topic: string
  partition: number
  errorCode: number
  errorMessage: string | null
  baseOffset: number
  logAppendTime: number
}

export interface FetchPartitionRequest {
  topic: string
  partition: number
  offset: number
  maxBytes: number
}

export interface FetchedPartition {
  topic: string
  partition: number
  errorCode: number
  highWatermark: number
  logStartOffset: number
  batches: FetchedBatch[]
}

export interface Wire {
  produce(
    connection: Connection,
    acks: number,
    timeoutMs: number,
    topics: ReadonlyArray<{topic: string; partitions: readonly RawPartitionBatches[]}>,
  ): Promise<ProducedPartition[]>
  fetch(
    connection: Connection,
    maxWaitMs: number,
    maxBytes: number,
    partitions: readonly FetchPartitionRequest[],
  ): Promise<FetchedPartition[]>
}

/** Produce v9 and Fetch v12: flexible versions every Kafka since 2.7 (and kt broker) serves. */
export function createWire(lib: Lib): Wire {
  const produce = lib.createAPI(
    0,
    9,
    (
      acks: number,
      timeoutMs: number,
      topics: ReadonlyArray<{topic: string; partitions: readonly RawPartitionBatches[]}>,
    ) => {
      const w = lib.Writer.create()
        .appendString(null)
        .appendInt16(acks)
        .appendInt32(timeoutMs)
        .appendArray([...topics], (w, t) => {
          w.appendString(t.topic).appendArray([...t.partitions], (w, p) => {
            w.appendInt32(p.partition)
              .appendUnsignedVarInt(p.batch.length + 1)
              .append(p.batch)
          })
        })
        .appendTaggedFields()
      if (acks === 0) w.context.noResponse = true
      return w
    },
    (_correlationId: number, _apiKey: number, _apiVersion: number, r: Reader): ProducedPartition[] => {
      const out: ProducedPartition[] = []
      r.readArray((r) => {
        const topic = r.readString()
        r.readArray((r) => {
          const partition = r.readInt32()
          const errorCode = r.readInt16()
          const baseOffset = Number(r.readInt64())
          const logAppendTime = Number(r.readInt64())
          r.readInt64() // log_start_offset
          const recordErrors: string[] = []
          r.readArray((r) => {
            r.readInt32()
            const m = r.readNullableString()
            if (m) recordErrors.push(m)
          })
          const errorMessage = r.readNullableString() ?? (recordErrors.length > 0 ? recordErrors[0] : null)
          out.push({baseOffset, errorCode, errorMessage, logAppendTime, partition, topic})
        })
      })
      r.readInt32() // throttle_time_ms
      return out
    },
  )

  const fetch = lib.createAPI(
    1,
    12,
    (maxWaitMs: number, maxBytes: number, partitions: readonly FetchPartitionRequest[]) => {
      const byTopic = new Map<string, FetchPartitionRequest[]>()
      for (const p of partitions) {
        const list = byTopic.get(p.topic)
        if (list) list.push(p)
        else byTopic.set(p.topic, [p])
      }

      return lib.Writer.create()
        .appendInt32(-1) // replica_id: a consumer
        .appendInt32(maxWaitMs)
        .appendInt32(1) // min_bytes
        .appendInt32(maxBytes)
        .appendInt8(0) // read_uncommitted, as kafka-console-consumer reads by default
        .appendInt32(0) // session_id: no fetch session
        .appendInt32(-1) // session_epoch: full fetch, no session
        .appendArray([...byTopic], (w, [topic, list]) => {
          w.appendString(topic).appendArray(list, (w, p) => {
            w.appendInt32(p.partition)
              .appendInt32(-1) // current_leader_epoch
              .appendInt64(BigInt(p.offset))
              .appendInt32(-1) // last_fetched_epoch
              .appendInt64(-1n) // log_start_offset (followers only)
              .appendInt32(p.maxBytes)
          })
        })
        .appendArray([], () => {}) // forgotten_topics_data
        .appendString('') // rack_id
        .appendTaggedFields()
    },
    (_correlationId: number, _apiKey: number, _apiVersion: number, r: Reader): FetchedPartition[] => {
      r.readInt32() // throttle_time_ms
      const errorCode = r.readInt16()
      r.readInt32() // session_id
      const out: FetchedPartition[] = []
      r.readArray((r) => {
        const topic = r.readString()
        r.readArray((r) => {
          const partition = r.readInt32()
          const partitionError = r.readInt16()
          const highWatermark = Number(r.readInt64())
          r.readInt64() // last_stable_offset
          const logStartOffset = Number(r.readInt64())
          r.readArray((r) => {
            r.readInt64()
            r.readInt64()
          })
          r.readInt32() // preferred_read_replica
          const size = r.readUnsignedVarInt() - 1
          let batches: FetchedBatch[] = []
          if (size > 0) {
            batches = splitBatches(r.buffer.slice(r.position, r.position + size))
            r.skip(size)
          }

          out.push({
            batches,
            errorCode: errorCode === 0 ? partitionError : errorCode,
            highWatermark,
            logStartOffset,
            partition,
            topic,
          })
        })
      })
      return out
    },
  )

  return {
    fetch: (connection, maxWaitMs, maxBytes, partitions) => fetch.async(connection, maxWaitMs, maxBytes, partitions),
    produce: async (connection, acks, timeoutMs, topics) => {
      const answer: unknown = await produce.async(connection, acks, timeoutMs, topics)
      // acks=0: the broker sends no response; the library resolves with whether the socket took
      // the bytes at once (a boolean), so there are no per-partition answers to read.
      return acks === 0 || !Array.isArray(answer) ? [] : (answer as ProducedPartition[])
    },
  }
}

/**
 * The whole batches in a fetched records field, each checked (structure and CRC-32C) as the
 * embedded store checks what it reads; a batch cut off at the response's size limit is dropped
 * (the next fetch starts there).
 */
export function splitBatches(records: Buffer): FetchedBatch[] {
  const batches: FetchedBatch[] = []
  let pos = 0
  while (pos + 61 <= records.length) {
    const size = records.readInt32BE(pos + 8) + 12
    if (pos + size > records.length) break
    const data = records.subarray(pos, pos + size)
    const header = checkBatch(data)
    batches.push({baseOffset: header.baseOffset, data, lastOffset: header.baseOffset + header.lastOffsetDelta})
    pos += size
  }

  return batches
}
