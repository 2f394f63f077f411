import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {KtError} from '../../src/engine/errors.js'
import {
  createPartitionsTx,
  deleteTopicTx,
  describeTopic,
  hasCollidingCharacters,
  newTopicId,
  requireTopic,
  topicConfigs,
  topicNames,
  validateCreate,
  validateTopicName,
} from '../../src/engine/topics.js'
import type {CreateTopicRequest} from '../../src/engine/types.js'
import {batchOfCount, defaultConfig, errorOf, memoryStore, type TestStore} from './support.js'

let s: TestStore
beforeEach(() => {
  s = memoryStore()
})
afterEach(async () => {
  await s.db.close()
})

const describeByName = (name: string) => describeTopic(s.db, requireTopic(s.db, name), s.config)

describe('validateTopicName (kafka-cli.md §2.3)', () => {
  it('accepts ASCII alphanumerics, ., _ and - up to 249 characters', () => {
    for (const name of ['a', 'orders', 'a.b_c-D9', '__consumer_offsets', 'x'.repeat(249), '...'])
      expect(() => validateTopicName(name), name).not.toThrow()
  })

  it('rejects other characters', () => {
    const e = errorOf(() => validateTopicName('bad name'))
    expect(e.code).toBe('INVALID_TOPIC_EXCEPTION')
    expect(e.message).toBe(
      "Topic name is invalid: 'bad name' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
    )
    for (const name of ['a/b', 'ключ', 'a+b', 'tab\t']) expect(() => validateTopicName(name), name).toThrow(KtError)
  })

  it('rejects names longer than 249', () => {
    const name = 'x'.repeat(250)
    expect(errorOf(() => validateTopicName(name)).message).toBe(
      `Topic name is invalid: the length of '${name}' is longer than the max allowed length 249`,
    )
  })

  it("rejects '.' and '..'", () => {
    expect(errorOf(() => validateTopicName('.')).message).toBe("Topic name is invalid: '.' is not allowed")
    expect(errorOf(() => validateTopicName('..')).message).toBe("Topic name is invalid: '..' is not allowed")
  })

  it('rejects the empty name with the admin client’s message', () => {
    expect(errorOf(() => validateTopicName('')).message).toBe(
      "The given topic name '' cannot be represented in a request.",
    )
  })

  it('hasCollidingCharacters is true for . or _', () => {
    expect(hasCollidingCharacters('a.b')).toBe(true)
    expect(hasCollidingCharacters('a_b')).toBe(true)
    expect(hasCollidingCharacters('a-b')).toBe(false)
  })
})

describe('newTopicId', () => {
  it('is 22 URL-safe base64 characters of a version-4 UUID, never starting with -', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 500; i++) {
      const id = newTopicId()
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/)
      const bytes = Buffer.from(id, 'base64url')
      expect(bytes).toHaveLength(16)
      expect(bytes[6] >> 4).toBe(4)
      expect(bytes[8] >> 6).toBe(2)
      seen.add(id)
    }

    expect(seen.size).toBe(500)
  })
})

