// End-to-end tests of retention: records older than retention.ms or beyond retention.bytes are
// deleted by the next write after log.retention.check.interval.ms; the log start offset moves
// up, offsets are never reused, and consumers (with or without a group) start where the log
// now starts. Every case spawns the built bin/run.js with its own data dir.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, test, vi} from 'vitest'

import {describeJson, kt, type KtResult, tempDirsForFile} from '../helpers/kt.js'
import {startBroker} from '../server/broker-process.js'

vi.setConfig({testTimeout: 120_000})

const store = tempDirsForFile()

/** A data dir whose writers check retention on every write. */
function eagerStore(): string {
  const dir = store()
  writeFileSync(join(dir, 'server.properties'), 'log.retention.check.interval.ms=1\n')
  return dir
}

function expectOk(r: KtResult, stdout = ''): void {
  expect({status: r.status, stderr: r.stderr, stdout: r.stdout}).toEqual({status: 0, stderr: '', stdout})
}

const jsonRecord = (value: string, timestamp: number) => JSON.stringify({key: null, timestamp, value}) + '\n'

async function produce(dir: string, topic: string, input: string, ...args: string[]): Promise<void> {
  expectOk(await kt(dir, ['console-producer', '--topic', topic, ...args], {input}))
}

async function consumeAll(dir: string, topic: string, ...args: string[]): Promise<KtResult> {
  return kt(dir, [
    'console-consumer',
    '--topic',
    topic,
    '--timeout-ms',
    '1500',
    '--property',
    'print.offset=true',
    ...args,
  ])
}

/** kt configs --alter of topic t's retention.ms. */
const setRetentionMs = (dir: string, ms: number) =>
  kt(dir, ['configs', '--entity-type', 'topics', '--entity-name', 't', '--alter', '--add-config', `retention.ms=${ms}`])

async function watermarks(dir: string, topic: string, partition = 0) {
  const p = (await describeJson(dir, topic)).partitions[partition]
  return {end: p.logEndOffset, start: p.logStartOffset}
}

describe.concurrent('time retention', () => {
  test('records with old timestamps are gone after the next cleanup; offsets continue; consumers start at the new log start', async () => {
    const dir = eagerStore()
    expectOk(
      await kt(dir, ['topics', '--create', '--topic', 't', '--config', 'retention.ms=60000']),
      'Created topic t.\n',
    )
    const old = Date.now() - 120_000
    await produce(
      dir,
      't',
      jsonRecord('old0', old) + jsonRecord('old1', old) + jsonRecord('old2', old),
      '--input',
      'json',
    )
    await produce(dir, 't', jsonRecord('new3', Date.now()), '--input', 'json')
    expect(await watermarks(dir, 't')).toEqual({end: 4, start: 3})
    const r = await consumeAll(dir, 't', '--from-beginning')
    expect({status: r.status, stdout: r.stdout}).toEqual({status: 0, stdout: 'Offset:3\tnew3\n'})
    await produce(dir, 't', 'next\n')
    const again = await consumeAll(dir, 't', '--from-beginning')
    expect(again.stdout).toBe('Offset:3\tnew3\nOffset:4\tnext\n')
  })

  test('a group whose committed offset fell below the log start resumes per auto.offset.reset', async () => {
    const dir = eagerStore()
    expectOk(
      await kt(dir, ['topics', '--create', '--topic', 't', '--config', 'retention.ms=60000']),
      'Created topic t.\n',
    )
    const old = Date.now() - 30_000
    await produce(dir, 't', ['a', 'b', 'c', 'd'].map((v) => jsonRecord(v, old)).join(''), '--input', 'json')
    for (const group of ['g-earliest', 'g-latest']) {
      const first = await consumeAll(dir, 't', '--group', group, '--from-beginning', '--max-messages', '2')
      expect(first.stdout).toBe('Offset:0\ta\nOffset:1\tb\n')
    }

    // With retention.ms at 10 s the old records are expired: the next write deletes them.
    await setRetentionMs(dir, 10_000)
    await produce(dir, 't', jsonRecord('e', Date.now()), '--input', 'json')
    expect(await watermarks(dir, 't')).toEqual({end: 5, start: 4})
    const earliest = await consumeAll(
      dir,
      't',
      '--group',
      'g-earliest',
      '--consumer-property',
      'auto.offset.reset=earliest',
    )
    expect(earliest.stdout).toBe('Offset:4\te\n')
    // latest: the position jumps to the log end; nothing is printed.
    const latest = await consumeAll(dir, 't', '--group', 'g-latest', '--consumer-property', 'auto.offset.reset=latest')
    expect({status: latest.status, stdout: latest.stdout}).toEqual({status: 0, stdout: ''})
  })

  test('retention.ms=-1 keeps old records', async () => {
    const dir = eagerStore()
    expectOk(await kt(dir, ['topics', '--create', '--topic', 't', '--config', 'retention.ms=-1']), 'Created topic t.\n')
    await produce(dir, 't', jsonRecord('ancient', 1000) + jsonRecord('now', Date.now()), '--input', 'json')
    await produce(dir, 't', 'more\n')
    expect(await watermarks(dir, 't')).toEqual({end: 3, start: 0})
  })
})

describe.concurrent('size retention', () => {
  test('retention.bytes trims the oldest batches, never the newest', async () => {
    const dir = eagerStore()
    expectOk(
      await kt(dir, ['topics', '--create', '--topic', 't', '--config', 'retention.bytes=2000']),
      'Created topic t.\n',
    )
    // Small batches (batch.size 300): about 40 batches of 5 records each.
    const lines = Array.from({length: 200}, (_, i) => `record-${String(i).padStart(3, '0')}-${'x'.repeat(40)}`)
    await produce(dir, 't', lines.join('\n') + '\n', '--batch-size', '300')
    const t = await describeJson(dir, 't')
    const p = t.partitions[0]
    expect(p.logEndOffset).toBe(200)
    expect(p.logStartOffset).toBeGreaterThan(100)
    // At least retention.bytes is kept (Kafka's rule), and less than one batch more.
    expect(p.sizeBytes).toBeGreaterThanOrEqual(2000)
    expect(p.sizeBytes).toBeLessThan(2400)
    const r = await consumeAll(dir, 't', '--from-beginning')
    const out = r.stdout.trimEnd().split('\n')
    expect(out[0]).toBe(`Offset:${p.logStartOffset}\t${lines[p.logStartOffset]}`)
    expect(out.at(-1)).toBe(`Offset:199\t${lines[199]}`)
  })
})

describe('kt broker', () => {
  test('an idle kt broker runs retention every log.retention.check.interval.ms, as Kafka’s log cleaner', async () => {
    const dir = store()
    expectOk(await kt(dir, ['topics', '--create', '--topic', 't', '--config', 'retention.ms=-1']), 'Created topic t.\n')
    const old = Date.now() - 120_000
    await produce(dir, 't', jsonRecord('old0', old) + jsonRecord('old1', old), '--input', 'json')
    await produce(dir, 't', jsonRecord('new2', Date.now()), '--input', 'json')
    const broker = await startBroker(dir, {'log.retention.check.interval.ms': '1000'})
    try {
      // No write after this: only the broker's own timer can delete the expired records.
      expectOk(await setRetentionMs(dir, 60_000), 'Completed updating config for topic t.\n')
      let start = 0
      for (let i = 0; i < 40 && start !== 2; i++) {
        await new Promise((r) => setTimeout(r, 250))
        start = (await watermarks(dir, 't')).start
      }
      expect(start).toBe(2)
    } finally {
      await broker.stop()
    }
  })
})
