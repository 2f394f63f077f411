// The client library's errors, said the way Kafka's tools say them: a broker error by its
// exception text, an unreachable cluster or a refused login in one line naming the address. The
// library nests errors (MultipleErrors → ResponseError → ProtocolError, "… failed N times."),
// so the innermost meaningful one is looked for.
import {isKtError, KtError, type KtErrorCode} from '../engine/index.js'

/** What a Kafka error code means, in the words of Kafka's exception classes. */
const KAFKA_MESSAGES: Record<string, string> = {
  CLUSTER_AUTHORIZATION_FAILED: 'Cluster authorization failed.',
  COORDINATOR_LOAD_IN_PROGRESS: "The coordinator is loading and hence can't process requests.",
  COORDINATOR_NOT_AVAILABLE: 'The coordinator is not available.',
  GROUP_AUTHORIZATION_FAILED: 'Group authorization failed.',
  GROUP_ID_NOT_FOUND: 'The group id does not exist.',
  GROUP_SUBSCRIBED_TO_TOPIC:
    'Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.',
  ILLEGAL_GENERATION: 'Specified group generation id is not valid.',
  INCONSISTENT_GROUP_PROTOCOL:
    "The group member's supported protocols are incompatible with those of existing members or first group member tried to join with empty protocol type or empty protocol list.",
  INVALID_PARTITIONS: 'Number of partitions is below 1.',
  INVALID_REPLICATION_FACTOR: 'Replication factor is below 1 or larger than the number of available brokers.',
  INVALID_TOPIC_EXCEPTION: 'The request attempted to perform an operation on an invalid topic.',
  LEADER_NOT_AVAILABLE: 'There is no leader for this topic-partition as we are in the middle of a leadership election.',
  MESSAGE_TOO_LARGE: 'The request included a message larger than the max message size the server will accept.',
  NON_EMPTY_GROUP: 'The group is not empty.',
  NOT_COORDINATOR: 'This is not the correct coordinator.',
  NOT_LEADER_OR_FOLLOWER:
    'For requests intended only for the leader, this error indicates that the broker is not the current leader.',
  OFFSET_OUT_OF_RANGE: 'The requested offset is not within the range of offsets maintained by the server.',
  REBALANCE_IN_PROGRESS: 'The group is rebalancing, so a rejoin is needed.',
  SASL_AUTHENTICATION_FAILED: 'SASL Authentication failed.',
  TOPIC_ALREADY_EXISTS: 'Topic already exists.',
  TOPIC_AUTHORIZATION_FAILED: 'Topic authorization failed.',
  TOPIC_DELETION_DISABLED: 'Topic deletion is disabled.',
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 'Transactional Id authorization failed.',
  UNKNOWN_MEMBER_ID: 'The coordinator is not aware of this member.',
  UNKNOWN_TOPIC_OR_PARTITION: 'This server does not host this topic-partition.',
  UNSUPPORTED_SASL_MECHANISM: 'The broker does not support the requested SASL mechanism.',
}

/** A KtError with a Kafka error name the engine's own union does not list (remote-only codes). */
export function kafkaError(name: string, message: string): KtError {
  return new KtError(name as KtErrorCode, message)
}

/** Kafka's message for an error code, with the broker's own text when it sent one. */
export function kafkaMessage(name: string, serverMessage?: string | null): string {
  if (serverMessage) return serverMessage
  return KAFKA_MESSAGES[name] ?? `The broker answered ${name}.`
}

interface LibError extends Error {
  code?: string
  apiId?: string
  serverErrorMessage?: string | null
  errors?: unknown[]
  cause?: unknown
}

/** Every error in the library's nesting, outermost first. */
function* nested(error: unknown, depth = 0): Generator<LibError> {
  if (!(error instanceof Error) || depth > 8) return
  const e = error as LibError
  yield e
  if (Array.isArray(e.errors)) for (const inner of e.errors) yield* nested(inner, depth + 1)
  if (e.cause !== undefined) yield* nested(e.cause, depth + 1)
}

export interface ErrorContext {
  /** The bootstrap servers, for network errors. */
  bootstrap: string
  /** e.g. the topic or group the call was about, for Kafka's per-resource messages. */
  topic?: string
  group?: string
  security?: string
}

