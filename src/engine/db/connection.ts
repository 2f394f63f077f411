// The SQLite connection: file creation with private permissions, pragmas, migrations, and the
// prepared-statement cache. Every write goes through `immediate()`: one BEGIN IMMEDIATE
// transaction, so concurrent kt processes queue on the busy timeout instead of failing.
import Database from 'better-sqlite3'
import {closeSync, mkdirSync, openSync} from 'node:fs'
import {join} from 'node:path'

import {KtError} from '../errors.js'
import {MIGRATIONS} from './schema.js'
import {SQL, type StatementName} from './statements.js'

/** Large pages keep record batches (kilobytes each) in one page and halve the write cost. */
const PAGE_SIZE = 65_536
/** How long a writer waits for another process's transaction before giving up. */
const BUSY_TIMEOUT_MS = 60_000
const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024

export type Durability = 'FULL' | 'NORMAL' | 'OFF'

export const DB_FILE = 'kt.db'

export class Db {
  private readonly cache = new Map<StatementName, Database.Statement>()

  private constructor(readonly connection: Database.Database) {}

  static open(dataDir: string): Db {
    try {
      mkdirSync(dataDir, {mode: 0o700, recursive: true})
      const file = join(dataDir, DB_FILE)
      // Create the file ourselves so that it is private (0600); SQLite gives its -wal and -shm
      // companions the same permissions.
      closeSync(openSync(file, 'a', 0o600))
      const connection = new Database(file, {timeout: BUSY_TIMEOUT_MS})
      const db = new Db(connection)
      db.configure()
      db.migrate()
      return db
    } catch (error) {
      throw storageError(error, dataDir)
    }
  }

  /** In-memory store for tests of single-connection behaviour. */
  static memory(): Db {
    const db = new Db(new Database(':memory:'))
    db.connection.pragma('foreign_keys = ON')
    db.migrate()
    return db
  }

  stmt(name: StatementName): Database.Statement {
    let statement = this.cache.get(name)
    if (!statement) {
      statement = this.connection.prepare(SQL[name])
      this.cache.set(name, statement)
    }

    return statement
  }

  /** Runs fn in one BEGIN IMMEDIATE transaction. fn must be synchronous. */
  immediate<T>(fn: () => T): T {
    return this.connection.transaction(fn).immediate()
  }

  /** Runs fn in one read transaction, so that everything it reads is one snapshot. */
  snapshot<T>(fn: () => T): T {
    return this.connection.transaction(fn).deferred()
  }

  setDurability(level: Durability): void {
    this.connection.pragma(`synchronous = ${level}`)
  }

  /** Changes whenever another connection commits (PRAGMA data_version). */
  dataVersion(): number {
    return this.connection.pragma('data_version', {simple: true}) as number
  }

  close(): void {
    if (this.connection.open) this.connection.close()
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
