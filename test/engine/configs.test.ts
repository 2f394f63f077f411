import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {
  parseConfigValue,
  parseJavaInteger,
  TOPIC_CONFIGS,
  TopicConfigs,
  validateTopicConfig,
} from '../../src/engine/configs.js'
import {KtError} from '../../src/engine/errors.js'

/** The error validateTopicConfig throws, or undefined. */
function errorOf(name: string, value: string): KtError | undefined {
  try {
    validateTopicConfig(name, value)
    return undefined
  } catch (error) {
    expect(error).toBeInstanceOf(KtError)
    return error as KtError
  }
}

describe('validateTopicConfig messages (kafka-cli.md §2.4)', () => {
  it('a non-number LONG', () => {
    const e = errorOf('retention.ms', 'abc')
    expect(e?.code).toBe('INVALID_CONFIG')
    expect(e?.message).toBe('Invalid value abc for configuration retention.ms: Not a number of type LONG')
  })

  it('an unknown name', () => {
    const e = errorOf('nope', '1')
    expect(e?.code).toBe('INVALID_CONFIG')
    expect(e?.message).toBe('Unknown topic config name: nope')
  })

  it('below the minimum', () => {
    expect(errorOf('retention.ms', '-2')?.message).toBe(
      'Invalid value -2 for configuration retention.ms: Value must be at least -1',
    )
    expect(errorOf('min.insync.replicas', '0')?.message).toBe(
      'Invalid value 0 for configuration min.insync.replicas: Value must be at least 1',
    )
    expect(errorOf('segment.bytes', '1048575')?.message).toBe(
      'Invalid value 1048575 for configuration segment.bytes: Value must be at least 1048576',
    )
  })

  it('a string outside its allowed set', () => {
    expect(errorOf('cleanup.policy', 'archive')?.message).toBe(
      'Invalid value archive for configuration cleanup.policy: String must be one of: compact, delete',
    )
    expect(errorOf('message.timestamp.type', 'createtime')?.message).toBe(
      'Invalid value createtime for configuration message.timestamp.type: String must be one of: CreateTime, LogAppendTime',
    )
  })

  it('a list names the offending element', () => {
    expect(errorOf('cleanup.policy', 'compact, nope')?.message).toBe(
      'Invalid value nope for configuration cleanup.policy: String must be one of: compact, delete',
    )
  })

  it('INT range: values beyond Integer.MAX_VALUE are not an INT', () => {
    expect(errorOf('max.message.bytes', '2147483647')).toBeUndefined()
    expect(errorOf('max.message.bytes', '2147483648')?.message).toBe(
      'Invalid value 2147483648 for configuration max.message.bytes: Not a number of type INT',
    )
    expect(errorOf('max.message.bytes', '1.5')?.message).toBe(
      'Invalid value 1.5 for configuration max.message.bytes: Not a number of type INT',
    )
  })

  it('LONG range: Long.MAX_VALUE is fine, one more is not', () => {
    expect(errorOf('flush.ms', '9223372036854775807')).toBeUndefined()
    expect(errorOf('flush.ms', '9223372036854775808')?.message).toBe(
      'Invalid value 9223372036854775808 for configuration flush.ms: Not a number of type LONG',
    )
  })

  it('an upper bound', () => {
    expect(errorOf('compression.lz4.level', '18')?.message).toBe(
      'Invalid value 18 for configuration compression.lz4.level: Value must be no more than 17',
    )
  })

  it('booleans', () => {
    expect(errorOf('preallocate', 'TRUE')).toBeUndefined()
    expect(errorOf('preallocate', 'yes')?.message).toBe(
      'Invalid value yes for configuration preallocate: Expected value to be either true or false',
    )
  })

  it('accepts every default value of the catalogue', () => {
    for (const def of TOPIC_CONFIGS.values()) expect(errorOf(def.name, def.default), def.name).toBeUndefined()
  })

  it('accepts the values users commonly set', () => {
    for (const [name, value] of [
      ['retention.ms', '-1'],
      ['retention.ms', ' 60000 '],
      ['retention.bytes', '-1'],
      ['cleanup.policy', 'compact,delete'],
      ['cleanup.policy', 'compact'],
      ['message.timestamp.type', 'LogAppendTime'],
      ['compression.type', 'gzip'],
      ['min.cleanable.dirty.ratio', '0.01'],
      ['max.message.bytes', '0'],
    ])
      expect(errorOf(name, value), `${name}=${value}`).toBeUndefined()
  })

  it('knows every topic config name of kafka-cli.md §8.1', () => {
    for (const name of [
      'cleanup.policy',
      'retention.ms',
      'retention.bytes',
      'segment.bytes',
      'segment.ms',
      'segment.jitter.ms',
      'segment.index.bytes',
      'max.message.bytes',
      'message.timestamp.type',
      'message.timestamp.before.max.ms',
      'message.timestamp.after.max.ms',
      'min.insync.replicas',
      'compression.type',
      'delete.retention.ms',
      'min.compaction.lag.ms',
      'max.compaction.lag.ms',
      'min.cleanable.dirty.ratio',
      'file.delete.delay.ms',
      'flush.messages',
      'flush.ms',
      'index.interval.bytes',
      'unclean.leader.election.enable',
      'preallocate',
      'message.downconversion.enable',
      'message.format.version',
      'message.timestamp.difference.max.ms',
      'local.retention.ms',
      'local.retention.bytes',
      'remote.storage.enable',
      'leader.replication.throttled.replicas',
      'follower.replication.throttled.replicas',
    ])
      expect(TOPIC_CONFIGS.has(name), name).toBe(true)
  })

  it('has the defaults of kafka-cli.md §8.1', () => {
    const d = (n: string) => TOPIC_CONFIGS.get(n)?.default
    expect(d('cleanup.policy')).toBe('delete')
    expect(d('retention.ms')).toBe('604800000')
    expect(d('retention.bytes')).toBe('-1')
    expect(d('segment.bytes')).toBe('1073741824')
    expect(d('max.message.bytes')).toBe('1048588')
    expect(d('message.timestamp.type')).toBe('CreateTime')
    expect(d('min.insync.replicas')).toBe('1')
    expect(d('compression.type')).toBe('producer')
    expect(d('delete.retention.ms')).toBe('86400000')
  })
})

