// One interpreter for every Kafka message: a schema lists each field once with the versions it
// exists in (and is nullable in, or carried as a tagged field in), as Kafka's JSON message
// definitions do. Encoding and decoding any version, flexible (compact lengths, tagged fields) or
// not, follows from the tables; no per-version code exists anywhere.
import {ProtocolError, Reader, Writer} from './io.js'

export type Primitive =
  'bool' | 'bytes' | 'float64' | 'int16' | 'int32' | 'int64' | 'int8' | 'records' | 'string' | 'uint16' | 'uuid'

/** An inclusive version range; max is Infinity for "v+". */
export interface Versions {
  min: number
  max: number
}

export interface Field {
  name: string
  /** A primitive, or the fields of each element of an array of structs. */
  type: Primitive | Field[]
  /** True for an array (of primitives, or of structs when type is a field list). */
  array: boolean
  versions: Versions
  nullable?: Versions
  /** Carried in the tagged-field section (flexible versions only). */
  tag?: number
  default?: unknown
}

export interface MessageSchema {
  fields: Field[]
}

export interface ApiSchema {
  apiKey: number
  name: string
  /** Versions this codec implements (every one encodes and decodes). */
  versions: Versions
  /** The first flexible version, or Infinity when none is. */
  flexible: number
  request: MessageSchema
  response: MessageSchema
}

export type Message = Record<string, unknown>

export function range(spec: string): Versions {
  const plus = /^(\d+)\+$/.exec(spec)
  if (plus) return {max: Infinity, min: Number(plus[1])}
  const span = /^(\d+)(?:-(\d+))?$/.exec(spec)
  if (!span) throw new Error(`bad version range ${spec}`)
  return {max: Number(span[2] ?? span[1]), min: Number(span[1])}
}

export function within(v: number, r: Versions | undefined): boolean {
  return r !== undefined && v >= r.min && v <= r.max
}

/**
 * A field: `f('topics', [...fields], '1+', {nullable: '1+'})` is an array of structs;
 * `f('replicaNodes', '[]int32')` an array of int32; `f('errorCode', 'int16')` a scalar.
 */
export function f(
  name: string,
  type: `[]${Primitive}` | Field[] | Primitive,
  versions = '0+',
  options: {nullable?: string; tag?: number; default?: unknown} = {},
): Field {
  const array = Array.isArray(type) || type.startsWith('[]')
  const t = Array.isArray(type) ? type : ((array ? type.slice(2) : type) as Primitive)
  return {
    array,
    default: options.default,
    name,
    nullable: options.nullable === undefined ? undefined : range(options.nullable),
    tag: options.tag,
    type: t,
    versions: range(versions),
  }
}

export function defaultOf(field: Field, version: number): unknown {
  if (field.default !== undefined) return field.default
  if (within(version, field.nullable) && (field.array || field.type === 'string' || field.type === 'bytes')) return null
  if (field.array) return []
  switch (field.type) {
    case 'bool': {
      return false
    }

    case 'string': {
      return ''
    }

    case 'bytes': {
      return Buffer.alloc(0)
    }

    case 'records': {
      return null
    }

    case 'uuid': {
      return 'AAAAAAAAAAAAAAAAAAAAAA'
    }

    default: {
      return 0
    }
  }
}

// ---------------------------------------------------------------------------------------------
// encoding

export function encodeMessage(w: Writer, schema: MessageSchema, value: Message, version: number, flex: boolean): void {
  encodeStruct(w, schema.fields, value, version, flex)
}

function encodeStruct(w: Writer, fields: Field[], value: Message, version: number, flex: boolean): void {
  let tagged: Field[] | undefined
  for (const field of fields) {
    if (!within(version, field.versions)) continue
    if (field.tag !== undefined) {
      if (!flex) continue
      const v = value[field.name]
      if (v === undefined || v === defaultOf(field, version)) continue
      ;(tagged ??= []).push(field)
      continue
    }

    encodeField(w, field, value[field.name], version, flex)
  }

  if (!flex) return
  if (!tagged) return w.uvarint(0)
  w.uvarint(tagged.length)
  for (const field of tagged.sort((a, b) => a.tag! - b.tag!)) {
    const sub = new Writer(64)
    encodeField(sub, field, value[field.name], version, flex)
    w.uvarint(field.tag!)
    w.uvarint(sub.length)
    for (const c of sub.finish()) w.raw(c)
  }
}

function encodeField(w: Writer, field: Field, v: unknown, version: number, flex: boolean): void {
  const value = v === undefined ? defaultOf(field, version) : v
  const nullable = within(version, field.nullable)
  if (field.array) {
    if (value === null) {
      if (!nullable) throw new ProtocolError(`${field.name} is not nullable in v${version}`)
      if (flex) w.uvarint(0)
      else w.int32(-1)
      return
    }

    const items = value as unknown[]
    if (flex) w.uvarint(items.length + 1)
    else w.int32(items.length)
    if (Array.isArray(field.type)) for (const item of items) encodeStruct(w, field.type, item as Message, version, flex)
    else for (const item of items) encodePrimitive(w, field.type, item, false, field.name, version, flex)
    return
  }

  if (Array.isArray(field.type)) throw new ProtocolError(`${field.name}: plain structs are not supported`)
  encodePrimitive(w, field.type, value, nullable, field.name, version, flex)
}

