// kt broker with kcat (librdkafka 2.0.2) as the oracle: metadata, produce (every codec),
// consume, offsets by time, a balanced consumer group, and the same data through kt's own
// commands. Skips when kcat is not installed (apt-get install kcat).
import {spawn} from 'node:child_process'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {kt, tempDirsForFile} from '../helpers/kt.js'
import {WireClient} from '../server/wire-client.js'
import {HAS_KCAT, negotiated, run, type RunningBroker, startBroker} from '../server/broker-process.js'

const newDir = tempDirsForFile()

/** Lets the broker's stderr lines of a just-finished client (run synchronously) arrive. */
const settle = () => new Promise((r) => setTimeout(r, 300))

describe.skipIf(!HAS_KCAT)('kt broker with kcat (skipped when kcat is missing: apt-get install kcat)', () => {
  let dir: string
  let broker: RunningBroker
  let b: string

  beforeAll(async () => {
    dir = newDir()
    broker = await startBroker(dir, {'group.initial.rebalance.delay.ms': '0', 'num.partitions': '1'})
    b = `127.0.0.1:${broker.port}`
  })

  afterAll(async () => {
    await broker?.stop()
  })

  it('kcat -L lists this broker and the topics with their partitions', async () => {
    expect((await kt(dir, ['topics', '--create', '--topic', 'listed', '--partitions', '3'])).status).toBe(0)
    const r = run('kcat', ['-b', b, '-L', '-t', 'listed'])
    expect(r.status).toBe(0)
    expect(r.stdout).toContain(`broker 1 at ${b} (controller)`)
    expect(r.stdout).toContain('topic "listed" with 3 partitions:')
    expect(r.stdout).toContain('partition 2, leader 1, replicas: 1, isrs: 1')
  })

  it('records kcat -P produces are read byte-exact by kt console-consumer, with the versions librdkafka 2.0 negotiates', async () => {
    const r = run('kcat', ['-b', b, '-P', '-t', 'from-kcat', '-K', ':'], 'k1:v1\nk2:välue 2\n:no key\n')
    expect(r.status).toBe(0)
    const c = await kt(dir, [
      'console-consumer',
      '--topic',
      'from-kcat',
      '--from-beginning',
      '--exit-at-end',
      '--property',
      'print.key=true',
    ])
    expect(c.stdout).toBe('k1\tv1\nk2\tvälue 2\n\tno key\n')
    expect(c.status).toBe(0)
    await settle()
    const versions = negotiated(broker.stderr(), /^rdkafka$/)
    expect(versions.get('ApiVersions')).toBe(3)
    expect(versions.get('Metadata')).toBe(4)
    expect(versions.get('Produce')).toBe(7)
  })

  it('kcat -C -e reads what kt console-producer wrote, with offsets, keys and headers', async () => {
    const p = await kt(
      dir,
      ['console-producer', '--topic', 'from-kt', '--property', 'parse.key=true', '--property', 'parse.headers=true'],
      {input: 'h1:x\tk\tone\nh2:y\tk2\ttwo\n'},
    )
    expect(p.status).toBe(0)
    const r = run('kcat', ['-b', b, '-C', '-t', 'from-kt', '-o', 'beginning', '-e', '-f', '%o %k=%s [%h]\n'])
    expect(r.stdout).toBe('0 k=one [h1=x]\n1 k2=two [h2=y]\n')
    expect(r.status).toBe(0)
    await settle()
    expect(negotiated(broker.stderr(), /^rdkafka$/).get('Fetch')).toBe(11)
  })

  it('kcat -C -e exits once it has drained the topic, without first waiting out fetch.wait.max.ms', async () => {
    const p = await kt(dir, ['console-producer', '--topic', 'drained'], {input: 'one\ntwo\n'})
    expect(p.status).toBe(0)
    const started = Date.now()
    // librdkafka reports end of partition only on an empty answer at the high watermark; before the
    // broker answered that at once, this took the 20 s wait.
    const r = run('kcat', [
      '-b',
      b,
      '-C',
      '-t',
      'drained',
      '-o',
      'beginning',
      '-e',
      '-q',
      '-X',
      'fetch.wait.max.ms=20000',
    ])
    expect(r.stdout).toBe('one\ntwo\n')
    expect(r.status).toBe(0)
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('kcat -C -e from an offset past the log end resets (OFFSET_OUT_OF_RANGE) and drains, instead of refetching forever', async () => {
    const p = await kt(dir, ['console-producer', '--topic', 'beyond'], {input: 'one\ntwo\n'})
    expect(p.status).toBe(0)
    // With a null record set beside the error, librdkafka logged a parse failure and refetched at
    // once until the timeout killed it.
    const r = run(
      'kcat',
      ['-b', b, '-C', '-t', 'beyond', '-o', '100', '-e', '-X', 'auto.offset.reset=earliest'],
      undefined,
      20_000,
    )
    expect(r.stderr).not.toMatch(/PROTOERR|parse failure/)
    expect(r.stderr).toMatch(/offset reset \(at offset 100, broker 1\) to BEGINNING: .*Offset out of range/)
    expect(r.stdout).toBe('one\ntwo\n')
    expect(r.status).toBe(0)
  })

  it('kcat -Q finds offsets by time', async () => {
    expect((await kt(dir, ['topics', '--create', '--topic', 'timed'])).status).toBe(0)
    const records = [1000, 2000, 3000].map((t, i) => JSON.stringify({timestamp: t, value: `v${i}`})).join('\n')
    const p = await kt(dir, ['console-producer', '--topic', 'timed', '--input', 'json'], {input: records + '\n'})
    expect(p.stderr).toBe('')
    const at = (ts: number) => run('kcat', ['-b', b, '-Q', '-t', `timed:0:${ts}`]).stdout.trim()
    expect(at(1500)).toBe('timed [0] offset 1')
    expect(at(3000)).toBe('timed [0] offset 2')
    expect(at(4000)).toBe('timed [0] offset -1')
  })

  /** The compression codec ids (attributes bits 0-2) of the stored batches, as Fetch serves them. */
  async function storedCodecs(topic: string): Promise<Set<number>> {
    const c = await WireClient.connect(broker.port)
    const {body} = await c.request(1, 4, {
      maxWaitMs: 0,
      minBytes: 0,
      topics: [{partitions: [{fetchOffset: 0, partition: 0, partitionMaxBytes: 1 << 20}], topic}],
    })
    c.close()
    const records = (body.responses as {partitions: {records: Buffer}[]}[])[0].partitions[0].records
    const codecs = new Set<number>()
    for (let pos = 0; pos < records.length; pos += records.readInt32BE(pos + 8) + 12)
      codecs.add(records.readInt16BE(pos + 21) & 7)
    return codecs
  }

  for (const [id, codec] of ['gzip', 'snappy', 'lz4', 'zstd'].entries()) {
    it(`kcat -P -z ${codec}: the compressed batch is stored and served as is`, async () => {
      const topic = `z-${codec}`
      // Repetitive lines compress well, so librdkafka keeps the compressed form.
      const lines = Array.from({length: 200}, (_, i) => `line ${i} ${'abc'.repeat(20)}`)
      const p = run('kcat', ['-b', b, '-P', '-t', topic, '-z', codec], lines.join('\n') + '\n')
      expect(p.status).toBe(0)
      // librdkafka sends a batch uncompressed when compressing does not make it smaller (a first
      // batch of one record): the later batches carry the codec.
      expect(await storedCodecs(topic)).toContain(id + 1)
      const c = run('kcat', ['-b', b, '-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%s\n'])
      expect(c.stdout).toBe(lines.join('\n') + '\n')
      const k = await kt(dir, ['console-consumer', '--topic', topic, '--from-beginning', '--exit-at-end'])
      expect(k.stdout).toBe(lines.join('\n') + '\n')
      expect(k.status).toBe(0)
    })
  }

  it('a following kcat consumer wakes for a record kt console-producer writes', async () => {
    expect((await kt(dir, ['topics', '--create', '--topic', 'follow'])).status).toBe(0)
    const child = spawn('kcat', ['-b', b, '-C', '-t', 'follow', '-o', 'end', '-c', '1', '-f', '%s\n'])
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    // Wait until kcat is long-polling.
    for (let i = 0; i < 100 && !/client_id=rdkafka.*\n(.*\n)*.*Fetch/.test(broker.stderr()); i++)
      await new Promise((r) => setTimeout(r, 100))
    await new Promise((r) => setTimeout(r, 500))
    expect((await kt(dir, ['console-producer', '--topic', 'follow'], {input: 'woken\n'})).status).toBe(0)
    const timer = setTimeout(() => child.kill(), 15_000)
    expect(await exited).toBe(0)
    clearTimeout(timer)
    expect(out).toBe('woken\n')
  })

  it('kcat -G: a balanced consumer group consumes every partition and commits its offsets', async () => {
    expect((await kt(dir, ['topics', '--create', '--topic', 'grouped', '--partitions', '2'])).status).toBe(0)
    const input = Array.from({length: 10}, (_, i) => `${i}:v${i}`).join('\n') + '\n'
    expect(
      (
        await kt(
          dir,
          ['console-producer', '--topic', 'grouped', '--property', 'parse.key=true', '--property', 'key.separator=:'],
          {input},
        )
      ).status,
    ).toBe(0)
    const r = run(
      'kcat',
      ['-b', b, '-G', 'kcat-group', '-e', '-f', '%s\n', '-X', 'auto.offset.reset=earliest', 'grouped'],
      undefined,
      60_000,
    )
    expect(r.stdout.trim().split('\n').sort()).toEqual(Array.from({length: 10}, (_, i) => `v${i}`).sort())
    await settle()
    const versions = negotiated(broker.stderr(), /^rdkafka$/)
    expect(versions.get('JoinGroup')).toBe(5)
    expect(versions.get('SyncGroup')).toBe(3)
    expect(versions.get('OffsetCommit')).toBe(7)
    // The committed offsets are the store's rows: a kt consumer in the same group has nothing left.
    const k = await kt(dir, ['console-consumer', '--topic', 'grouped', '--group', 'kcat-group', '--exit-at-end'])
    expect(k.stdout).toBe('')
    expect(k.stderr).toBe('Processed a total of 0 messages\n')
  })

  it('two kcat -G members rebalance: each partition has one owner, each record is read once', async () => {
    expect((await kt(dir, ['topics', '--create', '--topic', 'pair', '--partitions', '4'])).status).toBe(0)
    const member = (name: string) => {
      const child = spawn('kcat', [
        '-b',
        b,
        '-G',
        'kcat-pair',
        '-u',
        '-f',
        `${name} %p %s\n`,
        '-X',
        'auto.offset.reset=earliest',
        'pair',
      ])
      const state = {err: '', out: ''}
      child.stdout.on('data', (d: Buffer) => (state.out += d.toString()))
      child.stderr.on('data', (d: Buffer) => (state.err += d.toString()))
      return {child, state}
    }

    /** The partitions of the member's last assignment, from kcat's rebalance lines. */
    const assigned = (err: string) => {
      const lines = err.split('\n').filter((l) => l.includes('rebalanced') && l.includes('assigned:'))
      const last = lines.at(-1) ?? ''
      return [...last.matchAll(/pair \[(\d+)\]/g)].map((m) => Number(m[1])).sort()
    }

    const until = async (what: () => boolean) => {
      for (let i = 0; i < 300 && !what(); i++) await new Promise((r) => setTimeout(r, 100))
    }

    const a = member('a')
    await until(() => assigned(a.state.err).length === 4)
    expect(assigned(a.state.err)).toEqual([0, 1, 2, 3])
    const m2 = member('b')
    await until(() => assigned(a.state.err).length === 2 && assigned(m2.state.err).length === 2)
    expect([...assigned(a.state.err), ...assigned(m2.state.err)].sort()).toEqual([0, 1, 2, 3])

    const input = Array.from({length: 20}, (_, i) => `${i % 4}:r${i}`).join('\n') + '\n'
    const p = run('kcat', ['-b', b, '-P', '-t', 'pair', '-K', ':', '-p', '-1'], input)
    expect(p.status).toBe(0)
    const lines = () => (a.state.out + m2.state.out).trim().split('\n').filter(Boolean)
    await until(() => lines().length >= 20)
    const exited = [a, m2].map(({child}) => new Promise((resolve) => child.once('close', resolve)))
    a.child.kill('SIGINT')
    m2.child.kill('SIGINT')
    await Promise.all(exited)
    const got = lines()
    expect(got.map((l) => l.split(' ')[2]).sort()).toEqual(Array.from({length: 20}, (_, i) => `r${i}`).sort())
    // every record came from the member that owned its partition
    for (const l of got) {
      const [who, partition] = l.split(' ')
      expect(assigned((who === 'a' ? a : m2).state.err)).toContain(Number(partition))
    }
  })
})
