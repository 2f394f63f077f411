import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ChangeWatcher} from '../../src/engine/change-watcher.js'
import {tempDir} from './support.js'

describe('ChangeWatcher', () => {
  let dir: string
  let cleanup: () => void
  let version: number
  let watcher: ChangeWatcher
  beforeEach(() => {
    ;({cleanup, dir} = tempDir())
    version = 1
    watcher = new ChangeWatcher(dir, () => version)
  })
  afterEach(() => {
    watcher.close()
    cleanup()
  })

  it('resolves at the deadline when nothing changes, even after file events that bring no change', async () => {
    const t0 = performance.now()
    const waiting = watcher.wait(300)
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 30))
      writeFileSync(join(dir, 'noise'), String(i))
    }

    await waiting
    const elapsed = performance.now() - t0
    expect(elapsed).toBeGreaterThanOrEqual(290)
    expect(elapsed).toBeLessThan(1000)
  })

  it('resolves soon after a file event that comes with a change', async () => {
    const t0 = performance.now()
    const waiting = watcher.wait(5000)
    setTimeout(() => {
      version = 2
      writeFileSync(join(dir, 'signal'), 'x')
    }, 50)
    await waiting
    expect(performance.now() - t0).toBeLessThan(1000)
  })

  it('sees a change made before the call at once, and an abort ends the wait', async () => {
    version = 3
    const t0 = performance.now()
    await watcher.wait(5000)
    expect(performance.now() - t0).toBeLessThan(50)
    const abort = new AbortController()
    const waiting = watcher.wait(5000, abort.signal)
    setTimeout(() => abort.abort(), 20)
    await waiting
    expect(performance.now() - t0).toBeLessThan(1000)
  })
})
