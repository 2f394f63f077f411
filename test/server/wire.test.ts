// The server against a raw protocol client (kt's own codec): what real clients never send.
// The broker runs in-process over a temporary store.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type StoreBroker} from '../../src/engine/index.js'
import {SCHEMAS} from '../../src/protocol/apis.js'
import {decodeResponse} from '../../src/protocol/messages.js'
import {KafkaServer} from '../../src/server/server.js'
import {HANDLERS} from '../../src/server/handlers/index.js'
import {crc32c} from '../../src/engine/crc32c.js'
import {batchOf, tempDir} from '../engine/support.js'
import {startInProcessServer} from './in-process-server.js'
import {WireClient} from './wire-client.js'

let broker: StoreBroker
let server: KafkaServer
let port: number
const problems: string[] = []
const store = tempDir('kt-wire-')

beforeAll(async () => {
  ;({broker, port, server} = await startInProcessServer(store.dir, {
    maxFrameBytes: 1024 * 1024,
    onProblem: (m) => problems.push(m),
  }))
  await broker.createTopic({name: 'w', partitions: 2})
})

afterAll(async () => {
  await server.stop()
  await broker.close()
  store.cleanup()
})

const produceBody = (records: Buffer | null, acks = -1, topic = 'w', partition = 0) => ({
  acks,
  timeoutMs: 1000,
  topicData: [{name: topic, partitionData: [{index: partition, records}]}],
  transactionalId: null,
})

const partitionOf = (body: Record<string, unknown>) =>
  (body.responses as {partitionResponses: Record<string, unknown>[]}[])[0].partitionResponses[0]

describe('ApiVersions', () => {
  it('advertises every implemented API with its whole implemented range', async () => {
    const c = await WireClient.connect(port)
    const {body} = await c.request(18, 3, {clientSoftwareName: 'kt-test', clientSoftwareVersion: '1'})
    c.close()
    expect(body.errorCode).toBe(0)
    const keys = body.apiKeys as {apiKey: number; minVersion: number; maxVersion: number}[]
    expect(keys.map((k) => [k.apiKey, k.minVersion, k.maxVersion])).toEqual(
      [...HANDLERS.values()]
        .map((h) => [h.schema.apiKey, h.schema.versions.min, h.schema.versions.max])
        .sort((a, b) => a[0] - b[0]),
    )
    // reference A.2's recommended ranges
    const range = (k: number) => keys.find((x) => x.apiKey === k)
    // Produce from 0: librdkafka 2.0 compresses only when v0 is in range (v0-2 are refused per partition)
    expect(range(0)).toMatchObject({maxVersion: 9, minVersion: 0})
    expect(range(1)).toMatchObject({maxVersion: 13, minVersion: 4})
    expect(range(11)).toMatchObject({maxVersion: 9, minVersion: 0})
  })

  it('answers a too-high version with a v0 body: UNSUPPORTED_VERSION and its own range', async () => {
    const c = await WireClient.connect(port)
    const id = c.send(18, 99, {})
    const frame = (await c.nextFrame())!
    const {body, correlationId} = decodeResponse(frame, SCHEMAS.get(18)!, 0)
    expect(correlationId).toBe(id)
    expect(body).toEqual({apiKeys: [{apiKey: 18, maxVersion: 3, minVersion: 0}], errorCode: 35, throttleTimeMs: 0})
    // the connection stays usable: the client retries lower
    expect((await c.request(18, 0, {})).body.errorCode).toBe(0)
    c.close()
  })
})

