// The only place that decides on colour: only for a terminal, and never with NO_COLOR set.
import {Chalk} from 'chalk'

export function useColour(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '')
}

export interface Styler {
  bold(s: string): string
  dim(s: string): string
  red(s: string): string
  green(s: string): string
}

export function styler(colour: boolean): Styler {
  const chalk = new Chalk({level: colour ? 1 : 0})
  return {bold: (s) => chalk.bold(s), dim: (s) => chalk.dim(s), green: (s) => chalk.green(s), red: (s) => chalk.red(s)}
}
