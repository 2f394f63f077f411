// The terminal side of errors: usage errors (bad command lines, exit 2), expected failures
// (KtError, exit 1) and interruptions (exit 130). Everything else is a bug.

/** A bad command line: one line on stderr, exit 2. */
export class UsageError extends Error {
  readonly exitCode = 2
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** Exit codes, in one place. */
export const EXIT = {
  error: 1,
  interrupted: 130,
  ok: 0,
  usage: 2,
} as const
