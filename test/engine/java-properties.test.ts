import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {parseJavaProperties} from '../../src/engine/java-properties.js'

const parse = (text: string) => Object.fromEntries(parseJavaProperties(text))

describe('parseJavaProperties (java.util.Properties#load)', () => {
  it('skips # and ! comments and blank lines', () => {
    expect(parse('# a comment\n! another\n\n   \n  # indented comment\na=1\n')).toEqual({a: '1'})
  })

  it('a comment line ending in a backslash does not continue', () => {
    expect(parse('# comment \\\na=1')).toEqual({a: '1'})
  })

  it('# or ! after the key is part of the value', () => {
    expect(parse('a=1 # not a comment\nb=x!y')).toEqual({a: '1 # not a comment', b: 'x!y'})
  })

  it('separates key and value by =, : or whitespace, trimming around the separator', () => {
    expect(parse('a=1\nb:2\nc 3\nd\t4\ne = 5\nf  :  6\ng\f7\nh   =   ')).toEqual({
      a: '1',
      b: '2',
      c: '3',
      d: '4',
      e: '5',
      f: '6',
      g: '7',
      h: '',
    })
  })

  it('only the first separator counts; later = and : belong to the value', () => {
    expect(parse('a=b=c\nurl: http://x:9092\nk = = v')).toEqual({a: 'b=c', k: '= v', url: 'http://x:9092'})
  })

  it('keeps trailing whitespace of values and strips leading whitespace of lines', () => {
    expect(parse('   key = value  ')).toEqual({key: 'value  '})
  })

  it('a key without a value maps to the empty string', () => {
    expect(parse('lonely\nother=')).toEqual({lonely: '', other: ''})
  })

  it('joins continuation lines, dropping the next line’s leading whitespace', () => {
    expect(parse('list = a, \\\n      b, \\\n\tc\nnext=1')).toEqual({list: 'a, b, c', next: '1'})
  })

  it('a continued line may look like a comment', () => {
    expect(parse('a=1\\\n# still a\nb=2')).toEqual({a: '1# still a', b: '2'})
  })

  it('an even number of trailing backslashes is an escaped backslash, not a continuation', () => {
    expect(parse('path=c:\\\\dir\\\\\nnext=1')).toEqual({next: '1', path: 'c:\\dir\\'})
  })

  it('a continuation at end of input is dropped', () => {
    expect(parse('a=1\\')).toEqual({a: '1'})
  })

  it('a continuation followed by an empty line ends the value', () => {
    expect(parse('a=1\\\n\nb=2')).toEqual({a: '1', b: '2'})
  })

  it('understands \\t \\n \\r \\f and \\uXXXX escapes', () => {
    expect(parse('a=x\\ty\\nz\\r\\f\nb=\\u00e9t\\u00C9\\u20ac')).toEqual({a: 'x\ty\nz\r\f', b: 'étÉ€'})
  })

  it('a backslash before any other character yields that character', () => {
    expect(parse('a=\\q\\=\\:\\#\\\\')).toEqual({a: 'q=:#\\'})
  })

  it('escaped separators and spaces stay in the key', () => {
    expect(parse('my\\ key\\=x\\:y = v')).toEqual({'my key=x:y': 'v'})
  })

  it('an escaped leading space is kept in the value', () => {
    expect(parse('a=\\  two')).toEqual({a: '  two'})
  })

  it('later keys win', () => {
    expect(parse('num.partitions=1\nnum.partitions=3')).toEqual({'num.partitions': '3'})
  })

  it('keeps first-appearance order for keys', () => {
    expect([...parseJavaProperties('b=1\na=2\nb=3').entries()]).toEqual([
      ['b', '3'],
      ['a', '2'],
    ])
  })

  it('accepts \\n, \\r\\n and \\r line endings', () => {
    expect(parse('a=1\r\nb=2\rc=3\nd=4')).toEqual({a: '1', b: '2', c: '3', d: '4'})
    expect(parse('a=1,\\\r\n  2')).toEqual({a: '1,2'})
  })

  it('parses a Kafka server.properties excerpt', () => {
    const text = [
      '############################# Server Basics #############################',
      '# The role of this server.',
      'process.roles=broker,controller',
      'node.id=1',
      'controller.quorum.voters=1@localhost:9093',
      'listeners=PLAINTEXT://:9092,CONTROLLER://:9093',
      'num.partitions=1',
      'log.retention.hours=168',
      '#log.retention.bytes=1073741824',
    ].join('\n')
    expect(parse(text)).toEqual({
      'controller.quorum.voters': '1@localhost:9093',
      listeners: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      'log.retention.hours': '168',
      'node.id': '1',
      'num.partitions': '1',
      'process.roles': 'broker,controller',
    })
  })

  it('round-trips simple keys and values (property)', () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9.]{0,15}$/)
    // A value may contain separators, but not start with one (that one would be taken as the separator).
    const value = fc.stringMatching(/^([A-Za-z0-9.,/-][A-Za-z0-9.,:=/ -]{0,19})?$/)
    fc.assert(
      fc.property(
        fc.array(fc.tuple(word, value), {maxLength: 15}),
        fc.constantFrom('=', ':', ' = ', ' '),
        (pairs, sep) => {
          const expected = new Map<string, string>()
          for (const [k, v] of pairs) expected.set(k, v)
          const text = pairs.map(([k, v]) => `${k}${sep}${v}`).join('\n')
          expect(Object.fromEntries(parseJavaProperties(text))).toEqual(Object.fromEntries(expected))
        },
      ),
    )
  })
})
