// The watcher's wake-ups are tested with its safety poll turned off: a test that allowed the
// poll to run would pass on the poll alone even if file watching never fired.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ChangeWatcher} from '../../src/engine/change-watcher.js'
import {tempDir} from './support.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('ChangeWatcher', () => {
  let dir: string
  let cleanup: () => void
  let version: number
  let watcher: ChangeWatcher
  beforeEach(() => {
    ;({cleanup, dir} = tempDir())
    version = 1
    watcher = new ChangeWatcher(dir, () => version, {safetyPollMs: Number.POSITIVE_INFINITY})
  })
  afterEach(() => {
    watcher.close()
    cleanup()
  })

  it('resolves at the deadline when nothing changes, even after file events that bring no change', async () => {
    const t0 = performance.now()
    const waiting = watcher.wait(300)
    for (let i = 0; i < 5; i++) {
      await sleep(30)
      writeFileSync(join(dir, 'noise'), String(i))
    }

    await waiting
    const elapsed = performance.now() - t0
    expect(elapsed).toBeGreaterThanOrEqual(290)
    expect(elapsed).toBeLessThan(5000)
  })

  it('a file event that comes with a change ends the wait, long before the deadline (no poll to help)', async () => {
    const t0 = performance.now()
    const waiting = watcher.wait(20_000)
    setTimeout(() => {
      version = 2
      writeFileSync(join(dir, 'signal'), 'x')
    }, 50)
    await waiting
    // Only the file event can end the wait before the 20 s deadline.
    expect(performance.now() - t0).toBeLessThan(5000)
  })

  it('a change that becomes visible shortly after its file event is still seen (re-checks)', async () => {
    const t0 = performance.now()
    const waiting = watcher.wait(20_000)
    setTimeout(() => {
      writeFileSync(join(dir, 'signal'), 'x')
      setTimeout(() => (version = 2), 20)
    }, 50)
    await waiting
    expect(performance.now() - t0).toBeLessThan(5000)
  })

  it('without file events a change is not seen until the deadline when the poll is off', async () => {
    const t0 = performance.now()
    const waiting = watcher.wait(400)
    setTimeout(() => (version = 2), 20)
    await waiting
    expect(performance.now() - t0).toBeGreaterThanOrEqual(390)
  })

  it('the safety poll alone finds a change that no file event announced', async () => {
    const polling = new ChangeWatcher(dir, () => version, {safetyPollMs: 50})
    try {
      const t0 = performance.now()
      const waiting = polling.wait(20_000)
      setTimeout(() => (version = 2), 20)
      await waiting
      expect(performance.now() - t0).toBeLessThan(5000)
    } finally {
      polling.close()
    }
  })

  it('sees a change made before the call at once, and an abort ends the wait', async () => {
    version = 3
    const t0 = performance.now()
    await watcher.wait(20_000)
    // Not seeing it would wait the 20 s deadline (the poll is off): 5 s rules that out, where
    // 50 ms could be missed by a worker that lost its core for a moment.
    expect(performance.now() - t0).toBeLessThan(5000)
    const abort = new AbortController()
    const t1 = performance.now()
    const waiting = watcher.wait(20_000, abort.signal)
    setTimeout(() => abort.abort(), 20)
    await waiting
    expect(performance.now() - t1).toBeLessThan(5000)
  })
})
