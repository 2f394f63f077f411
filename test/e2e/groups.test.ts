// End-to-end tests of consumer groups across processes (DESIGN §4, issue 7 §1 and §1b): several
// `kt console-consumer --group g` processes share a topic's partitions, hand them over without
// two members ever reading one partition at once, and survive a member killed with SIGKILL.
// Every case spawns the built bin/run.js with its own temporary data dir. Timings here are
// generous bounds on a loaded 2-core machine; the figures themselves are measured in the bench.
import {type ChildProcess} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import Database from 'better-sqlite3'
import {describe, expect, test} from 'vitest'

import {collect, kt, type KtResult, spawnKt, tempDirsForFile} from '../helpers/kt.js'

const tempDir = tempDirsForFile()

function store(partitions = 1): string {
  const dir = tempDir()
  if (partitions !== 1) writeFileSync(join(dir, 'server.properties'), `num.partitions=${partitions}\n`)
  return dir
}

async function ok(r: Promise<KtResult>): Promise<KtResult> {
  const result = await r
  expect({status: result.status, stderr: result.stderr}).toEqual({status: 0, stderr: ''})
  return result
}

async function createTopic(dir: string, topic: string, partitions: number): Promise<void> {
  await ok(kt(dir, ['topics', '--create', '--topic', topic, '--partitions', String(partitions)]))
}

async function produce(dir: string, topic: string, input: string, ...args: string[]): Promise<void> {
  const r = await kt(dir, ['console-producer', '--topic', topic, ...args], {input, timeoutMs: 60_000})
  expect({status: r.status, stdout: r.stdout}).toEqual({status: 0, stdout: ''})
}

/** `key:value` lines. */
function produceKeyed(dir: string, topic: string, input: string): Promise<void> {
  return produce(dir, topic, input, '--property', 'parse.key=true', '--property', 'key.separator=:')
}

const processed = (n: number) => `Processed a total of ${n} messages\n`
const seq = (from: number, to: number) => Array.from({length: to - from + 1}, (_, i) => from + i)
const lines = (items: (number | string)[]) => items.map((l) => `${l}\n`).join('')
const nonEmpty = (text: string) => text.split('\n').filter((l) => l !== '')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A console consumer running in the background, with its output so far. */
interface Running {
  child: ChildProcess
  out: () => string
  err: () => string
  done: Promise<KtResult>
}

function start(dir: string, args: string[]): Running {
  const child = spawnKt(dir, ['console-consumer', ...args])
  child.stdin!.on('error', () => {})
  child.stdin!.end()
  const done = collect(child, 90_000)
  let out = ''
  let err = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  return {child, done, err: () => err, out: () => out}
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const t0 = Date.now()
  while (!condition()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(5)
  }

  return Date.now() - t0
}

/** Rows of the store's group_members table (read-only, as `kt consumer-groups` reads them). */
function members(dir: string, group: string): {member_id: string; assignment: string}[] {
  const db = new Database(join(dir, 'kt.db'), {readonly: true})
  try {
    return db
      .prepare('SELECT member_id, assignment FROM group_members WHERE group_id = ? ORDER BY member_id')
      .all(group) as {member_id: string; assignment: string}[]
  } finally {
    db.close()
  }
}

/** Lines `<partition> <rest>` of a `--format '%p ...'` output, by partition. */
function partitionsOf(stdout: string): Set<number> {
  return new Set(nonEmpty(stdout).map((l) => Number(l.split(' ')[0])))
}

/** Counts of each line, to find duplicates. */
function counts(texts: string[]): Map<string, number> {
  const m = new Map<string, number>()
  for (const t of texts) for (const l of nonEmpty(t)) m.set(l, (m.get(l) ?? 0) + 1)
  return m
}

function duplicates(texts: string[]): string[] {
  return [...counts(texts)].filter(([, n]) => n > 1).map(([l]) => l)
}

const FORMAT = ['--format', '%p %o %s\\n']

// ---------------------------------------------------------------------------------------------
// §1b: group defects, each with a test that failed before its fix