/** The one-line KtError for a library error (KtErrors pass through). */
export function toKtError(error: unknown, ctx: ErrorContext): Error {
  if (isKtError(error)) return error
  if (!(error instanceof Error)) return new Error(String(error))
  const all = [...nested(error)]

  const protocol = all.find((e) => typeof e.apiId === 'string' && e.apiId !== 'NONE')
  if (protocol) return brokerError(protocol.apiId!, protocol.serverErrorMessage ?? null, ctx)

  const auth = all.find((e) => e.code === 'PLT_KFK_AUTHENTICATION' || e.name === 'AuthenticationError')
  if (auth)
    return kafkaError(
      'SASL_AUTHENTICATION_FAILED',
      `Authentication with ${ctx.bootstrap} failed: ${auth.message}${ctx.security ? ` (${ctx.security})` : ''}`,
    )

  const timeout = all.find((e) => e.name === 'TimeoutError' || /timed out/i.test(e.message))
  if (timeout)
    return kafkaError(
      'REQUEST_TIMED_OUT',
      `Timed out waiting for the cluster at ${ctx.bootstrap} (${timeout.message.replace(/\.$/, '')})`,
    )

  const sys = all.find((e) => typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code))
  // A TLS client (SSL, SASL_SSL) at a plaintext listener: the broker reads the ClientHello as a
  // malformed request and closes the connection (measured against kt broker: ECONNRESET within
  // 0.5 s), or a plaintext answer breaks the handshake (EPROTO). Name the setting to check, as
  // for SASL below; "closed by the server" alone sent testers looking at the broker.
  const tls = ctx.security?.includes('SSL')
    ? all.find((e) => ['ECONNRESET', 'EPIPE', 'EPROTO'].includes(e.code ?? '') || /^ERR_(SSL|TLS)_/.test(e.code ?? ''))
    : undefined
  if (tls) {
    const reason =
      tls.code === 'EPROTO' || tls.code!.startsWith('ERR_')
        ? 'the TLS handshake failed'
        : 'the connection was closed by the server during the TLS handshake'
    return kafkaError(
      ctx.security!.includes('SASL') ? 'SASL_AUTHENTICATION_FAILED' : 'NETWORK_EXCEPTION',
      `Connection to ${ctx.bootstrap} failed with ${ctx.security}: ${reason} (does the listener accept that security protocol?)`,
    )
  }

  if (sys)
    return kafkaError(
      'NETWORK_EXCEPTION',
      `Cannot connect to the cluster at ${ctx.bootstrap}: ${describeSystemError(sys)}`,
    )

  const network = all.find((e) => e.code === 'PLT_KFK_NETWORK')
  // A listener that does not speak the configured security protocol drops the connection
  // during the SASL or TLS handshake: say which setting to check.
  if (network && ctx.security)
    return kafkaError(
      ctx.security.includes('SASL') ? 'SASL_AUTHENTICATION_FAILED' : 'NETWORK_EXCEPTION',
      `Connection to ${ctx.bootstrap} failed with ${ctx.security}: ${network.message.replace(/\.$/, '')} (does the listener accept that security protocol?)`,
    )
  if (network)
    return kafkaError(
      'NETWORK_EXCEPTION',
      `Lost the connection to the cluster at ${ctx.bootstrap}: ${network.message}${ctx.security ? ` (${ctx.security})` : ''}`,
    )

  const unknownTopic = all.find((e) => /^Unknown topic /.test(e.message))
  if (unknownTopic) return brokerError('UNKNOWN_TOPIC_OR_PARTITION', null, ctx)
  const user = all.find((e) => e.code === 'PLT_KFK_USER')
  if (user) return kafkaError('INVALID_REQUEST', user.message)
  return error
}

function brokerError(name: string, serverMessage: string | null, ctx: ErrorContext): KtError {
  switch (name) {
    case 'TOPIC_ALREADY_EXISTS': {
      return kafkaError(name, ctx.topic ? `Topic '${ctx.topic}' already exists.` : kafkaMessage(name, serverMessage))
    }

    case 'TOPIC_AUTHORIZATION_FAILED': {
      return kafkaError(
        name,
        ctx.topic ? `Not authorized to access topics: [${ctx.topic}]` : kafkaMessage(name, serverMessage),
      )
    }

    case 'GROUP_AUTHORIZATION_FAILED': {
      return kafkaError(name, ctx.group ? `Not authorized to access group: ${ctx.group}` : kafkaMessage(name, null))
    }

    case 'SASL_AUTHENTICATION_FAILED':
    case 'UNSUPPORTED_SASL_MECHANISM':
    case 'ILLEGAL_SASL_STATE': {
      return kafkaError(
        'SASL_AUTHENTICATION_FAILED',
        `Authentication with ${ctx.bootstrap} failed: ${kafkaMessage(name, serverMessage)}${ctx.security ? ` (${ctx.security})` : ''}`,
      )
    }

    default: {
      return kafkaError(name, kafkaMessage(name, serverMessage))
    }
  }
}

function describeSystemError(e: LibError): string {
  switch (e.code) {
    case 'ECONNREFUSED': {
      return 'connection refused'
    }

    case 'ENOTFOUND':
    case 'EAI_AGAIN': {
      return 'unknown host'
    }

    case 'ETIMEDOUT': {
      return 'connection timed out'
    }

    case 'ECONNRESET':
    case 'EPIPE': {
      return 'the connection was closed by the server'
    }

    default: {
      return `${e.code}`
    }
  }
}
