// kt check's output. Text: one line per problem on stdout, each naming its topic, partition and
// offsets (or group), then a count on stderr; a clean store gets a one-line summary. JSON: the
// report as one documented document (README, "kt check").
import type {CheckProblem, CheckReport} from '../../engine/index.js'

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

/**
 * Where a problem is: "topic 'a' partition 0 offsets 10-19", "group 'g' topic 'a' partition 0",
 * or nothing.
 */
function where(p: CheckProblem): string {
  const parts: string[] = []
  if (p.group !== undefined) parts.push(`group '${p.group}'`)
  if (p.topic !== undefined) parts.push(`topic '${p.topic}'`)
  if (p.partition !== undefined) parts.push(`partition ${p.partition}`)
  if (p.baseOffset !== undefined && p.lastOffset !== undefined)
    parts.push(
      p.baseOffset === p.lastOffset
        ? `offset ${p.baseOffset}`
        : p.baseOffset < p.lastOffset
          ? `offsets ${p.baseOffset}-${p.lastOffset}`
          : // Inverted ("offsets 150-99" read as a range): each offset named for what it is.
            `batch with base offset ${p.baseOffset} and last offset ${p.lastOffset}`,
    )
  else if (p.baseOffset !== undefined) parts.push(`offset ${p.baseOffset}`)
  return parts.join(' ')
}

export function problemLine(p: CheckProblem): string {
  const at = where(p)
  return at === '' ? p.message : `${at}: ${p.message}`
}

export function summaryLine(r: CheckReport): string {
  return `The kt store '${r.file}' is consistent: ${plural(r.topics, 'topic')}, ${plural(r.partitions, 'partition')}, ${plural(r.batches, 'batch', 'batches')}, ${plural(r.records, 'record')}, ${plural(r.committedOffsets, 'committed offset')}.`
}

export function problemsLine(r: CheckReport): string {
  return `kt check: ${plural(r.problems.length, 'problem')} in the kt store '${r.file}'.`
}

/** The --json document. */
export function checkJson(r: CheckReport): object {
  return {
    batches: r.batches,
    bytes: r.bytes,
    committedOffsets: r.committedOffsets,
    file: r.file,
    ok: r.problems.length === 0,
    partitions: r.partitions,
    problems: r.problems.map((p) => ({...p, line: problemLine(p)})),
    records: r.records,
    topics: r.topics,
  }
}
