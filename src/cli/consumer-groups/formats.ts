// The text formats kafka-consumer-groups reads and writes for resets: --to-datetime timestamps
// (Kafka's Utils.getDateTime), --by-duration ISO-8601 durations (java.time.Duration.parse) and
// the --export / --from-file CSV (no header; quoted only where needed, as Jackson's CSV writer).
import {KtError, type PartitionOffset} from '../../engine/index.js'

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})(Z|[+-]\d{2}(?::?\d{2})?)$/

/**
 * `yyyy-MM-ddTHH:mm:ss.SSS` with an optional zone (`Z`, `+05:30`, `+0530`, `+05`); no zone means
 * UTC. Like Java's lenient SimpleDateFormat, out-of-range fields roll over (month 13 is January).
 */
export function parseDateTime(text: string): number {
  // Kafka splits on 'T' (Java's split drops trailing empty parts) and looks for a zone after it.
  const parts = text.split('T')
  while (parts.length > 1 && parts.at(-1) === '') parts.pop()
  if (parts.length < 2)
    throw new KtError(
      'INVALID_REQUEST',
      `Error parsing timestamp. It does not contain a 'T' according to ISO8601 format: ${text}`,
    )
  const zoned = /[+\-Z]/.test(parts[1]) ? text : `${text}Z`
  const m = DATETIME.exec(zoned)
  if (!m) throw new KtError('INVALID_REQUEST', `Unparseable date: "${zoned}"`)
  const [, y, mo, d, h, mi, s, ms, zone] = m
  let offsetMinutes = 0
  if (zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '')
    offsetMinutes = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * (zone[0] === '-' ? -1 : 1)
  }

  return (
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms)) -
    offsetMinutes * 60_000
  )
}

const DURATION = /^([-+]?)P(?:([-+]?\d+)D)?(T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{0,9}))?S)?)?$/i

/** ISO-8601 `PnDTnHnMnS` (days of 24 h, fractions of a second), in milliseconds. */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text)
  const fail = () => new KtError('INVALID_REQUEST', `Text cannot be parsed to a Duration: ${text}`)
  if (!m) throw fail()
  const [, sign, days, t, hours, minutes, seconds, fraction] = m
  // Java requires at least one part, and a T followed by at least one time part.
  if (t === 'T' || t === 't' || (days === undefined && t === undefined)) throw fail()
  const secondsMs =
    seconds === undefined
      ? 0
      : Number(seconds) * 1000 +
        (seconds.startsWith('-') ? -1 : 1) * Number((fraction ?? '').padEnd(3, '0').slice(0, 3))
  const ms = Number(days ?? 0) * 86_400_000 + Number(hours ?? 0) * 3_600_000 + Number(minutes ?? 0) * 60_000 + secondsMs
  return sign === '-' ? -ms : ms
}

/** A CSV field, quoted only when it must be. */
function field(value: string | number): string {
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export interface ExportRow extends PartitionOffset {
  groupId: string
}

/** The --export CSV: `topic,partition,offset` for one group, else `group,topic,partition,offset`. */
export function exportCsv(rows: readonly ExportRow[], singleGroup: boolean): string {
  return rows
    .map((r) =>
      (singleGroup ? [r.topic, r.partition, r.offset] : [r.groupId, r.topic, r.partition, r.offset])
        .map((v) => field(v))
        .join(','),
    )
    .map((line) => `${line}\n`)
    .join('')
}

/** One CSV line's fields (RFC 4180 quoting). */
function csvFields(line: string): string[] | undefined {
  const out: string[] = []
  let i = 0
  for (;;) {
    let value = ''
    if (line[i] === '"') {
      i++
      for (;;) {
        if (i >= line.length) return undefined
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"'
            i += 2
            continue
          }

          i++
          break
        }

        value += line[i++]
      }
    } else {
      const end = line.indexOf(',', i)
      value = line.slice(i, end < 0 ? line.length : end)
      i = end < 0 ? line.length : end
    }

    out.push(value)
    if (i >= line.length) return out
    if (line[i] !== ',') return undefined
    i++
  }
}

/**
 * Reads a --from-file plan. With exactly one --group and a 3-column first line, every line is
 * `topic,partition,offset` for that group; otherwise every line is `group,topic,partition,offset`.
 */
export function parseResetCsv(text: string, singleGroup: string | undefined): Map<string, PartitionOffset[]> {
  const lines = text.split('\n')
  while (lines.length > 0 && lines.at(-1) === '') lines.pop()
  const fields = lines.map((l) => csvFields(l.endsWith('\r') ? l.slice(0, -1) : l))
  const threeColumns = singleGroup !== undefined && fields[0]?.length === 3
  const plan = new Map<string, PartitionOffset[]>()
  for (const [i, f] of fields.entries()) {
    const columns = threeColumns ? 3 : 4
    const bad = () =>
      new KtError(
        'INVALID_REQUEST',
        `Invalid reset plan line ${i + 1}: '${lines[i]}' (expected ${threeColumns ? 'topic,partition,offset' : 'group,topic,partition,offset'})`,
      )
    if (!f || f.length !== columns) throw bad()
    const [group, topic, partition, offset] = threeColumns ? [singleGroup!, ...f] : f
    if (!/^\d+$/.test(partition) || !/^-?\d+$/.test(offset) || !Number.isSafeInteger(Number(offset))) throw bad()
    const list = plan.get(group) ?? []
    list.push({offset: Number(offset), partition: Number(partition), topic})
    plan.set(group, list)
  }

  return plan
}
