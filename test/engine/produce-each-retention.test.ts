// Retention runs after kt broker's appends (produceEach) as after the console producer's
// (produce): it never ran for a store only wire clients wrote to.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {openBroker, type StoreBroker, storeBrokerOf} from '../../src/engine/index.js'
import {batchOfCount, tempDir} from './support.js'

let broker: StoreBroker | undefined
const dirs: {cleanup: () => void}[] = []
afterEach(async () => {
  await broker?.close()
  for (const d of dirs.splice(0)) d.cleanup()
})

describe('produceEach', () => {
  it('runs retention after its append: expired batches go, offsets continue', async () => {
    const store = tempDir('kt-produce-each-')
    dirs.push(store)
    writeFileSync(join(store.dir, 'server.properties'), 'log.retention.check.interval.ms=1\n')
    broker = storeBrokerOf(await openBroker(store.dir))
    await broker.createTopic({configs: [['retention.ms', '60000']], name: 't'})
    const old = Date.now() - 120_000
    await broker.produceEach([{batch: batchOfCount(3, 'old', [old, old, old]), partition: 0, topic: 't'}], 1)
    await new Promise((r) => setTimeout(r, 5))
    const [fresh] = await broker.produceEach(
      [{batch: batchOfCount(1, 'new', [Date.now()]), partition: 0, topic: 't'}],
      1,
    )
    expect(fresh).toMatchObject({baseOffset: 3})
    expect(await broker.listOffset('t', 0, 'earliest')).toBe(3)
  })
})
