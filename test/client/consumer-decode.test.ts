// Consumer.decode(): the records of a poll() for output, batch by batch — the records from the
// consumer's position on (a position inside a batch skips what was read before), the offset
// after each batch (its end is consumed even when no record there is shown), and `stage` deciding
// which bytes the cursor reads.
import {afterEach, describe, expect, it} from 'vitest'

import {Consumer, type ConsumerSettings} from '../../src/client/consumer.js'
import {type Broker, openBroker, RecordBatchBuilder} from '../../src/engine/index.js'
import {tempDir} from '../engine/support.js'

const settings: ConsumerSettings = {
  allowAutoCreateTopics: false,
  assignor: 'range',
  autoCommitIntervalMs: 5000,
  autoOffsetReset: 'earliest',
  clientHost: '/127.0.0.1',
  clientId: 'console-consumer',
  enableAutoCommit: false,
  heartbeatIntervalMs: 3000,
  maxPartitionFetchBytes: 1_048_576,
  metadataMaxAgeMs: 1000,
  processId: 1,
  sessionTimeoutMs: 45_000,
}

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

function batch(values: string[]): Buffer {
  const b = new RecordBatchBuilder(256)
  for (const v of values) {
    const value = Buffer.from(v)
    b.append(Date.now(), null, 0, 0, value, 0, value.length, null)
  }

  return b.build('none')
}

/** A broker holding topic t with two batches in partition 0: offsets 0–2 (a, b, c) and 3–4 (d, e). */
async function twoBatches(): Promise<Broker> {
  const {cleanup, dir} = tempDir()
  const broker = await openBroker(dir)
  cleanups.push(cleanup, () => broker.close())
  await broker.createTopic({name: 't', partitions: 1})
  await broker.produce([{batch: batch(['a', 'b', 'c']), partition: 0, topic: 't'}], -1)
  await broker.produce([{batch: batch(['d', 'e']), partition: 0, topic: 't'}], -1)
  return broker
}

/** What decode() hands over for one poll: per batch, its from/end and every record the cursor walks. */
async function decoded(consumer: Consumer, stage?: (data: Buffer) => Buffer) {
  const fetched = (await consumer.poll())!
  const out: Array<{from: number; end: number; records: string[]}> = []
  for (const b of consumer.decode(fetched, stage)) {
    const records: string[] = []
    while (b.records.next()) records.push(`${b.records.offset}:${b.records.value!.toString()}`)
    out.push({end: b.end, from: b.from, records})
  }

  return out
}

describe('Consumer.decode', () => {
  it('hands over every batch of a fetch from the position, with the offset after each batch', async () => {
    const broker = await twoBatches()
    const consumer = new Consumer(broker, settings, {kind: 'assign', partitions: [{partition: 0, topic: 't'}]})
    await consumer.open('earliest')
    expect(await decoded(consumer)).toEqual([
      {end: 3, from: 0, records: ['0:a', '1:b', '2:c']},
      {end: 5, from: 3, records: ['3:d', '4:e']},
    ])
  })

  it('a position inside a batch: the batch is walked whole, and `from` says where new records start', async () => {
    const broker = await twoBatches()
    const consumer = new Consumer(broker, settings, {kind: 'assign', partitions: [{partition: 0, topic: 't'}]})
    await consumer.open({offset: 1})
    const batches = await decoded(consumer)
    expect(batches.map((b) => [b.from, b.end])).toEqual([
      [1, 3],
      [3, 5],
    ])
  })

  it('the cursor reads the bytes that stage returns, not the fetched ones', async () => {
    const broker = await twoBatches()
    const consumer = new Consumer(broker, settings, {kind: 'assign', partitions: [{partition: 0, topic: 't'}]})
    await consumer.open('earliest')
    const fetched = (await consumer.poll())!
    const copies: Buffer[] = []
    const values: string[] = []
    // Buffer.alloc, not Buffer.from: each copy has memory of its own (no shared pool).
    const stage = (data: Buffer) => {
      const copy = Buffer.alloc(data.length)
      data.copy(copy)
      copies.push(copy)
      return copy
    }
    for (const b of consumer.decode(fetched, stage))
      while (b.records.next()) {
        expect(b.records.value!.buffer).toBe(copies.at(-1)!.buffer)
        values.push(b.records.value!.toString())
      }

    expect(copies).toHaveLength(fetched.batches.length)
    expect(values).toEqual(['a', 'b', 'c', 'd', 'e'])
  })
})
