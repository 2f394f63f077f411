// Kafka RecordBatch v2 (magic 2): the on-disk and on-wire unit of a partition's log.
// Layout (reference/kafka-protocol.md §B): a 61-byte big-endian header, then recordCount records,
// compressed as one blob when the codec is not "none". The CRC-32C covers bytes 21..end, so
// baseOffset and partitionLeaderEpoch can be rewritten by the appender without recomputing it.
import {crc32c} from './crc32c.js'
import {compress, decompress, type CompressionType, codecOf, compressionTypeOf} from './compression.js'
import {KtError} from './errors.js'
import {VarintReader, varintSize, writeVarint} from './varint.js'

export const BATCH_HEADER_SIZE = 61
export const MAGIC = 2
const OFF_BATCH_LENGTH = 8
const OFF_LEADER_EPOCH = 12
const OFF_MAGIC = 16
const OFF_CRC = 17
const OFF_ATTRIBUTES = 21
const OFF_LAST_OFFSET_DELTA = 23
const OFF_BASE_TIMESTAMP = 27
const OFF_MAX_TIMESTAMP = 35
const OFF_PRODUCER_ID = 43
const OFF_PRODUCER_EPOCH = 51
const OFF_BASE_SEQUENCE = 53
const OFF_RECORD_COUNT = 57

const ATTR_COMPRESSION_MASK = 0x07
const ATTR_LOG_APPEND_TIME = 0x08
const ATTR_CONTROL = 0x20

export type TimestampType = 'CreateTime' | 'LogAppendTime'

export interface Header {
  /** Header keys are strings in Kafka; kept as raw bytes so that nothing is lost. */
  key: Buffer
  value: Buffer | null
}

export const NO_HEADERS: readonly Header[] = Object.freeze([])

/** One decoded record. Key and value are views into the batch (or its decompressed records). */
export interface Record {
  offset: number
  timestamp: number
  timestampType: TimestampType
  key: Buffer | null
  value: Buffer | null
  headers: readonly Header[]
}

export interface BatchHeader {
  baseOffset: number
  batchLength: number
  partitionLeaderEpoch: number
  magic: number
  crc: number
  attributes: number
  lastOffsetDelta: number
  baseTimestamp: number
  maxTimestamp: number
  producerId: number
  producerEpoch: number
  baseSequence: number
  recordCount: number
}

export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * 4_294_967_296 + buf.readUInt32BE(pos + 4)
}

export function writeInt64(buf: Buffer, pos: number, n: number): void {
  const hi = Math.floor(n / 4_294_967_296)
  buf.writeInt32BE(hi, pos)
  buf.writeUInt32BE(n - hi * 4_294_967_296, pos + 4)
}

export function readBatchHeader(buf: Buffer, pos = 0): BatchHeader {
  return {
    attributes: buf.readInt16BE(pos + OFF_ATTRIBUTES),
    baseOffset: readInt64(buf, pos),
    baseSequence: buf.readInt32BE(pos + OFF_BASE_SEQUENCE),
    baseTimestamp: readInt64(buf, pos + OFF_BASE_TIMESTAMP),
    batchLength: buf.readInt32BE(pos + OFF_BATCH_LENGTH),
    crc: buf.readUInt32BE(pos + OFF_CRC),
    lastOffsetDelta: buf.readInt32BE(pos + OFF_LAST_OFFSET_DELTA),
    magic: buf.readInt8(pos + OFF_MAGIC),
    maxTimestamp: readInt64(buf, pos + OFF_MAX_TIMESTAMP),
    partitionLeaderEpoch: buf.readInt32BE(pos + OFF_LEADER_EPOCH),
    producerEpoch: buf.readInt16BE(pos + OFF_PRODUCER_EPOCH),
    producerId: readInt64(buf, pos + OFF_PRODUCER_ID),
    recordCount: buf.readInt32BE(pos + OFF_RECORD_COUNT),
  }
}

export function isControlBatch(attributes: number): boolean {
  return (attributes & ATTR_CONTROL) !== 0
}

/**
 * Checks the structure and CRC of the batch that starts at `pos` and returns its header.
 * Throws a plain Error naming what is wrong; callers wrap it with topic/partition/offset.
 */
