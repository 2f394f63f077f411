// kafka-delete-records options: Kafka's --offset-json-file (its JSON format and messages), and
// kt's direct form --topic t --partition p --before-offset n for one partition.
import {readFileSync} from 'node:fs'

import {KtError} from '../../engine/index.js'
import {UsageError} from '../errors.js'
import {checkInvalid, checkRequired, intOption, longOption, type Present} from '../options.js'

export interface DeleteRecordsFlags {
  'offset-json-file'?: string
  topic?: string
  partition?: string
  'before-offset'?: string
  json?: boolean
}

export interface RecordsToDelete {
  topic: string
  partition: number
  /** Delete records before this offset; -1 is the log end offset (Kafka's high watermark). */
  offset: number
}

export interface DeleteRecordsOptions {
  partitions: RecordsToDelete[]
  json: boolean
}

export function parseDeleteRecordsOptions(flags: DeleteRecordsFlags): DeleteRecordsOptions {
  const present: Present = (name) => (flags as Record<string, unknown>)[name] !== undefined
  checkInvalid(present, 'offset-json-file', ['topic', 'partition', 'before-offset'])
  if (!present('topic') && !present('partition') && !present('before-offset'))
    checkRequired(present, 'offset-json-file')
  let partitions: RecordsToDelete[]
  if (present('offset-json-file')) {
    const file = flags['offset-json-file']!
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (error) {
      throw new KtError('INVALID_REQUEST', `Cannot read --offset-json-file ${file}: ${(error as Error).message}`)
    }

    partitions = parseOffsetJson(text)
  } else {
    checkRequired(present, 'topic', 'partition', 'before-offset')
    const offset = longOption('before-offset', flags['before-offset'])!
    if (offset < -1) throw new UsageError(`--before-offset must be an offset (or -1 for the log end), not ${offset}`)
    partitions = [{offset, partition: intOption('partition', flags.partition)!, topic: flags.topic!}]
  }

  return {json: Boolean(flags.json), partitions}
}

const invalid = (message: string) => new KtError('INVALID_REQUEST', message)

/**
 * Kafka's offset JSON (version 1, the only one): {"partitions": [{"topic": "t", "partition": 0,
 * "offset": 5}], "version": 1}, with its messages; a partition named twice is refused.
 */
export function parseOffsetJson(text: string): RecordsToDelete[] {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    throw invalid('The input string is not a valid JSON')
  }

  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw invalid('The input string is not a valid JSON')
  const {partitions, version = 1} = doc as {partitions?: unknown; version?: unknown}
  if (!Number.isInteger(version)) throw invalid(`Expected 'version' to be an int, found ${JSON.stringify(version)}`)
  if (version !== 1) throw invalid(`Not supported version field value ${String(version)}`)
  if (partitions === undefined) throw invalid('Missing partitions field')
  if (!Array.isArray(partitions))
    throw invalid(`Expected 'partitions' to be an array, found ${JSON.stringify(partitions)}`)
  const out: RecordsToDelete[] = []
  const seen = new Map<string, number>()
  for (const entry of partitions) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw invalid(`Expected a partition object, found ${JSON.stringify(entry)}`)
    const field = (name: string, ok: (v: unknown) => boolean, what: string) => {
      const v = (entry as Record<string, unknown>)[name]
      if (v === undefined) throw invalid(`No such field exists: '${name}'`)
      if (!ok(v)) throw invalid(`Expected '${name}' to be ${what}, found ${JSON.stringify(v)}`)
      return v
    }

    const topic = field('topic', (v) => typeof v === 'string', 'a string') as string
    const partition = field(
      'partition',
      (v) => Number.isInteger(v) && Math.abs(v as number) < 2 ** 31,
      'an int',
    ) as number
    const offset = field('offset', (v) => Number.isSafeInteger(v), 'a long') as number
    const key = `${topic}-${partition}`
    seen.set(key, (seen.get(key) ?? 0) + 1)
    out.push({offset, partition, topic})
  }

  const duplicates = [...seen].filter(([, n]) => n > 1).map(([k]) => k)
  if (duplicates.length > 0)
    throw invalid(`Offset json file contains duplicate topic partitions: ${duplicates.join(',')}`)
  return out
}
