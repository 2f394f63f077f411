// Frames and headers: a frame is an int32 size then the header then the body. Requests use
// header v1 (api key, version, correlation id, client id) or v2 (plus tagged fields) in flexible
// versions; responses use header v0 (correlation id) or v1 (plus tagged fields), except
// ApiVersions, whose response header is always v0 so that a client can read it before it knows
// which versions the broker speaks.
import {ProtocolError, Reader, Writer} from './io.js'
import {ApiVersions, SCHEMAS} from './apis.js'
import {type ApiSchema, decodeMessage, encodeMessage, type Message, within} from './schema.js'

export interface RequestHeader {
  apiKey: number
  apiVersion: number
  correlationId: number
  clientId: string | null
}

export function isFlexible(schema: ApiSchema, version: number): boolean {
  return version >= schema.flexible
}

/** The header fields every request version shares (enough to answer or refuse it). */
export function peekRequestHeader(frame: Buffer): RequestHeader {
  const r = new Reader(frame)
  const apiKey = r.int16()
  const apiVersion = r.int16()
  const correlationId = r.int32()
  const n = r.int16()
  const clientId = n < 0 ? null : r.bytes(n).toString('utf8')
  return {apiKey, apiVersion, clientId, correlationId}
}

/** Decodes a whole request frame (without its size prefix) for a known API and version. */
export function decodeRequest(frame: Buffer, schema: ApiSchema): {header: RequestHeader; body: Message} {
  const r = new Reader(frame)
  const header: RequestHeader = {apiKey: r.int16(), apiVersion: r.int16(), clientId: null, correlationId: r.int32()}
  const n = r.int16()
  header.clientId = n < 0 ? null : r.bytes(n).toString('utf8')
  const flex = isFlexible(schema, header.apiVersion)
  if (flex) skipTaggedFields(r)
  const body = decodeMessage(r, schema.request, header.apiVersion, flex)
  if (r.remaining() !== 0)
    throw new ProtocolError(`${r.remaining()} bytes left after a ${schema.name} v${header.apiVersion} request`)
  return {body, header}
}

function skipTaggedFields(r: Reader): void {
  const count = r.uvarint()
  for (let i = 0; i < count; i++) {
    r.uvarint()
    r.skip(r.uvarint())
  }
}

/** A response frame, size prefix included, as chunks for one vectored write. */
export function encodeResponse(schema: ApiSchema, version: number, correlationId: number, body: Message): Buffer[] {
  const w = new Writer(512)
  w.int32(0) // the size, patched below
  w.int32(correlationId)
  const flex = isFlexible(schema, version)
  if (flex && schema !== ApiVersions) w.uvarint(0)
  encodeMessage(w, schema.response, body, version, flex)
  return sized(w)
}

/** A request frame (clients and tests use it). */
export function encodeRequest(schema: ApiSchema, header: RequestHeader, body: Message): Buffer[] {
  const w = new Writer(512)
  w.int32(0)
  w.int16(header.apiKey)
  w.int16(header.apiVersion)
  w.int32(header.correlationId)
  if (header.clientId === null) w.int16(-1)
  else {
    const b = Buffer.from(header.clientId)
    w.int16(b.length)
    w.raw(b)
  }

  const flex = isFlexible(schema, header.apiVersion)
  if (flex) w.uvarint(0)
  encodeMessage(w, schema.request, body, header.apiVersion, flex)
  return sized(w)
}

/** Decodes a response frame (without its size prefix). */
export function decodeResponse(
  frame: Buffer,
  schema: ApiSchema,
  version: number,
): {correlationId: number; body: Message} {
  const r = new Reader(frame)
  const correlationId = r.int32()
  const flex = isFlexible(schema, version)
  if (flex && schema !== ApiVersions) skipTaggedFields(r)
  const body = decodeMessage(r, schema.response, version, flex)
  if (r.remaining() !== 0)
    throw new ProtocolError(`${r.remaining()} bytes left after a ${schema.name} v${version} response`)
  return {body, correlationId}
}

function sized(w: Writer): Buffer[] {
  const chunks = w.finish()
  chunks[0].writeInt32BE(w.length - 4, 0)
  return chunks
}

export function schemaFor(apiKey: number, version: number): ApiSchema | undefined {
  const schema = SCHEMAS.get(apiKey)
  return schema && within(version, schema.versions) ? schema : undefined
}
