// Hostile input (issue 9 §1 and §3): damaged, foreign, newer, empty and unreachable stores; full
// and read-only disks; odd bytes and huge lines; absurd flag values. Each refusal is one line on
// stderr and a non-zero exit, never a stack trace, and leaves the store as it was.
import {spawnSync} from 'node:child_process'
import {createHash, randomBytes} from 'node:crypto'
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {collect, kt, type KtResult, spawnKt, tempDirsForFile, waitFor} from '../helpers/kt.js'
import {startBroker} from '../server/broker-process.js'

const newDir = tempDirsForFile()
const Database = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3')

const md5 = (file: string) => createHash('md5').update(readFileSync(file)).digest('hex')

/** One line on stderr, no stack trace, the given exit status; returns the line. */
function refused(r: KtResult, status = 1): string {
  expect(r.stderr).not.toMatch(/\n\s+at /)
  expect(r.stderr).not.toMatch(/internal error/)
  const lines = r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('Processed a total of'))
  expect(lines).toHaveLength(1)
  expect(r.status).toBe(status)
  return lines[0]
}

let sample: Promise<string> | undefined
/** A copy of a small store: topic t with records a, b, c; made once. */
async function store(): Promise<string> {
  sample ??= (async () => {
    const dir = newDir()
    expect((await kt(dir, ['topics', '--create', '--topic', 't'])).status).toBe(0)
    expect((await kt(dir, ['console-producer', '--topic', 't'], {input: 'a\nb\nc\n'})).status).toBe(0)
    return dir
  })()
  const dir = newDir()
  cpSync(await sample, dir, {recursive: true})
  return dir
}

const db = (dir: string) => join(dir, 'kt.db')

