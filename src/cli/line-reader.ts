// Kafka's LineMessageReader (reference/kafka-cli.md §3.2–3.3): one record per line of stdin,
// with optional headers and key, a null marker, and Kafka's error messages. Lines end at \n, \r\n
// or a lone \r. Everything stays bytes: keys, values and header values are kept byte-for-byte,
// even when they are not valid UTF-8 (Java would replace such bytes).
import type {Header} from '../engine/index.js'
import {KtError} from '../engine/index.js'
import {emptyInputRecord, type InputRecord, type RecordReader} from '../client/input-record.js'

export interface LineReaderConfig {
  parseKey: boolean
  keySeparator: string
  parseHeaders: boolean
  headersDelimiter: string
  /** A regular expression (Java String.split semantics). */
  headersSeparator: string
  headersKeySeparator: string
  nullMarker: string | undefined
  ignoreError: boolean
}

export const DEFAULT_LINE_READER_CONFIG: LineReaderConfig = {
  headersDelimiter: '\t',
  headersKeySeparator: ':',
  headersSeparator: ',',
  ignoreError: false,
  keySeparator: '\t',
  nullMarker: undefined,
  parseHeaders: false,
  parseKey: false,
}

/** Kafka's startup checks of the reader properties, with its messages. */
export function validateLineReaderConfig(c: LineReaderConfig): void {
  const fail = (a: string, b: string) => {
    throw new KtError('INVALID_CONFIG', `${a} and ${b} may not be equal`)
  }

  // Kafka checks these whether or not parse.headers is on.
  if (c.headersDelimiter === c.headersSeparator) fail('headers.delimiter', 'headers.separator')
  if (c.headersDelimiter === c.headersKeySeparator) fail('headers.delimiter', 'headers.key.separator')
  if (c.headersSeparator === c.headersKeySeparator) fail('headers.separator', 'headers.key.separator')

  if (c.nullMarker !== undefined) {
    if (c.nullMarker === c.keySeparator) fail('null.marker', 'key.separator')
    if (c.nullMarker === c.headersSeparator) fail('null.marker', 'headers.separator')
    if (c.nullMarker === c.headersDelimiter) fail('null.marker', 'headers.delimiter')
    if (c.nullMarker === c.headersKeySeparator) fail('null.marker', 'headers.key.separator')
  }
}

const LF = 10
const CR = 13

export class LineMessageReader implements RecordReader {
  lineNumber = 0
  private readonly record = emptyInputRecord()
  private carry: Buffer[] = []
  private carryBytes = 0
  private skipLF = false
  private readonly keySep: Buffer
  private readonly headersDelim: Buffer
  private readonly nullMarker: Buffer | undefined
  private readonly headersSplit: RegExp
  private readonly headerKeySep: string
  private readonly nullMarkerLatin1: string | undefined
  private readonly plain: boolean
  private readonly keySepCache: {buf: Buffer | null; from: number; at: number} = {at: -1, buf: null, from: 0}

  constructor(
    private readonly config: LineReaderConfig,
    private readonly sink: (record: InputRecord) => void,
    /** A line longer than this cannot become a record: report it without buffering it all. */
    private readonly maxLineBytes = Number.POSITIVE_INFINITY,
    /** The record size limit behind maxLineBytes, for the message. */
    private readonly recordLimit = maxLineBytes,
  ) {
    this.keySep = Buffer.from(config.keySeparator)
    this.headersDelim = Buffer.from(config.headersDelimiter)
    this.nullMarker = config.nullMarker === undefined ? undefined : Buffer.from(config.nullMarker)
    // Header blocks are matched as latin1 text (one char per byte) so that their bytes survive.
    this.headersSplit = new RegExp(toLatin1(config.headersSeparator), 'g')
    this.headerKeySep = toLatin1(config.headersKeySeparator)
    this.nullMarkerLatin1 = config.nullMarker === undefined ? undefined : toLatin1(config.nullMarker)
    this.plain = !config.parseKey && !config.parseHeaders && config.nullMarker === undefined
  }

  push(chunk: Buffer): void {
    let start = 0
    if (this.carry.length > 0) {
      // Complete the held partial line with the head of this chunk, without copying the rest.
      const nl = firstLineEnd(chunk, 0)
      if (nl < 0) {
        this.hold(chunk)
        return
      }

      const head = Buffer.concat([...this.carry, chunk.subarray(0, nl)])
      this.carry = []
      this.carryBytes = 0
      this.line(head, 0, head.length)
      start = nl + 1
      if (chunk[nl] === CR) {
        if (start < chunk.length) {
          if (chunk[start] === LF) start++
        } else {
          this.skipLF = true
          return
        }
      }
    } else if (this.skipLF && chunk.length > 0) {
      this.skipLF = false
      if (chunk[0] === LF) start = 1
    }

    const buf = chunk
    const hasCR = buf.includes(CR, start)
    const end = buf.length
    while (start < end) {
      let lineEnd = buf.indexOf(LF, start)
      let isCR = false
      if (hasCR) {
        const cr = buf.indexOf(CR, start)
        if (cr >= 0 && (lineEnd < 0 || cr < lineEnd)) {
          lineEnd = cr
          isCR = true
        }
      }

      if (lineEnd < 0) break
      this.line(buf, start, lineEnd)
      start = lineEnd + 1
      if (isCR) {
        if (start < end) {
          if (buf[start] === LF) start++
        } else this.skipLF = true
      }
    }

    if (start < end) this.hold(start === 0 ? buf : buf.subarray(start))
  }

