// The SQLite connection: file creation with private permissions, pragmas, migrations, and the
// prepared-statement cache. Every write goes through `immediate()`: one BEGIN IMMEDIATE
// transaction, so concurrent kt processes queue on the busy timeout instead of failing.
import type {Database as Connection, Statement} from 'better-sqlite3'
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statfsSync,
  statSync,
  writeSync,
} from 'node:fs'
import {randomUUID} from 'node:crypto'
import {createRequire} from 'node:module'
import {dirname, join, resolve} from 'node:path'
import {Worker} from 'node:worker_threads'

import {KtError, storageError} from '../errors.js'
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
  /** quick_check passed on this connection (see verifyBeforeWrite). */
  private verified = false

  private constructor(
    readonly connection: Connection,
    private readonly dataDir?: string,
    /** Opened read-only because its file system is: reads work, writes are refused. */
    readonly readOnly = false,
  ) {}

  /** The store's file (connection.name is a URI for a read-only store). */
  get file(): string {
    return this.dataDir === undefined ? this.connection.name : join(this.dataDir, DB_FILE)
  }

  /**
   * Opens the store in dataDir, creating it if there is none. Nothing is written to a file that
   * is not a kt store this kt understands: another program's SQLite file, a store written by a
   * newer kt, an empty (truncated) kt.db or one whose tables are missing are refused, unchanged.
   */
  static open(dataDir: string, options: {create?: boolean} = {}): Db {
    // Absolute, so that SQLite never reads the name as a URI (see openImmutable).
    const dir = resolve(dataDir)
    const file = join(dir, DB_FILE)
    let connection: Connection | undefined
    try {
      if (options.create === false) {
        if (!existsSync(file))
          throw new KtError('KAFKA_STORAGE_ERROR', `There is no kt store in '${dir}' (no ${DB_FILE}).`)
      } else {
        ensureDirectory(dir)
        if (!existsSync(file)) createStore(file)
      }

      checkFile(file)
      let readOnly = false
      try {
        connection = new Database(file, {fileMustExist: true, nativeBinding: NATIVE_BINDING, timeout: BUSY_TIMEOUT_MS})
        // The first read opens the WAL index (kt.db-shm), which a read-only file system refuses.
        connection.pragma('user_version', {simple: true})
        // ...unless kt.db-wal and kt.db-shm were left there (a writer was killed before the file
        // system became read-only): SQLite then reads through them, log included, but every write
        // fails, so the store is read-only all the same.
        readOnly = onReadOnlyFileSystem(file)
      } catch (error) {
        connection?.close()
        connection = undefined
        if (!isReadOnlyFileSystem(dir, error)) throw error
        connection = openImmutable(file)
        readOnly = true
      }

      const db = new Db(connection, dir, readOnly)
      db.validate(file)
      if (!readOnly) db.configure()
      db.migrate(file)
      db.checkTables(file)
      return db
    } catch (error) {
      connection?.close()
      if (error instanceof KtError) throw error
      const code = (error as {code?: string}).code
      if (typeof code === 'string' && code.startsWith('SQLITE_')) throw storageError(error, file, 'open')
      throw new KtError('KAFKA_STORAGE_ERROR', `Cannot open the kt store in '${dir}': ${(error as Error).message}`)
    }
  }

  /** In-memory store for tests of single-connection behaviour. */
  static memory(): Db {
    const db = new Db(new Database(':memory:', {nativeBinding: NATIVE_BINDING}))
    db.connection.pragma('foreign_keys = ON')
    db.migrate(':memory:')
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

  /**
   * Runs fn in one BEGIN IMMEDIATE transaction. fn must be synchronous. A storage failure (full
   * disk, corruption, a read-only store) becomes a KtError naming the file; the transaction is
   * rolled back, so everything committed before it is kept.
   */
  immediate<T>(fn: () => T): T {
    let result: T
    try {
      result = this.connection.transaction(fn).immediate()
    } catch (error) {
      throw this.storageFailure(error, 'write')
    }

    this.signalCommit()
    return result
  }

  /**
   * Runs SQLite's quick_check once per connection, before a producer's first append: a store that
   * is already damaged is not written to (issue 9), since appending to it would bury the damage
   * under new data that then reads back fine. Measured on the bench's 1M-record store (111 MB,
   * warm cache): 40–90 ms, once per producer process; a fresh store costs under 1 ms.
   */
  verifyBeforeWrite(): void {
    if (this.verified) return
    let problems: string[]
    try {
      problems = this.connection.prepare('PRAGMA quick_check(3)').pluck().all() as string[]
    } catch (error) {
      throw this.storageFailure(error, 'read')
    }

    if (problems.length !== 1 || problems[0] !== 'ok')
      throw new KtError(
        'KAFKA_STORAGE_ERROR',
        `The kt store '${this.file}' fails SQLite's integrity check (${oneLine(problems[0])}): kt will not append to it. Nothing was written; run 'kt check' to see what is affected.`,
      )
    this.verified = true
  }

  /** A storage failure as the one line a user sees (other errors unchanged). */
  storageFailure(error: unknown, during: 'read' | 'write'): unknown {
    const code = (error as {code?: string}).code
    if (error instanceof KtError || typeof code !== 'string' || !code.startsWith('SQLITE_')) return error
    return storageError(error, this.file, during)
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
    try {
      return this.connection.transaction(fn).deferred()
    } catch (error) {
      throw this.storageFailure(error, 'read')
    }
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

  /**
   * Refuses, before anything is written, a file that is not a kt store this kt can use: a store
   * written by a newer kt (user_version ahead of MIGRATIONS), or another program's SQLite file
   * (user_version 0 with tables of its own). An SQLite file with no schema at all is a store whose
   * creation was cut short: it is migrated.
   */
  private validate(file: string): void {
    const c = this.connection
    const version = c.pragma('user_version', {simple: true}) as number
    if (version > MIGRATIONS.length)
      throw new KtError(
        'KAFKA_STORAGE_ERROR',
        `The kt store '${file}' was written by a newer kt (store version ${version}; this kt knows versions up to ${MIGRATIONS.length}): upgrade kt to use it. The file was not changed.`,
      )
    if (version > 0) return
    const names = c.prepare("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all()
    if (names.length > 0)
      throw new KtError(
        'KAFKA_STORAGE_ERROR',
        `'${file}' is an SQLite database of another program (it holds ${describeNames(names as string[])}), not a kt store: kt will not change it. Move it away or choose another --data-dir.`,
      )
  }

  private migrate(file: string): void {
    const version = () => this.connection.pragma('user_version', {simple: true}) as number
    if (version() >= MIGRATIONS.length) return
    if (this.readOnly)
      throw new KtError(
        'KAFKA_STORAGE_ERROR',
        `The kt store '${file}' (store version ${version()}) needs an upgrade to version ${MIGRATIONS.length}, but its file system is read-only. The file was not changed.`,
      )
    this.immediate(() => {
      for (let v = version(); v < MIGRATIONS.length; v++) {
        this.connection.exec(MIGRATIONS[v])
        this.connection.pragma(`user_version = ${v + 1}`)
      }
    })
  }

  /** Every table the migrations create must be there: a missing one means a damaged store. */
  private checkTables(file: string): void {
    const present = new Set(
      this.connection.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[],
    )
    const missing = expectedTables().filter((t) => !present.has(t))
    if (missing.length > 0)
      throw new KtError(
        'KAFKA_STORAGE_ERROR',
        `The kt store '${file}' is damaged: ${missing.length === 1 ? 'table' : 'tables'} ${missing.map((t) => `'${t}'`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing (store version ${MIGRATIONS.length}). The file was not changed.`,
      )
  }
}

/** An SQLite integrity report line without its database prefix and line breaks. */
export function oneLine(problem: string): string {
  return problem.replace('*** in database main ***', '').replace(/\s+/g, ' ').trim()
}

function describeNames(names: readonly string[]): string {
  const shown = names.slice(0, 3).map((n) => `'${n}'`)
  if (names.length > 3) shown.push(`${names.length - 3} more`)
  return shown.join(', ')
}

let expected: string[] | undefined
/** The tables MIGRATIONS create, found by running them on an empty in-memory database (once). */
function expectedTables(): string[] {
  if (!expected) {
    const scratch = new Database(':memory:', {nativeBinding: NATIVE_BINDING})
    for (const m of MIGRATIONS) scratch.exec(m)
    expected = scratch
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all() as string[]
    scratch.close()
  }

  return expected
}

/**
 * Creates the data directory (0700) one level at a time. Node 20's recursive mkdirSync loops
 * forever under /proc (issue 9) and reports ENOENT on a read-only file system; one level at a
 * time, each failure has its real cause, and a path through a file is named as such.
 */
function ensureDirectory(dir: string): void {
  const missing: string[] = []
  let at = dir
  for (;;) {
    let isDirectory: boolean
    try {
      isDirectory = statSync(at).isDirectory()
    } catch (error) {
      const code = (error as {code?: string}).code
      // ENOTDIR: a component above is a file, which the walk up names.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw directoryError(dir, at, error)
      missing.push(at)
      const up = dirname(at)
      if (up === at) break
      at = up
      continue
    }

    if (!isDirectory)
      throw new KtError(
        'KAFKA_STORAGE_ERROR',
        at === dir
          ? `The data directory '${dir}' is a file, not a directory.`
          : `Cannot create the data directory '${dir}': '${at}' is a file, not a directory.`,
      )
    break
  }

  for (const d of missing.reverse()) {
    try {
      mkdirSync(d, {mode: 0o700})
    } catch (error) {
      const code = (error as {code?: string}).code
      if (code === 'EEXIST' && statSync(d).isDirectory()) continue
      throw directoryError(dir, d, error)
    }
  }
}

function directoryError(dir: string, at: string, error: unknown): KtError {
  const code = (error as {code?: string}).code
  const why =
    code === 'EROFS'
      ? 'the file system is read-only'
      : code === 'EACCES' || code === 'EPERM'
        ? `permission denied on '${dirname(at)}'`
        : code === 'ENOSPC'
          ? 'no space left on the device'
          : code === 'ENOENT'
            ? `'${dirname(at)}' does not accept new directories`
            : (error as Error).message
  return new KtError('KAFKA_STORAGE_ERROR', `Cannot create the data directory '${dir}': ${why}.`)
}

/**
 * Creates a new store: built under a temporary name (page size, WAL, migrations), then linked
 * into place, which fails if another process's store got there first. So kt.db is never empty,
 * and an empty kt.db is a damaged store, not one being created.
 */
function createStore(file: string): void {
  const temp = join(dirname(file), `.${DB_FILE}-new-${randomUUID()}`)
  try {
    closeSync(openSync(temp, 'wx', 0o600))
    const c = new Database(temp, {nativeBinding: NATIVE_BINDING})
    try {
      c.pragma(`page_size = ${PAGE_SIZE}`)
      c.pragma('journal_mode = WAL')
      c.transaction(() => {
        for (const [v, m] of MIGRATIONS.entries()) {
          c.exec(m)
          c.pragma(`user_version = ${v + 1}`)
        }
      }).immediate()
      // close() would copy the WAL into the file too, but cannot report failing to: on a nearly
      // full disk it left a short kt.db that every tool then refused as damaged (issue 9). Here
      // a failed copy throws, and only a complete file is linked into place.
      const [copied] = c.pragma('wal_checkpoint(TRUNCATE)') as {busy: number; checkpointed: number; log: number}[]
      if (copied.busy !== 0 || copied.checkpointed !== copied.log)
        throw new Error(`the new store's log could not be copied into it (${JSON.stringify(copied)})`)
    } finally {
      c.close()
    }

    try {
      linkSync(temp, file)
    } catch (error) {
      const code = (error as {code?: string}).code
      if (code === 'EEXIST') return
      // File systems without hard links: a rename, which may replace a store made at the same
      // moment by another process (both are new and empty, so nothing is lost).
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') {
        if (!existsSync(file)) renameSync(temp, file)
        return
      }

      throw error
    }
  } catch (error) {
    const code = (error as {code?: string}).code
    const why =
      code === 'EROFS'
        ? 'the file system is read-only'
        : code === 'ENOSPC' || code === 'SQLITE_FULL' || (code?.startsWith('SQLITE_IOERR') && nearlyFull(file))
          ? 'the disk is full'
          : code === 'EACCES' || code === 'EPERM'
            ? `permission denied on '${dirname(file)}'`
            : (error as Error).message
    throw new KtError('KAFKA_STORAGE_ERROR', `Cannot create the kt store '${file}': ${why}. Nothing was written.`)
  } finally {
    for (const f of [temp, `${temp}-wal`, `${temp}-shm`]) rmSync(f, {force: true})
  }
}

/** Less than 1 MiB left where the file lives (SQLite reports a full tmpfs as an I/O error). */
function nearlyFull(file: string): boolean {
  try {
    const fs = statfsSync(dirname(file))
    return fs.bavail * fs.bsize < 1024 * 1024
  } catch {
    return false
  }
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0')

/** Refuses an empty kt.db and a file that is not SQLite, before SQLite touches them. */
function checkFile(file: string): void {
  const fd = openSync(file, 'r')
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length)
    const n = readSync(fd, head, 0, head.length, 0)
    if (n === 0)
      throw new KtError(
        'KAFKA_STORAGE_ERROR',
        `The kt store '${file}' is empty (0 bytes): it was truncated or replaced, and kt will not start a new store over it. Move it away to start a fresh store.`,
      )
    if (n < head.length || !head.equals(SQLITE_HEADER))
      throw new KtError(
        'KAFKA_STORAGE_ERROR',
        `'${file}' is not an SQLite database, so not a kt store: kt will not change it. Move it away or choose another --data-dir.`,
      )
  } finally {
    closeSync(fd)
  }
}

