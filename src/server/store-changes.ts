// Wakes long-polling fetches when the store changes: at once for appends made by this broker
// process, and through the engine's change watch for every other writer (a kt console-producer,
// another kt broker). One watch loop serves all waiters: the engine's watcher reports a change
// to one caller only.
import type {StoreBroker} from '../engine/index.js'

const WATCH_SLICE_MS = 1000

export class StoreChanges {
  private readonly waiters = new Set<() => void>()
  private watching = false

  constructor(
    private readonly broker: StoreBroker,
    private readonly stopping: AbortSignal,
  ) {}

  /** This process appended: wake every waiter. */
  notify(): void {
    const waiters = [...this.waiters]
    this.waiters.clear()
    for (const w of waiters) w()
  }

  /** Resolves on the next change, after timeoutMs, or when the broker stops. */
  wait(timeoutMs: number): Promise<void> {
    if (timeoutMs <= 0 || this.stopping.aborted) return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.waiters.delete(done)
        this.stopping.removeEventListener('abort', done)
        resolve()
      }

      const timer = setTimeout(done, timeoutMs)
      this.waiters.add(done)
      this.stopping.addEventListener('abort', done, {once: true})
      this.watch()
    })
  }

  /** Watches the store while anyone waits. */
  private watch(): void {
    if (this.watching) return
    this.watching = true
    void (async () => {
      try {
        while (this.waiters.size > 0 && !this.stopping.aborted) {
          // A timeout also resolves: waiters re-check, which is cheap, and ensures nothing is missed.
          await this.broker.waitForChange(WATCH_SLICE_MS, this.stopping)
          this.notify()
        }
      } catch {
        // The watch failed (the store is closing): waiters fall back to their own deadlines.
        this.notify()
      } finally {
        this.watching = false
      }
    })()
  }
}
