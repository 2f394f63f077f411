// A record on its way into the producer. Readers fill one object and reuse it for every record,
// so keys and values are byte ranges of the input buffer rather than copies.
import type {Header} from '../engine/index.js'

export interface InputRecord {
  /** Null for a null key; otherwise key bytes are key[keyStart, keyEnd). */
  key: Buffer | null
  keyStart: number
  keyEnd: number
  /** Null for a null value (a tombstone); otherwise value[valueStart, valueEnd). */
  value: Buffer | null
  valueStart: number
  valueEnd: number
  headers: Header[] | null
  /** An explicit partition, or -1 to let the partitioner choose. */
  partition: number
  /** An explicit CreateTime timestamp, or -1 for the send time. */
  timestamp: number
}

export function emptyInputRecord(): InputRecord {
  return {
    headers: null,
    key: null,
    keyEnd: 0,
    keyStart: 0,
    partition: -1,
    timestamp: -1,
    value: null,
    valueEnd: 0,
    valueStart: 0,
  }
}

/** Something that turns stdin bytes into records: the line reader or the JSON reader. */
export interface RecordReader {
  /** Number of the last line handed to the sink (1-based; 0 before the first). */
  readonly lineNumber: number
  /** Feeds a chunk of input; complete lines become records, the rest waits for more. */
  push(chunk: Buffer): void
  /** Input ended: a last line without a newline is still a record. */
  end(): void
}