describe('Produce', () => {
  it('a batch with a bad CRC gets CORRUPT_MESSAGE and nothing is stored', async () => {
    const c = await WireClient.connect(port)
    const batch = batchOf(['x'])
    batch[batch.length - 1] ^= 0xff
    const {body} = await c.request(0, 7, produceBody(batch))
    c.close()
    expect(partitionOf(body).errorCode).toBe(2)
    expect(await broker.listOffset('w', 0, 'latest')).toBe(0)
  })

  it('two batches in one partition entry get INVALID_RECORD', async () => {
    const c = await WireClient.connect(port)
    const {body} = await c.request(0, 9, produceBody(Buffer.concat([batchOf(['a']), batchOf(['b'])])))
    c.close()
    expect(partitionOf(body).errorCode).toBe(87)
  })

  it('a good batch gets its base offset; an unknown partition gets UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const c = await WireClient.connect(port)
    const ok = await c.request(0, 8, produceBody(batchOf(['a', 'b'])))
    expect(partitionOf(ok.body)).toMatchObject({baseOffset: 0, errorCode: 0})
    const bad = await c.request(0, 8, produceBody(batchOf(['a']), -1, 'w', 7))
    expect(partitionOf(bad.body).errorCode).toBe(3)
    const acks = await c.request(0, 8, produceBody(batchOf(['a']), 2))
    expect(partitionOf(acks.body).errorCode).toBe(21)
    c.close()
  })

  it('Produce v0-2 (message formats 0 and 1) are refused per partition with UNSUPPORTED_VERSION', async () => {
    const c = await WireClient.connect(port)
    const {body} = await c.request(0, 2, {...produceBody(batchOf(['old'])), transactionalId: undefined})
    c.close()
    expect(partitionOf(body).errorCode).toBe(35)
  })

  it('acks=0 gets no response, and the next request on the connection is answered', async () => {
    const c = await WireClient.connect(port)
    const before = await broker.listOffset('w', 1, 'latest')
    c.send(0, 7, produceBody(batchOf(['quiet']), 0, 'w', 1))
    const {correlationId} = await c.request(18, 0, {})
    c.close()
    expect(correlationId).toBe(2)
    expect(await broker.listOffset('w', 1, 'latest')).toBe(before! + 1)
  })
})

/** A batch stamped with an idempotent producer's id, epoch and base sequence (CRC recomputed). */
function idempotentBatch(values: string[], producerId: number, epoch: number, sequence: number): Buffer {
  const b = batchOf(values)
  b.writeBigInt64BE(BigInt(producerId), 43)
  b.writeInt16BE(epoch, 51)
  b.writeInt32BE(sequence, 53)
  b.writeUInt32BE(crc32c(b, 21, b.length), 17)
  return b
}

/** InitProducerId v4: a new producer id, or (given one and its epoch) the epoch bumped. */
const initProducerId = (c: WireClient, producerId = -1, producerEpoch = -1) =>
  c.request(22, 4, {producerEpoch, producerId, transactionTimeoutMs: 60_000, transactionalId: null})

