// ListOffsets: latest (-1), earliest (-2), the record with the largest timestamp (-3, v7+), or
// the first record at or after a time, with that record's timestamp.
import {errorCode, type RequestHeader} from '../../protocol/index.js'
import type {ServerContext} from '../context.js'
import {errorOf} from './errors.js'

export async function listOffsets(
  ctx: ServerContext,
  body: Record<string, unknown>,
  header: RequestHeader,
): Promise<Record<string, unknown>> {
  const topics = body.topics as {name: string; partitions: {partitionIndex: number; timestamp: number}[]}[]
  const out = []
  for (const t of topics) {
    const partitions = []
    for (const p of t.partitions) {
      const r = {errorCode: 0, leaderEpoch: 0, offset: -1, partitionIndex: p.partitionIndex, timestamp: -1}
      partitions.push(r)
      const spec =
        p.timestamp === -1
          ? 'latest'
          : p.timestamp === -2
            ? 'earliest'
            : p.timestamp === -3 && header.apiVersion >= 7
              ? 'max-timestamp'
              : p.timestamp >= 0
                ? {timestamp: p.timestamp}
                : undefined
      if (spec === undefined) {
        r.errorCode = errorCode('INVALID_REQUEST')
        continue
      }

      try {
        const found = await ctx.broker.offsetAndTimestamp(t.name, p.partitionIndex, spec)
        if (found) {
          r.offset = found.offset
          r.timestamp = found.timestamp
        }
      } catch (error) {
        r.errorCode = errorOf(error).code
      }
    }

    out.push({name: t.name, partitions})
  }

  return {throttleTimeMs: 0, topics: out}
}
