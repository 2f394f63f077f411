import {statSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {Db, DB_FILE} from '../../src/engine/db/connection.js'
import {MIGRATIONS} from '../../src/engine/db/schema.js'
import {tempDir} from './support.js'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function open(dir: string): Db {
  const db = Db.open(dir)
  cleanups.push(() => db.close())
  return db
}

function newDir(): string {
  const t = tempDir()
  cleanups.push(t.cleanup)
  return t.dir
}

describe('Db (DESIGN §2 storage)', () => {
  it('creates the directory 0700 and kt.db 0600', () => {
    const dir = join(newDir(), 'nested', 'data')
    open(dir)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(statSync(join(dir, DB_FILE)).mode & 0o777).toBe(0o600)
  })

  it('uses WAL, foreign keys and a busy timeout', () => {
    const db = open(newDir())
    expect(db.connection.pragma('journal_mode', {simple: true})).toBe('wal')
    expect(db.connection.pragma('foreign_keys', {simple: true})).toBe(1)
    expect(db.connection.pragma('busy_timeout', {simple: true})).toBeGreaterThan(0)
  })

  it('applies the migrations once and records them in user_version', async () => {
    const dir = newDir()
    const a = open(dir)
    expect(a.connection.pragma('user_version', {simple: true})).toBe(MIGRATIONS.length)
    await a.close()
    const b = open(dir) // reopening must not re-run migration 1 (CREATE TABLE would fail)
    expect(b.connection.pragma('user_version', {simple: true})).toBe(MIGRATIONS.length)
    const tables = b.connection
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all() as string[]
    expect(tables).toEqual(expect.arrayContaining(['batches', 'partitions', 'topic_configs', 'topics']))
  })

  it('two connections see each other’s commits (data_version changes)', () => {
    const dir = newDir()
    const a = open(dir)
    const b = open(dir)
    const before = b.dataVersion()
    a.immediate(() =>
      a.connection
        .prepare(
          "INSERT INTO topics (name, topic_uuid, partition_count, replication_factor, created_at) VALUES ('x', 'u', 1, 1, 0)",
        )
        .run(),
    )
    expect(b.dataVersion()).not.toBe(before)
    expect(b.connection.prepare('SELECT name FROM topics').pluck().all()).toEqual(['x'])
  })

  it('immediate() rolls back everything when its function throws', () => {
    const db = Db.memory()
    cleanups.push(() => db.close())
    expect(() =>
      db.immediate(() => {
        db.connection
          .prepare(
            "INSERT INTO topics (name, topic_uuid, partition_count, replication_factor, created_at) VALUES ('x', 'u', 1, 1, 0)",
          )
          .run()
        throw new Error('boom')
      }),
    ).toThrow('boom')
    expect(db.connection.prepare('SELECT count(*) FROM topics').pluck().get()).toBe(0)
  })

  it('an unusable data dir is KAFKA_STORAGE_ERROR naming the directory', () => {
    const dir = newDir()
    open(dir) // creates the file kt.db inside dir
    const bad = join(dir, DB_FILE, 'sub') // a directory below a regular file
    expect(() => Db.open(bad)).toThrow(
      expect.objectContaining({code: 'KAFKA_STORAGE_ERROR', message: expect.stringContaining(bad)}),
    )
  })
})