describe('createTopicTx / describeTopic', () => {
  it('creates partitions 0..n-1 with empty logs on broker 1', () => {
    s.createTopic({name: 'orders', partitions: 3})
    const d = describeByName('orders')
    expect(d.name).toBe('orders')
    expect(d.topicId).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(d.internal).toBe(false)
    expect(d.partitionCount).toBe(3)
    expect(d.replicationFactor).toBe(1)
    expect(d.configs).toEqual({})
    expect(d.partitions).toEqual(
      [0, 1, 2].map((p) => ({
        isr: [1],
        leader: 1,
        logEndOffset: 0,
        logStartOffset: 0,
        partition: p,
        recordCount: 0,
        replicas: [1],
        sizeBytes: 0,
      })),
    )
  })

  it('uses the broker’s num.partitions when partitions are not given', async () => {
    const t = memoryStore(defaultConfig({'num.partitions': '4'}))
    t.createTopic({name: 'x'})
    expect(describeTopic(t.db, requireTopic(t.db, 'x'), t.config).partitionCount).toBe(4)
    await t.db.close()
  })

  it('stores config overrides trimmed, and they change the effective configs', () => {
    s.createTopic({
      configs: [
        ['retention.ms', ' 1000 '],
        ['cleanup.policy', 'compact'],
      ],
      name: 'c',
      partitions: 1,
    })
    const d = describeByName('c')
    expect(d.configs).toEqual({'cleanup.policy': 'compact', 'retention.ms': '1000'})
    const eff = topicConfigs(s.db, requireTopic(s.db, 'c').topic_id, s.config)
    expect(eff.number('retention.ms')).toBe(1000)
    expect(eff.get('max.message.bytes')).toBe('1048588')
  })

  it('marks Kafka’s internal topics internal', () => {
    s.createTopic({name: '__consumer_offsets', partitions: 1})
    expect(describeByName('__consumer_offsets').internal).toBe(true)
  })

  it('refuses an existing name', () => {
    s.createTopic({name: 't', partitions: 1})
    const e = errorOf(() => s.createTopic({name: 't', partitions: 2}))
    expect(e.code).toBe('TOPIC_ALREADY_EXISTS')
    expect(e.message).toBe("Topic 't' already exists.")
  })

  it('refuses a name that collides after . → _', () => {
    s.createTopic({name: 'a_b', partitions: 1})
    const e = errorOf(() => s.createTopic({name: 'a.b', partitions: 1}))
    expect(e.message).toBe("Topic 'a.b' collides with existing topic: a_b")
    s.createTopic({name: 'x.y', partitions: 1})
    expect(errorOf(() => s.createTopic({name: 'x_y', partitions: 1})).message).toBe(
      "Topic 'x_y' collides with existing topic: x.y",
    )
    // An unrelated name with the same letters is fine.
    s.createTopic({name: 'ab', partitions: 1})
  })

  it('validates before writing anything', () => {
    const cases: [CreateTopicRequest, string][] = [
      [{name: 'p', partitions: 0}, 'The partitions must be greater than 0'],
      [
        {name: 'r', partitions: 1, replicationFactor: 0},
        'The replication factor must be between 1 and 32767 inclusive',
      ],
      [
        {name: 'r', partitions: 1, replicationFactor: 3},
        'Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered.',
      ],
      [{configs: [['nope', '1']], name: 'c', partitions: 1}, 'Unknown topic config name: nope'],
      [
        {configs: [['retention.ms', 'abc']], name: 'c', partitions: 1},
        'Invalid value abc for configuration retention.ms: Not a number of type LONG',
      ],
      [{name: 'bad name', partitions: 1}, "Topic name is invalid: 'bad name' contains"],
    ]
    for (const [req, message] of cases) expect(errorOf(() => s.createTopic(req)).message).toContain(message)
    expect(topicNames(s.db)).toEqual([])
  })

  it('accepts a replica assignment on this broker only', () => {
    s.createTopic({name: 'ra', replicaAssignment: [[1], [1]]})
    expect(describeByName('ra').partitionCount).toBe(2)
    expect(errorOf(() => s.createTopic({name: 'rb', replicaAssignment: [[2]]})).code).toBe('INVALID_REPLICA_ASSIGNMENT')
  })

  it('topicNames lists names sorted', () => {
    for (const name of ['b', 'a', 'C']) s.createTopic({name, partitions: 1})
    expect(topicNames(s.db)).toEqual(['C', 'a', 'b'])
  })

  it('describe reflects appended records and bytes', () => {
    s.createTopic({name: 't', partitions: 2})
    const b1 = batchOfCount(3)
    const b2 = batchOfCount(2)
    s.append([
      {batch: b1, partition: 1, topic: 't'},
      {batch: b2, partition: 1, topic: 't'},
    ])
    const [p0, p1] = describeByName('t').partitions
    expect(p0).toMatchObject({logEndOffset: 0, recordCount: 0, sizeBytes: 0})
    expect(p1).toMatchObject({logEndOffset: 5, logStartOffset: 0, recordCount: 5, sizeBytes: b1.length + b2.length})
  })
})

