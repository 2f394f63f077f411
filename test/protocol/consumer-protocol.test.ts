// The consumer protocol's Subscription and Assignment: every version 0-3 round-trips, a later
// version is read with v3's schema (ignoring what it appended), and kafkajs's own encoder is the
// oracle for the bytes real clients send.
import fc from 'fast-check'
import {AssignerProtocol} from 'kafkajs'
import {describe, expect, it} from 'vitest'

import {
  type ConsumerAssignment,
  type ConsumerSubscription,
  decodeAssignment,
  decodeSubscription,
  decodeSubscriptionTopics,
  encodeAssignment,
  encodeSubscription,
  ProtocolError,
} from '../../src/protocol/index.js'

const name = fc.string({maxLength: 12, unit: 'grapheme'})
const topicPartitions = fc.array(
  fc.record({partitions: fc.array(fc.integer({max: 2 ** 31 - 1, min: -(2 ** 31)}), {maxLength: 5}), topic: name}),
  {maxLength: 4},
)
const userData = fc.option(
  fc.uint8Array({maxLength: 24}).map((b) => Buffer.from(b)),
  {nil: null},
)

/** A subscription as version v carries it: fields the version lacks hold their defaults. */
const subscription = (v: number): fc.Arbitrary<ConsumerSubscription> =>
  fc.record({
    generationId: v >= 2 ? fc.integer({max: 2 ** 31 - 1, min: -(2 ** 31)}) : fc.constant(-1),
    ownedPartitions: v >= 1 ? topicPartitions : fc.constant([]),
    rackId: v >= 3 ? fc.option(name, {nil: null}) : fc.constant(null),
    topics: fc.array(name, {maxLength: 5}),
    userData,
  })

const assignment: fc.Arbitrary<ConsumerAssignment> = fc.record({assignedPartitions: topicPartitions, userData})

describe('consumer protocol codec', () => {
  for (let v = 0; v <= 3; v++) {
    it(`Subscription v${v} round-trips`, () => {
      fc.assert(
        fc.property(subscription(v), (s) => {
          expect(decodeSubscription(encodeSubscription(s, v))).toEqual({...s, version: v})
        }),
      )
    })

    it(`Assignment v${v} round-trips`, () => {
      fc.assert(
        fc.property(assignment, (a) => {
          expect(decodeAssignment(encodeAssignment(a, v))).toEqual({...a, version: v})
        }),
      )
    })
  }

  it('a version above 3 is read with the v3 schema, and what it appended is ignored', () => {
    fc.assert(
      fc.property(
        subscription(3),
        assignment,
        fc.integer({max: 32_767, min: 4}),
        fc.uint8Array({maxLength: 16}),
        (s, a, later, tail) => {
          const bump = (b: Buffer) => {
            const out = Buffer.concat([b, Buffer.from(tail)])
            out.writeInt16BE(later, 0)
            return out
          }

          expect(decodeSubscription(bump(encodeSubscription(s, 3)))).toEqual({...s, version: later})
          expect(decodeAssignment(bump(encodeAssignment(a, 3)))).toEqual({...a, version: later})
        },
      ),
    )
  })

  it('malformed bytes are a ProtocolError, never another exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 64}), (raw) => {
        for (const decode of [decodeSubscription, decodeAssignment]) {
          try {
            decode(Buffer.from(raw))
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError)
          }
        }
      }),
    )
  })

  it('a truncated message and a negative version are refused with a clear message', () => {
    const bytes = encodeAssignment({assignedPartitions: [{partitions: [0, 1], topic: 'orders'}], userData: null}, 1)
    expect(() => decodeAssignment(bytes.subarray(0, bytes.length - 2))).toThrow(/truncated/)
    expect(() => decodeAssignment(Buffer.from([0xff, 0xff, 0, 0, 0, 0]))).toThrow('Unsupported assignment version: -1')
    expect(() => decodeSubscription(Buffer.from([0x80, 0]))).toThrow('Unsupported subscription version: -32768')
    expect(() => encodeAssignment({assignedPartitions: [], userData: null}, 4)).toThrow(/not one of 0-3/)
  })

  it('empty assignment bytes are an empty assignment (a member before its first SyncGroup)', () => {
    expect(decodeAssignment(Buffer.alloc(0))).toEqual({assignedPartitions: [], userData: null, version: 0})
  })

  it('reads what kafkajs writes, and writes v0 byte-identical to it', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({maxLength: 10, minLength: 1, unit: 'grapheme-ascii'}),
          fc.array(fc.nat({max: 1000}), {maxLength: 4}),
          {maxKeys: 4},
        ),
        fc.uint8Array({maxLength: 16}).map((b) => Buffer.from(b)),
        (byTopic, data) => {
          const theirs: Buffer = AssignerProtocol.MemberAssignment.encode({
            assignment: byTopic,
            userData: data,
            version: 0,
          })
          const assignedPartitions = Object.entries(byTopic).map(([topic, partitions]) => ({partitions, topic}))
          expect(decodeAssignment(theirs)).toEqual({assignedPartitions, userData: data, version: 0})
          expect(encodeAssignment({assignedPartitions, userData: data}, 0)).toEqual(theirs)

          const topics = Object.keys(byTopic)
          const metadata: Buffer = AssignerProtocol.MemberMetadata.encode({topics, userData: data, version: 0})
          expect(decodeSubscription(metadata)).toEqual({
            generationId: -1,
            ownedPartitions: [],
            rackId: null,
            topics,
            userData: data,
            version: 0,
          })
        },
      ),
    )
  })

  it('the subscribed topics alone are read from any version, even one that leaves out what it promises', () => {
    fc.assert(
      fc.property(fc.integer({max: 3, min: 0}), subscription(3), (v, s) => {
        expect(decodeSubscriptionTopics(encodeSubscription(s, v))).toEqual(s.topics)
      }),
    )
    // @platformatic/kafka 1.x: version 1, topics and user data, no owned partitions.
    const platformatic = Buffer.from([0, 1, 0, 0, 0, 1, 0, 6, ...Buffer.from('orders'), 0, 0, 0, 0])
    expect(() => decodeSubscription(platformatic)).toThrow(/truncated/)
    expect(decodeSubscriptionTopics(platformatic)).toEqual(['orders'])
    expect(() => decodeSubscriptionTopics(Buffer.from([0, 0, 0, 0, 0, 2]))).toThrow(ProtocolError)
  })
})
