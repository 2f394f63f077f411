// A live rate line on stderr for large piped inputs, only when stderr is a terminal.
import type {Styler} from './color.js'

const FIRST_AFTER_MS = 1000
const EVERY_MS = 250

export class ProgressLine {
  private readonly started = Date.now()
  private last = 0
  private shown = false
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly enabled: boolean,
    private readonly s: Styler,
  ) {}

  update(records: number, bytes: number): void {
    if (!this.enabled) return
    const now = Date.now()
    if (now - this.started < FIRST_AFTER_MS || now - this.last < EVERY_MS) return
    this.last = now
    this.shown = true
    const seconds = (now - this.started) / 1000
    const line = `${records.toLocaleString('en-US')} records  ${(bytes / 1e6).toFixed(1)} MB  ${Math.round(records / seconds).toLocaleString('en-US')} records/s`
    this.stream.write(`\r\u001B[K${this.s.dim(line)}`)
  }

  clear(): void {
    if (this.shown) this.stream.write('\r\u001B[K')
    this.shown = false
  }
}