describe('stores kt must not touch', () => {
  it('a data dir under /proc: one line at once, not a hang (issue 9 regression)', async () => {
    const r = await kt('/proc/kt-hostile/data', ['topics', '--list'], {timeoutMs: 15_000})
    expect(refused(r)).toBe(
      "Error while executing topic command : Cannot create the data directory '/proc/kt-hostile/data': '/proc' does not accept new directories.",
    )
  })

  it('a data dir that is a file, or lies under one', async () => {
    const file = join(newDir(), 'file')
    writeFileSync(file, 'x')
    expect(refused(await kt(file, ['topics', '--list']))).toBe(
      `Error while executing topic command : The data directory '${file}' is a file, not a directory.`,
    )
    expect(refused(await kt(join(file, 'sub'), ['console-producer', '--topic', 't'], {input: 'a\n'}))).toBe(
      `Error: Cannot create the data directory '${join(file, 'sub')}': '${file}' is a file, not a directory.`,
    )
    expect(readFileSync(file, 'utf8')).toBe('x')
  })

  it("kt broker names a data dir that is a file as every tool does, not server.properties' ENOTDIR", async () => {
    const file = join(newDir(), 'file')
    writeFileSync(file, 'x')
    const listeners = ['broker', '--listeners', 'PLAINTEXT://127.0.0.1:0']
    const [inFile, under] = await Promise.all([kt(file, listeners), kt(join(file, 'sub'), listeners)])
    expect({status: inFile.status, stderr: inFile.stderr, stdout: inFile.stdout}).toEqual({
      status: 1,
      stderr: `Error: The data directory '${file}' is a file, not a directory.\n`,
      stdout: '',
    })
    expect({status: under.status, stderr: under.stderr, stdout: under.stdout}).toEqual({
      status: 1,
      stderr: `Error: Cannot create the data directory '${join(file, 'sub')}': '${file}' is a file, not a directory.\n`,
      stdout: '',
    })
    expect(readFileSync(file, 'utf8')).toBe('x')
  })

  it('a kt.db truncated to 0 bytes is not silently a fresh store', async () => {
    const dir = newDir()
    writeFileSync(db(dir), '')
    // kt check reports it as its finding instead (check.test.ts).
    for (const args of [
      ['topics', '--list'],
      ['console-producer', '--topic', 't'],
    ]) {
      const r = await kt(dir, args, {input: 'a\n'})
      expect(refused(r)).toMatch(
        new RegExp(
          `The kt store '${db(dir)}' is empty \\(0 bytes\\): it was truncated or replaced, and kt will not start a new store over it\\. Move it away to start a fresh store\\.$`,
        ),
      )
    }

    expect(statSync(db(dir)).size).toBe(0)
  })

  it('a kt.db that is not SQLite', async () => {
    const dir = newDir()
    writeFileSync(db(dir), 'these are my notes, not a database\n'.repeat(100))
    const before = md5(db(dir))
    const r = await kt(dir, ['console-producer', '--topic', 't'], {input: 'a\n'})
    expect(refused(r)).toBe(
      `Error: '${db(dir)}' is not an SQLite database, so not a kt store: kt will not change it. Move it away or choose another --data-dir.`,
    )
    expect(md5(db(dir))).toBe(before)
  })

  it('another program’s SQLite file named kt.db gets no kt tables (issue 9 regression)', async () => {
    const dir = newDir()
    const other = new Database(db(dir))
    other.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')")
    other.close()
    const before = md5(db(dir))
    for (const args of [
      ['topics', '--create', '--topic', 't'],
      ['console-producer', '--topic', 't'],
    ]) {
      const r = await kt(dir, args, {input: 'a\n'})
      expect(refused(r)).toMatch(
        /'.*kt\.db' is an SQLite database of another program \(it holds 'notes'\), not a kt store: kt will not change it\. Move it away or choose another --data-dir\.$/,
      )
    }

    expect(md5(db(dir))).toBe(before)
  })

  it('a store written by a newer kt (user_version ahead) is refused for reads and writes (issue 9 regression)', async () => {
    const dir = await store()
    const s = new Database(db(dir))
    s.pragma('user_version = 99')
    s.close()
    const before = md5(db(dir))
    for (const args of [
      ['topics', '--list'],
      ['console-producer', '--topic', 't'],
      ['console-consumer', '--topic', 't', '--from-beginning', '--exit-at-end'],
      ['check'],
    ]) {
      const r = await kt(dir, args, {input: 'z\n'})
      expect(refused(r)).toMatch(
        /The kt store '.*kt\.db' was written by a newer kt \(store version 99; this kt knows versions up to \d+\): upgrade kt to use it\. The file was not changed\.$/,
      )
    }

    expect(md5(db(dir))).toBe(before)
  })

  it('a store with a table missing is refused before anything is written (issue 9 regression)', async () => {
    const dir = await store()
    const s = new Database(db(dir))
    s.exec('DROP TABLE group_offsets')
    s.close()
    const before = md5(db(dir))
    const r = await kt(dir, ['console-consumer', '--topic', 't', '--group', 'g', '--from-beginning', '--exit-at-end'])
    expect(refused(r)).toMatch(
      /The kt store '.*kt\.db' is damaged: table 'group_offsets' is missing \(store version \d+\)\. The file was not changed\.$/,
    )
    expect(r.stdout).toBe('')
    expect(md5(db(dir))).toBe(before)
  })

  it('a truncated kt.db: one line, unchanged', async () => {
    const dir = await store()
    truncateSync(db(dir), Math.floor(statSync(db(dir)).size / 2))
    const before = md5(db(dir))
    const r = await kt(dir, ['console-consumer', '--topic', 't', '--from-beginning', '--exit-at-end'])
    expect(refused(r)).toMatch(/kt\.db' is damaged \(database disk image is malformed\)/)
    expect(md5(db(dir))).toBe(before)
  })
})

describe('a page overwritten with random bytes', () => {
  /** A store whose batches span many pages, with one batch page overwritten. */
  async function damaged(): Promise<{dir: string; lines: number}> {
    const dir = newDir()
    const lines = 30_000
    const input = Array.from({length: lines}, (_, i) => `record-${i}-${'x'.repeat(80)}`).join('\n') + '\n'
    expect((await kt(dir, ['console-producer', '--topic', 't'], {input})).status).toBe(0)
    const s = new Database(db(dir))
    const pageSize = s.pragma('page_size', {simple: true}) as number
    const pages = s.pragma('page_count', {simple: true}) as number
    s.close()
    const fd = openSync(db(dir), 'r+')
    writeSync(fd, randomBytes(pageSize), 0, pageSize, pageSize * Math.floor(pages / 2))
    closeSync(fd)
    return {dir, lines}
  }

  it('the consumer prints the records before it, then one line; the producer appends nothing; kt check names it', async () => {
    const {dir, lines} = await damaged()
    const c = await kt(dir, [
      'console-consumer',
      '--topic',
      't',
      '--partition',
      '0',
      '--offset',
      'earliest',
      '--exit-at-end',
    ])
    expect(refused(c)).toMatch(/^Error: The kt store '.*kt\.db' is damaged \(database disk image is malformed\)/)
    const printed = c.stdout.split('\n').filter((l) => l !== '')
    expect(printed.length).toBeGreaterThan(0)
    expect(printed.length).toBeLessThan(lines)
    expect(printed).toEqual(printed.map((_, i) => `record-${i}-${'x'.repeat(80)}`))

    const before = md5(db(dir))
    const p = await kt(dir, ['console-producer', '--topic', 't'], {input: 'more\n'})
    expect(refused(p)).toMatch(
      /^Error: The kt store '.*kt\.db' fails SQLite's integrity check \(.*\): kt will not append to it\. Nothing was written; run 'kt check' to see what is affected\.$/,
    )
    expect(md5(db(dir))).toBe(before)

    const check = await kt(dir, ['check'])
    expect(check.status).toBe(1)
    expect(check.stdout).toMatch(
      /^topic 't' partition 0 offset \d+: cannot read the batches from offset \d+ on: database disk image is malformed$/m,
    )
    expect(check.stderr).toMatch(/^kt check: \d+ problems? in the kt store '.*kt\.db'\.\n$/)
  })
})

describe('odd bytes and huge input', () => {
  it('non-UTF-8 and NUL bytes are stored and printed byte-exact (not an error)', async () => {
    const dir = await store()
    const input = Buffer.from([0x61, 0x00, 0x62, 0xff, 0xfe, 0x0a, 0x00, 0x0a, 0xc3, 0x28, 0x0a])
    const p = await kt(dir, ['console-producer', '--topic', 'bin'], {input})
    expect(p.status).toBe(0)
    const c = await kt(dir, ['console-consumer', '--topic', 'bin', '--from-beginning', '--exit-at-end'])
    expect({status: c.status, stderr: c.stderr}).toEqual({status: 0, stderr: 'Processed a total of 3 messages\n'})
    expect(c.stdoutBytes.equals(input)).toBe(true)
  })

  it('a 10 MB line: one line naming the limit; the lines before it are kept', async () => {
    const dir = await store()
    const input = Buffer.concat([
      Buffer.from('before\n'),
      Buffer.alloc(10 * 1024 * 1024, 'x'),
      Buffer.from('\nafter\n'),
    ])
    const r = await kt(dir, ['console-producer', '--topic', 't'], {input})
    expect(refused(r)).toBe(
      'Error: Line number 2: The message is 10485848 bytes when serialized which is larger than 1048576, which is the value of the max.request.size configuration.',
    )
    const c = await kt(dir, ['console-consumer', '--topic', 't', '--from-beginning', '--exit-at-end'])
    expect(c.stdout).toBe('a\nb\nc\nbefore\n')
  })

  it('a million-character key fits the default limits and is stored exactly; two million is refused', async () => {
    const dir = await store()
    const key = 'k'.repeat(1_000_000)
    const ok = await kt(dir, ['console-producer', '--topic', 't', '--property', 'parse.key=true'], {
      input: `${key}\tv\n`,
    })
    expect({status: ok.status, stderr: ok.stderr}).toEqual({status: 0, stderr: ''})
    const c = await kt(dir, [
      'console-consumer',
      '--topic',
      't',
      '--offset',
      '3',
      '--partition',
      '0',
      '--exit-at-end',
      '--property',
      'print.key=true',
    ])
    expect(c.stdout === `${key}\tv\n`).toBe(true)
    const big = await kt(dir, ['console-producer', '--topic', 't', '--property', 'parse.key=true'], {
      input: `${key}${key}\tv\n`,
    })
    expect(refused(big)).toMatch(
      /^Error: Line number 1: The message is 2000\d+ bytes when serialized which is larger than 1048576/,
    )
  })

  it('10,000 partitions: over kt’s limit of 4000, refused in one line; 4000 is fine', async () => {
    const dir = newDir()
    expect(refused(await kt(dir, ['topics', '--create', '--topic', 'many', '--partitions', '10000']))).toBe(
      'Error while executing topic command : The partitions must be at most 4000 in kt (requested 10000): a kt store is one broker, and Kafka advises at most 4000 partitions per broker',
    )
    const ok = await kt(dir, ['topics', '--create', '--topic', 'many', '--partitions', '4000'])
    expect({status: ok.status, stderr: ok.stderr}).toEqual({status: 0, stderr: ''})
    expect(refused(await kt(dir, ['topics', '--alter', '--topic', 'many', '--partitions', '10000']))).toMatch(
      /must be at most 4000 in kt \(requested 10000\)/,
    )
  })
})

describe('absurd flag values: one line, non-zero exit', () => {
  const cases: [string[], number, RegExp][] = [
    [
      ['console-consumer', '--topic', 't', '--max-messages', 'abc'],
      2,
      /^Cannot parse argument 'abc' of option max-messages\.$/,
    ],
    [['console-consumer', '--topic', 't', '--max-messages', '99999999999999999999'], 2, /^Cannot parse argument/],
    [
      ['console-consumer', '--topic', 't', '--timeout-ms', '1e3'],
      2,
      /^Cannot parse argument '1e3' of option timeout-ms\.$/,
    ],
    [
      ['console-consumer', '--topic', 't', '--partition', '-1'],
      2,
      /^Invalid partition -1: partitions are numbered from 0$/,
    ],
    [['console-consumer', '--topic', 't', '--partition', '99999999999'], 2, /^Cannot parse argument/],
    [
      ['console-consumer', '--topic', 't', '--partition', '0', '--offset', 'abc'],
      2,
      /^The provided offset value 'abc' is incorrect/,
    ],
    [
      ['console-consumer', '--topic', 't', '--consumer-property', 'max.partition.fetch.bytes=-1'],
      1,
      /Value must be at least 1$/,
    ],
    [
      ['console-consumer', '--topic', 't', '--consumer-property', 'session.timeout.ms=abc'],
      1,
      /Not a number of type INT$/,
    ],
    [['console-producer', '--topic', 't', '--batch-size', '-1'], 1, /batch\.size: Value must be at least 0$/],
    [['console-producer', '--topic', 't', '--batch-size', '99999999999999'], 1, /Not a number of type INT$/],
    [['console-producer', '--topic', 't', '--timeout', 'abc'], 1, /linger\.ms: Not a number of type LONG$/],
    [['console-producer', '--topic', 't', '--partition', '-1'], 1, /Partition -1 of topic 't' does not exist/],
    [['console-producer', '--topic', 't', '--request-required-acks', '7'], 1, /acks: String must be one of/],
    [
      ['console-producer', '--topic', 't', '--producer-property', 'max.request.size=99999999999999'],
      1,
      /Not a number of type INT$/,
    ],
    [['topics', '--create', '--topic', 'x', '--partitions', '-5'], 1, /The partitions must be greater than 0$/],
    [['topics', '--create', '--topic', 'x', '--partitions', '99999999999'], 2, /^Cannot parse argument/],
    [['topics', '--create', '--topic', 'x', '--partitions', 'many'], 2, /^Cannot parse argument 'many'/],
    [['topics', '--create', '--topic', 'x', '--replication-factor', '99999'], 1, /between 1 and 32767 inclusive$/],
    [['topics', '--create', '--topic', 'x', '--config', 'retention.ms=-5'], 1, /Value must be at least -1$/],
  ]

  it('each is refused', async () => {
    const dir = await store()
    const before = md5(db(dir))
    // Four at a time: each is a separate process.
    for (let i = 0; i < cases.length; i += 4) {
      const batch = cases.slice(i, i + 4)
      const results = await Promise.all(batch.map(([args]) => kt(dir, args, {input: 'a\n'})))
      results.forEach((r, j) => {
        const [args, status, message] = batch[j]
        expect({args, line: refused(r, status)}).toEqual({args, line: expect.stringMatching(message)})
      })
    }

    expect(md5(db(dir))).toBe(before)
  })

  it("integers as Java parses them: a broker id beyond an int and a value with a space are refused in Kafka's words", async () => {
    const dir = await store()
    const cases: [string[], string][] = [
      [
        ['configs', '--describe', '--broker=99999999999999999999'],
        'The entity name for brokers must be a valid integer broker id, but it is: 99999999999999999999',
      ],
      [
        ['configs', '--describe', '--broker', ' 1'],
        'The entity name for brokers must be a valid integer broker id, but it is:  1',
      ],
      [['topics', '--create', '--topic', 'x', '--partitions= 5'], "Cannot parse argument ' 5' of option partitions."],
      [
        ['console-consumer', '--topic', 't', '--max-messages', '2 '],
        "Cannot parse argument '2 ' of option max-messages.",
      ],
      [
        ['consumer-groups', '--describe', '--group', 'g', '--watch', ' 2'],
        '--watch  2: the interval must be a positive number of seconds',
      ],
    ]
    const results = await Promise.all(cases.map(([args]) => kt(dir, args)))
    for (const [i, [args, line]] of cases.entries())
      expect({args, status: results[i].status, stderr: results[i].stderr, stdout: results[i].stdout}).toEqual({
        args,
        status: 2,
        stderr: `${line}\n`,
        stdout: '',
      })
    // A config's text is trimmed, as Kafka's ConfigDef does: that stays accepted.
    const trimmed = await kt(dir, ['console-producer', '--topic', 't', '--producer-property', 'batch.size= 100 '], {
      input: 'd\n',
    })
    expect({status: trimmed.status, stderr: trimmed.stderr, stdout: trimmed.stdout}).toEqual({
      status: 0,
      stderr: '',
      stdout: '',
    })
  })
})

// Mounting a small tmpfs needs root; where it fails, these tests are reported skipped.
const MOUNTS: string[] = []
function mountTmpfs(size: string): string | undefined {
  const at = newDir()
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', at])
  if (r.status !== 0) return undefined
  MOUNTS.push(at)
  return at
}

function remount(at: string, mode: 'ro' | 'rw'): void {
  expect(spawnSync('mount', ['-o', `remount,${mode}`, at]).status).toBe(0)
}

afterAll(() => {
  for (const at of MOUNTS) spawnSync('umount', [at])
})

const canMount = (() => {
  const at = mountTmpfs('64k')
  if (at === undefined) return false
  spawnSync('umount', [at])
  MOUNTS.pop()
  return true
})()

describe.skipIf(!canMount)('read-only and full disks (a small tmpfs)', () => {
  it('an existing store on a read-only file system can be listed and consumed without --group; writes are refused in one line', async () => {
    const at = mountTmpfs('8m')!
    const dir = join(at, 'data')
    cpSync(await store(), dir, {recursive: true})
    remount(at, 'ro')
    const before = md5(db(dir))
    const list = await kt(dir, ['topics', '--list'])
    expect(list).toMatchObject({status: 0, stderr: '', stdout: 't\n'})
    const c = await kt(dir, ['console-consumer', '--topic', 't', '--from-beginning', '--exit-at-end'])
    expect(c).toMatchObject({status: 0, stderr: 'Processed a total of 3 messages\n', stdout: 'a\nb\nc\n'})
    const check = await kt(dir, ['check'])
    expect(check.status).toBe(0)
    const readOnly = new RegExp(
      `The kt store '${db(dir)}' is read-only \\(attempt to write a readonly database\\): only reading without --group works\\. Nothing was written\\.$`,
    )
    expect(refused(await kt(dir, ['console-consumer', '--topic', 't', '--group', 'g', '--exit-at-end']))).toMatch(
      readOnly,
    )
    expect(refused(await kt(dir, ['console-producer', '--topic', 't'], {input: 'd\n'}))).toMatch(readOnly)
    expect(refused(await kt(dir, ['topics', '--create', '--topic', 'u']))).toMatch(readOnly)
    expect(md5(db(dir))).toBe(before)
  })

  it('a new store on a nearly full disk: one line saying so, and no half-made kt.db left behind (issue 9 regression)', async () => {
    // Room for the new store's log but not for copying it into kt.db: SQLite's close() used to
    // fail that copy silently, and the short kt.db was then refused by every tool as damaged.
    const at = mountTmpfs('1200k')!
    const dir = join(at, 'data')
    for (let i = 0; i < 2; i++)
      expect(refused(await kt(dir, ['topics', '--list']))).toBe(
        `Error while executing topic command : Cannot create the kt store '${db(dir)}': the disk is full. Nothing was written.`,
      )
    expect(readdirSync(dir)).toEqual([])
  })

  it('a store left with its WAL (a writer killed) on a file system now read-only: read through the WAL without --group', async () => {
    const at = mountTmpfs('8m')!
    const dir = join(at, 'data')
    const producer = spawnKt(dir, ['console-producer', '--topic', 't', '--sync'])
    const done = collect(producer)
    producer.stdin!.write('a\nb\nc\n')
    await waitFor(() => existsSync(`${db(dir)}-wal`) && statSync(`${db(dir)}-wal`).size > 0, 10_000, 'the WAL')
    const read = async () =>
      (await kt(dir, ['console-consumer', '--topic', 't', '--from-beginning', '--exit-at-end'])).stdout
    // --sync commits each record: all three are in the log before the kill.
    for (let i = 0; i < 100 && (await read()) !== 'a\nb\nc\n'; i++) await new Promise((r) => setTimeout(r, 100))
    producer.kill('SIGKILL')
    await done
    expect(statSync(`${db(dir)}-wal`).size).toBeGreaterThan(0)
    remount(at, 'ro')
    const c = await kt(dir, ['console-consumer', '--topic', 't', '--from-beginning', '--exit-at-end'])
    expect(c).toMatchObject({status: 0, stderr: 'Processed a total of 3 messages\n', stdout: 'a\nb\nc\n'})
    expect(refused(await kt(dir, ['console-consumer', '--topic', 't', '--group', 'g', '--exit-at-end']))).toMatch(
      /is read-only \(attempt to write a readonly database\): only reading without --group works\. Nothing was written\.$/,
    )
  })

  it('a new data dir on a read-only file system names the real cause, not ENOENT (issue 9 regression)', async () => {
    const at = mountTmpfs('1m')!
    remount(at, 'ro')
    const dir = join(at, 'new', 'data')
    expect(refused(await kt(dir, ['topics', '--list']))).toBe(
      `Error while executing topic command : Cannot create the data directory '${dir}': the file system is read-only.`,
    )
  })

  it('a full disk while producing: one line saying so; what was written before is kept and checks clean', async () => {
    const at = mountTmpfs('2m')!
    const dir = join(at, 'data')
    mkdirSync(dir)
    expect((await kt(dir, ['console-producer', '--topic', 't'], {input: 'first\n'})).status).toBe(0)
    const input = Array.from({length: 40_000}, (_, i) => `line-${i}-${'y'.repeat(60)}`).join('\n') + '\n'
    const r = await kt(dir, ['console-producer', '--topic', 't', '--batch-size', '16384', '--timeout', '0'], {input})
    expect(refused(r)).toMatch(
      new RegExp(
        `^Error: The disk holding the kt store '${db(dir)}' is full \\(database or disk is full\\)\\. This write was rolled back; everything written before it is kept\\.$`,
      ),
    )
    // The disk refuses writes now: a group's join is one.
    const joined = await kt(dir, ['console-consumer', '--topic', 't', '--group', 'g', '--exit-at-end'])
    expect(refused(joined)).toMatch(/^Error: The disk holding the kt store '.*' is full /)
    // Reading needs no write: by partition, and without a group (whose throwaway group's join
    // the disk refuses, so the consumer reads the partitions directly).
    const byPartition = ['--partition', '0', '--offset', 'earliest']
    for (const extra of [byPartition, ['--from-beginning']]) {
      const c = await kt(dir, ['console-consumer', '--topic', 't', ...extra, '--exit-at-end'])
      const lines = c.stdout.split('\n').filter((l) => l !== '')
      expect({extra, status: c.status, stderr: c.stderr}).toEqual({
        extra,
        status: 0,
        stderr: `Processed a total of ${lines.length} messages\n`,
      })
      expect(lines[0]).toBe('first')
      // A prefix of what was sent, in order.
      expect(lines.slice(1)).toEqual(lines.slice(1).map((_, i) => `line-${i}-${'y'.repeat(60)}`))
    }

    // kt broker serves the same store: a Produce is answered KAFKA_STORAGE_ERROR (one line in
    // the broker's log, no stack trace, the connection kept), and reading goes on.
    const broker = await startBroker(dir, {})
    try {
      const b = `127.0.0.1:${broker.port}`
      const p = await kt(dir, ['console-producer', '--bootstrap-server', b, '--topic', 't'], {input: 'more\n'})
      expect(p.status).toBe(1)
      expect(p.stderr).not.toMatch(/\n\s+at |internal error/)
      const c = await kt(dir, [
        'console-consumer',
        '--bootstrap-server',
        b,
        '--topic',
        't',
        '--partition',
        '0',
        '--offset',
        'earliest',
        '--max-messages',
        '1',
      ])
      expect({status: c.status, stdout: c.stdout}).toEqual({status: 0, stdout: 'first\n'})
    } finally {
      await broker.stop()
    }

    const logged = broker
      .stderr()
      .split('\n')
      .filter((l) => /failed/.test(l))
    expect(logged).toEqual([
      `kt broker: Produce failed: The disk holding the kt store '${db(dir)}' is full (database or disk is full). This write was rolled back; everything written before it is kept.`,
    ])
    const check = await kt(dir, ['check'])
    expect({status: check.status, stdout: check.stdout}).toMatchObject({
      status: 0,
      stdout: expect.stringContaining('is consistent'),
    })
  })
})
