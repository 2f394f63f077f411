// kt's JSON record format: what `kt console-consumer --output json` writes, one object per line,
// and what `kt console-producer --input json` reads back. Lossless and binary-safe:
//   {"topic","partition","offset","timestamp","timestamp_type",
//    "key","key_encoding","value","value_encoding","headers":[{"key","value","value_encoding"}]}
// key/value are null for a null key/value (distinct from ""), and otherwise text with an
// encoding: "utf8" when the bytes are valid UTF-8, else "base64". On input "json" is also
// accepted (the value is any JSON, stored as its compact text). A missing encoding means utf8.
import {isUtf8} from 'node:buffer'

import {type Header, KtError, type Record} from '../engine/index.js'
import {emptyInputRecord, type InputRecord, type RecordReader} from '../client/input-record.js'
import {LineMessageReader, DEFAULT_LINE_READER_CONFIG} from './line-reader.js'

export type Encoding = 'base64' | 'json' | 'utf8'

function encodeBytes(bytes: Buffer): [string, Encoding] {
  return isUtf8(bytes) ? [bytes.toString('utf8'), 'utf8'] : [bytes.toString('base64'), 'base64']
}

/** One record as a JSON line (without the newline). */
export function recordToJson(topic: string, partition: number, r: Record): string {
  const out: {[k: string]: unknown} = {
    topic,
    partition,
    offset: r.offset,
    timestamp: r.timestamp,
    timestamp_type: r.timestampType,
  }
  if (r.key === null) out.key = null
  else [out.key, out.key_encoding] = encodeBytes(r.key)
  if (r.value === null) out.value = null
  else [out.value, out.value_encoding] = encodeBytes(r.value)
  out.headers = r.headers.map((h) => {
    const header: {[k: string]: unknown} = {}
    if (isUtf8(h.key)) header.key = h.key.toString('utf8')
    else [header.key, header.key_encoding] = [h.key.toString('base64'), 'base64']
    if (h.value === null) header.value = null
    else [header.value, header.value_encoding] = encodeBytes(h.value)
    return header
  })
  return JSON.stringify(out)
}

/** A UTF-16 surrogate without its pair: no Unicode character, so no UTF-8 bytes. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Why text is not canonical base64 (what `--output json` writes: the standard alphabet, '='
 * padding to a multiple of 4, unused bits zero), or undefined. Buffer.from decodes leniently:
 * "x" became an empty value and "QUJD=" became "ABC"; only text that re-encodes to itself is
 * accepted, so every accepted value is exactly the bytes it names.
 */
function base64Problem(text: string): string | undefined {
  const outside = /[^A-Za-z0-9+/=]/.exec(text)
  if (outside)
    return `${JSON.stringify(outside[0])} at character ${outside.index + 1} is outside the base64 alphabet (A-Z, a-z, 0-9, +, /)`
  if (text.length % 4 !== 0) return `its length ${text.length} is not a multiple of 4 (base64 is padded with '=')`
  const padding = text.indexOf('=')
  if (padding !== -1 && (padding < text.length - 2 || !/^=+$/.test(text.slice(padding))))
    return `'=' at character ${padding + 1} is padding, allowed only as the last one or two characters`
  // Only the last 4 characters can carry unused bits.
  const last = text.slice(-4)
  const canonical = Buffer.from(last, 'base64').toString('base64')
  if (canonical !== last) return `'${last}' sets bits past its last byte (the canonical form is '${canonical}')`
  return undefined
}

