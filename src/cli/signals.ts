// SIGINT, SIGTERM, SIGHUP and a closed stdout all end a streaming command the same way: one
// AbortSignal that the command's loop checks. A second signal exits at once. SIGHUP (a closed
// terminal, a dropped SSH session) is handled as Kafka's shutdown hook handles it: otherwise it
// kills a consumer outright, before its final commit, and a restart skips what it printed.
import {EXIT} from './errors.js'

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

export type StopReason = 'epipe' | 'signal'

export class StopController {
  private readonly controller = new AbortController()
  reason: StopReason | undefined
  private readonly onSignal = () => {
    if (this.reason === 'signal') process.exit(EXIT.interrupted)
    this.stop('signal')
  }

  constructor() {
    for (const signal of SIGNALS) process.on(signal, this.onSignal)
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  get stopped(): boolean {
    return this.controller.signal.aborted
  }

  stop(reason: StopReason): void {
    if (this.reason === undefined) this.reason = reason
    this.controller.abort()
  }

  dispose(): void {
    for (const signal of SIGNALS) process.off(signal, this.onSignal)
  }
}
