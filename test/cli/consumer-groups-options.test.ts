// In-process checks of the argv shaping for kafka-consumer-groups' optional option values and of
// the command line recorded in the reset history.
import {describe, expect, it} from 'vitest'

import {commandLine, parseTopicArg, withOptionalValues} from '../../src/cli/consumer-groups/options.js'

describe('withOptionalValues', () => {
  it('gives a bare --state, --type or --watch the empty value, and leaves given values alone', () => {
    expect(withOptionalValues(['--describe', '--state', '--group', 'g'])).toEqual([
      '--describe',
      '--state=',
      '--group',
      'g',
    ])
    expect(withOptionalValues(['--list', '-state'])).toEqual(['--list', '--state='])
    expect(withOptionalValues(['--list', '--state', 'stable'])).toEqual(['--list', '--state', 'stable'])
    expect(withOptionalValues(['--describe', '--group', 'g', '--watch', '5'])).toEqual([
      '--describe',
      '--group',
      'g',
      '--watch',
      '5',
    ])
    expect(withOptionalValues(['--describe', '--group', 'g', '--watch'])).toEqual([
      '--describe',
      '--group',
      'g',
      '--watch=',
    ])
  })
})

describe('commandLine', () => {
  it('shows a bare optional-value option as typed', () => {
    expect(commandLine(withOptionalValues(['--describe', '--group', 'g', '--watch']))).toBe(
      'kt consumer-groups --describe --group g --watch',
    )
  })

  it('quotes what a shell would split or expand', () => {
    expect(
      commandLine(['--group', 'my group', '--topic', "it's", '--to-datetime', '2024-01-31T13:45:00.000+05:30']),
    ).toBe("kt consumer-groups --group 'my group' --topic 'it'\\''s' --to-datetime 2024-01-31T13:45:00.000+05:30")
  })
})

describe('parseTopicArg', () => {
  it('reads topic and topic:partitions as Kafka splits them', () => {
    expect(parseTopicArg('t')).toEqual({topic: 't'})
    expect(parseTopicArg('t:')).toEqual({topic: 't'})
    expect(parseTopicArg('t:0,2')).toEqual({partitions: [0, 2], topic: 't'})
    expect(() => parseTopicArg('t:0,x')).toThrow("Invalid partition 'x' specified in topic arg 't:0,x''")
  })
})
