// Kafka's option parser (jopt-simple) also accepts single-dash long options, which tutorials use
// (`-topic orders -property parse.key=true`). oclif does not, so such arguments are rewritten to
// their `--` form before parsing. Values are never rewritten: an argument that follows an option
// taking a value is left alone (so `--offset -5` stays a value). An option whose value is
// optional (`--compression-codec` alone means gzip) takes the next argument only when that is not
// itself an option, in either form: `-compression-codec -topic t` is gzip, then the topic.

export interface FlagShape {
  /** Long names (without dashes) of the command's flags. */
  names: ReadonlySet<string>
  /** The subset that takes a value. */
  withValue: ReadonlySet<string>
  /** Options whose value may be left out, with the value that then applies. */
  optionalValue?: ReadonlyMap<string, string>
}

export function normalizeKafkaArgv(argv: readonly string[], shape: FlagShape): string[] {
  const out: string[] = []
  let expectValue = false
  /** The value implied if the option just seen (whose value is optional) gets none. */
  let implied: string | undefined
  const isOption = (arg: string) =>
    arg.startsWith('--') || (arg.startsWith('-') && arg.length > 2 && shape.names.has(arg.slice(1).split('=')[0]))
  for (const [i, arg] of argv.entries()) {
    if (implied !== undefined) {
      if (arg === '--' || isOption(arg)) out.push(implied)
      else {
        out.push(arg)
        implied = undefined
        continue
      }

      implied = undefined
    }

    if (expectValue) {
      out.push(arg)
      expectValue = false
      continue
    }

    if (arg === '--') {
      out.push(...argv.slice(i))
      break
    }

    let name: string | undefined
    let rewritten = arg
    if (arg.startsWith('--')) name = arg.slice(2)
    else if (arg.startsWith('-') && arg.length > 2) {
      const candidate = arg.slice(1)
      const bare = candidate.split('=')[0]
      if (shape.names.has(bare)) {
        name = candidate
        rewritten = '-' + arg
      }
    }

    out.push(rewritten)
    if (name !== undefined && !name.includes('=') && shape.withValue.has(name)) {
      implied = shape.optionalValue?.get(name)
      expectValue = implied === undefined
    }
  }

  if (implied !== undefined) out.push(implied)
  return out
}
