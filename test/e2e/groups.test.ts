// End-to-end tests of consumer groups across processes (DESIGN §4, issue 7 §1 and §1b): several
// `kt console-consumer --group g` processes share a topic's partitions, hand them over without
// two members ever reading one partition at once, and survive a member killed with SIGKILL.
// Every case spawns the built bin/run.js with its own temporary data dir. Timings here are
// generous bounds on a loaded 2-core machine (tests run one at a time: each spawns several
// processes); the figures themselves are measured in the bench.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import Database from 'better-sqlite3'
import {describe, expect, test} from 'vitest'

import {collect, kt, type KtResult, spawnKt, startConsumer, tempDirsForFile, waitFor} from '../helpers/kt.js'

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

const start = (dir: string, args: string[]) => startConsumer(dir, args, 110_000)

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

describe('§1b defects', {timeout: 120_000}, () => {
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
    await waitFor(() => c.out() === lines(seq(1, 20)), 60_000, '20 records')
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
      await waitFor(() => nonEmpty(c.out()).length === 10, 60_000, 'the first 10 records')
      await ok(kt(dir, ['topics', '--alter', '--topic', 'grow', '--partitions', '3']))
      await produceKeyed(dir, 'grow', lines(seq(1, 30).map((i) => `k${i}:b${i}`)))
      await waitFor(() => nonEmpty(c.out()).length === 40, 60_000, `40 records, got: ${c.out()}`)
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

// ---------------------------------------------------------------------------------------------
// Acceptance (issue 7): members in separate processes

interface MemberRow {
  member_id: string
  process_id: number
  assignment: string
  owned: string
}

/** The group's member rows, read as `kt consumer-groups` reads them (a read-only connection). */
function memberRows(dir: string, group: string): MemberRow[] {
  const db = new Database(join(dir, 'kt.db'), {readonly: true})
  try {
    return db
      .prepare(
        'SELECT member_id, process_id, assignment, owned FROM group_members WHERE group_id = ? ORDER BY member_id',
      )
      .all(group) as MemberRow[]
  } finally {
    db.close()
  }
}

const partitionList = (json: string) =>
  Object.entries(JSON.parse(json) as Record<string, number[]>).flatMap(([t, ps]) => ps.map((p) => `${t}-${p}`))

/** The group is settled: `n` members, each owning exactly its (non-empty) assignment. */
function settled(dir: string, group: string, n: number): MemberRow[] | undefined {
  const rows = memberRows(dir, group)
  if (rows.length !== n) return undefined
  return rows.every((r) => r.owned === r.assignment && r.owned !== '{}') ? rows : undefined
}

describe('acceptance', {timeout: 120_000}, () => {
  test('two members started together split 3 partitions and print 300 keyed records once between them', async () => {
    const dir = store()
    await createTopic(dir, 't', 3)
    await produceKeyed(dir, 't', lines(seq(1, 300).map((i) => `k${i}:v${i}`)))
    const args = ['--topic', 't', '--group', 'g', '--from-beginning', ...FORMAT]
    // Commits every 200 ms, so that the lag reaches 0 soon after the records are printed.
    args.push('--consumer-property', 'auto.commit.interval.ms=200')
    const [a, b] = [start(dir, args), start(dir, args)]
    let rows: MemberRow[] | undefined
    await waitFor(() => (rows = settled(dir, 'g', 2)) !== undefined, 60_000, 'both members to hold their partitions')
    // Disjoint partitions covering 0–2, one member with two (range: the first in member id order).
    const held = rows!.map((r) => partitionList(r.owned))
    expect(held.map((h) => h.length)).toEqual([2, 1])
    expect(held.flat().sort()).toEqual(['t-0', 't-1', 't-2'])
    await waitFor(() => nonEmpty(a.out() + b.out()).length >= 300, 60_000, '300 records')
    // While they run, kt consumer-groups shows both members, Stable, and LAG 0 once they have
    // committed what they printed.
    let described = await kt(dir, ['consumer-groups', '--describe', '--group', 'g'])
    for (let i = 0; i < 100; i++) {
      const lags = described.stdout
        .split('\n')
        .slice(2, -1)
        .map((l) => l.split(/\s+/)[5])
      if (lags.length === 3 && lags.every((lag) => lag === '0')) break
      await sleep(200)
      described = await kt(dir, ['consumer-groups', '--describe', '--group', 'g'])
    }
    expect({status: described.status, stderr: described.stderr}).toEqual({status: 0, stderr: ''})
    const table = described.stdout.split('\n')
    expect(table[0]).toBe('')
    expect(table[1]).toMatch(
      /^GROUP +TOPIC +PARTITION +CURRENT-OFFSET +LOG-END-OFFSET +LAG +CONSUMER-ID +HOST +CLIENT-ID$/,
    )
    const cells = table.slice(2, -1).map((l) => l.split(/\s+/))
    expect(cells.map((c) => [c[0], c[1], c[2], c[5], c[8]])).toEqual([
      ['g', 't', expect.any(String), '0', 'console-consumer'],
      ['g', 't', expect.any(String), '0', 'console-consumer'],
      ['g', 't', expect.any(String), '0', 'console-consumer'],
    ])
    expect(new Set(cells.map((c) => c[6]))).toEqual(new Set(rows!.map((r) => r.member_id)))
    expect(cells.map((c) => Number(c[3])).reduce((x, y) => x + y)).toBe(300)
    const state = await kt(dir, ['consumer-groups', '--describe', '--group', 'g', '--state'])
    expect({status: state.status, stderr: state.stderr}).toEqual({status: 0, stderr: ''})
    expect(state.stdout.split('\n')[2]).toMatch(/^g +\S+ +\(1\) +range +Stable +2$/)
    a.child.kill('SIGINT')
    b.child.kill('SIGINT')
    const [ra, rb] = await Promise.all([a.done, b.done])
    const values = [ra, rb].flatMap((r) => nonEmpty(r.stdout).map((l) => l.split(' ')[2]))
    expect(values.sort()).toEqual(
      seq(1, 300)
        .map((i) => `v${i}`)
        .sort(),
    )
    for (const [r, n] of [
      [ra, nonEmpty(ra.stdout).length],
      [rb, nonEmpty(rb.stdout).length],
    ] as const)
      expect({status: r.status, stderr: r.stderr}).toEqual({status: 130, stderr: processed(n)})
    expect(memberRows(dir, 'g')).toEqual([])
  })

  test('a third member joins while records flow, then one is SIGKILLed: nothing lost, live members print nothing twice', async () => {
    const dir = store()
    await createTopic(dir, 't', 6)
    const producer = spawnKt(dir, [
      'console-producer',
      '--topic',
      't',
      '--property',
      'parse.key=true',
      '--property',
      'key.separator=:',
    ])
    const produced = collect(producer, 90_000)
    let next = 1
    const feed = async (upTo: number) => {
      for (; next <= upTo; next += 10) {
        producer.stdin!.write(lines(seq(next, next + 9).map((i) => `k${i}:v${i}`)))
        await sleep(10)
      }
    }

    const args = ['--topic', 't', '--group', 'g', '--from-beginning', ...FORMAT]
    const a = start(dir, args)
    const b = start(dir, args)
    await waitFor(() => settled(dir, 'g', 2) !== undefined, 60_000, 'two members')
    await feed(1000)
    // The third member joins while records flow.
    const c = start(dir, args)
    await feed(1500)
    await waitFor(() => settled(dir, 'g', 3) !== undefined, 60_000, 'three members holding their partitions')
    // Records keep coming (up to 2,900 of the 3,000) until the third member has printed some of
    // its own. The bound is a hang bound in time: a bound in records fed was a speed bound, missed
    // when a loaded machine started the member slowly.
    const printBy = Date.now() + 30_000
    for (let goal = 1600; nonEmpty(c.out()).length === 0; goal += 100) {
      expect(Date.now(), 'the third member to print').toBeLessThan(printBy)
      await feed(Math.min(goal, 2900))
      await sleep(100)
    }

    // SIGKILL the third member: its pid is gone, so its partitions move without waiting 45 s.
    const victim = memberRows(dir, 'g').find((r) => r.process_id === c.child.pid)!
    const killedAt = Date.now()
    c.child.kill('SIGKILL')
    await waitFor(
      () => {
        const rows = settled(dir, 'g', 2)
        return (
          rows !== undefined &&
          partitionList(victim.owned).every((p) => rows.some((r) => partitionList(r.owned).includes(p)))
        )
      },
      20_000,
      "the killed member's partitions to move",
    )
    const movedMs = Date.now() - killedAt
    // The target is 1 s (measured: 110–170 ms; `npm run bench` measures it). The bound is what the
    // test rules out, waiting for the 45 s session timeout, not a speed: a machine so loaded that
    // a process waits seconds for a core (or a second test worker) must not fail it.
    expect(movedMs).toBeLessThan(20_000)
    await feed(3000)
    producer.stdin!.end()
    expect((await produced).status).toBe(0)
    const all = seq(1, 3000).map((i) => `v${i}`)
    const valuesOf = (text: string) => nonEmpty(text).map((l) => l.split(' ')[2])
    await waitFor(
      () => new Set([...valuesOf(a.out()), ...valuesOf(b.out()), ...valuesOf(c.out())]).size === 3000,
      30_000,
      'every record',
    )
    a.child.kill('SIGINT')
    b.child.kill('SIGINT')
    const [ra, rb, rc] = await Promise.all([a.done, b.done, c.done])
    expect(rc.signal).toBe('SIGKILL')
    for (const r of [ra, rb]) expect(r.status, r.stderr).toBe(130)
    // At least once: every record was printed.
    expect(new Set([...valuesOf(ra.stdout), ...valuesOf(rb.stdout), ...valuesOf(rc.stdout)])).toEqual(new Set(all))
    // The live members printed no record twice, together or alone: only what the killed member
    // printed after its last commit was printed again.
    expect(duplicates([ra.stdout, rb.stdout])).toEqual([])
  })
})

// ---------------------------------------------------------------------------------------------
// Group settings

describe('group settings', {timeout: 120_000}, () => {
  for (const [strategy, expected] of [
    ['org.apache.kafka.clients.consumer.RoundRobinAssignor', [['t-0', 't-2'], ['t-1']]],
    ['roundrobin', [['t-0', 't-2'], ['t-1']]],
    ['org.apache.kafka.clients.consumer.RangeAssignor,cooperative-sticky', [['t-0', 't-1'], ['t-2']]],
  ] as const)
    test(`partition.assignment.strategy=${strategy}`, async () => {
      const dir = store()
      await createTopic(dir, 't', 3)
      const args = ['--topic', 't', '--group', 'g', '--consumer-property', `partition.assignment.strategy=${strategy}`]
      const [a, b] = [start(dir, args), start(dir, args)]
      let rows: MemberRow[] | undefined
      await waitFor(() => (rows = settled(dir, 'g', 2)) !== undefined, 60_000, 'two members')
      // Members in member id order: the first gets what §7's worked example gives C0.
      expect(rows!.map((r) => partitionList(r.owned))).toEqual(expected)
      a.child.kill('SIGINT')
      b.child.kill('SIGINT')
      for (const r of await Promise.all([a.done, b.done]))
        expect({status: r.status, stderr: r.stderr}).toEqual({status: 130, stderr: processed(0)})
    })

  test('partition.assignment.strategy=org.apache.kafka.clients.consumer.CooperativeStickyAssignor: the first member keeps what it can', async () => {
    const dir = store()
    await createTopic(dir, 't', 3)
    const strategy = 'org.apache.kafka.clients.consumer.CooperativeStickyAssignor'
    const args = ['--topic', 't', '--group', 'g', '--consumer-property', `partition.assignment.strategy=${strategy}`]
    const a = start(dir, args)
    await waitFor(() => settled(dir, 'g', 1) !== undefined, 60_000, 'the first member')
    const b = start(dir, args)
    let rows: MemberRow[] | undefined
    await waitFor(() => (rows = settled(dir, 'g', 2)) !== undefined, 60_000, 'two members')
    // Sticky and balanced: the first member gives up only its last partition.
    const owned = (pid: number | undefined) => partitionList(rows!.find((r) => r.process_id === pid)!.owned)
    expect([owned(a.child.pid), owned(b.child.pid)]).toEqual([['t-0', 't-1'], ['t-2']])
    a.child.kill('SIGINT')
    b.child.kill('SIGINT')
    for (const r of await Promise.all([a.done, b.done]))
      expect({status: r.status, stderr: r.stderr}).toEqual({status: 130, stderr: processed(0)})
  })

  test('an unknown strategy, and members without a strategy in common, are refused with one line', async () => {
    const dir = store()
    await createTopic(dir, 't', 1)
    const bad = await kt(dir, [
      'console-consumer',
      '--topic',
      't',
      '--group',
      'g',
      '--consumer-property',
      'partition.assignment.strategy=sticky',
    ])
    expect({status: bad.status, stderr: bad.stderr, stdout: bad.stdout}).toEqual({
      status: 1,
      stderr:
        'Error: partition.assignment.strategy sticky is not available in kt (supported: range, roundrobin, cooperative-sticky, or their classes org.apache.kafka.clients.consumer.RangeAssignor, RoundRobinAssignor, CooperativeStickyAssignor)\n',
      stdout: '',
    })
    const a = start(dir, ['--topic', 't', '--group', 'g', '--consumer-property', 'partition.assignment.strategy=range'])
    await waitFor(() => settled(dir, 'g', 1) !== undefined, 60_000, 'the first member')
    const b = await kt(dir, [
      'console-consumer',
      '--topic',
      't',
      '--group',
      'g',
      '--consumer-property',
      'partition.assignment.strategy=roundrobin',
    ])
    expect({status: b.status, stdout: b.stdout}).toEqual({status: 1, stdout: ''})
    expect(b.stderr).toMatch(
      /^Error: The group member's supported protocols \(partition\.assignment\.strategy roundrobin\) are incompatible with those of the existing members of group 'g' \(range\)\nProcessed a total of 0 messages\n$/,
    )
    a.child.kill('SIGINT')
    expect((await a.done).status).toBe(130)
  })

  test('session.timeout.ms: a stopped member expires and its partitions move; resumed, it joins again', async () => {
    const dir = store()
    await createTopic(dir, 't', 2)
    const props = ['--consumer-property', 'session.timeout.ms=1500', '--consumer-property', 'heartbeat.interval.ms=200']
    const args = ['--topic', 't', '--group', 'g', '--from-beginning', ...FORMAT, ...props]
    const a = start(dir, args)
    const b = start(dir, args)
    await waitFor(() => settled(dir, 'g', 2) !== undefined, 60_000, 'two members')
    // SIGSTOP: the process lives on, so only the session timeout can expire it.
    b.child.kill('SIGSTOP')
    const stoppedAt = Date.now()
    await waitFor(() => settled(dir, 'g', 1)?.[0].process_id === a.child.pid, 60_000, 'the stopped member to expire')
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(1400)
    await produceKeyed(dir, 't', lines(seq(1, 40).map((i) => `k${i}:v${i}`)))
    await waitFor(() => nonEmpty(a.out()).length === 40, 60_000, 'the live member to print all 40')
    // Resumed, the old member finds itself expired and joins as a new one; nothing is printed twice.
    b.child.kill('SIGCONT')
    await waitFor(() => settled(dir, 'g', 2) !== undefined, 60_000, 'the resumed member to join again')
    await produceKeyed(dir, 't', lines(seq(41, 80).map((i) => `k${i}:v${i}`)))
    await waitFor(() => nonEmpty(a.out() + b.out()).length >= 80, 60_000, '80 records')
    a.child.kill('SIGINT')
    b.child.kill('SIGINT')
    const [ra, rb] = await Promise.all([a.done, b.done])
    expect(duplicates([ra.stdout, rb.stdout])).toEqual([])
    expect(nonEmpty(ra.stdout + rb.stdout).length).toBe(80)
    expect(nonEmpty(rb.stdout).length).toBeGreaterThan(0)
  })

  test('group.initial.rebalance.delay.ms from server.properties: members started together take their own share at once', async () => {
    const dir = store()
    writeFileSync(join(dir, 'server.properties'), 'group.initial.rebalance.delay.ms=4000\n')
    await createTopic(dir, 't', 4)
    await produceKeyed(dir, 't', lines(seq(1, 400).map((i) => `k${i}:v${i}`)))
    const args = ['--topic', 't', '--group', 'g', '--from-beginning', ...FORMAT]
    const [a, b] = [start(dir, args), start(dir, args)]
    await waitFor(() => nonEmpty(a.out() + b.out()).length === 400, 60_000, '400 records')
    // Nobody took everything first and handed half over: each printed only its own partitions.
    const [pa, pb] = [partitionsOf(a.out()), partitionsOf(b.out())]
    expect([pa.size, pb.size]).toEqual([2, 2])
    expect(new Set([...pa, ...pb]).size).toBe(4)
    a.child.kill('SIGINT')
    b.child.kill('SIGINT')
    await Promise.all([a.done, b.done])
  })
})
