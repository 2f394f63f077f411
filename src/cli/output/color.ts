// The only place that decides on colour: only for a terminal, and never with NO_COLOR set.
// chalk is loaded only when colour is really used, so piped runs do not pay for it.

export function useColour(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '')
}

export interface Styler {
  bold(s: string): string
  dim(s: string): string
  red(s: string): string
  green(s: string): string
}

const identity = (s: string) => s
export const PLAIN: Styler = {bold: identity, dim: identity, green: identity, red: identity}

export async function styler(colour: boolean): Promise<Styler> {
  if (!colour) return PLAIN
  const {Chalk} = await import('chalk')
  const chalk = new Chalk({level: 1})
  return {bold: (s) => chalk.bold(s), dim: (s) => chalk.dim(s), green: (s) => chalk.green(s), red: (s) => chalk.red(s)}
}