  end(): void {
    if (this.carry.length === 0) return
    const buf = this.carry.length === 1 ? this.carry[0] : Buffer.concat(this.carry)
    this.carry = []
    this.carryBytes = 0
    this.line(buf, 0, buf.length)
  }

  private hold(part: Buffer): void {
    // A copy: the caller may reuse the chunk's memory once push() returns.
    this.carry.push(Buffer.from(part))
    this.carryBytes += part.length
    if (this.carryBytes > this.maxLineBytes)
      throw new KtError(
        'MESSAGE_TOO_LARGE',
        `Line number ${this.lineNumber + 1}: the line is longer than ${this.maxLineBytes} bytes, too large for a record of at most ${this.recordLimit} bytes`,
      )
  }

  private line(buf: Buffer, start: number, end: number): void {
    this.lineNumber++
    const r = this.record
    r.headers = null
    if (this.plain) {
      r.key = null
      r.value = buf
      r.valueStart = start
      r.valueEnd = end
      this.sink(r)
      return
    }

    const c = this.config
    let pos = start
    if (c.parseHeaders) {
      const delim = indexInLine(buf, this.headersDelim, pos, end)
      if (delim < 0) {
        if (!c.ignoreError) throw this.lineError('No headers delimiter found', buf, start, end)
      } else {
        r.headers = this.parseHeaders(buf.toString('latin1', pos, delim))
        pos = delim + this.headersDelim.length
      }
    }

    r.key = null
    if (c.parseKey) {
      const sep = this.findKeySeparator(buf, pos, end)
      if (sep < 0) {
        if (!c.ignoreError) throw this.lineError('No key separator found', buf, start, end)
      } else {
        if (!this.isNullMarker(buf, pos, sep)) {
          r.key = buf
          r.keyStart = pos
          r.keyEnd = sep
        }

        pos = sep + this.keySep.length
      }
    }

    if (this.isNullMarker(buf, pos, end)) r.value = null
    else {
      r.value = buf
      r.valueStart = pos
      r.valueEnd = end
    }

    this.sink(r)
  }

  private parseHeaders(block: string): Header[] | null {
    if (block === this.nullMarkerLatin1) return null
    const pieces = javaSplit(block, this.headersSplit)
    const headers: Header[] = []
    for (const pair of pieces) {
      const i = pair.indexOf(this.headerKeySep)
      if (i < 0) {
        if (!this.config.ignoreError)
          throw new KtError(
            'INVALID_RECORD',
            `No header key separator found in pair '${fromLatin1(pair)}' on line number ${this.lineNumber}`,
          )
        headers.push({key: Buffer.from(pair, 'latin1'), value: null})
        continue
      }

      const key = pair.slice(0, i)
      if (key === this.nullMarkerLatin1)
        throw new KtError(
          'INVALID_RECORD',
          `Header keys should not be equal to the null marker '${this.config.nullMarker}' as they can't be null`,
        )
      const value = pair.slice(i + this.headerKeySep.length)
      headers.push({
        key: Buffer.from(key, 'latin1'),
        value: value === this.nullMarkerLatin1 ? null : Buffer.from(value, 'latin1'),
      })
    }

    return headers
  }

  /**
   * The key separator inside buf[start, end). Remembers the next occurrence in the buffer so that
   * a chunk of many lines is searched once, not once per line to the end of the chunk.
   */
  private findKeySeparator(buf: Buffer, start: number, end: number): number {
    const c = this.keySepCache
    if (c.buf !== buf || start < c.from || (c.at !== -1 && c.at < start)) {
      c.buf = buf
      c.from = start
      c.at = buf.indexOf(this.keySep, start)
    }

    return c.at !== -1 && c.at + this.keySep.length <= end ? c.at : -1
  }

  private isNullMarker(buf: Buffer, start: number, end: number): boolean {
    const m = this.nullMarker
    return m !== undefined && end - start === m.length && buf.compare(m, 0, m.length, start, end) === 0
  }

  private lineError(what: string, buf: Buffer, start: number, end: number): KtError {
    return new KtError(
      'INVALID_RECORD',
      `${what} on line number ${this.lineNumber}: '${buf.toString('utf8', start, end)}'`,
    )
  }
}

function firstLineEnd(buf: Buffer, start: number): number {
  const lf = buf.indexOf(LF, start)
  const cr = buf.indexOf(CR, start)
  if (lf < 0) return cr
  if (cr < 0) return lf
  return Math.min(lf, cr)
}

/** First occurrence of needle lying wholly inside buf[start, end), or -1. */
function indexInLine(buf: Buffer, needle: Buffer, start: number, end: number): number {
  if (needle.length === 0) return start
  if (end - start < needle.length) return -1
  const i = buf.subarray(start, end).indexOf(needle)
  return i < 0 ? -1 : start + i
}

/** Java's String.split(regex): no match gives the whole string; otherwise trailing empties go. */
function javaSplit(s: string, separator: RegExp): string[] {
  const pieces = s.split(separator)
  if (pieces.length === 1) return pieces
  if (pieces[0] === '' && s.search(separator) === 0 && s.match(separator)?.[0] === '') pieces.shift()
  while (pieces.length > 0 && pieces.at(-1) === '') pieces.pop()
  return pieces
}

function toLatin1(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1')
}

function fromLatin1(s: string): string {
  return Buffer.from(s, 'latin1').toString('utf8')
}