export function checkBatch(buf: Buffer, pos = 0, end = buf.length): BatchHeader {
  if (end - pos < BATCH_HEADER_SIZE) throw new Error(`batch is ${end - pos} bytes, shorter than its 61-byte header`)
  const header = readBatchHeader(buf, pos)
  if (header.magic !== MAGIC) throw new Error(`unsupported record batch magic ${header.magic}`)
  const size = header.batchLength + 12
  if (size < BATCH_HEADER_SIZE || pos + size > end)
    throw new Error(`batch length ${header.batchLength} does not match the ${end - pos} bytes available`)
  const actual = crc32c(buf, pos + OFF_ATTRIBUTES, pos + size)
  if (actual !== header.crc) throw new Error(`CRC-32C mismatch (stored ${hex(header.crc)}, computed ${hex(actual)})`)
  if (header.recordCount < 0 || header.lastOffsetDelta < 0) throw new Error('negative record count')
  if (codecOf(header.attributes & ATTR_COMPRESSION_MASK) === undefined)
    throw new Error(`unknown compression codec ${header.attributes & ATTR_COMPRESSION_MASK}`)
  return header
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0')
}

/** The stored size of the batch starting at pos. */
export function batchSize(buf: Buffer, pos = 0): number {
  return buf.readInt32BE(pos + OFF_BATCH_LENGTH) + 12
}

/** Rewrites the broker-owned fields that lie outside the CRC: baseOffset and partitionLeaderEpoch. */
export function assignBaseOffset(batch: Buffer, baseOffset: number, leaderEpoch = 0): void {
  writeInt64(batch, 0, baseOffset)
  batch.writeInt32BE(leaderEpoch, OFF_LEADER_EPOCH)
}

/** Rewrites a CreateTime batch's maxTimestamp; recomputes the CRC. */
export function setMaxTimestamp(batch: Buffer, maxTimestamp: number): void {
  writeInt64(batch, OFF_MAX_TIMESTAMP, maxTimestamp)
  batch.writeUInt32BE(crc32c(batch, OFF_ATTRIBUTES, batch.length), OFF_CRC)
}

/** Marks a batch LogAppendTime with the given append time; recomputes the CRC. */
export function setLogAppendTime(batch: Buffer, appendTime: number): void {
  batch.writeInt16BE(batch.readInt16BE(OFF_ATTRIBUTES) | ATTR_LOG_APPEND_TIME, OFF_ATTRIBUTES)
  writeInt64(batch, OFF_MAX_TIMESTAMP, appendTime)
  batch.writeUInt32BE(crc32c(batch, OFF_ATTRIBUTES, batch.length), OFF_CRC)
}

/**
 * One record of a batch being visited. Keys, values and headers are materialised only when asked
 * for; hot paths read the byte ranges (data, keyStart/keyLength, valueStart/valueLength) directly.
 * A length of -1 means null.
 */
export class RecordView implements Record {
  data: Buffer = EMPTY
  offset = 0
  // Cursor state: the batch being walked.
  private readonly reader = new VarintReader(EMPTY, 0, 0)
  private end = 0
  private index = 0
  private count = 0
  private baseOffset = 0
  private baseTimestamp = 0
  private maxTimestamp = 0
  private logAppendTime = false
  timestamp = 0
  timestampType: TimestampType = 'CreateTime'
  keyStart = 0
  keyLength = -1
  valueStart = 0
  valueLength = -1
  headersStart = 0
  headerCount = 0

  get key(): Buffer | null {
    return this.keyLength < 0 ? null : this.data.subarray(this.keyStart, this.keyStart + this.keyLength)
  }

  get value(): Buffer | null {
    return this.valueLength < 0 ? null : this.data.subarray(this.valueStart, this.valueStart + this.valueLength)
  }

  get headers(): readonly Header[] {
    if (this.headerCount === 0) return NO_HEADERS
    const r = new VarintReader(this.data, this.headersStart, this.data.length)
    const headers: Header[] = []
    for (let h = 0; h < this.headerCount; h++) {
      const keyLength = r.readVarint()
      const key = this.data.subarray(r.pos, r.pos + keyLength)
      r.pos += keyLength
      const valueLength = r.readVarint()
      let value: Buffer | null = null
      if (valueLength >= 0) {
        value = this.data.subarray(r.pos, r.pos + valueLength)
        r.pos += valueLength
      }

      headers.push({key, value})
    }

    return headers
  }

