// The two parsers of kt configs and kt delete-records: kafka-configs' --add-config syntax (commas
// and '=' inside [...] belong to the value) and kafka-delete-records' offset JSON.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {configsToAdd} from '../../src/cli/configs/options.js'
import {parseOffsetJson} from '../../src/cli/delete-records/options.js'

const key = fc.stringMatching(/^[a-z][a-z0-9.]{0,15}$/)
/** A value part: no brackets, commas or '=' (and no surrounding spaces, which Kafka trims). */
const plain = fc.stringMatching(/^[a-zA-Z0-9_.:-]{0,10}$/)

describe('configsToAdd (--add-config)', () => {
  it('k=v pairs joined by commas parse back; bracketed lists keep their commas, lose their brackets', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(key, fc.oneof(plain, fc.array(plain, {maxLength: 4, minLength: 1}))), {
          maxLength: 5,
          minLength: 1,
          selector: ([k]) => k,
        }),
        (entries) => {
          const text = entries.map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : v}`).join(',')
          expect(configsToAdd(text, undefined)).toEqual(
            entries.map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]),
          )
        },
      ),
    )
  })

  it('Kafka’s examples: spaces around = are trimmed, a later key wins, a missing = is refused', () => {
    expect(configsToAdd('retention.ms = 1000, cleanup.policy=[compact,delete]', undefined)).toEqual([
      ['retention.ms', '1000'],
      ['cleanup.policy', 'compact,delete'],
    ])
    expect(configsToAdd('a=1,a=2', undefined)).toEqual([['a', '2']])
    expect(configsToAdd('a=', undefined)).toEqual([['a', '']])
    expect(() => configsToAdd('a', undefined)).toThrow(/all configs to be added must be in the format "key=val"/)
    expect(() => configsToAdd('a=1=2', undefined)).toThrow(/format "key=val"/)
    expect(() => configsToAdd('a b=1', undefined)).toThrow('Invalid character found for config key: a b')
  })
})

describe('parseOffsetJson (--offset-json-file)', () => {
  it('round-trips Kafka’s version 1 document', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            offset: fc.integer({max: 2 ** 40, min: -1}),
            partition: fc.integer({max: 1000, min: 0}),
            topic: fc.stringMatching(/^[a-zA-Z0-9._-]{1,20}$/),
          }),
          {selector: (p) => `${p.topic}-${p.partition}`},
        ),
        fc.boolean(),
        (partitions, withVersion) => {
          const doc = withVersion ? {partitions, version: 1} : {partitions}
          expect(parseOffsetJson(JSON.stringify(doc))).toEqual(partitions)
        },
      ),
    )
  })
})
