// Remote group consumption across a rebalance (issue 11, "Groups remotely"): a member that loses
// a partition commits what its stdout accepted before it rejoins, so the partition's new owner
// starts after everything the old owner printed. `kt broker` runs on an ephemeral port; member A
// reads a 3-partition topic with --group, member B joins while records still arrive (the
// coordinator rebalances: A keeps some partitions and gives the others to B), then both are
// stopped with SIGINT. Every record must be printed by exactly one of them, exactly once.
import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {kt, startConsumer, tempDirsForFile, waitFor} from '../helpers/kt.js'
import {type RunningBroker, startKtBroker} from '../remote/kt-broker.js'

const tempDir = tempDirsForFile()
let broker: RunningBroker

beforeAll(async () => {
  broker = await startKtBroker(tempDir())
}, 30_000)

afterAll(() => broker?.stop())

/** Keyed lines (murmur2 spreads them over the partitions); the value names the record. */
const lines = (from: number, to: number) =>
  Array.from({length: to - from}, (_, i) => `k${from + i}:r${from + i}`).join('\n') + '\n'

const printedLines = (out: string) => out.split('\n').filter((l) => l !== '')

/** Waits until `kt consumer-groups --describe --members` shows n members of g, each with partitions. */
async function waitForMembers(dir: string, remote: string[], n: number): Promise<void> {
  const t0 = Date.now()
  for (;;) {
    const r = await kt(dir, ['consumer-groups', '--describe', '--group', 'g', '--members', ...remote])
    const holding = r.stdout.split('\n').filter((l) => /^g\s.*\s[1-9]\d*\s*$/.test(l))
    if (holding.length === n) return
    if (Date.now() - t0 > 60_000) throw new Error(`no ${n} members holding partitions: ${r.stdout}${r.stderr}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

describe('remote group members across a rebalance', {timeout: 120_000}, () => {
  test('a member that loses partitions commits what it printed first: no record printed twice, none missing', async () => {
    const dir = tempDir()
    const remote = ['--bootstrap-server', broker.address]
    const created = await kt(dir, ['topics', '--create', '--topic', 't', '--partitions', '3', ...remote])
    expect({status: created.status, stderr: created.stderr}).toEqual({status: 0, stderr: ''})
    const produce = async (from: number, to: number) => {
      const r = await kt(
        dir,
        [
          'console-producer',
          '--topic',
          't',
          '--property',
          'parse.key=true',
          '--property',
          'key.separator=:',
          ...remote,
        ],
        {input: lines(from, to), timeoutMs: 60_000},
      )
      expect({status: r.status, stderr: r.stderr}).toEqual({status: 0, stderr: ''})
    }

    const N = 6000
    await produce(0, N / 2)
    // Auto-commit only once a minute: when B joins, A has printed and not yet committed what it
    // read, so only the handover itself can commit it before B takes partitions over.
    const args = [
      '--topic',
      't',
      '--group',
      'g',
      '--from-beginning',
      '--consumer-property',
      'auto.commit.interval.ms=60000',
      ...remote,
    ]
    const a = startConsumer(dir, args, 90_000)
    await waitFor(() => printedLines(a.out()).length >= N / 2, 30_000, 'member A to print the first half')
    const b = startConsumer(dir, args, 90_000)
    // The rebalance is over when both members hold partitions; the second half then goes to both.
    await waitForMembers(dir, remote, 2)
    await produce(N / 2, N)
    const union = () => [...printedLines(a.out()), ...printedLines(b.out())]
    await waitFor(() => union().length >= N && printedLines(b.out()).length > 0, 60_000, 'every record, B printing')
    // Anything printed twice would come at the handover, long before this quiet second.
    let seen = union().length
    await waitFor(
      () => {
        const now = union().length
        const quiet = now === seen
        seen = now
        return quiet
      },
      30_000,
      'the members to go quiet',
    )
    await new Promise((resolve) => setTimeout(resolve, 1000))
    a.child.kill('SIGINT')
    b.child.kill('SIGINT')
    const [ra, rb] = await Promise.all([a.done, b.done])
    // Kafka's console consumer exits 130 on SIGINT, after its final commit; stderr is its count.
    const tally = /^Processed a total of (\d+) messages\n$/
    expect([ra.status, rb.status, ra.stderr, rb.stderr]).toEqual([
      130,
      130,
      expect.stringMatching(tally),
      expect.stringMatching(tally),
    ])

    const all = [...printedLines(ra.stdout), ...printedLines(rb.stdout)]
    const counts = new Map<string, number>()
    for (const l of all) counts.set(l, (counts.get(l) ?? 0) + 1)
    const duplicates = [...counts].filter(([, n]) => n > 1).map(([l]) => l)
    const missing = Array.from({length: N}, (_, i) => `r${i}`).filter((r) => !counts.has(r))
    expect({duplicates: duplicates.length, missing: missing.length, printed: all.length}).toEqual({
      duplicates: 0,
      missing: 0,
      printed: N,
    })
    // What each member says it processed adds up to the records, once each.
    const processed = (stderr: string) => Number(tally.exec(stderr)![1])
    expect(processed(ra.stderr) + processed(rb.stderr)).toBe(N)
  })
})