  /**
   * Points the cursor before the first record of a checked batch (decompressing it if needed);
   * next() then moves it record by record. Control batches have no records to show.
   */
  reset(batch: Buffer, header: BatchHeader): this {
    this.index = 0
    this.count = isControlBatch(header.attributes) ? 0 : header.recordCount
    const codec = codecOf(header.attributes & ATTR_COMPRESSION_MASK)!
    let data = batch
    let pos = BATCH_HEADER_SIZE
    let end = header.batchLength + 12
    if (codec !== 'none' && this.count > 0) {
      data = decompress(codec, batch.subarray(BATCH_HEADER_SIZE, end))
      pos = 0
      end = data.length
    }

    this.data = data
    this.end = end
    this.reader.buf = data
    this.reader.pos = pos
    this.reader.end = end
    this.baseOffset = header.baseOffset
    this.baseTimestamp = header.baseTimestamp
    this.maxTimestamp = header.maxTimestamp
    this.logAppendTime = (header.attributes & ATTR_LOG_APPEND_TIME) !== 0
    this.timestampType = this.logAppendTime ? 'LogAppendTime' : 'CreateTime'
    return this
  }

  /** Moves to the next record; false after the last. Throws on a malformed record. */
  next(): boolean {
    if (this.index >= this.count) return false
    const r = this.reader
    const length = r.readVarint()
    const recordEnd = r.pos + length
    if (length < 0 || recordEnd > this.end) throw new Error(`record ${this.index} overruns its batch`)
    r.pos++ // attributes (unused)
    const timestampDelta = r.readVarint()
    const offsetDelta = r.readVarint()
    const keyLength = r.readVarint()
    this.keyStart = r.pos
    this.keyLength = keyLength
    if (keyLength > 0) r.pos += keyLength
    const valueLength = r.readVarint()
    this.valueStart = r.pos
    this.valueLength = valueLength
    if (valueLength > 0) r.pos += valueLength
    const headerCount = r.readVarint()
    this.headerCount = headerCount
    this.headersStart = r.pos
    if (headerCount > 0) r.pos = recordEnd
    if (r.pos !== recordEnd || keyLength < -1 || valueLength < -1 || headerCount < 0)
      throw new Error(`record ${this.index} length does not match its fields`)
    this.offset = this.baseOffset + offsetDelta
    this.timestamp = this.logAppendTime ? this.maxTimestamp : this.baseTimestamp + timestampDelta
    this.index++
    return true
  }

  /**
   * An independent copy of the record: its key, value and headers are copied out of the batch, so
   * they stay valid when the batch's memory is reused (a consumer stages each batch in one place).
   */
  toRecord(): Record {
    const copy = (b: Buffer | null) => (b === null ? null : Buffer.from(b))
    return {
      headers:
        this.headerCount === 0 ? NO_HEADERS : this.headers.map((h) => ({key: copy(h.key)!, value: copy(h.value)})),
      key: copy(this.key),
      offset: this.offset,
      timestamp: this.timestamp,
      timestampType: this.timestampType,
      value: copy(this.value),
    }
  }
}

const EMPTY = Buffer.alloc(0)

/**
 * Visits the records of a checked batch in offset order. The view passed to `visit` is reused
 * between calls: copy what must outlive the call. Control records are skipped (they still occupy
 * their offsets). `visit` may return false to stop early.
 */
export function forEachRecord(
  batch: Buffer,
  header: BatchHeader,
  visit: (record: RecordView) => boolean | void,
  view: RecordView = new RecordView(),
): void {
  view.reset(batch, header)
  while (view.next()) if (visit(view) === false) return
}

/** All records of a checked batch as independent objects (convenient, not for hot paths). */
export function decodeRecords(batch: Buffer, header = checkBatch(batch)): Record[] {
  const out: Record[] = []
  forEachRecord(batch, header, (r) => {
    out.push(r.toRecord())
  })
  return out
}