describe.concurrent('§1b defects', () => {
  test('offsets die with their topic: a recreated topic is read from its first record', async () => {
    const dir = store()
    await produce(dir, 'rec', lines(seq(1, 100)))
    const first = await kt(dir, [
      'console-consumer',
      '--topic',
      'rec',
      '--group',
      'G',
      '--from-beginning',
      '--exit-at-end',
    ])
    expect({status: first.status, stderr: first.stderr}).toEqual({status: 0, stderr: processed(100)})
    await ok(kt(dir, ['topics', '--delete', '--topic', 'rec']))
    await produce(dir, 'rec', lines(seq(1001, 1150)))
    const again = await kt(dir, [
      'console-consumer',
      '--topic',
      'rec',
      '--group',
      'G',
      '--from-beginning',
      '--exit-at-end',
    ])
    expect({status: again.status, stderr: again.stderr, stdout: again.stdout}).toEqual({
      status: 0,
      stderr: processed(150),
      stdout: lines(seq(1001, 1150)),
    })
  })

  test('SIGHUP stops a group consumer like SIGINT: final commit, leaves the group, reports the count', async () => {
    const dir = store()
    await produce(dir, 't', lines(seq(1, 20)))
    const c = start(dir, ['--topic', 't', '--group', 'g', '--from-beginning'])
    await waitFor(() => c.out() === lines(seq(1, 20)), 15_000, '20 records')
    c.child.kill('SIGHUP')
    const r = await c.done
    expect({signal: r.signal, status: r.status, stderr: r.stderr, stdout: r.stdout}).toEqual({
      signal: null,
      status: 130,
      stderr: processed(20),
      stdout: lines(seq(1, 20)),
    })
    expect(members(dir, 'g')).toEqual([])
    // The commit covered all 20: a restart without --from-beginning reads only what came since.
    await produce(dir, 't', lines(seq(21, 25)))
    const next = await kt(dir, ['console-consumer', '--topic', 't', '--group', 'g', '--exit-at-end'])
    expect({status: next.status, stderr: next.stderr, stdout: next.stdout}).toEqual({
      status: 0,
      stderr: processed(5),
      stdout: lines(seq(21, 25)),
    })
  })

  for (const subscription of [
    ['--topic', 'grow'],
    ['--include', 'gro.*'],
  ])
    test(`partitions added while a consumer runs (${subscription[0]}) are consumed`, async () => {
      const dir = store()
      await createTopic(dir, 'grow', 1)
      const c = start(dir, [...subscription, '--group', 'g', '--from-beginning', ...FORMAT])
      await produceKeyed(dir, 'grow', lines(seq(1, 10).map((i) => `k${i}:a${i}`)))
      await waitFor(() => nonEmpty(c.out()).length === 10, 15_000, 'the first 10 records')
      await ok(kt(dir, ['topics', '--alter', '--topic', 'grow', '--partitions', '3']))
      await produceKeyed(dir, 'grow', lines(seq(1, 30).map((i) => `k${i}:b${i}`)))
      await waitFor(() => nonEmpty(c.out()).length === 40, 15_000, `40 records, got: ${c.out()}`)
      c.child.kill('SIGINT')
      const r = await c.done
      expect({status: r.status, stderr: r.stderr}).toEqual({status: 130, stderr: processed(40)})
      const printed = nonEmpty(r.stdout)
      expect(new Set(printed).size).toBe(40)
      // Some of the 30 keys land on the new partitions (murmur2 spreads them), and were printed.
      expect(partitionsOf(r.stdout)).toEqual(new Set([0, 1, 2]))
    })

  test('a join has a barrier: two members started together on 200,000 records print each once', async () => {
    const dir = store()
    await createTopic(dir, 's', 4)
    await produce(dir, 's', lines(seq(1, 200_000)))
    const args = ['--topic', 's', '--group', 'S', '--from-beginning', '--timeout-ms', '4000']
    const [a, b] = [start(dir, args), start(dir, args)]
    const [ra, rb] = await Promise.all([a.done, b.done])
    for (const r of [ra, rb]) expect(r.status, r.stderr).toBe(0)
    const all = [...nonEmpty(ra.stdout), ...nonEmpty(rb.stdout)]
    expect(duplicates([ra.stdout, rb.stdout]).slice(0, 5)).toEqual([])
    expect(all.length).toBe(200_000)
    expect(new Set(all).size).toBe(200_000)
  })
})
