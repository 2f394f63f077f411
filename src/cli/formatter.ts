// Record → output. Kafka's DefaultMessageFormatter byte-exact (reference/kafka-cli.md §4.4), its
// NoOpMessageFormatter, and kt's JSON lines and kcat-style templates.
import {KtError, type Record, type RecordView} from '../engine/index.js'
import {type Deserializer, deserializerFor} from './deserializers.js'
import {booleanProperty} from './properties.js'
import {recordToJson} from './record-json.js'
import type {DataWriter} from './stdout.js'

/** A record as the consume loop hands it over: Record plus the byte ranges of its key and value. */
export interface RecordSlice extends Record {
  data: Buffer
  keyStart: number
  keyLength: number
  valueStart: number
  valueLength: number
}

export interface RecordFormatter {
  /** Writes one record. Throws KtError when a deserializer rejects the bytes. */
  write(topic: string, partition: number, r: RecordSlice, out: DataWriter): void
  /**
   * Optional fast path for formats that print values only: writes the records the cursor has left
   * from offset `from` on, at most `limit` of them. Returns how many, the offset after the last
   * one (-1 if none), and whether the batch was finished.
   */
  writeValues?(
    cursor: RecordView,
    from: number,
    limit: number,
    out: DataWriter,
  ): {count: number; next: number; complete: boolean}
}

export const DEFAULT_FORMATTERS = new Set([
  'kafka.tools.DefaultMessageFormatter',
  'org.apache.kafka.tools.consumer.DefaultMessageFormatter',
])
export const NO_OP_FORMATTERS = new Set([
  'kafka.tools.NoOpMessageFormatter',
  'org.apache.kafka.tools.consumer.NoOpMessageFormatter',
])

export class NoOpFormatter implements RecordFormatter {
  write(): void {}
}

export class JsonFormatter implements RecordFormatter {
  write(topic: string, partition: number, r: RecordSlice, out: DataWriter): void {
    out.writeString(recordToJson(topic, partition, r))
    out.writeString('\n')
  }
}

/** Kafka's DefaultMessageFormatter. */
export class DefaultFormatter implements RecordFormatter {
  private readonly printTimestamp: boolean
  private readonly printPartition: boolean
  private readonly printOffset: boolean
  private readonly printDelivery: boolean
  private readonly printEpoch: boolean
  private readonly printHeaders: boolean
  private readonly printKey: boolean
  private readonly printValue: boolean
  private readonly keySeparator: Buffer
  private readonly lineSeparator: Buffer
  private readonly headersSeparator: Buffer
  private readonly nullLiteral: Buffer
  private readonly keyDeserializer: Deserializer | undefined
  private readonly valueDeserializer: Deserializer | undefined
  private readonly headersDeserializer: Deserializer | undefined
  private readonly valueOnly: boolean

  constructor(props: ReadonlyMap<string, string>) {
    const flag = (name: string, fallback = false) => (props.has(name) ? booleanProperty(props.get(name)) : fallback)
    this.printTimestamp = flag('print.timestamp')
    this.printPartition = flag('print.partition')
    this.printOffset = flag('print.offset')
    this.printDelivery = flag('print.delivery')
    this.printEpoch = flag('print.epoch')
    this.printHeaders = flag('print.headers')
    this.printKey = flag('print.key')
    this.printValue = flag('print.value', true)
    this.keySeparator = Buffer.from(props.get('key.separator') ?? '\t')
    this.lineSeparator = Buffer.from(props.get('line.separator') ?? '\n')
    this.headersSeparator = Buffer.from(props.get('headers.separator') ?? ',')
    this.nullLiteral = Buffer.from(props.get('null.literal') ?? 'null')
    this.keyDeserializer = configured(props, 'key')
    this.valueDeserializer = configured(props, 'value')
    this.headersDeserializer = configured(props, 'headers')
    this.valueOnly =
      this.printValue &&
      !this.printTimestamp &&
      !this.printPartition &&
      !this.printOffset &&
      !this.printDelivery &&
      !this.printEpoch &&
      !this.printHeaders &&
      !this.printKey &&
      this.valueDeserializer === undefined
    if (this.valueOnly) this.writeValues = (cursor, from, limit, out) => this.valuesOnly(cursor, from, limit, out)
  }

  /** Values and line separators, straight from the batch: no per-field dispatch. */
  private valuesOnly(cursor: RecordView, from: number, limit: number, out: DataWriter) {
    let count = 0
    let next = -1
    const separator = this.lineSeparator
    const nullLiteral = this.nullLiteral
    const data = cursor.data
    while (count < limit) {
      if (!cursor.next()) return {complete: true, count, next}
      if (cursor.offset < from) continue
      if (cursor.valueLength >= 0) out.write(data, cursor.valueStart, cursor.valueStart + cursor.valueLength)
      else out.write(nullLiteral)
      out.write(separator)
      count++
      next = cursor.offset + 1
    }

    // The limit is reached: the batch is complete only if no record is left at or after `from`.
    while (cursor.next()) if (cursor.offset >= from) return {complete: false, count, next}
    return {complete: true, count, next}
  }

  /** Set only when printing values alone, so the consume loop can take the fast path. */
  readonly writeValues?: RecordFormatter['writeValues']