/** Encoded size of one record's body (everything after its length prefix). */
function recordBodySize(
  timestampDelta: number,
  offsetDelta: number,
  keyLength: number,
  valueLength: number,
  headers: readonly Header[] | null,
): number {
  let size =
    1 +
    varintSize(timestampDelta) +
    varintSize(offsetDelta) +
    varintSize(keyLength) +
    (keyLength > 0 ? keyLength : 0) +
    varintSize(valueLength) +
    (valueLength > 0 ? valueLength : 0)
  const n = headers ? headers.length : 0
  size += varintSize(n)
  for (let i = 0; i < n; i++) {
    const h = headers![i]
    size += varintSize(h.key.length) + h.key.length
    size += h.value === null ? 1 : varintSize(h.value.length) + h.value.length
  }

  return size
}

/**
 * Builds one RecordBatch v2 for one partition: records are encoded straight into a growing
 * buffer; `build()` fills in the header, compresses if asked, and computes the CRC.
 * Keys and values are given as (buffer, start, end) ranges so the hot path makes no copies
 * beyond the one into the batch. A null key or value is passed as buffer `null`.
 */
export class RecordBatchBuilder {
  private buf: Buffer
  /** A view of the whole ArrayBuffer behind buf, for copyWithin from input in the same memory. */
  private whole: Buffer | undefined
  private bufOffset = 0
  /** The last source copied from, and its offset in buf's memory (-1: other memory). */
  private source: Buffer | undefined
  private sourceOffset = -1
  private pos = BATCH_HEADER_SIZE
  private baseTimestamp = -1
  private maxTimestamp = -1
  private count = 0

  /** Starts a batch in a new buffer of `initial` bytes, or in a given (reused) buffer. */
  constructor(initial: Buffer | number = 16_384) {
    this.buf = typeof initial === 'number' ? Buffer.allocUnsafeSlow(Math.max(initial, 256)) : initial
  }

  /** The buffer the batch is built in; reusable once the built batch is no longer needed. */
  get buffer(): Buffer {
    return this.buf
  }

  get recordCount(): number {
    return this.count
  }

  /** Bytes the batch would occupy uncompressed if built now. */
  get sizeInBytes(): number {
    return this.pos
  }

  append(
    timestamp: number,
    key: Buffer | null,
    keyStart: number,
    keyEnd: number,
    value: Buffer | null,
    valueStart: number,
    valueEnd: number,
    headers: readonly Header[] | null,
  ): void {
    if (this.count === 0) {
      this.baseTimestamp = timestamp
      this.maxTimestamp = timestamp
    } else if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp
    const timestampDelta = timestamp - this.baseTimestamp
    const offsetDelta = this.count
    const keyLength = key === null ? -1 : keyEnd - keyStart
    const valueLength = value === null ? -1 : valueEnd - valueStart
    const bodySize = recordBodySize(timestampDelta, offsetDelta, keyLength, valueLength, headers)
    this.ensure(5 + bodySize)
    const buf = this.buf
    let p = writeVarint(buf, this.pos, bodySize)
    buf[p++] = 0
    p = writeVarint(buf, p, timestampDelta)
    p = writeVarint(buf, p, offsetDelta)
    p = writeVarint(buf, p, keyLength)
    if (keyLength > 0) {
      this.copyIn(key!, keyStart, keyEnd, p)
      p += keyLength
    }

    p = writeVarint(buf, p, valueLength)
    if (valueLength > 0) {
      this.copyIn(value!, valueStart, valueEnd, p)
      p += valueLength
    }

    if (headers === null || headers.length === 0) buf[p++] = 0
    else {
      p = writeVarint(buf, p, headers.length)
      for (const h of headers) {
        p = writeVarint(buf, p, h.key.length)
        buf.set(h.key, p)
        p += h.key.length
        if (h.value === null) p = writeVarint(buf, p, -1)
        else {
          p = writeVarint(buf, p, h.value.length)
          buf.set(h.value, p)
          p += h.value.length
        }
      }
    }

    this.pos = p
    this.count++
  }

