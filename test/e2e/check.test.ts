// kt check (issue 9 §2): a clean store gets a one-line summary and exit 0; each kind of damage is
// one line naming its topic, partition and offsets (or group), and exit 1.
import {cpSync, existsSync, readFileSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {kt, tempDirsForFile} from '../helpers/kt.js'

const newDir = tempDirsForFile()
const Database = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3')

/** Opens the store's file directly, to damage it the way a bug or a disk would. */
function tamper(dir: string, fn: (db: import('better-sqlite3').Database) => void): void {
  const db = new Database(join(dir, 'kt.db'))
  try {
    fn(db)
  } finally {
    db.close()
  }
}

let sample: Promise<string> | undefined

/**
 * A copy of one store with topics a (2 partitions, 3 batches) and b (1 partition), and group g's
 * commits: made once (eight kt runs), copied for each test.
 */
async function sampleStore(): Promise<string> {
  sample ??= makeSampleStore()
  const dir = newDir()
  cpSync(await sample, dir, {recursive: true})
  return dir
}

async function makeSampleStore(): Promise<string> {
  const dir = newDir()
  expect((await kt(dir, ['topics', '--create', '--topic', 'a', '--partitions', '2'])).status).toBe(0)
  expect((await kt(dir, ['topics', '--create', '--topic', 'b'])).status).toBe(0)
  for (const [topic, partition, input] of [
    ['a', '0', 'a1\na2\na3\n'],
    ['a', '0', 'a4\na5\n'],
    ['a', '1', 'x\n'],
    ['b', '0', 'b1\n'],
  ]) {
    const r = await kt(dir, ['console-producer', '--topic', topic, '--partition', partition], {input})
    expect({status: r.status, stderr: r.stderr}).toEqual({status: 0, stderr: ''})
  }

  const c = await kt(dir, ['console-consumer', '--topic', 'a', '--group', 'g', '--from-beginning', '--exit-at-end'])
  expect(c.status).toBe(0)
  return dir
}

const file = (dir: string) => join(dir, 'kt.db')

describe('kt check', () => {
  it('a clean store: one summary line, exit 0', async () => {
    const dir = await sampleStore()
    const r = await kt(dir, ['check'])
    expect(r).toMatchObject({
      status: 0,
      stderr: '',
      stdout: `The kt store '${file(dir)}' is consistent: 2 topics, 3 partitions, 4 batches, 7 records, 2 committed offsets.\n`,
    })
  })

  it('--json on a clean store', async () => {
    const dir = await sampleStore()
    const r = await kt(dir, ['check', '--json'])
    expect({status: r.status, stderr: r.stderr}).toEqual({status: 0, stderr: ''})
    expect(JSON.parse(r.stdout)).toEqual({
      batches: 4,
      bytes: expect.any(Number),
      committedOffsets: 2,
      file: file(dir),
      ok: true,
      partitions: 3,
      problems: [],
      records: 7,
      topics: 2,
    })
  })

  it('one flipped byte inside a batch: that batch’s topic, partition and offsets, exit 1', async () => {
    const dir = await sampleStore()
    tamper(dir, (db) => {
      const row = db.prepare('SELECT batch_id, data FROM batches WHERE base_offset = 3 AND partition = 0').get() as {
        batch_id: number
        data: Buffer
      }
      row.data[row.data.length - 2] ^= 0x01
      db.prepare('UPDATE batches SET data = ? WHERE batch_id = ?').run(row.data, row.batch_id)
    })
    const r = await kt(dir, ['check'])
    expect(r.stdout).toMatch(
      /^topic 'a' partition 0 offsets 3-4: CRC-32C mismatch \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)\n$/,
    )
    expect(r.stderr).toBe(`kt check: 1 problem in the kt store '${file(dir)}'.\n`)
    expect(r.status).toBe(1)

    const j = await kt(dir, ['check', '--json'])
    expect(j.status).toBe(1)
    expect(j.stderr).toBe('')
    const doc = JSON.parse(j.stdout) as {ok: boolean; problems: object[]}
    expect(doc.ok).toBe(false)
    expect(doc.problems).toEqual([
      {
        baseOffset: 3,
        kind: 'batch',
        lastOffset: 4,
        line: expect.stringMatching(/^topic 'a' partition 0 offsets 3-4: CRC-32C mismatch/),
        message: expect.stringMatching(/^CRC-32C mismatch/),
        partition: 0,
        topic: 'a',
      },
    ])
  })

  it('watermarks that disagree with the batches, a batch past the log end, a committed offset ahead', async () => {
    const dir = await sampleStore()
    tamper(dir, (db) => {
      const a = db.prepare("SELECT topic_id FROM topics WHERE name = 'a'").pluck().get()
      db.prepare('UPDATE partitions SET record_count = record_count + 1 WHERE topic_id = ? AND partition = 1').run(a)
      db.prepare('UPDATE partitions SET log_end_offset = 4 WHERE topic_id = ? AND partition = 0').run(a)
      db.prepare("UPDATE group_offsets SET committed_offset = 9 WHERE group_id = 'g' AND partition = 1").run()
    })
    const r = await kt(dir, ['check'])
    expect(r.stdout).toBe(
      [
        "topic 'a' partition 0 offsets 3-4: batch reaches past the log end offset 4",
        "topic 'a' partition 1: partition says 2 records in 69 bytes; its batches hold 1 records in 69 bytes",
        "group 'g' topic 'a' partition 0: committed offset 5 is outside [0, log end offset 4]",
        "group 'g' topic 'a' partition 1: committed offset 9 is outside [0, log end offset 1]",
        '',
      ].join('\n'),
    )
    expect(r.stderr).toBe(`kt check: 4 problems in the kt store '${file(dir)}'.\n`)
    expect(r.status).toBe(1)
  })

  it('a gap between batches (compaction) is accepted; batches that overlap are named', async () => {
    const dir = await sampleStore()
    const topicA = "(SELECT topic_id FROM topics WHERE name = 'a')"
    tamper(dir, (db) => {
      // Remove a/1's only batch and keep the watermarks' sums true: what compaction may leave.
      db.prepare(`DELETE FROM batches WHERE partition = 1 AND topic_id = ${topicA}`).run()
      db.prepare(
        `UPDATE partitions SET record_count = 0, size_bytes = 0 WHERE partition = 1 AND topic_id = ${topicA}`,
      ).run()
    })
    const gap = await kt(dir, ['check'])
    expect({status: gap.status, stderr: gap.stderr}).toEqual({status: 0, stderr: ''})
    expect(gap.stdout).toMatch(/is consistent: 2 topics, 3 partitions, 3 batches, 6 records, 2 committed offsets\.\n$/)

    tamper(dir, (db) => {
      // A copy of a/0's batch 3-4 stored again at offset 2 (its header patched to match): it
      // overlaps both neighbours.
      const row = db
        .prepare(`SELECT * FROM batches WHERE base_offset = 3 AND partition = 0 AND topic_id = ${topicA}`)
        .get() as {
        topic_id: number
        data: Buffer
        max_timestamp: number
        log_max_timestamp: number
        record_count: number
        size_bytes: number
      }
      const data = Buffer.from(row.data)
      data.writeUInt32BE(0, 0)
      data.writeUInt32BE(2, 4)
      db.prepare(
        'INSERT INTO batches (topic_id, partition, base_offset, last_offset, max_timestamp, log_max_timestamp, record_count, size_bytes, data) VALUES (?, 0, 2, 3, ?, ?, ?, ?, ?)',
      ).run(row.topic_id, row.max_timestamp, row.log_max_timestamp, row.record_count, row.size_bytes, data)
    })
    const overlap = await kt(dir, ['check'])
    expect(overlap.stdout.split('\n')).toEqual([
      "topic 'a' partition 0 offsets 2-3: batch overlaps the previous batch (offsets 0-2)",
      "topic 'a' partition 0 offsets 3-4: batch overlaps the previous batch (offsets 2-3)",
      expect.stringMatching(
        /^topic 'a' partition 0: partition says 5 records in \d+ bytes; its batches hold 7 records in \d+ bytes$/,
      ),
      '',
    ])
    expect(overlap.status).toBe(1)
  })

  it('a batch whose base offset is above its last offset is named as such, not as a range', async () => {
    const dir = await sampleStore()
    tamper(dir, (db) => {
      const a = db.prepare("SELECT topic_id FROM topics WHERE name = 'a'").pluck().get()
      db.prepare('UPDATE batches SET base_offset = 9 WHERE topic_id = ? AND partition = 0 AND base_offset = 3').run(a)
    })
    const r = await kt(dir, ['check'])
    expect({status: r.status, stderr: r.stderr, stdout: r.stdout}).toEqual({
      status: 1,
      stderr: `kt check: 2 problems in the kt store '${file(dir)}'.\n`,
      stdout:
        "topic 'a' partition 0 batch with base offset 9 and last offset 4: the base offset is above the last offset\n" +
        "topic 'a' partition 0 batch with base offset 9 and last offset 4: header says base offset 3\n",
    })
  })

  it('a truncated kt.db is its own finding (unreadable), not an error that says to run kt check', async () => {
    const dir = await sampleStore()
    const whole = readFileSync(file(dir))
    // Cut inside the file as `head -c` would: the header still states the whole size.
    const cut = Math.floor(whole.length / 2)
    writeFileSync(file(dir), whole.subarray(0, cut))
    const line = `The kt store '${file(dir)}' cannot be read: database disk image is malformed; the file is ${cut} bytes, but its header says ${whole.length}: it was cut short.`
    const [r, j] = await Promise.all([kt(dir, ['check']), kt(dir, ['check', '--json'])])
    expect({status: r.status, stderr: r.stderr, stdout: r.stdout}).toEqual({
      status: 1,
      stderr: `kt check: 1 problem in the kt store '${file(dir)}'.\n`,
      stdout: `${line}\n`,
    })
    expect({status: j.status, stderr: j.stderr}).toEqual({status: 1, stderr: ''})
    expect(JSON.parse(j.stdout)).toEqual({
      batches: 0,
      bytes: 0,
      committedOffsets: 0,
      file: file(dir),
      ok: false,
      partitions: 0,
      problems: [{kind: 'unreadable', line, message: line}],
      records: 0,
      topics: 0,
    })
    expect(readFileSync(file(dir))).toEqual(whole.subarray(0, cut))
  })

  it('an empty kt.db is an unreadable finding too', async () => {
    const dir = newDir()
    writeFileSync(file(dir), '')
    const r = await kt(dir, ['check'])
    expect({status: r.status, stderr: r.stderr, stdout: r.stdout}).toEqual({
      status: 1,
      stderr: `kt check: 1 problem in the kt store '${file(dir)}'.\n`,
      stdout: `The kt store '${file(dir)}' cannot be read: it is empty (0 bytes): it was truncated or replaced.\n`,
    })
  })

  it('no store: one line, exit 1, and no store or directory is created', async () => {
    const dir = join(newDir(), 'none')
    const r = await kt(dir, ['check'])
    expect(r).toMatchObject({status: 1, stderr: `kt check: There is no kt store in '${dir}' (no kt.db).\n`, stdout: ''})
    expect(existsSync(dir)).toBe(false)
  })
})
