// A model test of the engine: random sequences of create, produce, fetch, commit, reset and delete
// run through the Broker interface (the embedded broker in this process, over an in-memory store)
// and against a reference model a few lines long, and must agree after every step: the offsets a
// produce is given, what a fetch returns, the errors, the topic list and every group's committed
// offsets. The model is Kafka's behaviour: offsets are consecutive from 0 per partition and never
// reused, a fetch at the log end is empty and beyond it out of range, and deleting a topic also
// deletes the committed offsets of its partitions (as Kafka's group coordinator does).
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {EmbeddedBroker} from '../../src/engine/broker.js'
import {Db} from '../../src/engine/db/connection.js'
import {isKtError} from '../../src/engine/errors.js'
import {RecordBatchBuilder} from '../../src/engine/record-batch.js'
import {defaultConfig, recordsOf} from './support.js'

const TOPICS = ['a', 'b']
const GROUPS = ['g1', 'g2']

type Op =
  | {op: 'create'; topic: string; partitions: number}
  | {op: 'produce'; topic: string; partition: number; values: string[]}
  | {op: 'fetch'; topic: string; partition: number; beyond: number; fraction: number}
  | {op: 'commit'; group: string; topic: string; partition: number; fraction: number}
  | {op: 'reset'; group: string; topic: string; to: 'earliest' | 'latest' | number}
  | {op: 'delete'; topic: string}

