// Kafka's command-line validation rules (CommandLineUtils), with its messages, over parsed flags.
import {UsageError} from './errors.js'

export type Present = (name: string) => boolean

/** jopt-simple prints an option as [name]. */
export function bracket(name: string): string {
  return `[${name}]`
}

/** `Missing required argument "[topic]"` when `name` is absent. */
export function checkRequired(present: Present, ...names: string[]): void {
  for (const name of names) if (!present(name)) throw new UsageError(`Missing required argument "${bracket(name)}"`)
}

/** `Option "[used]" can't be used with option "[other]"` when `used` appears with any of `invalid`. */
export function checkInvalid(present: Present, used: string, invalid: readonly string[]): void {
  if (!present(used)) return
  for (const other of invalid)
    if (other !== used && present(other))
      throw new UsageError(`Option "${bracket(used)}" can't be used with option "${bracket(other)}"`)
}

/** A repeatable `key=value` option split at the first '=' (a missing value is empty). */
export function splitFirstEquals(pair: string): [string, string] {
  const i = pair.indexOf('=')
  return i < 0 ? [pair, ''] : [pair.slice(0, i), pair.slice(i + 1)]
}

/** Kafka's ToolsUtils/CommandLineUtils.parseKeyValueArgs: later keys win. */
export function keyValueMap(pairs: readonly string[] | undefined): Map<string, string> {
  const out = new Map<string, string>()
  for (const p of pairs ?? []) {
    const [k, v] = splitFirstEquals(p)
    out.set(k, v)
  }

  return out
}

/** Parses an integer option value the way jopt-simple's Integer converter does. */
export function intOption(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const text = raw.trim()
  if (!/^[+-]?\d+$/.test(text) || Math.abs(Number(text)) > 2_147_483_647)
    throw new UsageError(`Cannot parse argument '${raw}' of option ${name}.`)
  return Number(text)
}

/** Parses a long option value; JS numbers keep offsets exact up to 2^53. */
export function longOption(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const text = raw.trim()
  if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(Number(text)))
    throw new UsageError(`Cannot parse argument '${raw}' of option ${name}.`)
  return Number(text)
}
