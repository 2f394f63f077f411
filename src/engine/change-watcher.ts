// Wakes a follower when another process commits to the store. PRAGMA data_version tells cheaply
// whether anything changed; a file watch on the data directory (inotify on Linux) says when to
// look, so an idle follower sleeps instead of polling fast. A commit's last WAL write can precede
// the moment its change becomes visible, so a wake-up that finds nothing new re-checks a few
// times at short intervals; a slow safety poll covers platforms without file watching.
import {type FSWatcher, watch} from 'node:fs'

const RECHECK_DELAYS_MS = [1, 2, 4, 8, 16, 32, 64]
const SAFETY_POLL_MS = 250

export interface ChangeWatcherOptions {
  /**
   * Interval of the safety poll (default 250 ms); Infinity turns it off, which tests use to
   * prove that a wake-up came from the file watch.
   */
  safetyPollMs?: number
}

export class ChangeWatcher {
  private readonly fsWatcher: FSWatcher | undefined
  private lastVersion: number
  private readonly listeners = new Set<() => void>()
  private readonly safetyPollMs: number

  constructor(
    dir: string,
    private readonly dataVersion: () => number,
    options: ChangeWatcherOptions = {},
  ) {
    this.safetyPollMs = options.safetyPollMs ?? SAFETY_POLL_MS
    this.lastVersion = dataVersion()
    try {
      this.fsWatcher = watch(dir, {persistent: false}, () => {
        for (const listener of this.listeners) listener()
      })
      this.fsWatcher.on('error', () => {})
    } catch {
      this.fsWatcher = undefined
    }
  }

  /** Resolves once the store changed since the previous call, after timeoutMs, or on abort. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.changed() || signal?.aborted || timeoutMs <= 0) return Promise.resolve()
    return new Promise((resolve) => {
      // Re-checks after a file event, and the deadline: kept apart, so that an event never
      // cancels the deadline.
      const rechecks = new Set<NodeJS.Timeout>()
      let deadline: NodeJS.Timeout | undefined
      const done = () => {
        for (const t of rechecks) clearTimeout(t)
        if (deadline) clearTimeout(deadline)
        if (poll) clearInterval(poll)
        this.listeners.delete(onEvent)
        signal?.removeEventListener('abort', done)
        resolve()
      }

      const check = () => {
        if (this.changed()) done()
      }

      const onEvent = () => {
        if (this.changed()) return done()
        for (const t of rechecks) clearTimeout(t)
        rechecks.clear()
        let elapsed = 0
        for (const d of RECHECK_DELAYS_MS) {
          elapsed += d
          rechecks.add(setTimeout(check, elapsed))
        }
      }

      const poll = Number.isFinite(this.safetyPollMs) ? setInterval(check, this.safetyPollMs) : undefined
      if (Number.isFinite(timeoutMs)) deadline = setTimeout(done, Math.min(timeoutMs, 2_147_483_647))
      this.listeners.add(onEvent)
      signal?.addEventListener('abort', done, {once: true})
    })
  }

  close(): void {
    this.listeners.clear()
    this.fsWatcher?.close()
  }

  private changed(): boolean {
    const v = this.dataVersion()
    if (v === this.lastVersion) return false
    this.lastVersion = v
    return true
  }
}
