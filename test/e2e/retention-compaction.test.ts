// End-to-end tests of log compaction (cleanup.policy=compact): the newest record per key stays at
// its original offset, tombstones remove their key, consumers and --offset N read across the
// gaps, and records without a key are refused.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, test, vi} from 'vitest'

import {describeJson, kt, type KtResult, tempDirsForFile} from '../helpers/kt.js'

vi.setConfig({testTimeout: 120_000})

const store = tempDirsForFile()

/**
 * A store whose writers run the cleaner on every write, with a compacted topic whose segment
 * rolls at every append (segment.ms=1) and is cleaned at any dirt.
 */
async function compactedStore(extra: string[] = []): Promise<string> {
  const dir = store()
  writeFileSync(join(dir, 'server.properties'), 'log.retention.check.interval.ms=1\n')
  const configs = ['cleanup.policy=compact', 'segment.ms=1', 'min.cleanable.dirty.ratio=0', ...extra]
  const r = await kt(dir, ['topics', '--create', '--topic', 'c', ...configs.flatMap((c) => ['--config', c])])
  expect(r.stdout).toBe('Created topic c.\n')
  return dir
}

async function produceKeyed(dir: string, input: string, ...args: string[]): Promise<KtResult> {
  return kt(
    dir,
    ['console-producer', '--topic', 'c', '--property', 'parse.key=true', '--property', 'key.separator=:', ...args],
    {input},
  )
}

async function read(dir: string, ...args: string[]): Promise<KtResult> {
  return kt(dir, [
    'console-consumer',
    '--topic',
    'c',
    '--timeout-ms',
    '1500',
    '--property',
    'print.offset=true',
    '--property',
    'print.key=true',
    ...args,
  ])
}

const ok = (r: KtResult) => expect({status: r.status, stderr: r.stderr}).toEqual({status: 0, stderr: ''})

describe.concurrent('compaction', () => {
  test('a,b,a,c,b,a keeps the last a, b and c at their original offsets; consumers and --offset N read across the gaps', async () => {
    const dir = await compactedStore()
    ok(await produceKeyed(dir, 'a:1\nb:2\na:3\nc:4\nb:5\na:6\n'))
    // The next write rolls the segment holding them, and cleans it.
    ok(await produceKeyed(dir, 'd:7\n'))
    const all = await read(dir, '--from-beginning')
    expect(all.stdout).toBe('Offset:3\tc\t4\nOffset:4\tb\t5\nOffset:5\ta\t6\nOffset:6\td\t7\n')
    // An offset inside a gap starts at the next record kept.
    const gap = await read(dir, '--partition', '0', '--offset', '1')
    expect(gap.stdout).toBe('Offset:3\tc\t4\nOffset:4\tb\t5\nOffset:5\ta\t6\nOffset:6\td\t7\n')
    const mid = await read(dir, '--partition', '0', '--offset', '4', '--max-messages', '1')
    expect(mid.stdout).toBe('Offset:4\tb\t5\n')
    // A group reads across the gaps and commits the log end.
    const group = await read(dir, '--group', 'g', '--from-beginning')
    expect(group.stdout.split('\n')).toHaveLength(5)
    const t = await describeJson(dir, 'c')
    expect(t.partitions[0]).toMatchObject({logEndOffset: 7, logStartOffset: 0, recordCount: 4})
  })

  test('a tombstone for c removes c (after delete.retention.ms, the tombstone too)', async () => {
    const dir = await compactedStore(['delete.retention.ms=0'])
    ok(await produceKeyed(dir, 'a:1\nc:2\nb:3\n'))
    ok(await produceKeyed(dir, 'c:NULL\n', '--property', 'null.marker=NULL'))
    ok(await produceKeyed(dir, 'd:4\n'))
    const r = await read(dir, '--from-beginning')
    expect(r.stdout).toBe('Offset:0\ta\t1\nOffset:2\tb\t3\nOffset:4\td\t4\n')
  })

  test('records without a key are refused with Kafka’s message; nothing is stored', async () => {
    const dir = await compactedStore()
    const r = await kt(dir, ['console-producer', '--topic', 'c'], {input: 'no key\n'})
    expect({status: r.status, stderr: r.stderr}).toEqual({
      status: 1,
      stderr: 'Error: Compacted topic cannot accept message without key in topic partition c-0\n',
    })
    expect((await describeJson(dir, 'c')).partitions[0].logEndOffset).toBe(0)
  })
})
