// Batches built in this process skip the appender's record walk only while they hold exactly the
// bytes that were built (issue 9): a batch changed after build() is validated in full, CRC
// included, and refused before it is stored.
import {describe, expect, it} from 'vitest'

import {batchOf, errorOf, memoryStore} from '../engine/support.js'
import {builtHere} from '../../src/engine/record-batch.js'
import {crc32c} from '../../src/engine/crc32c.js'

function storeWithTopic() {
  const s = memoryStore()
  s.createTopic({name: 't', partitions: 1})
  return s
}

describe('trust of batches built in this process', () => {
  it('a built batch is trusted as built', () => {
    const batch = batchOf(['a', 'b'])
    expect(builtHere(batch)).toBe(true)
    // baseOffset and the leader epoch lie outside the CRC: the appender rewrites them.
    batch.writeInt32BE(7, 4)
    expect(builtHere(batch)).toBe(true)
  })

  it('a value byte changed after build() is refused at append, not stored (issue 9 regression)', () => {
    const s = storeWithTopic()
    const batch = batchOf(['hello', 'world'])
    batch[batch.length - 3] ^= 0xff
    expect(builtHere(batch)).toBe(false)
    const error = errorOf(() => s.append([{batch, partition: 0, topic: 't'}]))
    expect(error.code).toBe('CORRUPT_MESSAGE')
    expect(error.message).toMatch(/^Invalid record batch for topic 't' partition 0: CRC-32C mismatch/)
    expect(s.db.connection.prepare('SELECT count(*) FROM batches').pluck().get()).toBe(0)
  })

  it('a batch rewritten after build() with a fresh CRC is walked in full and refused when malformed', () => {
    const s = storeWithTopic()
    const batch = batchOf(['hello', 'world'])
    // The first record's length varint (at byte 61) made larger than the batch.
    batch[61] = 0x7e
    batch.writeUInt32BE(crc32c(batch, 21, batch.length), 17)
    expect(builtHere(batch)).toBe(false)
    const error = errorOf(() => s.append([{batch, partition: 0, topic: 't'}]))
    expect(error.message).toMatch(/^Invalid record batch for topic 't' partition 0: record 0/)
    expect(s.db.connection.prepare('SELECT count(*) FROM batches').pluck().get()).toBe(0)
  })

  it('a batch whose maxTimestamp was lowered after build() is corrected from its records', () => {
    const s = storeWithTopic()
    const batch = batchOf(['a', 'b'], [1000, 2000])
    batch.writeInt32BE(0, 35)
    batch.writeUInt32BE(500, 39)
    batch.writeUInt32BE(crc32c(batch, 21, batch.length), 17)
    s.append([{batch, partition: 0, topic: 't'}])
    expect(s.db.connection.prepare('SELECT max_timestamp FROM batches').pluck().get()).toBe(2000)
  })
})
