// The consumer protocol's embedded messages: what a consumer puts in JoinGroup's protocol
// metadata (its Subscription) and what the leader hands each member in SyncGroup (its
// Assignment). The broker passes both on as opaque bytes; kt decodes them only to show a wire
// group's members (their assigned partitions) and to tell which topics a group subscribes to.
// Transcribed from Kafka's ConsumerProtocolSubscription.json and ConsumerProtocolAssignment.json
// (versions 0-3, never flexible) and run through the same schema interpreter as every API.
//
// Each message starts with its int16 version. As Kafka's ConsumerProtocol does, a version above
// the highest known is read with the highest known schema (later versions only append fields,
// and trailing bytes are ignored); a negative version is refused.
import {ProtocolError, Reader, Writer} from './io.js'
import {decodeMessage, encodeMessage, f, type MessageSchema} from './schema.js'

/** The protocol type of groups whose members speak the consumer protocol. */
export const CONSUMER_PROTOCOL_TYPE = 'consumer'
export const CONSUMER_PROTOCOL_MAX_VERSION = 3

export interface TopicPartitions {
  topic: string
  partitions: number[]
}

export interface ConsumerSubscription {
  topics: string[]
  userData: Buffer | null
  /** v1+: what the member held before this rebalance. */
  ownedPartitions: TopicPartitions[]
  /** v2+: the generation of ownedPartitions (-1: none). */
  generationId: number
  /** v3+: the member's client.rack. */
  rackId: string | null
}

export interface ConsumerAssignment {
  assignedPartitions: TopicPartitions[]
  userData: Buffer | null
}

const topicPartitions = (versions: string) => [f('topic', 'string', versions), f('partitions', '[]int32', versions)]

export const SUBSCRIPTION: MessageSchema = {
  fields: [
    f('topics', '[]string'),
    f('userData', 'bytes', '0+', {default: null, nullable: '0+'}),
    f('ownedPartitions', topicPartitions('1+'), '1+'),
    f('generationId', 'int32', '2+', {default: -1}),
    f('rackId', 'string', '3+', {default: null, nullable: '3+'}),
  ],
}

export const ASSIGNMENT: MessageSchema = {
  fields: [
    f('assignedPartitions', topicPartitions('0+')),
    f('userData', 'bytes', '0+', {default: null, nullable: '0+'}),
  ],
}

function encode(schema: MessageSchema, value: object, version: number): Buffer {
  if (!Number.isInteger(version) || version < 0 || version > CONSUMER_PROTOCOL_MAX_VERSION)
    throw new ProtocolError(`consumer protocol version ${version} is not one of 0-${CONSUMER_PROTOCOL_MAX_VERSION}`)
  const w = new Writer(64)
  w.int16(version)
  encodeMessage(w, schema, value as Record<string, unknown>, version, false)
  return w.toBuffer()
}

function decode(schema: MessageSchema, what: string, bytes: Buffer): {version: number; value: Record<string, unknown>} {
  const r = new Reader(bytes)
  const version = r.int16()
  if (version < 0) throw new ProtocolError(`Unsupported ${what} version: ${version}`)
  const value = decodeMessage(r, schema, Math.min(version, CONSUMER_PROTOCOL_MAX_VERSION), false)
  return {value, version}
}

export function encodeSubscription(s: ConsumerSubscription, version: number): Buffer {
  return encode(SUBSCRIPTION, s, version)
}

/** The subscription and the version its sender wrote; throws ProtocolError when malformed. */
export function decodeSubscription(bytes: Buffer): ConsumerSubscription & {version: number} {
  const {value, version} = decode(SUBSCRIPTION, 'subscription', bytes)
  return {...(value as unknown as ConsumerSubscription), version}
}

/**
 * Only the subscribed topics, which every version starts with; what follows is not read, since
 * some clients write less than their version promises (@platformatic/kafka 1.x sends v1 without
 * owned partitions). Throws ProtocolError when even the topics cannot be read.
 */
export function decodeSubscriptionTopics(bytes: Buffer): string[] {
  const r = new Reader(bytes)
  const version = r.int16()
  if (version < 0) throw new ProtocolError(`Unsupported subscription version: ${version}`)
  return decodeMessage(r, {fields: SUBSCRIPTION.fields.slice(0, 1)}, 0, false).topics as string[]
}

export function encodeAssignment(a: ConsumerAssignment, version: number): Buffer {
  return encode(ASSIGNMENT, a, version)
}

/**
 * The assignment and the version its sender wrote; throws ProtocolError when malformed. Empty
 * bytes are an empty assignment (Kafka's admin client reads them so: a member before its first
 * SyncGroup, or one the leader gave nothing).
 */
export function decodeAssignment(bytes: Buffer): ConsumerAssignment & {version: number} {
  if (bytes.length === 0) return {assignedPartitions: [], userData: null, version: 0}
  const {value, version} = decode(ASSIGNMENT, 'assignment', bytes)
  return {...(value as unknown as ConsumerAssignment), version}
}
