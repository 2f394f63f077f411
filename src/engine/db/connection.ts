// The SQLite connection: file creation with private permissions, pragmas, migrations, and the
// prepared-statement cache. Every write goes through `immediate()`: one BEGIN IMMEDIATE
// transaction, so concurrent kt processes queue on the busy timeout instead of failing.
import type {Database as Connection, Statement} from 'better-sqlite3'
import {closeSync, existsSync, mkdirSync, openSync, writeSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {Worker} from 'node:worker_threads'

import {KtError} from '../errors.js'
import {MIGRATIONS} from './schema.js'
import {SQL, type StatementName} from './statements.js'

/**
 * 32 KiB pages: a 16 KiB record batch stays in one page and bulk writes cost half what 4 KiB pages
 * cost, while a one-record commit (about four pages) stays small enough for millisecond latency
 * (measured: 64 KiB pages produce no faster but double the p99 of a following consumer).
 */
const PAGE_SIZE = 32_768
/** How long a writer waits for another process's transaction before giving up. */
const BUSY_TIMEOUT_MS = 60_000
const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024
/** Reads map the file instead of copying pages through read(2): a drain reads each byte once less. */
const MMAP_SIZE = 8 * 1024 * 1024 * 1024

// A CommonJS package: require() skips the ES-module export scan (about 6 ms per start).
const Database = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3')

export type Durability = 'FULL' | 'NORMAL' | 'OFF'

/**
 * better-sqlite3's compiled addon, named directly: otherwise it is located by the `bindings`
 * package, which probes a dozen paths on every start (about 2 ms).
 */
export const NATIVE_BINDING: string | undefined = (() => {
  try {
    const main = createRequire(import.meta.url).resolve('better-sqlite3')
    const addon = join(main, '..', '..', 'build', 'Release', 'better_sqlite3.node')
    return existsSync(addon) ? addon : undefined
  } catch {
    return undefined
  }
})()

export const DB_FILE = 'kt.db'
/**
 * Touched after every write transaction commits. A watcher of the data directory sees the WAL
 * being written before the commit is visible; this file's change comes after it, so a follower
 * woken by it finds the new data at once.
 */
export const COMMIT_SIGNAL_FILE = 'kt.db-commit'
const SIGNAL_BYTE = Buffer.from([0])

/** A writer that has written this much starts checkpointing on a second thread. */
const BACKGROUND_CHECKPOINT_AFTER_BYTES = 16 * 1024 * 1024
/**
 * A writer that has written this much since the WAL last restarted checkpoints it in RESTART mode
 * itself. The background checkpoints are PASSIVE and always trail a busy writer, so the WAL never
 * restarts and grows with everything one long producer writes. Measured: 200 MB pushed through a
 * partition with retention.bytes=10485760 peaked the WAL at 203 MB (kt.db 20 MB); with a restart
 * every 32 MiB, 39 MB, and 1M × 100 B produced no slower (within the noise of a loaded machine).
 */
const WAL_RESTART_AFTER_BYTES = 32 * 1024 * 1024

export class Db {
  private readonly cache = new Map<StatementName, Statement>()
  private durability: Durability = 'FULL'
  private written = 0
  private sinceWalRestart = 0
  private checkpointer: {worker: Worker; busy: boolean; again: boolean; closed: Promise<void>} | undefined

  private signalFd: number | undefined

  private constructor(
    readonly connection: Connection,
    private readonly dataDir?: string,
  ) {}

  static open(dataDir: string): Db {
    try {
      mkdirSync(dataDir, {mode: 0o700, recursive: true})
      const file = join(dataDir, DB_FILE)
      // Create the file ourselves so that it is private (0600); SQLite gives its -wal and -shm
      // companions the same permissions.
      closeSync(openSync(file, 'a', 0o600))
      const connection = new Database(file, {nativeBinding: NATIVE_BINDING, timeout: BUSY_TIMEOUT_MS})
      const db = new Db(connection, dataDir)
      db.configure()
      db.migrate()
      return db
    } catch (error) {
      throw storageError(error, dataDir)
    }
  }

  /** In-memory store for tests of single-connection behaviour. */
  static memory(): Db {
    const db = new Db(new Database(':memory:', {nativeBinding: NATIVE_BINDING}))
    db.connection.pragma('foreign_keys = ON')
    db.migrate()
    return db
  }

  stmt(name: StatementName): Statement {
    let statement = this.cache.get(name)
    if (!statement) {
      statement = this.connection.prepare(SQL[name])
      this.cache.set(name, statement)
    }

    return statement
  }

  /** Runs fn in one BEGIN IMMEDIATE transaction. fn must be synchronous. */
  immediate<T>(fn: () => T): T {
    const result = this.connection.transaction(fn).immediate()
    this.signalCommit()
    return result
  }

  /** One byte rewritten in place: an inotify event that follows the commit. */
  private signalCommit(): void {
    if (this.dataDir === undefined) return
    try {
      this.signalFd ??= openSync(join(this.dataDir, COMMIT_SIGNAL_FILE), 'w', 0o600)
      writeSync(this.signalFd, SIGNAL_BYTE, 0, 1, 0)
    } catch {
      // Followers fall back to their own re-checks and safety poll.
    }
  }

  /** Runs fn in one read transaction, so that everything it reads is one snapshot. */
  snapshot<T>(fn: () => T): T {
    return this.connection.transaction(fn).deferred()
  }

  setDurability(level: Durability): void {
    if (level === this.durability) return
    this.connection.pragma(`synchronous = ${level}`)
    this.durability = level
  }

  /**
   * Tells the connection that a write transaction of about `bytes` committed. Past a threshold
   * the WAL is checkpointed by a second thread, so that a long stream of writes does not stop for
   * the checkpoint's copy and fsyncs (SQLite would otherwise run them inside a commit).
   */
  wrote(bytes: number): void {
    this.written += bytes
    this.sinceWalRestart += bytes
    if (this.sinceWalRestart >= WAL_RESTART_AFTER_BYTES && !this.connection.memory) {
      this.sinceWalRestart = 0
      try {
        this.connection.pragma('wal_checkpoint(RESTART)')
      } catch {
        // Busy past the timeout: the next threshold tries again.
      }
    }

    if (!this.checkpointer) {
      if (this.written < BACKGROUND_CHECKPOINT_AFTER_BYTES || this.connection.memory) return
      this.startCheckpointer()
    }

    const c = this.checkpointer!
    if (c.busy) c.again = true
    else {
      c.busy = true
      c.worker.postMessage('checkpoint')
    }
  }

  /** Changes whenever another connection commits (PRAGMA data_version). */
  dataVersion(): number {
    return this.connection.pragma('data_version', {simple: true}) as number
  }

  /** Closes the connection; waits for the checkpoint thread, which checkpoints what remains. */
  async close(): Promise<void> {
    if (this.connection.open) this.connection.close()
    if (this.signalFd !== undefined) closeSync(this.signalFd)
    this.signalFd = undefined
    const c = this.checkpointer
    this.checkpointer = undefined
    if (c) {
      c.worker.postMessage('close')
      // Once its connection is closed (the store is clean), the thread's own teardown need not
      // hold the process up.
      await c.closed
      c.worker.unref()
    }
  }

  private startCheckpointer(): void {
    const worker = new Worker(checkpointWorkerUrl(), {
      workerData: {file: this.connection.name, nativeBinding: NATIVE_BINDING, synchronous: this.durability},
    })
    let onClosed = () => {}
    const closed = new Promise<void>((resolve) => {
      onClosed = resolve
      worker.once('exit', () => resolve())
      worker.once('error', () => resolve())
    })
    const c = {again: false, busy: false, closed, worker}
    worker.on('message', (message: string) => {
      if (message === 'closed') return onClosed()
      c.busy = c.again
      c.again = false
      if (c.busy) worker.postMessage('checkpoint')
    })
    this.connection.pragma('wal_autocheckpoint = 0')
    this.checkpointer = c
  }

  private configure(): void {
    const c = this.connection
    // page_size only takes effect on a new, empty file; journal_mode=WAL needs a brief exclusive
    // lock, which a concurrent opener may hold: retry within the busy timeout.
    retryBusy(() => {
      if ((c.pragma('page_count', {simple: true}) as number) === 0) c.pragma(`page_size = ${PAGE_SIZE}`)
      if (c.pragma('journal_mode', {simple: true}) !== 'wal') c.pragma('journal_mode = WAL')
    })
    c.pragma('foreign_keys = ON')
    c.pragma('synchronous = FULL')
    c.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`)
    c.pragma(`mmap_size = ${MMAP_SIZE}`)
  }

  private migrate(): void {
    const version = () => this.connection.pragma('user_version', {simple: true}) as number
    if (version() >= MIGRATIONS.length) return
    this.immediate(() => {
      for (let v = version(); v < MIGRATIONS.length; v++) {
        this.connection.exec(MIGRATIONS[v])
        this.connection.pragma(`user_version = ${v + 1}`)
      }
    })
  }
}

/**
 * The worker script: lib/engine/db/checkpoint-worker.js. Commands are bundled into lib/commands/,
 * so this module's own URL may be a bundle's; the path is taken from the lib/ directory.
 */
function checkpointWorkerUrl(): URL {
  const here = import.meta.url
  const lib = here.lastIndexOf('/lib/')
  return lib >= 0
    ? new URL(`${here.slice(0, lib)}/lib/engine/db/checkpoint-worker.js`)
    : new URL('checkpoint-worker.js', here)
}

function retryBusy(fn: () => void): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS
  for (;;) {
    try {
      fn()
      return
    } catch (error) {
      if ((error as {code?: string}).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5)
    }
  }
}

function storageError(error: unknown, dataDir: string): Error {
  if (error instanceof KtError) return error
  const e = error as {code?: string; message?: string}
  if (typeof e.code === 'string' && /^(E[A-Z]+|SQLITE_)/.test(e.code))
    return new KtError('KAFKA_STORAGE_ERROR', `Cannot open the kt store in '${dataDir}': ${e.message}`)
  return error as Error
}
