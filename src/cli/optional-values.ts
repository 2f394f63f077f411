// Kafka's option parser lets an option take an optional value (jopt-simple's
// withOptionalArg): `--compression-codec` alone means gzip. oclif has no such option, so the
// value it means is written into argv before parsing.

/** argv with `value` inserted after each `--name` in `values` that has no value of its own. */
export function withOptionalValues(argv: readonly string[], values: Readonly<Record<string, string>>): string[] {
  const out = [...argv]
  for (const [name, value] of Object.entries(values)) {
    const i = out.indexOf(`--${name}`)
    if (i >= 0 && (i + 1 >= out.length || out[i + 1].startsWith('--'))) out.splice(i + 1, 0, value)
  }

  return out
}
