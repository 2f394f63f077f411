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

/**
 * Configs every Kafka client takes (CommonClientConfigs: network, retries, metrics, security)
 * that change nothing against kt's embedded broker.
 */
export const INERT_CLIENT_CONFIGS: readonly string[] = [
  'client.dns.lookup',
  'connections.max.idle.ms',
  'enable.metrics.push',
  'interceptor.classes',
  'metadata.max.age.ms',
  'metric.reporters',
  'metrics.num.samples',
  'metrics.recording.level',
  'metrics.sample.window.ms',
  'receive.buffer.bytes',
  'reconnect.backoff.max.ms',
  'reconnect.backoff.ms',
  'request.timeout.ms',
  'retry.backoff.max.ms',
  'retry.backoff.ms',
  'security.protocol',
  'send.buffer.bytes',
  'socket.connection.setup.timeout.max.ms',
  'socket.connection.setup.timeout.ms',
]

/** Kafka's warning for unknown client configs, and kt's note on configs that change nothing here. */
export function warnAboutClientConfigs(
  kind: 'consumer' | 'producer',
  unknown: readonly string[],
  inert: readonly string[],
): void {
  for (const name of unknown)
    process.stderr.write(`WARN The configuration '${name}' was supplied but isn't a known config.\n`)
  if (inert.length > 0)
    process.stderr.write(`WARN ${kind} configs with no effect on kt's embedded broker: ${inert.join(', ')}\n`)
}