describe('idempotent producers', () => {
  it('InitProducerId hands out ids; a resent batch gets its first offsets and is stored once', async () => {
    const c = await WireClient.connect(port)
    const init = await initProducerId(c)
    expect(init.body).toMatchObject({errorCode: 0, producerEpoch: 0})
    const pid = init.body.producerId as number
    const other = await c.request(22, 0, {transactionTimeoutMs: 60_000, transactionalId: null})
    expect(other.body.producerId).not.toBe(pid)
    await broker.createTopic({name: 'idem'})
    const first = await c.request(0, 7, produceBody(idempotentBatch(['a', 'b'], pid, 0, 0), -1, 'idem'))
    const again = await c.request(0, 7, produceBody(idempotentBatch(['a', 'b'], pid, 0, 0), -1, 'idem'))
    expect(partitionOf(first.body)).toMatchObject({baseOffset: 0, errorCode: 0})
    expect(partitionOf(again.body)).toMatchObject({baseOffset: 0, errorCode: 0})
    const next = await c.request(0, 7, produceBody(idempotentBatch(['c'], pid, 0, 2), -1, 'idem'))
    expect(partitionOf(next.body)).toMatchObject({baseOffset: 2, errorCode: 0})
    // a gap in the sequence
    const gap = await c.request(0, 7, produceBody(idempotentBatch(['e'], pid, 0, 9), -1, 'idem'))
    expect(partitionOf(gap.body).errorCode).toBe(45)
    // re-initialising bumps the epoch; the old epoch is fenced
    const bumped = await initProducerId(c, pid, 0)
    expect(bumped.body).toMatchObject({errorCode: 0, producerEpoch: 1, producerId: pid})
    const fresh = await c.request(0, 7, produceBody(idempotentBatch(['f'], pid, 1, 0), -1, 'idem'))
    expect(partitionOf(fresh.body)).toMatchObject({baseOffset: 3, errorCode: 0})
    const fenced = await c.request(0, 7, produceBody(idempotentBatch(['g'], pid, 0, 3), -1, 'idem'))
    expect(partitionOf(fenced.body).errorCode).toBe(47)
    c.close()
    expect(await broker.listOffset('idem', 0, 'latest')).toBe(4)
  })

  it('a retry of any of the producer’s last 5 batches gets its first offsets; an older one is a duplicate', async () => {
    const c = await WireClient.connect(port)
    const pid = (await initProducerId(c)).body.producerId as number
    await broker.createTopic({name: 'idem-window'})
    const send = async (values: string[], sequence: number) =>
      partitionOf(
        (await c.request(0, 7, produceBody(idempotentBatch(values, pid, 0, sequence), -1, 'idem-window'))).body,
      )
    // Six batches of two records: sequences 0, 2, …, 10 at offsets 0, 2, …, 10.
    for (let i = 0; i < 6; i++)
      expect(await send([`a${i}`, `b${i}`], 2 * i)).toMatchObject({baseOffset: 2 * i, errorCode: 0})
    // The last five (sequences 2–10), the newest first and out of order: their own offsets.
    for (const sequence of [10, 4, 2, 8, 6])
      expect(await send(['x', 'y'], sequence)).toMatchObject({baseOffset: sequence, errorCode: 0})
    // The sixth newest is past Kafka's window: DUPLICATE_SEQUENCE_NUMBER, stored no more than the rest.
    expect((await send(['x', 'y'], 0)).errorCode).toBe(46)
    // Sequences matching no batch (one record where two were sent): a duplicate too.
    expect((await send(['x'], 4)).errorCode).toBe(46)
    c.close()
    expect(await broker.listOffset('idem-window', 0, 'latest')).toBe(12)
  })

  it('a transactional producer is refused at once', async () => {
    const c = await WireClient.connect(port)
    const init = await c.request(22, 1, {transactionTimeoutMs: 60_000, transactionalId: 'tx'})
    c.close()
    expect(init.body.errorCode).toBe(53)
  })
})

describe('committed offsets', () => {
  it('OffsetCommit stores offset and metadata in the group rows; OffsetFetch returns them (v1, v7 all topics, v8 groups)', async () => {
    const c = await WireClient.connect(port)
    const commit = await c.request(8, 2, {
      generationIdOrMemberEpoch: -1,
      groupId: 'meta',
      memberId: '',
      retentionTimeMs: -1,
      topics: [
        {
          name: 'w',
          partitions: [
            {committedMetadata: 'note-0', committedOffset: 3, partitionIndex: 0},
            {committedMetadata: null, committedOffset: 1, partitionIndex: 1},
          ],
        },
        {name: 'nope', partitions: [{committedMetadata: null, committedOffset: 1, partitionIndex: 0}]},
      ],
    })
    expect(commit.body.topics).toEqual([
      {
        name: 'w',
        partitions: [
          {errorCode: 0, partitionIndex: 0},
          {errorCode: 0, partitionIndex: 1},
        ],
      },
      {name: 'nope', partitions: [{errorCode: 3, partitionIndex: 0}]},
    ])
    expect(await broker.committedOffsets('meta')).toEqual([
      {offset: 3, partition: 0, topic: 'w'},
      {offset: 1, partition: 1, topic: 'w'},
    ])
    const v1 = await c.request(9, 1, {groupId: 'meta', topics: [{name: 'w', partitionIndexes: [0, 1]}]})
    expect(v1.body.topics).toEqual([
      {
        name: 'w',
        partitions: [
          {committedLeaderEpoch: -1, committedOffset: 3, errorCode: 0, metadata: 'note-0', partitionIndex: 0},
          {committedLeaderEpoch: -1, committedOffset: 1, errorCode: 0, metadata: '', partitionIndex: 1},
        ],
      },
    ])
    const all = await c.request(9, 7, {groupId: 'meta', requireStable: false, topics: null})
    expect((all.body.topics as {partitions: unknown[]}[])[0].partitions).toHaveLength(2)
    const v8 = await c.request(9, 8, {
      groups: [
        {groupId: 'meta', topics: [{name: 'w', partitionIndexes: [0, 2]}]},
        {groupId: 'none', topics: null},
      ],
      requireStable: false,
    })
    const groups = v8.body.groups as {groupId: string; topics: {partitions: {committedOffset: number}[]}[]}[]
    expect(groups[0].topics[0].partitions.map((p) => p.committedOffset)).toEqual([3, -1])
    expect(groups[1]).toMatchObject({errorCode: 0, groupId: 'none', topics: []})
    c.close()
  })
})