describe('parseConfigValue', () => {
  it('returns typed values, trimmed', () => {
    expect(parseConfigValue('x', 'long', ' 42 ')).toBe(42)
    expect(parseConfigValue('x', 'int', '-7')).toBe(-7)
    expect(parseConfigValue('x', 'int', '+7')).toBe(7)
    expect(parseConfigValue('x', 'boolean', ' False ')).toBe(false)
    expect(parseConfigValue('x', 'double', '0.25')).toBe(0.25)
    expect(parseConfigValue('x', 'list', 'compact , delete')).toEqual(['compact', 'delete'])
    expect(parseConfigValue('x', 'list', '  ')).toEqual([])
    expect(parseConfigValue('x', 'string', '  CreateTime ')).toBe('CreateTime')
  })

  it('rejects non-numbers for int, long and double', () => {
    for (const [type, name] of [
      ['int', 'INT'],
      ['long', 'LONG'],
      ['double', 'DOUBLE'],
    ] as const) {
      for (const raw of ['', 'abc', '1e'])
        expect(() => parseConfigValue('some.name', type, raw)).toThrow(
          `Invalid value ${raw} for configuration some.name: Not a number of type ${name}`,
        )
    }
  })

  it('int and long accept exactly the decimal integers Java parses, in range (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({max: 2n ** 70n, min: -(2n ** 70n)}), (big) => {
        const text = big.toString()
        const inInt = big >= -(2n ** 31n) && big < 2n ** 31n
        const inLong = big >= -(2n ** 63n) && big < 2n ** 63n
        expect(parseJavaInteger(text, 32)).toBe(inInt ? Number(big) : undefined)
        expect(parseJavaInteger(text, 64)).toBe(inLong ? Number(big) : undefined)
      }),
    )
    for (const text of ['1.0', '0x10', '1_000', ' 1', '--1', '', '+', '١٢'])
      expect(parseJavaInteger(text, 64)).toBeUndefined()
  })
})

describe('TopicConfigs', () => {
  const defaults = new Map([
    ['retention.ms', '604800000'],
    ['flush.ms', '9223372036854775807'],
    ['cleanup.policy', 'delete'],
  ])

  it('overrides win over defaults', () => {
    const c = new TopicConfigs(defaults, new Map([['retention.ms', '1000']]))
    expect(c.get('retention.ms')).toBe('1000')
    expect(c.number('retention.ms')).toBe(1000)
    expect(c.get('cleanup.policy')).toBe('delete')
  })

  it('Long.MAX_VALUE reads as Infinity', () => {
    expect(new TopicConfigs(defaults, new Map()).number('flush.ms')).toBe(Number.POSITIVE_INFINITY)
  })

  it('lists split on commas', () => {
    const c = new TopicConfigs(defaults, new Map([['cleanup.policy', 'compact, delete']]))
    expect(c.list('cleanup.policy')).toEqual(['compact', 'delete'])
  })

  it('an unknown name throws', () => {
    expect(() => new TopicConfigs(defaults, new Map()).get('nope')).toThrow(/nope/)
  })
})
