// Shared fixtures for the engine tests: stores, a broker config, and record batches.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect} from 'vitest'

import {brokerConfigFrom, type BrokerConfig} from '../../src/engine/broker-config.js'
import {Db} from '../../src/engine/db/connection.js'
import {KtError} from '../../src/engine/errors.js'
import {appendTx} from '../../src/engine/log.js'
import {checkBatch, decodeRecords, RecordBatchBuilder, type Record as KtRecord} from '../../src/engine/record-batch.js'
import {createTopicTx} from '../../src/engine/topics.js'
import type {CreateTopicRequest, FetchedBatch, ProduceResult} from '../../src/engine/types.js'

/** A fixed clock for appends: timestamps in tests are chosen below it. */
export const NOW = 1_700_000_000_000

export function defaultConfig(settings: Record<string, string> = {}): BrokerConfig {
  return brokerConfigFrom(new Map(Object.entries(settings)))
}

export interface TestStore {
  db: Db
  config: BrokerConfig
  createTopic(req: CreateTopicRequest): void
  /** Appends one batch per entry in one transaction. */
  append(entries: {topic: string; partition: number; batch: Buffer}[], now?: number): ProduceResult[]
}

export function store(db: Db, config = defaultConfig()): TestStore {
  return {
    append: (entries, now = NOW) => db.immediate(() => appendTx(db, entries, config, now)),
    config,
    createTopic: (req) => {
      db.immediate(() => createTopicTx(db, req, config, NOW))
    },
    db,
  }
}

export function memoryStore(config = defaultConfig()): TestStore {
  return store(Db.memory(), config)
}

/** A temporary data directory, removed by cleanup(). */
export function tempDir(prefix = 'kt-engine-'): {dir: string; cleanup: () => void} {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return {cleanup: () => rmSync(dir, {force: true, recursive: true}), dir}
}

/** A batch of records with the given values (keys null); timestamps default to NOW - 1000 + i. */
export function batchOf(values: readonly string[], timestamps?: readonly number[]): Buffer {
  const b = new RecordBatchBuilder(256)
  values.forEach((v, i) => {
    const value = Buffer.from(v)
    b.append(timestamps?.[i] ?? NOW - 1000 + i, null, 0, 0, value, 0, value.length, null)
  })
  return b.build('none')
}

/** A batch of n records whose values are `${prefix}${i}`. */
export function batchOfCount(n: number, prefix = 'v', timestamps?: readonly number[]): Buffer {
  return batchOf(
    Array.from({length: n}, (_, i) => `${prefix}${i}`),
    timestamps,
  )
}

/** All records of fetched batches, in order. */
export function recordsOf(batches: readonly FetchedBatch[]): KtRecord[] {
  return batches.flatMap((b) => decodeRecords(b.data, checkBatch(b.data)))
}

/** The KtError fn throws (failing the test if it throws nothing or something else). */
export function errorOf(fn: () => unknown): KtError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(KtError)
    return error as KtError
  }

  throw new Error('expected a KtError')
}