function onReadOnlyFileSystem(file: string): boolean {
  try {
    accessSync(file, constants.W_OK)
    return false
  } catch (error) {
    return (error as {code?: string}).code === 'EROFS'
  }
}

function isReadOnlyFileSystem(dir: string, error: unknown): boolean {
  const code = (error as {code?: string}).code
  if (code !== 'SQLITE_CANTOPEN' && code !== 'SQLITE_READONLY' && !code?.startsWith('SQLITE_READONLY_')) return false
  // The directory refuses new files (kt.db-shm) because its file system is mounted read-only.
  try {
    closeSync(openSync(join(dir, COMMIT_SIGNAL_FILE), 'r+'))
    return false
  } catch (probe) {
    return (probe as {code?: string}).code === 'EROFS'
  }
}

/**
 * A store on a read-only file system: SQLite cannot create the WAL index beside it, so it is
 * opened immutable (no locks, no WAL index), which is safe because nobody can write to it either.
 * Needs URI file names (better-sqlite3 reads SQLITE_USE_URI=1 when it loads; the CLI sets it).
 */
function openImmutable(file: string): Connection {
  try {
    const c = new Database(`file:${encodeURI(file).replaceAll('?', '%3f').replaceAll('#', '%23')}?immutable=1`, {
      fileMustExist: true,
      nativeBinding: NATIVE_BINDING,
      readonly: true,
    })
    c.pragma('user_version', {simple: true})
    return c
  } catch {
    throw new KtError(
      'KAFKA_STORAGE_ERROR',
      `Cannot open the kt store '${file}': its file system is read-only, and this process cannot open SQLite files read-only (SQLITE_USE_URI is off).`,
    )
  }
}

/**
 * Where the checkpoint worker's script is, relative to the module running this code. The build
 * bundles the worker as its own entry, lib/checkpoint-worker.js, and tells each command bundle
 * (lib/commands/*.js) its relative path through this constant (scripts/bundle.js); tsc's
 * unbundled module lib/engine/db/connection.js is two directories below it.
 */
declare const KT_CHECKPOINT_WORKER: string | undefined
function checkpointWorkerUrl(): URL {
  const relative = typeof KT_CHECKPOINT_WORKER === 'string' ? KT_CHECKPOINT_WORKER : '../../checkpoint-worker.js'
  return new URL(relative, import.meta.url)
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