  write(_topic: string, partition: number, r: RecordSlice, out: DataWriter): void {
    if (this.valueOnly) {
      // The common case, without allocating: the value bytes and the line separator.
      if (r.valueLength >= 0) out.write(r.data, r.valueStart, r.valueStart + r.valueLength)
      else out.write(this.nullLiteral)
      out.write(this.lineSeparator)
      return
    }

    // Deserialize first, so that a failing record writes nothing.
    const key = this.printKey ? this.field(r.key, this.keyDeserializer) : undefined
    const value = this.printValue ? this.field(r.value, this.valueDeserializer) : undefined
    let first = true
    const sep = () => {
      if (first) first = false
      else out.write(this.keySeparator)
    }

    if (this.printTimestamp) {
      sep()
      out.writeString(`${r.timestampType}:${r.timestamp}`)
    }

    if (this.printPartition) {
      sep()
      out.writeString(`Partition:${partition}`)
    }

    if (this.printOffset) {
      sep()
      out.writeString(`Offset:${r.offset}`)
    }

    if (this.printDelivery) {
      sep()
      out.writeString('Delivery:NOT_PRESENT')
    }

    if (this.printEpoch) {
      sep()
      out.writeString('Epoch:NOT_PRESENT')
    }

    if (this.printHeaders) {
      sep()
      const headers = r.headers
      if (headers.length === 0) out.writeString('NO_HEADERS')
      headers.forEach((h, i) => {
        if (i > 0) out.write(this.headersSeparator)
        out.write(h.key)
        out.writeString(':')
        out.write(this.field(h.value, this.headersDeserializer))
      })
    }

    if (key !== undefined) {
      sep()
      out.write(key)
    }

    if (value !== undefined) {
      sep()
      out.write(value)
    }

    if (!first) out.write(this.lineSeparator)
  }

  private field(bytes: Buffer | null, deserializer: Deserializer | undefined): Buffer {
    if (bytes === null) return this.nullLiteral
    return deserializer ? deserializer(bytes) : bytes
  }
}

function configured(props: ReadonlyMap<string, string>, field: 'headers' | 'key' | 'value'): Deserializer | undefined {
  const className = props.get(`${field}.deserializer`)
  if (className === undefined) return undefined
  const prefix = `${field}.deserializer.`
  const config = new Map<string, string>()
  for (const [k, v] of props) if (k.startsWith(prefix)) config.set(k.slice(prefix.length), v)
  return deserializerFor(className.trim(), config)
}

/**
 * kcat-style templates: %t topic, %p partition, %o offset, %T timestamp, %k key, %s value,
 * %h headers (k=v,…), %K / %S key / value length (-1 for null), %% a percent sign;
 * \n, \t, \r and \\ escapes. A null key or value prints as nothing.
 */
export class TemplateFormatter implements RecordFormatter {
  private readonly parts: Array<
    string | ((topic: string, partition: number, r: RecordSlice, out: DataWriter) => void)
  > = []

  constructor(template: string) {
    let text = ''
    const push = (f: (topic: string, partition: number, r: RecordSlice, out: DataWriter) => void) => {
      if (text) this.parts.push(text)
      text = ''
      this.parts.push(f)
    }

    for (let i = 0; i < template.length; i++) {
      const c = template[i]
      const n = template[i + 1]
      if (c === '\\' && n !== undefined) {
        const escapes: {[k: string]: string} = {'\\': '\\', n: '\n', r: '\r', t: '\t'}
        if (n in escapes) {
          text += escapes[n]
          i++
          continue
        }
      }

      if (c !== '%' || n === undefined) {
        text += c
        continue
      }

      i++
      switch (n) {
        case '%': {
          text += '%'
          break
        }

        case 'h': {
          push((_t, _p, r, out) =>
            r.headers.forEach((h, j) => {
              if (j > 0) out.writeString(',')
              out.write(h.key)
              out.writeString('=')
              if (h.value) out.write(h.value)
            }),
          )
          break
        }

        case 'K': {
          push((_t, _p, r, out) => out.writeString(String(r.keyLength)))
          break
        }

        case 'k': {
          push((_t, _p, r, out) => r.keyLength > 0 && out.write(r.data, r.keyStart, r.keyStart + r.keyLength))
          break
        }

        case 'o': {
          push((_t, _p, r, out) => out.writeString(String(r.offset)))
          break
        }

        case 'p': {
          push((_t, p, _r, out) => out.writeString(String(p)))
          break
        }

        case 'S': {
          push((_t, _p, r, out) => out.writeString(String(r.valueLength)))
          break
        }

        case 's': {
          push((_t, _p, r, out) => r.valueLength > 0 && out.write(r.data, r.valueStart, r.valueStart + r.valueLength))
          break
        }

        case 'T': {
          push((_t, _p, r, out) => out.writeString(String(r.timestamp)))
          break
        }

        case 't': {
          push((t, _p, _r, out) => out.writeString(t))
          break
        }

        default: {
          throw new KtError('INVALID_CONFIG', `--format: unknown token %${n} (use %t %p %o %T %k %s %h %K %S %%)`)
        }
      }
    }

    if (text) this.parts.push(text)
  }

  write(topic: string, partition: number, r: RecordSlice, out: DataWriter): void {
    for (const part of this.parts) {
      if (typeof part === 'string') out.writeString(part)
      else part(topic, partition, r, out)
    }
  }
}
