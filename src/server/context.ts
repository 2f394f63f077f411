// What every request handler receives: the store, this broker's identity and listeners, the
// in-process group coordinator, and the wake-up for long-polling fetches.
import type {StoreBroker} from '../engine/index.js'
import type {RequestHeader} from '../protocol/index.js'
import type {GroupCoordinator} from './groups/coordinator.js'
import type {StoreChanges} from './store-changes.js'

export interface Endpoint {
  host: string
  port: number
}

export interface ServerContext {
  broker: StoreBroker
  nodeId: number
  clusterId: string
  /** Where clients reconnect: Metadata's and FindCoordinator's broker address. */
  advertised: Endpoint
  groups: GroupCoordinator
  changes: StoreChanges
  /** Aborted when the broker stops: long polls return at once. */
  stopping: AbortSignal
  /** A line for the broker's log (kt broker prints it on stderr). */
  problem?: (message: string) => void
}

/** The connection a request came in on. */
export interface Peer {
  /** Kafka's client host, as DescribeGroups shows it: "/127.0.0.1". */
  host: string
  /** Resolves when the connection closes (a group member's session is then left to time out). */
  id: number
  /**
   * Fetch's memory of this connection: for each partition ("topic or topic id", NUL, partition)
   * whose last answer returned records at once up to the log end, that log end offset.
   */
  caughtUp: Map<string, number>
}

/** A handler's answer meaning "no response; close the connection" (a failed acks=0 produce). */
export const CLOSE_CONNECTION = Symbol('close connection')

/** A response body, null for none (acks=0), or CLOSE_CONNECTION. */
export type Handler = (
  ctx: ServerContext,
  body: Record<string, unknown>,
  header: RequestHeader,
  peer: Peer,
) => Promise<Record<string, unknown> | typeof CLOSE_CONNECTION | null>
