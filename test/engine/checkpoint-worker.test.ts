// The checkpoint worker is its own bundle (lib/checkpoint-worker.js, built by `npm run build`,
// which pretest runs). A producer that cannot start it would go on without background
// checkpoints and say nothing, so the build's output is checked here: the path each command
// bundle was given leads to the worker, and the worker bundle checkpoints and closes a store.
import Database from 'better-sqlite3'
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {Worker} from 'node:worker_threads'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

// @ts-expect-error plain JS build script without types
import {CHECKPOINT_WORKER, CHECKPOINT_WORKER_FROM_COMMANDS} from '../../scripts/bundle.js'
import {tempDir} from './support.js'

const LIB = fileURLToPath(new URL('../../lib/', import.meta.url))

function reply(worker: Worker, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
    worker.postMessage(message)
  })
}

describe('the checkpoint worker bundle', () => {
  let dir: string
  let cleanup: () => void
  beforeEach(() => ({cleanup, dir} = tempDir()))
  afterEach(() => cleanup())

  it('is where every command bundle was told it is', () => {
    const bundles = readdirSync(join(LIB, 'commands')).filter((f) => f.endsWith('.js'))
    expect(bundles.length).toBeGreaterThan(0)
    for (const file of bundles) {
      expect(readFileSync(join(LIB, 'commands', file), 'utf8'), file).toContain(
        JSON.stringify(CHECKPOINT_WORKER_FROM_COMMANDS),
      )
      const url = new URL(CHECKPOINT_WORKER_FROM_COMMANDS, pathToFileURL(join(LIB, 'commands', file)))
      expect(fileURLToPath(url)).toBe(join(LIB, CHECKPOINT_WORKER))
    }

    expect(existsSync(join(LIB, CHECKPOINT_WORKER))).toBe(true)
  })

  it('checkpoints the WAL into the database file and closes on request', async () => {
    const file = join(dir, 'kt.db')
    const db = new Database(file)
    db.pragma('journal_mode = WAL')
    db.pragma('wal_autocheckpoint = 0')
    db.exec('CREATE TABLE t (v BLOB)')
    const insert = db.prepare('INSERT INTO t VALUES (?)')
    for (let i = 0; i < 100; i++) insert.run(Buffer.alloc(4096, i))
    const worker = new Worker(join(LIB, CHECKPOINT_WORKER), {workerData: {file, synchronous: 'NORMAL'}})
    try {
      // Until a checkpoint, the 400 KB written live in the WAL only.
      expect(statSync(file).size).toBeLessThan(100_000)
      expect(await reply(worker, 'checkpoint')).toBe('done')
      expect(statSync(file).size).toBeGreaterThan(400_000)
      expect(await reply(worker, 'close')).toBe('closed')
    } finally {
      await worker.terminate()
      db.close()
    }
  })
})
