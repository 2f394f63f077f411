// The Kafka wire codec: primitives, headers, and one schema per API. No sockets, no SQL.
export * as apis from './apis.js'
export {SCHEMAS} from './apis.js'
export {ProtocolError, Reader, Writer, ZERO_UUID} from './io.js'
export {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  isFlexible,
  peekRequestHeader,
  type RequestHeader,
  schemaFor,
} from './messages.js'
export {type ApiSchema, type Field, type Message, type Primitive, within} from './schema.js'
export {ERROR_CODES, errorCode, type ErrorName} from './errors.js'
export {
  ASSIGNMENT,
  CONSUMER_PROTOCOL_MAX_VERSION,
  CONSUMER_PROTOCOL_TYPE,
  type ConsumerAssignment,
  type ConsumerSubscription,
  decodeAssignment,
  decodeSubscription,
  decodeSubscriptionTopics,
  encodeAssignment,
  encodeSubscription,
  SUBSCRIPTION,
  type TopicPartitions,
} from './consumer-protocol.js'
