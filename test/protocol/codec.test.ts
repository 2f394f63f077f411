// Every schema round-trips at every version it implements, requests and responses alike:
// decode(encode(x)) == x for arbitrary messages, with fields outside a version at their defaults.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {SCHEMAS} from '../../src/protocol/apis.js'
import {Reader, Writer} from '../../src/protocol/io.js'
import {decodeRequest, decodeResponse, encodeRequest, encodeResponse} from '../../src/protocol/messages.js'
import {decodeMessage, defaultOf, encodeMessage, type Field, type Message, within} from '../../src/protocol/schema.js'

function primitive(type: string, nullable: boolean): fc.Arbitrary<unknown> {
  const base: fc.Arbitrary<unknown> = (() => {
    switch (type) {
      case 'bool': {
        return fc.boolean()
      }

      case 'int8': {
        return fc.integer({max: 127, min: -128})
      }

      case 'int16': {
        return fc.integer({max: 32_767, min: -32_768})
      }

      case 'uint16': {
        return fc.integer({max: 65_535, min: 0})
      }

      case 'int32': {
        return fc.integer()
      }

      case 'int64': {
        return fc.maxSafeInteger()
      }

      case 'float64': {
        return fc.double({noNaN: true})
      }

      case 'uuid': {
        return fc.uint8Array({maxLength: 16, minLength: 16}).map((b) => Buffer.from(b).toString('base64url'))
      }

      case 'string': {
        return fc.string({maxLength: 20, unit: 'grapheme'})
      }

      default: {
        return fc.uint8Array({maxLength: 40}).map((b) => Buffer.from(b))
      }
    }
  })()
  return nullable || type === 'records' ? fc.option(base, {nil: null}) : base
}

function message(fields: Field[], version: number, flex: boolean, depth = 0): fc.Arbitrary<Message> {
  const parts: Record<string, fc.Arbitrary<unknown>> = {}
  for (const field of fields) {
    if (!within(version, field.versions) || (field.tag !== undefined && !flex)) {
      parts[field.name] = fc.constant(defaultOf(field, version))
      continue
    }

    const nullable = within(version, field.nullable)
    let arb: fc.Arbitrary<unknown>
    if (field.array) {
      const item = Array.isArray(field.type)
        ? message(field.type, version, flex, depth + 1)
        : primitive(field.type, false)
      arb = fc.array(item, {maxLength: depth > 1 ? 1 : 3})
      if (nullable) arb = fc.option(arb, {nil: null})
    } else arb = primitive(field.type as string, nullable)
    parts[field.name] = arb
  }

  return fc.record(parts) as fc.Arbitrary<Message>
}

describe('schemas', () => {
  for (const schema of SCHEMAS.values()) {
    for (let v = schema.versions.min; v <= schema.versions.max; v++) {
      const flex = v >= schema.flexible
      it(`${schema.name} v${v} request and response round-trip`, () => {
        for (const side of [schema.request, schema.response]) {
          fc.assert(
            fc.property(message(side.fields, v, flex), (value) => {
              const w = new Writer(16)
              encodeMessage(w, side, value, v, flex)
              const bytes = w.toBuffer()
              const r = new Reader(bytes)
              expect(decodeMessage(r, side, v, flex)).toEqual(value)
              expect(r.remaining()).toBe(0)
            }),
            {numRuns: 40},
          )
        }
      })
    }
  }
})

describe('frames', () => {
  it('a flexible request carries header v2 tagged fields; an ApiVersions v3 response has header v0', () => {
    const api = SCHEMAS.get(18)!
    const req = Buffer.concat(
      encodeRequest(
        api,
        {apiKey: 18, apiVersion: 3, clientId: 'c', correlationId: 7},
        {
          clientSoftwareName: 'kt',
          clientSoftwareVersion: '1',
        },
      ),
    )
    // size, key, version, correlation id, client id (int16 length even in v2), empty tag section
    expect(req.subarray(4, 16)).toEqual(Buffer.from([0, 18, 0, 3, 0, 0, 0, 7, 0, 1, 0x63, 0]))
    expect(decodeRequest(req.subarray(4), api).body).toEqual({clientSoftwareName: 'kt', clientSoftwareVersion: '1'})
    const res = Buffer.concat(encodeResponse(api, 3, 7, {apiKeys: [], errorCode: 0, throttleTimeMs: 0}))
    // correlation id then the body's error code directly: no header tag section
    expect(res).toEqual(Buffer.from([0, 0, 0, 12, 0, 0, 0, 7, 0, 0, 1, 0, 0, 0, 0, 0]))
    expect(decodeResponse(res.subarray(4), api, 3).body).toEqual({apiKeys: [], errorCode: 0, throttleTimeMs: 0})
  })

  it('a flexible response other than ApiVersions carries header v1', () => {
    const api = SCHEMAS.get(12)!
    const res = Buffer.concat(encodeResponse(api, 4, 9, {errorCode: 27, throttleTimeMs: 0}))
    expect(res).toEqual(Buffer.from([0, 0, 0, 12, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 27, 0]))
  })

  it('unknown tagged fields are skipped and known ones decoded', () => {
    const api = SCHEMAS.get(19)!
    const value = {
      throttleTimeMs: 0,
      topics: [
        {
          configs: null,
          errorCode: 0,
          errorMessage: null,
          name: 't',
          numPartitions: 1,
          replicationFactor: 1,
          topicConfigErrorCode: 40,
          topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
        },
      ],
    }
    const bytes = Buffer.concat(encodeResponse(api, 7, 1, value))
    expect(decodeResponse(bytes.subarray(4), api, 7).body).toEqual(value)
    // Append an unknown tag (5, two bytes) to the top-level tag section, which is the last byte.
    const patched = Buffer.concat([bytes.subarray(4, bytes.length - 1), Buffer.from([1, 5, 2, 0xab, 0xcd])])
    expect(decodeResponse(patched, api, 7).body).toEqual(value)
  })

  it('a truncated or padded request is a protocol error', () => {
    const api = SCHEMAS.get(3)!
    const frame = Buffer.concat(
      encodeRequest(api, {apiKey: 3, apiVersion: 4, clientId: null, correlationId: 1}, {topics: [{name: 'abc'}]}),
    ).subarray(4)
    expect(() => decodeRequest(frame.subarray(0, frame.length - 2), api)).toThrow(/truncated/)
    expect(() => decodeRequest(Buffer.concat([frame, Buffer.from([0])]), api)).toThrow(/bytes left/)
  })
})
