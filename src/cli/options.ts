// Kafka's command-line validation rules (CommandLineUtils), with its messages, over parsed flags.
import {invalidValue} from '../engine/index.js'
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

/** Java's integer types, as Kafka's option parser and ConfigDef name them. */
export type JavaInteger = 'INT' | 'LONG'

/**
 * The one integer grammar of every tool, Java's Integer.valueOf / Long.parseLong: optional sign
 * and decimal digits, nothing else (no spaces: jopt-simple hands option values over as typed),
 * within Java's int range for INT; LONG stops at 2^53, where JS numbers stop being exact (offsets
 * and timestamps stay far below it). undefined when the text is not such a number.
 */
export function parseInteger(raw: string, type: JavaInteger): number | undefined {
  if (!/^[+-]?\d+$/.test(raw)) return undefined
  const n = Number(raw)
  if (type === 'INT' ? Math.abs(n) > 2_147_483_647 : !Number.isSafeInteger(n)) return undefined
  return n
}

// Kafka's ConfigException text, built in one place for the engine and every tool.
export {invalidValue}

/** An integer client config (ConfigDef Type.INT or LONG with atLeast(min)), or fallback when absent. */
export function integerConfig(
  name: string,
  raw: string | undefined,
  type: JavaInteger,
  fallback: number,
  min = 0,
): number {
  if (raw === undefined) return fallback
  // ConfigDef.parseType trims a config's text before parsing it; option values are not trimmed.
  const n = parseInteger(raw.trim(), type)
  if (n === undefined) throw invalidValue(name, raw, `Not a number of type ${type}`)
  if (n < min) throw invalidValue(name, raw, `Value must be at least ${min}`)
  return n
}

/** Parses an integer option value the way jopt-simple's Integer converter does. */
export function intOption(name: string, raw: string | undefined): number | undefined {
  return numericOption(name, raw, 'INT')
}

/** Parses a long option value; JS numbers keep offsets exact up to 2^53. */
export function longOption(name: string, raw: string | undefined): number | undefined {
  return numericOption(name, raw, 'LONG')
}

function numericOption(name: string, raw: string | undefined, type: JavaInteger): number | undefined {
  if (raw === undefined) return undefined
  const n = parseInteger(raw, type)
  if (n === undefined) throw new UsageError(`Cannot parse argument '${raw}' of option ${name}.`)
  return n
}