function decodeField(obj: {[k: string]: unknown}, field: string, line: number): Buffer | null {
  const value = obj[field]
  const encoding = obj[`${field}_encoding`] ?? 'utf8'
  const fail = (why: string) => new KtError('INVALID_RECORD', `Invalid JSON record on line number ${line}: ${why}`)
  if (value === undefined || value === null) return null

  switch (encoding) {
    case 'utf8': {
      if (typeof value !== 'string') throw fail(`"${field}" must be a string (or null) with ${field}_encoding utf8`)
      // Buffer.from would store U+FFFD for it, silently changing the value.
      const lone = LONE_SURROGATE.exec(value)
      if (lone)
        throw fail(
          `"${field}" holds a lone surrogate \\u${lone[0].charCodeAt(0).toString(16)} at character ${lone.index + 1}, which UTF-8 cannot encode (use ${field}_encoding base64 for raw bytes)`,
        )
      return Buffer.from(value, 'utf8')
    }

    case 'base64': {
      if (typeof value !== 'string') throw fail(`"${field}" must be a string (or null) with ${field}_encoding base64`)
      const problem = base64Problem(value)
      if (problem !== undefined) throw fail(`"${field}" is not valid base64: ${problem}`)
      return Buffer.from(value, 'base64')
    }

    case 'json': {
      return Buffer.from(JSON.stringify(value), 'utf8')
    }

    default: {
      throw fail(`unknown ${field}_encoding ${JSON.stringify(encoding)} (use utf8, base64 or json)`)
    }
  }
}

/** Reads kt's JSON records, one object per line; blank lines are skipped. */
export class JsonRecordReader implements RecordReader {
  private readonly lines: LineMessageReader
  private readonly record = emptyInputRecord()

  constructor(
    private readonly sink: (record: InputRecord) => void,
    maxLineBytes?: number,
    recordLimit?: number,
  ) {
    this.lines = new LineMessageReader(DEFAULT_LINE_READER_CONFIG, (r) => this.onLine(r), maxLineBytes, recordLimit)
  }

  get lineNumber(): number {
    return this.lines.lineNumber
  }

  push(chunk: Buffer): void {
    this.lines.push(chunk)
  }

  end(): void {
    this.lines.end()
  }

  private onLine(line: InputRecord): void {
    const text = line.value!.toString('utf8', line.valueStart, line.valueEnd)
    if (text.trim() === '') return
    const n = this.lines.lineNumber
    const fail = (why: string) => new KtError('INVALID_RECORD', `Invalid JSON record on line number ${n}: ${why}`)
    let obj: unknown
    try {
      obj = JSON.parse(text)
    } catch (error) {
      throw fail((error as Error).message)
    }

    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw fail('expected a JSON object')
    const o = obj as {[k: string]: unknown}
    const r = this.record
    r.key = decodeField(o, 'key', n)
    r.keyStart = 0
    r.keyEnd = r.key?.length ?? 0
    r.value = decodeField(o, 'value', n)
    r.valueStart = 0
    r.valueEnd = r.value?.length ?? 0
    r.partition = -1
    if (o.partition !== undefined && o.partition !== null) {
      if (!Number.isInteger(o.partition) || (o.partition as number) < 0)
        throw fail('"partition" must be a non-negative integer')
      r.partition = o.partition as number
    }

    r.timestamp = -1
    if (o.timestamp !== undefined && o.timestamp !== null) {
      if (!Number.isSafeInteger(o.timestamp) || (o.timestamp as number) < 0)
        throw fail('"timestamp" must be a non-negative integer (epoch milliseconds)')
      r.timestamp = o.timestamp as number
    }

    r.headers = null
    if (o.headers !== undefined && o.headers !== null) {
      if (!Array.isArray(o.headers)) throw fail('"headers" must be a list of {"key", "value"} objects')
      const headers: Header[] = []
      for (const h of o.headers as unknown[]) {
        if (typeof h !== 'object' || h === null) throw fail('each header must be an object {"key", "value"}')
        const ho = h as {[k: string]: unknown}
        const key = decodeField(ho, 'key', n)
        if (key === null) throw fail('a header key cannot be null')
        headers.push({key, value: decodeField(ho, 'value', n)})
      }

      r.headers = headers
    }

    this.sink(r)
  }
}
