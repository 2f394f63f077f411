// Kafka's option parser (jopt-simple) also accepts single-dash long options, which tutorials use
// (`-topic orders -property parse.key=true`). oclif does not, so such arguments are rewritten to
// their `--` form before parsing. Values are never rewritten: an argument that follows an option
// taking a value is left alone (so `--offset -5` stays a value).

export interface FlagShape {
  /** Long names (without dashes) of the command's flags. */
  names: ReadonlySet<string>
  /** The subset that takes a value. */
  withValue: ReadonlySet<string>
}

export function normalizeKafkaArgv(argv: readonly string[], shape: FlagShape): string[] {
  const out: string[] = []
  let expectValue = false
  for (const arg of argv) {
    if (expectValue) {
      out.push(arg)
      expectValue = false
      continue
    }

    if (arg === '--') {
      out.push(...argv.slice(out.length))
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
    if (name !== undefined && !name.includes('=') && shape.withValue.has(name)) expectValue = true
  }

  return out
}
