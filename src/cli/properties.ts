// Kafka-style property sources: files in Java properties syntax (--producer.config,
// --consumer.config, --reader-config, --formatter-config) overlaid by repeatable k=v options.
import {readFileSync} from 'node:fs'

import {KtError, parseJavaProperties} from '../engine/index.js'
import {keyValueMap} from './options.js'

export function readPropertiesFile(path: string | undefined, option: string): Map<string, string> {
  if (path === undefined) return new Map()
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new KtError(
      'INVALID_CONFIG',
      `Cannot read ${option} file '${path}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    )
  }

  return parseJavaProperties(text)
}

/** A file's properties overlaid by k=v options (the options win, as in Kafka). */
export function layeredProperties(
  file: string | undefined,
  fileOption: string,
  pairs: readonly string[] | undefined,
): Map<string, string> {
  const props = readPropertiesFile(file, fileOption)
  for (const [k, v] of keyValueMap(pairs)) props.set(k, v)
  return props
}

/** Kafka's boolean properties: true only for "true", case-insensitive, trimmed. */
export function booleanProperty(value: string | undefined): boolean {
  return value !== undefined && value.trim().toLowerCase() === 'true'
}