describe('acks=0 failures', () => {
  it('a failed acks=0 produce gets no response: its connection is closed', async () => {
    const c = await WireClient.connect(port)
    const batch = batchOf(['x'])
    batch[batch.length - 1] ^= 0xff
    c.send(0, 7, produceBody(batch, 0))
    expect(await c.waitClosed()).toBe(true)
  })
})

describe('Fetch', () => {
  it('an offset beyond the log end gets OFFSET_OUT_OF_RANGE', async () => {
    const c = await WireClient.connect(port)
    const {body} = await c.request(1, 11, {
      isolationLevel: 0,
      maxBytes: 1 << 20,
      maxWaitMs: 0,
      minBytes: 1,
      topics: [{partitions: [{fetchOffset: 1000, partition: 0, partitionMaxBytes: 1 << 20}], topic: 'w'}],
    })
    c.close()
    const p = (body.responses as {partitions: Record<string, unknown>[]}[])[0].partitions[0]
    expect(p.errorCode).toBe(1)
    // An empty record set, as Kafka sends with an error: librdkafka cannot parse a null one.
    expect(p.records).toEqual(Buffer.alloc(0))
  })

  it('waits for max_wait_ms when nothing is there, then answers empty', async () => {
    const c = await WireClient.connect(port)
    const end = await broker.listOffset('w', 0, 'latest')
    const started = Date.now()
    const {body} = await c.request(1, 4, {
      maxWaitMs: 300,
      minBytes: 1,
      topics: [{partitions: [{fetchOffset: end, partition: 0, partitionMaxBytes: 1 << 20}], topic: 'w'}],
    })
    c.close()
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    const p = (body.responses as {partitions: Record<string, unknown>[]}[])[0].partitions[0]
    expect(p).toMatchObject({errorCode: 0, highWatermark: end, records: Buffer.alloc(0)})
  })

  it('a waiting fetch wakes when a batch is produced on another connection, and returns it byte-exact', async () => {
    const fetcher = await WireClient.connect(port)
    const producer = await WireClient.connect(port)
    const end = (await broker.listOffset('w', 0, 'latest'))!
    fetcher.send(1, 11, {
      isolationLevel: 0,
      maxBytes: 1 << 20,
      maxWaitMs: 10_000,
      minBytes: 1,
      topics: [{partitions: [{fetchOffset: end, partition: 0, partitionMaxBytes: 1 << 20}], topic: 'w'}],
    })
    await new Promise((r) => setTimeout(r, 100))
    const batch = batchOf(['wake'])
    const started = Date.now()
    await producer.request(0, 7, produceBody(Buffer.from(batch)))
    const frame = (await fetcher.nextFrame())!
    expect(Date.now() - started).toBeLessThan(5000)
    const {body} = decodeResponse(frame, SCHEMAS.get(1)!, 11)
    const records = (body.responses as {partitions: {records: Buffer}[]}[])[0].partitions[0].records
    // the stored batch: the producer's bytes with the broker's base offset and leader epoch
    expect(records.subarray(17)).toEqual(batch.subarray(17))
    expect(Number(records.readBigInt64BE(0))).toBe(end)
    fetcher.close()
    producer.close()
  })

  // A fetch of partition 0 of `topic` at `offset`, v11 (kcat's version).
  const fetchAt = async (c: WireClient, topic: string, offset: number, maxWaitMs: number) => {
    const started = Date.now()
    const {body} = await c.request(1, 11, {
      isolationLevel: 0,
      maxBytes: 1 << 20,
      maxWaitMs,
      minBytes: 1,
      topics: [{partitions: [{fetchOffset: offset, partition: 0, partitionMaxBytes: 1 << 20}], topic}],
    })
    const p = (body.responses as {partitions: {highWatermark: number; records: Buffer}[]}[])[0].partitions[0]
    return {ms: Date.now() - started, ...p}
  }

  it('after a backlog is drained, the fetch at the log end is answered at once, and the next one waits', async () => {
    await broker.createTopic({name: 'drained', partitions: 1})
    const producer = await WireClient.connect(port)
    await producer.request(0, 7, produceBody(batchOf(['a', 'b']), -1, 'drained'))
    producer.close()
    const c = await WireClient.connect(port)
    const backlog = await fetchAt(c, 'drained', 0, 10_000)
    expect(backlog.highWatermark).toBe(2)
    expect(backlog.records.length).toBeGreaterThan(0)
    // librdkafka reports end of partition (kcat -e exits) on this answer: it must not wait 10 s.
    const end = await fetchAt(c, 'drained', 2, 10_000)
    expect(end.ms).toBeLessThan(5000)
    expect(end).toMatchObject({highWatermark: 2, records: Buffer.alloc(0)})
    // Told once: an idle consumer long-polls from here on, it does not spin.
    const idle = await fetchAt(c, 'drained', 2, 300)
    expect(idle.ms).toBeGreaterThanOrEqual(250)
    expect(idle.records).toEqual(Buffer.alloc(0))
    c.close()
  })

  it('a consumer whose records came from a wait keeps long-polling at the log end', async () => {
    await broker.createTopic({name: 'tailed', partitions: 1})
    const c = await WireClient.connect(port)
    const woken = fetchAt(c, 'tailed', 0, 10_000)
    await new Promise((r) => setTimeout(r, 100))
    const producer = await WireClient.connect(port)
    await producer.request(0, 7, produceBody(batchOf(['live']), -1, 'tailed'))
    producer.close()
    expect((await woken).highWatermark).toBe(1)
    const next = await fetchAt(c, 'tailed', 1, 300)
    expect(next.ms).toBeGreaterThanOrEqual(250)
    expect(next.records).toEqual(Buffer.alloc(0))
    c.close()
  })
})