function encodePrimitive(
  w: Writer,
  type: Primitive,
  value: unknown,
  nullable: boolean,
  name: string,
  version: number,
  flex: boolean,
): void {
  switch (type) {
    case 'bool': {
      w.bool(value as boolean)
      break
    }

    case 'int8': {
      w.int8(value as number)
      break
    }

    case 'int16': {
      w.int16(value as number)
      break
    }

    case 'uint16': {
      w.uint16(value as number)
      break
    }

    case 'int32': {
      w.int32(value as number)
      break
    }

    case 'int64': {
      w.int64(value as number)
      break
    }

    case 'float64': {
      w.float64(value as number)
      break
    }

    case 'uuid': {
      w.uuid(value as string)
      break
    }

    case 'string': {
      if (value === null) {
        if (!nullable) throw new ProtocolError(`${name} is not nullable in v${version}`)
        if (flex) w.uvarint(0)
        else w.int16(-1)
        return
      }

      const b = Buffer.from(value as string, 'utf8')
      if (flex) w.uvarint(b.length + 1)
      else w.int16(b.length)
      w.raw(b)
      break
    }

    case 'bytes':
    case 'records': {
      if (value === null) {
        if (type === 'bytes' && !nullable) throw new ProtocolError(`${name} is not nullable in v${version}`)
        if (flex) w.uvarint(0)
        else w.int32(-1)
        return
      }

      // Records may be given as the chunks that make them up (stored batches, served as they are).
      const chunks = Array.isArray(value) ? (value as Buffer[]) : [value as Buffer]
      let length = 0
      for (const c of chunks) length += c.length
      if (flex) w.uvarint(length + 1)
      else w.int32(length)
      for (const c of chunks) w.raw(c)
      break
    }
  }
}

// ---------------------------------------------------------------------------------------------
// decoding

export function decodeMessage(r: Reader, schema: MessageSchema, version: number, flex: boolean): Message {
  return decodeStruct(r, schema.fields, version, flex)
}

function decodeStruct(r: Reader, fields: Field[], version: number, flex: boolean): Message {
  const out: Message = {}
  for (const field of fields) {
    // Tagged fields exist only in flexible versions; they are filled from the tagged section.
    out[field.name] =
      within(version, field.versions) && field.tag === undefined
        ? decodeField(r, field, version, flex)
        : defaultOf(field, version)
  }

  if (flex) {
    const count = r.uvarint()
    for (let i = 0; i < count; i++) {
      const tag = r.uvarint()
      const size = r.uvarint()
      const field = fields.find((x) => x.tag === tag && within(version, x.versions))
      if (field) {
        const sub = new Reader(r.buf, r.pos, r.pos + size)
        out[field.name] = decodeField(sub, field, version, flex)
      }

      r.skip(size)
    }
  }

  return out
}

function decodeField(r: Reader, field: Field, version: number, flex: boolean): unknown {
  const nullable = within(version, field.nullable)
  if (field.array) {
    const n = flex ? r.uvarint() - 1 : r.int32()
    if (n < 0) {
      if (!nullable) throw new ProtocolError(`${field.name} is null but not nullable in v${version}`)
      return null
    }

    // Each element takes at least one byte: a count beyond the bytes left is malformed.
    if (n > r.remaining()) throw new ProtocolError(`${field.name}: ${n} elements in ${r.remaining()} bytes`)
    const items: unknown[] = Array.from({length: n})
    if (Array.isArray(field.type)) for (let i = 0; i < n; i++) items[i] = decodeStruct(r, field.type, version, flex)
    else for (let i = 0; i < n; i++) items[i] = decodePrimitive(r, field.type, false, field.name, version, flex)
    return items
  }

  return decodePrimitive(r, field.type as Primitive, nullable, field.name, version, flex)
}

function decodePrimitive(
  r: Reader,
  type: Primitive,
  nullable: boolean,
  name: string,
  version: number,
  flex: boolean,
): unknown {
  switch (type) {
    case 'bool': {
      return r.bool()
    }

    case 'int8': {
      return r.int8()
    }

    case 'int16': {
      return r.int16()
    }

    case 'uint16': {
      return r.uint16()
    }

    case 'int32': {
      return r.int32()
    }

    case 'int64': {
      return r.int64()
    }

    case 'float64': {
      return r.float64()
    }

    case 'uuid': {
      return r.uuid()
    }

    case 'string': {
      const n = flex ? r.uvarint() - 1 : r.int16()
      if (n < 0) {
        if (!nullable) throw new ProtocolError(`${name} is null but not nullable in v${version}`)
        return null
      }

      return r.bytes(n).toString('utf8')
    }

    case 'bytes':
    case 'records': {
      const n = flex ? r.uvarint() - 1 : r.int32()
      if (n < 0) {
        if (type === 'bytes' && !nullable) throw new ProtocolError(`${name} is null but not nullable in v${version}`)
        return null
      }

      return r.bytes(n)
    }
  }
}
