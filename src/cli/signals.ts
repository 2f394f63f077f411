// SIGINT, SIGTERM and a closed stdout all end a streaming command the same way: one AbortSignal
// that the command's loop checks. A second Ctrl-C exits at once.
import {EXIT} from './errors.js'

export type StopReason = 'epipe' | 'signal'

export class StopController {
  private readonly controller = new AbortController()
  reason: StopReason | undefined
  private readonly onSignal = () => {
    if (this.reason === 'signal') process.exit(EXIT.interrupted)
    this.stop('signal')
  }

  constructor() {
    process.on('SIGINT', this.onSignal)
    process.on('SIGTERM', this.onSignal)
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
    process.off('SIGINT', this.onSignal)
    process.off('SIGTERM', this.onSignal)
  }
}