describe('createPartitionsTx', () => {
  it('adds empty partitions after the existing ones', () => {
    s.createTopic({name: 't', partitions: 1})
    s.append([{batch: batchOfCount(2), partition: 0, topic: 't'}])
    s.db.immediate(() => createPartitionsTx(s.db, 't', 3, s.config))
    const d = describeByName('t')
    expect(d.partitionCount).toBe(3)
    expect(d.partitions.map((p) => [p.partition, p.logEndOffset])).toEqual([
      [0, 2],
      [1, 0],
      [2, 0],
    ])
  })

  it('refuses no increase and a decrease with Kafka’s messages', () => {
    s.createTopic({name: 't', partitions: 2})
    expect(errorOf(() => createPartitionsTx(s.db, 't', 2, s.config)).message).toBe('Topic already has 2 partition(s).')
    expect(errorOf(() => createPartitionsTx(s.db, 't', 1, s.config)).message).toBe(
      'The topic t currently has 2 partition(s); 1 would not be an increase.',
    )
    expect(errorOf(() => createPartitionsTx(s.db, 'missing', 3, s.config)).code).toBe('UNKNOWN_TOPIC_OR_PARTITION')
  })
})

describe('deleteTopicTx', () => {
  it('removes the topic, its partitions, configs and batches', () => {
    s.createTopic({configs: [['retention.ms', '5']], name: 't', partitions: 2})
    s.append([{batch: batchOfCount(3), partition: 0, topic: 't'}])
    s.db.immediate(() => deleteTopicTx(s.db, 't', s.config))
    expect(topicNames(s.db)).toEqual([])
    const count = (table: string) =>
      (s.db.connection.prepare(`SELECT count(*) AS n FROM ${table}`).get() as {n: number}).n
    expect(count('partitions')).toBe(0)
    expect(count('batches')).toBe(0)
    expect(count('topic_configs')).toBe(0)
    expect(errorOf(() => requireTopic(s.db, 't')).message).toBe("Topic 't' does not exist as expected")
  })

  it('is refused when delete.topic.enable=false', async () => {
    const t = memoryStore(defaultConfig({'delete.topic.enable': 'false'}))
    t.createTopic({name: 't', partitions: 1})
    expect(errorOf(() => deleteTopicTx(t.db, 't', t.config)).code).toBe('TOPIC_DELETION_DISABLED')
    expect(topicNames(t.db)).toEqual(['t'])
    await t.db.close()
  })

  it('an unknown topic is UNKNOWN_TOPIC_OR_PARTITION', () => {
    expect(errorOf(() => deleteTopicTx(s.db, 'nope', s.config)).code).toBe('UNKNOWN_TOPIC_OR_PARTITION')
  })
})

// In Kafka the topic name is validated by the broker (kafka-cli.md §2.3 "The tool itself does
// not"), i.e. after the tool's client-side checks and --config parsing (§2.4 steps 2–3): an
// invalid name together with --partitions 0 or a bad --config reports those errors first.
describe('validateCreate check order (kafka-cli.md §2.4)', () => {
  it('partitions < 1 is reported before an invalid name', () => {
    expect(errorOf(() => validateCreate({name: 'bad name', partitions: 0}, s.config)).message).toBe(
      'The partitions must be greater than 0',
    )
  })

  it('an unknown --config name is reported before an invalid name', () => {
    expect(
      errorOf(() => validateCreate({configs: [['nope', '1']], name: 'bad name', partitions: 1}, s.config)).message,
    ).toBe('Unknown topic config name: nope')
  })

  it('replication factor is checked before partitions (client side, in that order)', () => {
    expect(errorOf(() => validateCreate({name: 'ok', partitions: 0, replicationFactor: 0}, s.config)).message).toBe(
      'The replication factor must be between 1 and 32767 inclusive',
    )
  })

  it('a bad --config is reported before the broker’s replication-factor error', () => {
    expect(
      errorOf(() =>
        validateCreate({configs: [['retention.ms', 'x']], name: 'ok', partitions: 1, replicationFactor: 2}, s.config),
      ).message,
    ).toBe('Invalid value x for configuration retention.ms: Not a number of type LONG')
  })
})
