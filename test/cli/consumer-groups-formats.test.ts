// Property and example tests of the reset formats: --to-datetime (Kafka's Utils.getDateTime),
// --by-duration (java.time.Duration.parse) and the --export / --from-file CSV.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {exportCsv, parseDateTime, parseDuration, parseResetCsv} from '../../src/cli/consumer-groups/formats.js'

const two = (n: number) => String(n).padStart(2, '0')

describe('parseDateTime', () => {
  it('reads back any instant written with any zone offset, in each of Kafka’s zone forms', () => {
    fc.assert(
      fc.property(
        fc.integer({max: 4_102_444_800_000, min: 0}),
        fc.integer({max: 14 * 60, min: -14 * 60}),
        fc.constantFrom('colon', 'compact', 'hours'),
        (ms, offsetMinutes, form) => {
          const zoneMinutes = form === 'hours' ? Math.trunc(offsetMinutes / 60) * 60 : offsetMinutes
          const local = new Date(ms + zoneMinutes * 60_000)
          const abs = Math.abs(zoneMinutes)
          const sign = zoneMinutes < 0 ? '-' : '+'
          const zone =
            form === 'colon'
              ? `${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`
              : form === 'compact'
                ? `${sign}${two(Math.floor(abs / 60))}${two(abs % 60)}`
                : `${sign}${two(abs / 60)}`
          const text = local.toISOString().slice(0, 23) + zone
          expect(parseDateTime(text)).toBe(ms)
        },
      ),
    )
  })

  it('assumes UTC without a zone and rejects what Kafka rejects', () => {
    expect(parseDateTime('2024-01-31T13:45:00.000')).toBe(Date.UTC(2024, 0, 31, 13, 45))
    expect(parseDateTime('2024-01-31T13:45:00.000Z')).toBe(Date.UTC(2024, 0, 31, 13, 45))
    expect(() => parseDateTime('2024-01-31')).toThrow(
      "Error parsing timestamp. It does not contain a 'T' according to ISO8601 format: 2024-01-31",
    )
    expect(() => parseDateTime('2024-01-31T13:45:00')).toThrow('Unparseable date: "2024-01-31T13:45:00Z"')
  })
})

describe('parseDuration', () => {
  it('PnDTnHnMnS is the sum of its parts', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(100), fc.nat(100), fc.nat(100), fc.nat(999), (d, h, m, sec, milli) => {
        const text = `P${d}DT${h}H${m}M${sec}.${String(milli).padStart(3, '0')}S`
        expect(parseDuration(text)).toBe((((d * 24 + h) * 60 + m) * 60 + sec) * 1000 + milli)
      }),
    )
  })

  it('accepts Java’s forms and rejects the others', () => {
    expect(parseDuration('PT1H')).toBe(3_600_000)
    expect(parseDuration('pt30m')).toBe(1_800_000)
    expect(parseDuration('P1DT12H')).toBe(129_600_000)
    expect(parseDuration('-PT1H')).toBe(-3_600_000)
    for (const bad of ['1h', 'P', 'PT', 'P1H', 'PT1D', ''])
      expect(() => parseDuration(bad), bad).toThrow(`Text cannot be parsed to a Duration: ${bad}`)
  })
})

describe('reset CSV', () => {
  const name = fc.string({maxLength: 12, minLength: 1}).filter((s) => !s.includes('\n') && !s.includes('\r'))
  it('--from-file reads back what --export wrote, for one group or several', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({groupId: name, offset: fc.nat(), partition: fc.nat(100), topic: name}), {minLength: 1}),
        (rows) => {
          const single = rows.map((r) => ({...r, groupId: rows[0].groupId}))
          const one = parseResetCsv(exportCsv(single, true) + '\n', rows[0].groupId)
          expect(one.get(rows[0].groupId)).toEqual(
            single.map(({offset, partition, topic}) => ({offset, partition, topic})),
          )
          const many = parseResetCsv(exportCsv(rows, false) + '\n', undefined)
          for (const r of rows)
            expect(many.get(r.groupId)).toContainEqual({offset: r.offset, partition: r.partition, topic: r.topic})
        },
      ),
    )
  })

  it('names the line it cannot read', () => {
    expect(() => parseResetCsv('t,0,1\nt,x,1\n', 'g')).toThrow(
      "Invalid reset plan line 2: 't,x,1' (expected topic,partition,offset)",
    )
  })
})
