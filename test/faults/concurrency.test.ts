// Concurrency (issue 9 §3): 4 producers, 3 consumers of one group, and `kt topics --describe` in a
// loop, all at once over one store for KT_FAULT_SECONDS (default 20). Nothing may surface
// SQLITE_BUSY, an internal error or a stack trace; every record is consumed by the group at least
// once; kt check is clean afterwards. No member is killed here, so every handover is a clean one
// (the old owner commits what it printed before the new owner starts): the group prints every
// record exactly once.
import type {ChildProcess} from 'node:child_process'
import {describe, expect, it} from 'vitest'

import {collect, kt, type KtResult, spawnKt, tempDirsForFile} from '../helpers/kt.js'

const SECONDS = Number(process.env.KT_FAULT_SECONDS ?? 20)
const PRODUCERS = 4
const CONSUMERS = 3
const PARTITIONS = 6
const DESCRIBERS: string[][] = [
  ['topics', '--describe', '--topic', 'conc'],
  ['consumer-groups', '--describe', '--group', 'conc-group'],
]
/** What a describe may say on stderr: nothing, that the group is between owners, or (at the end) empty. */
const DESCRIBE_STDERR =
  /^(\nWarning: Consumer group 'conc-group' is rebalancing\.\n|\nConsumer group 'conc-group' has no active members\.\n)?$/
const newDir = tempDirsForFile()

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const FORBIDDEN = /SQLITE_|internal error|\n\s+at |database is locked/

describe('concurrency: producers, a consumer group and describers at once', () => {
  it(
    `${PRODUCERS} producers, ${CONSUMERS} group consumers, describe in a loop, for ${SECONDS} s`,
    async () => {
      const dir = newDir()
      expect(
        (await kt(dir, ['topics', '--create', '--topic', 'conc', '--partitions', String(PARTITIONS)])).status,
      ).toBe(0)
      const deadline = Date.now() + SECONDS * 1000

      // The group first, so that it reads from the start of the topic.
      const seen = new Set<string>()
      const consumers: {child: ChildProcess; done: Promise<KtResult>}[] = []
      for (let i = 0; i < CONSUMERS; i++) {
        const child = spawnKt(dir, [
          'console-consumer',
          '--topic',
          'conc',
          '--group',
          'conc-group',
          '--from-beginning',
          '--consumer-property',
          'auto.commit.interval.ms=200',
        ])
        consumers.push({child, done: collect(child, (SECONDS + 120) * 1000)})
        let rest = ''
        child.stdout!.on('data', (d: Buffer) => {
          const lines = (rest + d.toString()).split('\n')
          rest = lines.pop()!
          for (const line of lines) seen.add(line)
        })
      }

      // Producers: keyed lines p<i>-<n>, written in small pieces until the deadline.
      const sent: string[] = []
      const producers = Array.from({length: PRODUCERS}, (_, p) => {
        const child = spawnKt(dir, ['console-producer', '--topic', 'conc', '--property', 'parse.key=true'])
        const done = collect(child, (SECONDS + 120) * 1000)
        const feed = (async () => {
          let n = 0
          while (Date.now() < deadline) {
            let piece = ''
            for (let i = 0; i < 200; i++, n++) {
              piece += `k${n % 13}\tp${p}-${n}\n`
              sent.push(`p${p}-${n}`)
            }

            child.stdin!.write(piece)
            await sleep(20 + Math.random() * 60)
          }

          child.stdin!.end()
        })()
        return {done, feed}
      })

      // Describers in a loop until the group is stopped.
      const described: KtResult[] = []
      const describeMs: number[] = []
      let stopDescribing = false
      const describing = (async () => {
        // The group exists once its first member has joined.
        while (!(await kt(dir, ['consumer-groups', '--list'])).stdout.includes('conc-group')) await sleep(100)
        while (!stopDescribing)
          for (const args of DESCRIBERS) {
            const t = Date.now()
            described.push(await kt(dir, args, {timeoutMs: 120_000}))
            describeMs.push(Date.now() - t)
          }
      })()

      await Promise.all(producers.map((p) => p.feed))
      const produced = await Promise.all(producers.map((p) => p.done))
      for (const r of produced) expect({status: r.status, stderr: r.stderr}).toEqual({status: 0, stderr: ''})

      // Wait until the group has printed every record (or a generous while), then stop it.
      const expected = new Set(sent)
      const waitUntil = Date.now() + 60_000
      while (Date.now() < waitUntil && seen.size < expected.size) await sleep(200)
      for (const c of consumers) c.child.kill('SIGTERM')
      const consumed = await Promise.all(consumers.map((c) => c.done))
      stopDescribing = true
      await describing
      for (const r of described) {
        expect(r.stderr).not.toMatch(FORBIDDEN)
        expect(r.stderr).toMatch(DESCRIBE_STDERR)
        expect(r.status).toBe(0)
      }

      expect(described.length).toBeGreaterThanOrEqual(2)

      const all: string[] = []
      for (const r of consumed) {
        expect(r.stderr).not.toMatch(FORBIDDEN)
        expect(r.stderr).toMatch(/Processed a total of \d+ messages\n$/)
        expect(r.status).toBe(130)
        for (const line of r.stdout.split('\n')) if (line !== '') all.push(line)
      }

      const printed = all.length
      const union = new Set(all)
      const missing = sent.filter((s) => !union.has(s))
      expect(missing.slice(0, 5)).toEqual([])
      expect(missing.length).toBe(0)
      const duplicates = printed - union.size
      console.log(
        `concurrency: ${sent.length} records sent by ${PRODUCERS} producers, ${printed} printed by the group (${duplicates} duplicates), ${described.length} describes (${describeMs.join(', ')} ms)`,
      )
      expect(duplicates).toBe(0)

      const check = await kt(dir, ['check'])
      expect({status: check.status, stderr: check.stderr}).toEqual({status: 0, stderr: ''})
      expect(check.stdout).toMatch(
        new RegExp(
          `is consistent: 1 topic, ${PARTITIONS} partitions, \\d+ batches, ${sent.length} records, ${PARTITIONS} committed offsets\\.\\n$`,
        ),
      )
    },
    (SECONDS + 300) * 1000,
  )
})
