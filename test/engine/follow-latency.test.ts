// A follower wakes when another process appends: the writer touches the commit signal file after
// each commit, and the follower's file watch on the data directory sees it. The follower here
// has its safety poll turned off, so only the file watch can end its wait before the deadline; a
// test that left the 250 ms poll on would pass even if the watch never fired.
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ChangeWatcher} from '../../src/engine/change-watcher.js'
import {Db} from '../../src/engine/db/connection.js'
import {fetchTx} from '../../src/engine/log.js'
import {collect, spawnKt} from '../helpers/kt.js'
import {recordsOf, store, tempDir} from './support.js'

const DEADLINE_MS = 20_000

describe('a follower in this process and a producer in another', () => {
  let dir: string
  let cleanup: () => void
  let db: Db
  beforeEach(() => {
    ;({cleanup, dir} = tempDir())
    db = Db.open(dir)
    store(db).createTopic({name: 't', partitions: 1})
  })
  afterEach(async () => {
    await db.close()
    cleanup()
  })

  it('the file watch wakes the follower once the appended record is visible, with no poll to fall back on', async () => {
    const watcher = new ChangeWatcher(dir, () => db.dataVersion(), {safetyPollMs: Number.POSITIVE_INFINITY})
    const visible = () => recordsOf(fetchTx(db, 't', 0, 0, {maxBytes: 1 << 20}).batches).length > 0
    try {
      const t0 = performance.now()
      const producer = spawnKt(dir, ['console-producer', '--topic', 't'])
      producer.stdin!.end('hello\n')
      const exited = collect(producer).then((r) => ({...r, at: performance.now()}))
      // Wake-ups may also come from the producer opening the store; wait until the record is there.
      let wakeUps = 0
      while (!visible() && performance.now() - t0 < DEADLINE_MS) {
        await watcher.wait(DEADLINE_MS - (performance.now() - t0))
        wakeUps++
      }

      const wokeAt = performance.now()
      const r = await exited
      expect({status: r.status, stderr: r.stderr}).toEqual({status: 0, stderr: ''})
      expect(visible()).toBe(true)
      expect(wakeUps).toBeGreaterThan(0)
      // Without the file watch the loop above runs to the deadline. With it, the follower wakes
      // about when the producer commits: before the producer process has even exited, or just
      // after. The bound is generous (a loaded 2-core machine); the deadline is what it rules out.
      expect(wokeAt - r.at).toBeLessThan(2000)
      expect(wokeAt - t0).toBeLessThan(DEADLINE_MS / 2)
    } finally {
      watcher.close()
    }
  })
})