describe('connections', () => {
  it('an oversized frame closes the connection', async () => {
    const c = await WireClient.connect(port)
    const header = Buffer.alloc(4)
    header.writeInt32BE(1024 * 1024 + 1)
    c.socket.write(header)
    expect(await c.waitClosed()).toBe(true)
    expect(problems.some((p) => p.includes('exceeds socket.request.max.bytes'))).toBe(true)
  })

  it('a negative frame size closes the connection as an invalid size, not as an oversized request', async () => {
    const c = await WireClient.connect(port)
    const before = problems.length
    c.socket.write(Buffer.from([0xff, 0xff, 0xff, 0xf0]))
    expect(await c.waitClosed()).toBe(true)
    expect(problems.slice(before)).toEqual(['closing connection from /127.0.0.1: invalid request size -16'])
    // The server goes on serving.
    const other = await WireClient.connect(port)
    expect((await other.request(18, 2, {})).body.errorCode).toBe(0)
    other.close()
  })

  it('random bytes close that socket; other connections keep being served', async () => {
    const other = await WireClient.connect(port)
    const c = await WireClient.connect(port)
    const junk = Buffer.from([0, 0, 0, 12, 0x7f, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    c.socket.write(junk)
    expect(await c.waitClosed()).toBe(true)
    expect((await other.request(18, 2, {})).body.errorCode).toBe(0)
    other.close()
  })

  it('a request that does not parse closes its connection', async () => {
    const c = await WireClient.connect(port)
    // Metadata v1 whose topic array claims more entries than there are bytes
    c.socket.write(Buffer.from([0, 0, 0, 14, 0, 3, 0, 1, 0, 0, 0, 9, 0, 0, 0x7f, 0xff, 0xff, 0xff]))
    expect(await c.waitClosed()).toBe(true)
  })

  it('an unadvertised version of a known API closes the connection', async () => {
    const c = await WireClient.connect(port)
    c.send(3, 4, {topics: null})
    // Produce v10 is outside the advertised 0-9
    const frame = Buffer.from([0, 0, 0, 10, 0, 0, 0, 10, 0, 0, 0, 5, 0xff, 0xff])
    await c.nextFrame()
    c.socket.write(frame)
    expect(await c.waitClosed()).toBe(true)
  })
})