  /** Finishes the batch. The builder must not be used afterwards. */
  build(compression: CompressionType = 'none'): Buffer {
    if (this.count === 0) throw new Error('cannot build an empty record batch')
    let batch = this.buf.subarray(0, this.pos)
    if (compression !== 'none') {
      const compressed = compress(compression, batch.subarray(BATCH_HEADER_SIZE))
      const out = Buffer.allocUnsafeSlow(BATCH_HEADER_SIZE + compressed.length)
      batch.copy(out, 0, 0, BATCH_HEADER_SIZE)
      compressed.copy(out, BATCH_HEADER_SIZE)
      batch = out
    }

    writeInt64(batch, 0, 0)
    batch.writeInt32BE(batch.length - 12, OFF_BATCH_LENGTH)
    batch.writeInt32BE(-1, OFF_LEADER_EPOCH)
    batch.writeInt8(MAGIC, OFF_MAGIC)
    batch.writeInt16BE(compressionTypeOf(compression), OFF_ATTRIBUTES)
    batch.writeInt32BE(this.count - 1, OFF_LAST_OFFSET_DELTA)
    writeInt64(batch, OFF_BASE_TIMESTAMP, this.baseTimestamp)
    writeInt64(batch, OFF_MAX_TIMESTAMP, this.maxTimestamp)
    writeInt64(batch, OFF_PRODUCER_ID, -1)
    batch.writeInt16BE(-1, OFF_PRODUCER_EPOCH)
    batch.writeInt32BE(-1, OFF_BASE_SEQUENCE)
    batch.writeInt32BE(this.count, OFF_RECORD_COUNT)
    const crc = crc32c(batch, OFF_ATTRIBUTES, batch.length)
    batch.writeUInt32BE(crc, OFF_CRC)
    BUILT_HERE.set(batch, crc)
    return batch
  }

  /**
   * Copies source[start, end) to buf at pos. When the source lies in the same ArrayBuffer (the
   * producer stages its input next to its batches), copyWithin does it without allocating — about
   * three times faster than Buffer#copy for record-sized pieces. The typed-array getters this
   * needs (buffer, byteOffset) are slow, so they are read once per source, not once per record.
   */
  private copyIn(source: Buffer, start: number, end: number, pos: number): void {
    if (source !== this.source) {
      this.source = source
      this.sourceOffset = source.buffer === this.buf.buffer ? source.byteOffset : -1
      if (this.sourceOffset >= 0) {
        this.whole ??= Buffer.from(this.buf.buffer)
        this.bufOffset = this.buf.byteOffset
      }
    }

    if (this.sourceOffset >= 0)
      this.whole!.copyWithin(this.bufOffset + pos, this.sourceOffset + start, this.sourceOffset + end)
    else source.copy(this.buf, pos, start, end)
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + extra))
    this.buf.copy(grown, 0, 0, this.pos)
    this.buf = grown
    this.whole = undefined
    this.source = undefined
  }
}

/**
 * Batches this engine's own RecordBatchBuilder made in this process, with the CRC-32C computed
 * when each was built. Their record structure and maxTimestamp are right by construction, so the
 * appender need not walk their records, but only while they hold exactly the bytes that were
 * built: a Buffer is mutable, and trusting the object would store a batch changed after build()
 * unchecked (issue 9). Bytes from anywhere else (a file, a future wire client) are validated in full.
 */
const BUILT_HERE = new WeakMap<Buffer, number>()

/**
 * True when `batch` is a batch built here and still holds exactly the bytes built: its length,
 * magic and CRC field are as built, and the CRC-32C of its bytes (recomputed here) is the one
 * computed at build time. Only baseOffset and the leader epoch, outside the CRC, may have changed.
 * Measured on 16 KiB batches of 100-byte records: this check costs 5 µs a batch (CRC-32C at
 * 3.1 GB/s) against 13 µs for the full check with the record walk, and 0.4 µs for trusting the
 * object; about 3 % of produce time at 1.5M records/s.
 */
export function builtHere(batch: Buffer): boolean {
  const crc = BUILT_HERE.get(batch)
  return (
    crc !== undefined &&
    batch.length >= BATCH_HEADER_SIZE &&
    batch.readInt32BE(OFF_BATCH_LENGTH) === batch.length - 12 &&
    batch.readInt8(OFF_MAGIC) === MAGIC &&
    batch.readUInt32BE(OFF_CRC) === crc &&
    crc32c(batch, OFF_ATTRIBUTES, batch.length) === crc
  )
}

/** Wraps a decode failure of a stored batch as a CORRUPT_MESSAGE error naming where it is. */
export function corruptBatchError(topic: string, partition: number, offset: number, reason: string): KtError {
  return new KtError(
    'CORRUPT_MESSAGE',
    `Corrupt record batch in topic '${topic}' partition ${partition} at offset ${offset}: ${reason}`,
  )
}