const topic = fc.constantFrom(...TOPICS)
const group = fc.constantFrom(...GROUPS)
// Partition 2 is missing from topics created with fewer partitions.
const partition = fc.nat({max: 2})
const fraction = fc.double({max: 1, min: 0, noNaN: true})
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({op: fc.constant('create' as const), partitions: fc.integer({max: 2, min: 1}), topic}),
  {
    arbitrary: fc.record({
      op: fc.constant('produce' as const),
      partition,
      topic,
      values: fc.array(fc.string({maxLength: 6}), {maxLength: 5, minLength: 1}),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({beyond: fc.nat({max: 2}), fraction, op: fc.constant('fetch' as const), partition, topic}),
    weight: 2,
  },
  {arbitrary: fc.record({fraction, group, op: fc.constant('commit' as const), partition, topic}), weight: 2},
  fc.record({
    group,
    op: fc.constant('reset' as const),
    to: fc.oneof(fc.constant('earliest' as const), fc.constant('latest' as const), fraction),
    topic,
  }),
  fc.record({op: fc.constant('delete' as const), topic}),
)

/** The reference: topic → partitions → values; group → "topic/partition" → committed offset. */
class Model {
  readonly topics = new Map<string, string[][]>()
  readonly committed = new Map<string, Map<string, number>>(GROUPS.map((g) => [g, new Map()]))

  log(t: string, p: number): string[] | undefined {
    return this.topics.get(t)?.[p]
  }

  commit(g: string, t: string, p: number, offset: number): void {
    this.committed.get(g)!.set(`${t}/${p}`, offset)
  }

  deleteTopic(t: string): void {
    this.topics.delete(t)
    for (const offsets of this.committed.values())
      for (const k of [...offsets.keys()]) if (k.startsWith(`${t}/`)) offsets.delete(k)
  }
}

function batch(values: readonly string[], now: number): Buffer {
  const b = new RecordBatchBuilder(256)
  for (const v of values) {
    const value = Buffer.from(v)
    b.append(now, null, 0, 0, value, 0, value.length, null)
  }

  return b.build('none')
}

/** The error code of a rejected promise, or the value. */
async function outcome<T>(p: Promise<T>): Promise<{ok: T} | {error: string}> {
  try {
    return {ok: await p}
  } catch (error) {
    if (!isKtError(error)) throw error
    return {error: error.code}
  }
}

/** An in-range offset of a log of `length` records (log start 0: nothing here deletes records). */
const inRange = (length: number, f: number) => Math.min(length, Math.floor(f * (length + 1)))

async function step(broker: EmbeddedBroker, model: Model, o: Op): Promise<void> {
  switch (o.op) {
    case 'create': {
      const got = await outcome(broker.createTopic({name: o.topic, partitions: o.partitions}))
      if (model.topics.has(o.topic)) expect(got).toEqual({error: 'TOPIC_ALREADY_EXISTS'})
      else {
        expect(got).toMatchObject({ok: {name: o.topic, partitions: expect.any(Array)}})
        model.topics.set(
          o.topic,
          Array.from({length: o.partitions}, () => []),
        )
      }

      break
    }

    case 'produce': {
      const got = await outcome(
        broker.produce([{batch: batch(o.values, Date.now()), partition: o.partition, topic: o.topic}], -1),
      )
      const log = model.log(o.topic, o.partition)
      if (!log) expect(got).toEqual({error: 'UNKNOWN_TOPIC_OR_PARTITION'})
      else {
        expect(got).toMatchObject({
          ok: [{baseOffset: log.length, lastOffset: log.length + o.values.length - 1, partition: o.partition}],
        })
        log.push(...o.values)
      }

      break
    }

    case 'fetch': {
      const log = model.log(o.topic, o.partition)
      // In range most of the time; sometimes past the log end.
      const offset = o.beyond > 0 ? (log?.length ?? 0) + o.beyond : inRange(log?.length ?? 0, o.fraction)
      const got = await outcome(broker.fetch(o.topic, o.partition, offset, {maxBytes: 1 << 20}))
      if (!log) expect(got).toEqual({error: 'UNKNOWN_TOPIC_OR_PARTITION'})
      else if (offset > log.length) expect(got).toEqual({error: 'OFFSET_OUT_OF_RANGE'})
      else {
        expect('ok' in got).toBe(true)
        const result = (got as {ok: Awaited<ReturnType<EmbeddedBroker['fetch']>>}).ok
        expect({logEndOffset: result.logEndOffset, logStartOffset: result.logStartOffset}).toEqual({
          logEndOffset: log.length,
          logStartOffset: 0,
        })
        // Whole batches come back: the records before the offset asked for are the reader's to skip.
        const records = recordsOf(result.batches).filter((r) => r.offset >= offset)
        expect(records.map((r) => [r.offset, r.value!.toString()])).toEqual(
          log.slice(offset).map((v, i) => [offset + i, v]),
        )
      }

      break
    }

    case 'commit': {
      // Commits are of in-range offsets of existing partitions, as a consumer makes them.
      const log = model.log(o.topic, o.partition)
      if (!log) return
      const offset = inRange(log.length, o.fraction)
      await broker.commitOffsets(o.group, [{offset, partition: o.partition, topic: o.topic}])
      model.commit(o.group, o.topic, o.partition, offset)
      break
    }

    case 'reset': {
      // consumer-groups --reset-offsets over every partition of the topic: earliest and latest
      // through listOffset, or an arbitrary in-range offset.
      const partitions = model.topics.get(o.topic)
      if (!partitions) return
      const offsets = []
      for (const [p, log] of partitions.entries()) {
        let offset: number
        if (typeof o.to === 'number') offset = inRange(log.length, o.to)
        else {
          offset = (await broker.listOffset(o.topic, p, o.to))!
          expect(offset).toBe(o.to === 'earliest' ? 0 : log.length)
        }

        offsets.push({offset, partition: p, topic: o.topic})
        model.commit(o.group, o.topic, p, offset)
      }

      await broker.commitOffsets(o.group, offsets)
      break
    }

    case 'delete': {
      const got = await outcome(broker.deleteTopic(o.topic))
      if (model.topics.has(o.topic)) {
        expect(got).toEqual({ok: undefined})
        model.deleteTopic(o.topic)
      } else expect(got).toEqual({error: 'UNKNOWN_TOPIC_OR_PARTITION'})
      break
    }
  }
}

async function agree(broker: EmbeddedBroker, model: Model): Promise<void> {
  expect(await broker.listTopics()).toEqual([...model.topics.keys()].sort())
  for (const g of GROUPS) {
    const got = (await broker.committedOffsets(g)).map((c) => [`${c.topic}/${c.partition}`, c.offset])
    expect(new Map(got as Array<[string, number]>), g).toEqual(model.committed.get(g))
  }
}

describe('the engine against a reference model', () => {
  it('agrees after every step of random create/produce/fetch/commit/reset/delete sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, {maxLength: 50, minLength: 1, size: 'max'}), async (ops) => {
        const broker = new EmbeddedBroker(Db.memory(), defaultConfig(), '/nonexistent')
        const model = new Model()
        try {
          for (const o of ops) {
            await step(broker, model, o)
            await agree(broker, model)
          }
        } finally {
          await broker.close()
        }
      }),
      {numRuns: 100},
    )
    // About 3 s on an idle machine; the bound is for a loaded one.
  }, 180_000)
})

describe('deleting a topic', () => {
  it('deletes its committed offsets and the groups left with nothing, so a topic created again starts clean', async () => {
    const broker = new EmbeddedBroker(Db.memory(), defaultConfig(), '/nonexistent')
    try {
      await broker.createTopic({name: 'a', partitions: 2})
      await broker.createTopic({name: 'b', partitions: 1})
      await broker.produce([{batch: batch(['x', 'y'], Date.now()), partition: 1, topic: 'a'}], -1)
      await broker.commitOffsets('only-a', [{offset: 2, partition: 1, topic: 'a'}])
      await broker.commitOffsets('both', [
        {offset: 1, partition: 0, topic: 'a'},
        {offset: 0, partition: 0, topic: 'b'},
      ])
      await broker.deleteTopic('a')
      expect(await broker.committedOffsets('only-a')).toEqual([])
      expect(await broker.committedOffsets('both')).toEqual([{offset: 0, partition: 0, topic: 'b'}])
      // A committed offset of 2 on the new, empty partition would be ahead of its log end.
      await broker.createTopic({name: 'a', partitions: 2})
      expect(await broker.committedOffsets('only-a')).toEqual([])
    } finally {
      await broker.close()
    }
  })
})
