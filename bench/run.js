#!/usr/bin/env node
// `npm run bench`: kt's throughput and latency next to baselines measured in the same run on the
// same data. Timings live here, never in a test's pass/fail.
//
//   node bench/run.js [scenario ...]   scenarios: startup produce produce-keyed drain check space retention latency idle
//                                      groups groups-describe groups-watch-idle
//                                      broker-produce broker-drain broker-latency broker-idle remote
//
// Each figure is the median of several runs; the machine's noise shows in the spread column.
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {createRequire} from 'node:module'
import {createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {loadavg} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = join(ROOT, 'bin', 'run.js')
const WORK = join(ROOT, 'bench', '.data')
const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000)
const VALUE_BYTES = 100
const RUNS = Number(process.env.BENCH_RUNS ?? 3)

mkdirSync(WORK, {recursive: true})
const rows = []

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

function spread(xs) {
  return `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} ms`
}

/**
 * Wall time of a shell command in ms. Dirty pages left by an earlier run are written out first
 * (`sync`, untimed), so that no run pays for its predecessor's writeback.
 */
function time(cmd, env = {}) {
  spawnSync('sync')
  const t0 = performance.now()
  const r = spawnSync('bash', ['-c', cmd], {env: {...process.env, ...env}, stdio: ['ignore', 'ignore', 'pipe']})
  const ms = performance.now() - t0
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr}`)
  return ms
}

function kt(args) {
  return `node ${BIN} ${args}`
}

function freshStore(name) {
  const dir = join(WORK, name)
  rmSync(dir, {force: true, recursive: true})
  return dir
}

function hasSqlite3() {
  return spawnSync('sqlite3', ['-version']).status === 0
}

/** A file of RECORDS lines made by line(i) (each ending in a newline), written once and reused. */
function linesFile(name, line) {
  const file = join(WORK, `${name}-${RECORDS}.txt`)
  if (existsSync(file)) return Promise.resolve(file)
  const out = createWriteStream(file)
  let chunk = ''
  for (let i = 0; i < RECORDS; i++) {
    chunk += line(i)
    if (chunk.length > 1 << 20) {
      out.write(chunk)
      chunk = ''
    }
  }

  out.end(chunk)
  return new Promise((resolve) => out.on('finish', () => resolve(file)))
}

/** 1M lines, each a 100-byte value (the line itself). */
function valuesFile() {
  const filler = 'x'.repeat(VALUE_BYTES - 10)
  return linesFile('values', (i) => filler + String(i).padStart(10, '0') + '\n')
}

/** 1M lines `user-<n % 10000>:<100-byte value>`. */
function keyedFile() {
  const filler = 'y'.repeat(VALUE_BYTES - 10)
  return linesFile('keyed', (i) => `user-${i % 10_000}:` + filler + String(i).padStart(10, '0') + '\n')
}

function row(scenario, ktFigure, baselineName, baselineFigure, ratio, note = '') {
  rows.push({baseline: baselineName, baselineFigure, kt: ktFigure, note, ratio, scenario})
}

function rate(records, ms) {
  return `${Math.round((records / ms) * 1000).toLocaleString('en-US')} rec/s`
}

function mbps(bytes, ms) {
  return `${(bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s`
}

// ---------------------------------------------------------------------------------------------

async function startup() {
  const dir = freshStore('startup')
  spawnSync('node', [BIN, 'topics', '--list'], {env: {...process.env, KT_DATA_DIR: dir}})
  const ktTimes = []
  const nodeTimes = []
  for (let i = 0; i < 15; i++) {
    nodeTimes.push(time('node -e 0'))
    ktTimes.push(time(kt('topics --list'), {KT_DATA_DIR: dir}))
  }

  const k = median(ktTimes)
  const n = median(nodeTimes)
  row(
    'startup: kt topics --list (empty store)',
    `${k.toFixed(0)} ms (${spread(ktTimes)})`,
    'node -e 0',
    `${n.toFixed(0)} ms`,
    `${(k / n).toFixed(2)}× node`,
    'target ≤ 3×',
  )
}

async function produce(keyed) {
  const file = keyed ? await keyedFile() : await valuesFile()
  const bytes = statSync(file).size
  const partitions = keyed ? 6 : 1
  const props = keyed ? '--property parse.key=true --property key.separator=:' : ''
  const ktTimes = []
  for (let i = 0; i < RUNS; i++) {
    const dir = freshStore('produce')
    execFileSync('node', [BIN, 'topics', '--create', '--topic', 't', '--partitions', String(partitions)], {
      env: {...process.env, KT_DATA_DIR: dir},
    })
    ktTimes.push(
      time(`${kt(`console-producer --topic t --producer-property acks=1 ${props}`)} < ${file}`, {KT_DATA_DIR: dir}),
    )
  }

  // Check that everything arrived, once.
  const described = JSON.parse(
    execFileSync('node', [BIN, 'topics', '--describe', '--topic', 't', '--json'], {
      env: {...process.env, KT_DATA_DIR: join(WORK, 'produce')},
    }),
  )
  const stored = described.topics[0].partitions.reduce((n, p) => n + p.recordCount, 0)
  if (stored !== RECORDS) throw new Error(`produce stored ${stored} records, expected ${RECORDS}`)

  const catTimes = []
  for (let i = 0; i < RUNS; i++) catTimes.push(time(`cat ${file} > /dev/null`))
  const k = median(ktTimes)
  const c = median(catTimes)
  const label = keyed
    ? `produce: ${RECORDS / 1e6}M keyed records → 6 partitions, acks=1`
    : `produce: ${RECORDS / 1e6}M × 100 B → 1 partition, acks=1`
  row(
    label,
    `${rate(RECORDS, k)}, ${mbps(bytes, k)} (${spread(ktTimes)})`,
    'cat FILE > /dev/null',
    `${mbps(bytes, c)}`,
    `${(c / k).toFixed(3)} of cat`,
  )

  if (hasSqlite3()) {
    const sqlTimes = []
    for (let i = 0; i < RUNS; i++) {
      const db = join(WORK, 'import.db')
      rmSync(db, {force: true})
      rmSync(`${db}-wal`, {force: true})
      sqlTimes.push(time(`sqlite3 ${db} 'CREATE TABLE t(line TEXT)' '.import ${file} t'`))
    }

    const s = median(sqlTimes)
    row(
      label,
      `${k.toFixed(0)} ms`,
      'sqlite3 .import (one-column table)',
      `${rate(RECORDS, s)} (${s.toFixed(0)} ms)`,
      `${(s / k).toFixed(2)}× faster`,
      keyed ? '' : 'target ≥ 1.5×',
    )
  }
}

/** kt.db's size next to the bytes of the batches it stores (kt topics --describe --json). */
function storeFigures(dir, topic) {
  const described = JSON.parse(
    execFileSync('node', [BIN, 'topics', '--describe', '--topic', topic, '--json'], {
      env: {...process.env, KT_DATA_DIR: dir},
    }),
  )
  const stored = described.topics[0].partitions.reduce((n, p) => n + p.sizeBytes, 0)
  const size = (f) => (existsSync(join(dir, f)) ? statSync(join(dir, f)).size : 0)
  return {file: size('kt.db'), stored, wal: size('kt.db-wal')}
}

const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`

/** Space: the store after producing RECORDS × 100 B, against the batches it holds. */
async function space() {
  const file = await valuesFile()
  const dir = freshStore('space')
  execFileSync('bash', ['-c', `${kt('console-producer --topic t --producer-property acks=1')} < ${file}`], {
    env: {...process.env, KT_DATA_DIR: dir},
    stdio: ['ignore', 'ignore', 'ignore'],
  })
  const {file: bytes, stored} = storeFigures(dir, 't')
  row(
    `space: kt.db after ${RECORDS / 1e6}M × 100 B`,
    `${mb(bytes)} (${(bytes / stored).toFixed(3)}× the batches)`,
    'bytes of the stored record batches',
    mb(stored),
    `${(bytes / stored).toFixed(3)}×`,
    'target ≤ 1.2×',
  )
}

/**
 * Steady retention: 200 MB pushed through one partition with retention.bytes=10485760 and a
 * 10 ms check interval. Retention frees pages that later appends reuse, so the file stays near
 * the retained bytes plus one flush (up to 12 MB) instead of growing with the input.
 */
async function retention() {
  const retained = 10_485_760
  const lines = Math.round(200e6 / (VALUE_BYTES + 1))
  const filler = 'r'.repeat(VALUE_BYTES - 10)
  const file = join(WORK, `retention-${lines}.txt`)
  if (!existsSync(file)) {
    const out = createWriteStream(file)
    let chunk = ''
    for (let i = 0; i < lines; i++) {
      chunk += filler + String(i).padStart(10, '0') + '\n'
      if (chunk.length > 1 << 20) {
        out.write(chunk)
        chunk = ''
      }
    }

    out.end(chunk)
    await new Promise((resolve) => out.on('finish', resolve))
  }

  const dir = freshStore('retention')
  mkdirSync(dir, {recursive: true})
  writeFileSync(join(dir, 'server.properties'), 'log.retention.check.interval.ms=10\n')
  const env = {...process.env, KT_DATA_DIR: dir}
  execFileSync('node', [BIN, 'topics', '--create', '--topic', 'r', '--config', `retention.bytes=${retained}`], {env})
  // The files' largest sizes while the producer runs, sampled every 20 ms.
  let peak = 0
  let walPeak = 0
  const sizeOf = (f) => (existsSync(join(dir, f)) ? statSync(join(dir, f)).size : 0)
  const sampler = setInterval(() => {
    peak = Math.max(peak, sizeOf('kt.db'))
    walPeak = Math.max(walPeak, sizeOf('kt.db-wal'))
  }, 20)
  const ms = await new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn('bash', ['-c', `${kt('console-producer --topic r --producer-property acks=1')} < ${file}`], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    child.on('error', reject)
    child.on('close', (status) =>
      status === 0 ? resolve(performance.now() - t0) : reject(new Error(`producer exited ${status}`)),
    )
  })
  clearInterval(sampler)
  const {file: bytes, stored, wal} = storeFigures(dir, 'r')
  peak = Math.max(peak, bytes)
  row(
    `retention: ${(statSync(file).size / 1e6).toFixed(0)} MB through 1 partition, retention.bytes=10485760, check every 10 ms`,
    `kt.db ${mb(bytes)} at the end, ${mb(peak)} at most (${(bytes / retained).toFixed(2)}× retention; WAL ${mb(wal)}, at most ${mb(walPeak)}); ${rate(lines, ms)}`,
    '3 × retention.bytes',
    mb(3 * retained),
    bytes < 3 * retained && peak < 3 * retained ? 'met' : 'not met',
    `retained ${mb(stored)}`,
  )
}

async function drain() {
  const file = await valuesFile()
  const bytes = statSync(file).size
  const dir = freshStore('drain')
  execFileSync('bash', ['-c', `${kt('console-producer --topic t --producer-property acks=1')} < ${file}`], {
    env: {...process.env, KT_DATA_DIR: dir},
  })
  const ktTimes = []
  const catTimes = []
  for (let i = 0; i < RUNS; i++) {
    ktTimes.push(
      time(`${kt('console-consumer --topic t --from-beginning --exit-at-end')} > /dev/null`, {KT_DATA_DIR: dir}),
    )
    catTimes.push(time(`cat ${file} > /dev/null`))
  }

  const k = median(ktTimes)
  const c = median(catTimes)
  row(
    `drain: ${RECORDS / 1e6}M stored records → /dev/null`,
    `${rate(RECORDS, k)}, ${mbps(bytes, k)} (${spread(ktTimes)})`,
    'cat of the same bytes',
    mbps(bytes, c),
    `${(c / k).toFixed(3)} of cat`,
    'target ≥ 2,000,000 rec/s',
  )
}

/** kt check over a store of RECORDS records (issue 9: under 2 s for 1M), next to SQLite's own check. */
async function check() {
  const file = await valuesFile()
  const dir = freshStore('check')
  execFileSync('bash', ['-c', `${kt('console-producer --topic t --producer-property acks=1')} < ${file}`], {
    env: {...process.env, KT_DATA_DIR: dir},
  })
  const ktTimes = []
  const sqlTimes = []
  for (let i = 0; i < RUNS; i++) {
    ktTimes.push(time(kt('check'), {KT_DATA_DIR: dir}))
    if (hasSqlite3()) sqlTimes.push(time(`sqlite3 ${join(dir, 'kt.db')} 'PRAGMA integrity_check' > /dev/null`))
  }

  const k = median(ktTimes)
  const s = sqlTimes.length > 0 ? median(sqlTimes) : undefined
  row(
    `check: ${RECORDS / 1e6}M stored records`,
    `${k.toFixed(0)} ms, ${rate(RECORDS, k)} (${spread(ktTimes)})`,
    s === undefined ? '(sqlite3 not installed)' : "sqlite3 'PRAGMA integrity_check'",
    s === undefined ? '—' : `${s.toFixed(0)} ms`,
    s === undefined ? '—' : `${(k / s).toFixed(1)}× its time`,
    'target < 2000 ms for 1M',
  )
}

/** A following consumer's produce→print latency, with a producer process fed one line every 10 ms. */
/**
 * The latencies of the lines a consumer prints, each the wall-clock time (ms since the epoch) it
 * was sent at: filled in as the lines arrive.
 */
function arrivalLatencies(stdout) {
  const latencies = []
  let buffered = ''
  stdout.on('data', (d) => {
    const now = performance.timeOrigin + performance.now()
    buffered += d.toString()
    const lines = buffered.split('\n')
    buffered = lines.pop()
    for (const line of lines) latencies.push(now - Number(line))
  })
  return latencies
}

async function latency(acks) {
  const dir = freshStore(`latency-${acks}`)
  const env = {...process.env, KT_DATA_DIR: dir}
  execFileSync('node', [BIN, 'topics', '--create', '--topic', 'lat'], {env})
  const consumer = spawn('node', [BIN, 'console-consumer', '--topic', 'lat'], {env, stdio: ['ignore', 'pipe', 'pipe']})
  const latencies = arrivalLatencies(consumer.stdout)
  await new Promise((r) => setTimeout(r, 1500))
  const producer = spawn('node', [BIN, 'console-producer', '--topic', 'lat', '--producer-property', `acks=${acks}`], {
    env,
    stdio: ['pipe', 'ignore', 'pipe'],
  })
  await new Promise((r) => setTimeout(r, 800))
  const sent = 1000
  for (let i = 0; i < sent; i++) {
    producer.stdin.write(`${performance.timeOrigin + performance.now()}\n`)
    await new Promise((r) => setTimeout(r, 10))
  }

  producer.stdin.end()
  await new Promise((r) => producer.on('close', r))
  await new Promise((r) => setTimeout(r, 500))
  consumer.kill('SIGINT')
  await new Promise((r) => consumer.on('close', r))
  const s = [...latencies].sort((a, b) => a - b)
  const pct = (p) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
  row(
    `latency: produce→print, 1 record / 10 ms for 10 s, acks=${acks}`,
    `p50 ${pct(50).toFixed(2)} ms, p99 ${pct(99).toFixed(2)} ms, max ${s.at(-1).toFixed(2)} ms (${latencies.length}/${sent})`,
    'target',
    'p50 ≤ 2 ms, p99 ≤ 10 ms',
    pct(99) <= 10 && pct(50) <= 2 ? 'met' : 'not met',
  )
}

function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  return (ticks * 1000) / Number(execFileSync('getconf', ['CLK_TCK']).toString())
}

/**
 * The share of a core that process `pid` uses over 10 s once `settleMs` has passed, as a bench row
 * against the < 1 % idle target.
 */
async function idleRow(label, pid, settleMs = 2000) {
  await new Promise((r) => setTimeout(r, settleMs))
  const before = cpuMs(pid)
  const t0 = performance.now()
  await new Promise((r) => setTimeout(r, 10_000))
  const share = (cpuMs(pid) - before) / (performance.now() - t0)
  row(label, `${(share * 100).toFixed(2)} % of a core`, 'target', '< 1 %', share < 0.01 ? 'met' : 'not met')
}

async function idle() {
  const dir = freshStore('idle')
  const env = {...process.env, KT_DATA_DIR: dir}
  execFileSync('node', [BIN, 'topics', '--create', '--topic', 'idle'], {env})
  const consumer = spawn('node', [BIN, 'console-consumer', '--topic', 'idle', '--group', 'idle-bench'], {
    env,
    stdio: ['ignore', 'ignore', 'ignore'],
  })
  await idleRow('idle: following consumer (with a group), 10 s', consumer.pid)
  consumer.kill('SIGINT')
  await new Promise((r) => consumer.on('close', r))
}

/**
 * kt consumer-groups --describe --all-groups over GROUPS groups, each with a committed offset on
 * every one of 10 partitions; the baseline is --list on the same store (start-up, open, one query).
 */
const GROUPS = Number(process.env.BENCH_GROUPS ?? 1000)

async function groupsDescribe() {
  const dir = freshStore('groups')
  const env = {...process.env, KT_DATA_DIR: dir}
  execFileSync('node', [BIN, 'topics', '--create', '--topic', 'lagging', '--partitions', '10'], {env})
  execFileSync('bash', ['-c', `seq 1 100000 | node ${BIN} console-producer --topic lagging`], {env})
  const ids = Array.from({length: GROUPS}, (_, g) => `group-${String(g).padStart(4, '0')}`)
  const plan = ids.flatMap((g, i) => Array.from({length: 10}, (_, p) => `${g},lagging,${p},${(i * 7 + p) % 5000}\n`))
  const file = join(dir, 'plan.csv')
  writeFileSync(file, plan.join(''))
  execFileSync(
    'node',
    [
      BIN,
      'consumer-groups',
      ...ids.flatMap((g) => ['--group', g]),
      '--reset-offsets',
      '--from-file',
      file,
      '--execute',
    ],
    {
      env,
      stdio: 'ignore',
    },
  )
  const describe = []
  const list = []
  for (let i = 0; i < Math.max(RUNS, 5); i++) {
    list.push(time(`${kt('consumer-groups --list')} > /dev/null`, {KT_DATA_DIR: dir}))
    describe.push(time(`${kt('consumer-groups --describe --all-groups')} > /dev/null 2>&1`, {KT_DATA_DIR: dir}))
  }

  // Wall time on a busy 2-core machine is mostly waiting for a core: the CPU the command itself
  // used (bash's `times` for its children) is the steadier figure.
  const cpu = []
  for (let i = 0; i < 3; i++) {
    const r = spawnSync('bash', ['-c', `${kt('consumer-groups --describe --all-groups')} > /dev/null 2>&1; times`], {
      env,
    })
    const [user, sys] = r.stdout
      .toString()
      .trim()
      .split('\n')[1]
      .split(' ')
      .map((t) => {
        const m = /(\d+)m([\d.]+)s/.exec(t)
        return Number(m[1]) * 60_000 + Number(m[2]) * 1000
      })
    cpu.push(user + sys)
  }

  const d = median(describe)
  const l = median(list)
  row(
    `consumer-groups --describe --all-groups (${GROUPS} groups × 10 partitions)`,
    `${d.toFixed(0)} ms (${spread(describe)})`,
    'consumer-groups --list, same store',
    `${l.toFixed(0)} ms`,
    `${(d / l).toFixed(2)}× list`,
    `CPU ${median(cpu).toFixed(0)} ms; target < 1 s: ${d < 1000 ? 'met' : 'not met'}`,
  )
}

/** An idle `--describe --watch` sleeps on the store's change signal. */
async function groupsWatchIdle() {
  const dir = freshStore('groups-watch')
  const env = {...process.env, KT_DATA_DIR: dir}
  execFileSync('node', [BIN, 'topics', '--create', '--topic', 'w', '--partitions', '3'], {env})
  const file = join(dir, 'plan.csv')
  writeFileSync(file, 'w,0,0\nw,1,0\nw,2,0\n')
  execFileSync('node', [BIN, 'consumer-groups', '--group', 'w', '--reset-offsets', '--from-file', file, '--execute'], {
    env,
    stdio: 'ignore',
  })
  const watcher = spawn('node', [BIN, 'consumer-groups', '--describe', '--group', 'w', '--watch'], {
    env,
    stdio: ['ignore', 'ignore', 'ignore'],
  })
  await idleRow('idle: consumer-groups --describe --watch (2 s interval), 10 s', watcher.pid)
  watcher.kill('SIGTERM')
  await new Promise((r) => watcher.on('close', r))
}

// --- kt broker: real Kafka clients (kcat) through the wire protocol, beside kt's direct path ---

function hasKcat() {
  return spawnSync('kcat', ['-V']).status === 0
}

/** Starts `kt broker` on a free port over dir; resolves with the child and its port. */
async function startBroker(dir, extraArgs = []) {
  mkdirSync(dir, {recursive: true})
  const child = spawn('node', [BIN, 'broker', '--listeners', 'PLAINTEXT://127.0.0.1:0', ...extraArgs], {
    env: {...process.env, KT_DATA_DIR: dir},
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let err = ''
  const port = await new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      err += d.toString()
      const m = /listening on PLAINTEXT:\/\/127\.0\.0\.1:(\d+)/.exec(err)
      if (m) resolve(Number(m[1]))
    })
    child.on('exit', () => reject(new Error(`kt broker exited: ${err}`)))
  })
  return {
    child,
    port,
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit')
        child.on('exit', resolve)
        child.kill('SIGTERM')
      }),
  }
}

async function brokerProduce() {
  if (!hasKcat()) return row('broker: kcat -P', 'skipped: kcat not installed', '', '', '')
  const file = await valuesFile()
  const bytes = statSync(file).size
  const kcatTimes = []
  const directTimes = []
  for (let i = 0; i < RUNS; i++) {
    const dir = freshStore('broker-produce')
    execFileSync('node', [BIN, 'topics', '--create', '--topic', 't'], {env: {...process.env, KT_DATA_DIR: dir}})
    const broker = await startBroker(dir)
    kcatTimes.push(time(`kcat -b 127.0.0.1:${broker.port} -P -t t -X acks=1 < ${file}`))
    await broker.stop()
    const stored = JSON.parse(
      execFileSync('node', [BIN, 'topics', '--describe', '--topic', 't', '--json'], {
        env: {...process.env, KT_DATA_DIR: dir},
      }),
    ).topics[0].partitions[0].recordCount
    if (stored !== RECORDS) throw new Error(`kcat -P stored ${stored} records, expected ${RECORDS}`)
    const direct = freshStore('broker-produce-direct')
    execFileSync('node', [BIN, 'topics', '--create', '--topic', 't'], {env: {...process.env, KT_DATA_DIR: direct}})
    directTimes.push(
      time(`${kt('console-producer --topic t --producer-property acks=1')} < ${file}`, {KT_DATA_DIR: direct}),
    )
  }

  const k = median(kcatTimes)
  const d = median(directTimes)
  row(
    `broker: kcat -P ${RECORDS / 1e6}M × 100 B lines, acks=1`,
    `${rate(RECORDS, k)}, ${mbps(bytes, k)} (${spread(kcatTimes)})`,
    'kt console-producer (no broker)',
    rate(RECORDS, d),
    `${(d / k).toFixed(2)} of direct`,
    'target ≥ 500,000 rec/s',
  )
}

/**
 * Wall time of a shell command, and the CPU its child processes used (bash's `times`): on this
 * 2-core machine the client's CPU competes with the broker's, so both are reported.
 */
function timeWithCpu(cmd, env = {}) {
  spawnSync('sync')
  const t0 = performance.now()
  const r = spawnSync('bash', ['-c', `${cmd}\ntimes`], {
    env: {...process.env, ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const ms = performance.now() - t0
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr}`)
  // `times` prints the shell's user/sys, then its children's: "0m0.252s 0m0.041s".
  const children = r.stdout.toString().trim().split('\n').at(-1)
  const [user, sys] = children.split(/\s+/).map((t) => {
    const m = /(\d+)m([\d.]+)s/.exec(t)
    return (Number(m[1]) * 60 + Number(m[2])) * 1000
  })
  return {cpuMs: user + sys, ms}
}

async function brokerDrain() {
  if (!hasKcat()) return row('broker: kcat -C -e', 'skipped: kcat not installed', '', '', '')
  const file = await valuesFile()
  const bytes = statSync(file).size
  const dir = freshStore('broker-drain')
  execFileSync('bash', ['-c', `${kt('console-producer --topic t --producer-property acks=1')} < ${file}`], {
    env: {...process.env, KT_DATA_DIR: dir},
  })
  const broker = await startBroker(dir)
  const kcatTimes = []
  const kcatCpu = []
  const brokerCpu = []
  const directTimes = []
  const loads = [loadavg()[0]]
  for (let i = 0; i < RUNS; i++) {
    // As a user drains to a file: -q drops kcat's "Reached end" notices, -f '%s\n' prints values
    // only, like kt console-consumer's default output beside it.
    const before = cpuMs(broker.child.pid)
    const k = timeWithCpu(`kcat -b 127.0.0.1:${broker.port} -C -t t -o beginning -e -q -f '%s\n' > /dev/null`)
    brokerCpu.push(cpuMs(broker.child.pid) - before)
    kcatTimes.push(k.ms)
    kcatCpu.push(k.cpuMs)
    directTimes.push(
      time(`${kt('console-consumer --topic t --from-beginning --exit-at-end')} > /dev/null`, {KT_DATA_DIR: dir}),
    )
    loads.push(loadavg()[0])
  }

  await broker.stop()
  const k = median(kcatTimes)
  const d = median(directTimes)
  row(
    `broker: kcat -C -e drain of ${RECORDS / 1e6}M × 100 B`,
    `${rate(RECORDS, k)}, ${mbps(bytes, k)} (${spread(kcatTimes)}); CPU per drain: broker ${median(brokerCpu).toFixed(0)} ms, kcat ${median(kcatCpu).toFixed(0)} ms`,
    'kt console-consumer (no broker)',
    rate(RECORDS, d),
    `${(d / k).toFixed(2)} of direct`,
    `target ≥ 1,000,000 rec/s; load average ${loads.map((l) => l.toFixed(1)).join(' → ')}`,
  )
}

/**
 * Produce→consume through the broker: a kafkajs producer (acks=1) sends one record every 10 ms,
 * a following kcat -C prints it. (kcat -P is no latency probe: it reads piped stdin in blocks.)
 */
async function brokerLatency() {
  if (!hasKcat()) return row('broker: latency', 'skipped: kcat not installed', '', '', '')
  const dir = freshStore('broker-latency')
  execFileSync('node', [BIN, 'topics', '--create', '--topic', 'lat'], {env: {...process.env, KT_DATA_DIR: dir}})
  const broker = await startBroker(dir)
  const b = `127.0.0.1:${broker.port}`
  const consumer = spawn('kcat', ['-b', b, '-C', '-t', 'lat', '-o', 'end', '-u', '-f', '%s\n'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const latencies = arrivalLatencies(consumer.stdout)
  await new Promise((r) => setTimeout(r, 1500))
  const {Kafka, logLevel} = await import('kafkajs')
  const producer = new Kafka({brokers: [b], logLevel: logLevel.NOTHING}).producer()
  await producer.connect()
  const sent = 1000
  for (let i = 0; i < sent; i++) {
    await producer.send({acks: 1, messages: [{value: `${performance.timeOrigin + performance.now()}`}], topic: 'lat'})
    await new Promise((r) => setTimeout(r, 10))
  }

  await producer.disconnect()
  await new Promise((r) => setTimeout(r, 500))
  consumer.kill('SIGINT')
  await new Promise((r) => consumer.on('close', r))
  await broker.stop()
  const s = [...latencies].sort((a, b) => a - b)
  const pct = (p) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
  row(
    'broker: latency kafkajs → kt broker → kcat -C, 1 record / 10 ms, acks=1',
    `p50 ${pct(50).toFixed(2)} ms, p99 ${pct(99).toFixed(2)} ms, max ${s.at(-1).toFixed(2)} ms (${latencies.length}/${sent})`,
    'target',
    'p99 ≤ 10 ms',
    pct(99) <= 10 ? 'met' : 'not met',
  )
}

/** The broker process's CPU while one kcat group consumer sits idle on it (heartbeats, long polls). */
async function brokerIdle() {
  if (!hasKcat()) return row('broker: idle', 'skipped: kcat not installed', '', '', '')
  const dir = freshStore('broker-idle')
  execFileSync('node', [BIN, 'topics', '--create', '--topic', 'idle'], {env: {...process.env, KT_DATA_DIR: dir}})
  const broker = await startBroker(dir)
  const consumer = spawn('kcat', ['-b', `127.0.0.1:${broker.port}`, '-G', 'idle-group', 'idle'], {
    stdio: ['ignore', 'ignore', 'ignore'],
  })
  await idleRow('broker: idle kt broker with one idle kcat -G consumer, 10 s', broker.child.pid, 6000)
  consumer.kill('SIGINT')
  await new Promise((r) => consumer.on('close', r))
  await broker.stop()
}

/** Starts `kt broker` on an ephemeral port over a fresh store; resolves to its address and a stop function. */
async function startRemoteBroker(name) {
  const dir = freshStore(name)
  mkdirSync(dir, {recursive: true})
  // Consumers without --group get a generated group: no 3 s wait for more members.
  writeFileSync(join(dir, 'server.properties'), 'group.initial.rebalance.delay.ms=0\n')
  const child = spawn('node', [BIN, 'broker', '--listeners', 'PLAINTEXT://127.0.0.1:0'], {
    env: {...process.env, KT_DATA_DIR: dir},
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const address = await new Promise((resolve, reject) => {
    let err = ''
    child.stderr.on('data', (d) => {
      err += d.toString()
      const m = /listening on PLAINTEXT:\/\/(\S+) /.exec(err)
      if (m) resolve(m[1])
    })
    child.on('exit', (code) => reject(new Error(`kt broker exited (${code}): ${err}`)))
  })
  return {
    address,
    stop: () =>
      new Promise((r) => {
        child.on('close', r)
        child.kill('SIGTERM')
      }),
  }
}

/**
 * --bootstrap-server into kt broker: produce and drain 1M × 100 B through the wire protocol, and
 * `topics --list`'s cost, each beside the same work on the embedded store.
 */
async function remote() {
  const file = await valuesFile()
  const bytes = statSync(file).size
  const remoteTimes = []
  const embeddedTimes = []
  const drainRemote = []
  const drainEmbedded = []
  for (let i = 0; i < RUNS; i++) {
    const broker = await startRemoteBroker('remote-broker')
    const b = `--bootstrap-server ${broker.address}`
    const client = freshStore('remote-client')
    try {
      execFileSync('node', [BIN, 'topics', '--create', '--topic', 't', '--partitions', '1', ...b.split(' ')], {
        env: {...process.env, KT_DATA_DIR: client},
      })
      remoteTimes.push(
        time(`${kt(`console-producer --topic t --producer-property acks=1 ${b}`)} < ${file}`, {KT_DATA_DIR: client}),
      )
      drainRemote.push(
        time(`${kt(`console-consumer --topic t --from-beginning --exit-at-end ${b}`)} > /dev/null`, {
          KT_DATA_DIR: client,
        }),
      )
      const described = JSON.parse(
        execFileSync('node', [BIN, 'topics', '--describe', '--topic', 't', '--json', ...b.split(' ')], {
          env: {...process.env, KT_DATA_DIR: client},
        }),
      )
      const stored = described.topics[0].partitions.reduce((n, p) => n + p.recordCount, 0)
      if (stored !== RECORDS) throw new Error(`remote produce stored ${stored} records, expected ${RECORDS}`)
    } finally {
      await broker.stop()
    }

    const dir = freshStore('remote-embedded')
    execFileSync('node', [BIN, 'topics', '--create', '--topic', 't', '--partitions', '1'], {
      env: {...process.env, KT_DATA_DIR: dir},
    })
    embeddedTimes.push(
      time(`${kt('console-producer --topic t --producer-property acks=1')} < ${file}`, {KT_DATA_DIR: dir}),
    )
    drainEmbedded.push(
      time(`${kt('console-consumer --topic t --from-beginning --exit-at-end')} > /dev/null`, {KT_DATA_DIR: dir}),
    )
  }

  const r = median(remoteTimes)
  const e = median(embeddedTimes)
  row(
    `remote produce: ${RECORDS / 1e6}M × 100 B → kt broker, acks=1`,
    `${rate(RECORDS, r)}, ${mbps(bytes, r)} (${spread(remoteTimes)})`,
    'embedded produce, same file',
    rate(RECORDS, e),
    `${(e / r).toFixed(2)} of embedded`,
    'target ≥ 250,000 rec/s',
  )
  const dr = median(drainRemote)
  const de = median(drainEmbedded)
  row(
    `remote drain: ${RECORDS / 1e6}M from kt broker → /dev/null`,
    `${rate(RECORDS, dr)}, ${mbps(bytes, dr)} (${spread(drainRemote)})`,
    'embedded drain, same data',
    rate(RECORDS, de),
    `${(de / dr).toFixed(2)} of embedded`,
    'target ≥ 500,000 rec/s',
  )

  const broker = await startRemoteBroker('remote-list')
  try {
    const client = freshStore('remote-list-client')
    const embedded = freshStore('remote-list-embedded')
    for (const env of [{KT_DATA_DIR: embedded}, {KT_BOOTSTRAP_SERVER: broker.address, KT_DATA_DIR: client}])
      for (const t of ['a', 'b', 'c'])
        execFileSync('node', [BIN, 'topics', '--create', '--topic', t], {env: {...process.env, ...env}})
    const listRemote = []
    const listEmbedded = []
    for (let i = 0; i < 9; i++) {
      listEmbedded.push(time(kt('topics --list'), {KT_DATA_DIR: embedded}))
      listRemote.push(time(kt(`topics --list --bootstrap-server ${broker.address}`), {KT_DATA_DIR: client}))
    }

    const lr = median(listRemote)
    const le = median(listEmbedded)
    row(
      'remote: kt topics --list --bootstrap-server (3 topics)',
      `${lr.toFixed(0)} ms (${spread(listRemote)})`,
      'embedded kt topics --list',
      `${le.toFixed(0)} ms`,
      `${(lr / le).toFixed(2)}× embedded`,
      'target ≤ 2×',
    )
  } finally {
    await broker.stop()
  }
}

/** The group's member rows, through a read-only connection (as `kt consumer-groups` reads them). */
function groupMembers(dir, group) {
  const Database = createRequire(import.meta.url)('better-sqlite3')
  const db = new Database(join(dir, 'kt.db'), {readonly: true})
  try {
    return db
      .prepare('SELECT member_id, process_id, joined_at, assignment, owned FROM group_members WHERE group_id = ?')
      .all(group)
  } finally {
    db.close()
  }
}

/** Polls every 2 ms until fn returns something; resolves with it and the time it was seen. */
async function until(fn, timeoutMs = 30_000) {
  const t0 = Date.now()
  for (;;) {
    const v = fn()
    if (v) return {at: Date.now(), value: v}
    if (Date.now() - t0 > timeoutMs) throw new Error('group bench: timed out')
    await new Promise((r) => setTimeout(r, 2))
  }
}

/** n members, each owning exactly its non-empty assignment. */
function settledGroup(dir, n) {
  const rows = groupMembers(dir, 'g')
  return rows.length === n && rows.every((r) => r.owned === r.assignment && r.owned !== '{}') ? rows : undefined
}

/**
 * Group handover between processes: a member joining a Stable group (from its row's insert to
 * every member holding its new assignment: the old owner released, the new one took over), and a
 * SIGKILLed member (from the kill to the survivor holding everything).
 */
async function groups() {
  const joins = []
  const kills = []
  for (let i = 0; i < Math.max(RUNS, 5); i++) {
    const dir = freshStore('groups')
    const env = {...process.env, KT_DATA_DIR: dir}
    execFileSync('node', [BIN, 'topics', '--create', '--topic', 't', '--partitions', '6'], {env})
    const member = () =>
      spawn('node', [BIN, 'console-consumer', '--topic', 't', '--group', 'g'], {
        env,
        stdio: ['ignore', 'ignore', 'ignore'],
      })
    const a = member()
    await until(() => settledGroup(dir, 1))
    const b = member()
    const {at, value} = await until(() => settledGroup(dir, 2))
    const joined = value.find((r) => r.process_id === b.pid)
    joins.push(at - joined.joined_at)
    const killedAt = Date.now()
    b.kill('SIGKILL')
    const moved = await until(() => {
      const rows = groupMembers(dir, 'g')
      return rows.length === 1 && JSON.parse(rows[0].owned).t?.length === 6
    })
    kills.push(moved.at - killedAt)
    a.kill('SIGINT')
    await new Promise((r) => a.on('close', r))
  }

  row(
    'groups: a member joins a Stable group (6 partitions) → holds its share',
    `${median(joins).toFixed(0)} ms (${spread(joins)})`,
    'Kafka defaults',
    'group.initial.rebalance.delay.ms 3000 (new group)',
    median(joins) <= 1000 ? 'target ≤ 1 s met' : 'target ≤ 1 s not met',
    'handover included',
  )
  row(
    'groups: a member is SIGKILLed → its partitions held by the survivor',
    `${median(kills).toFixed(0)} ms (${spread(kills)})`,
    'Kafka defaults',
    'session.timeout.ms 45000',
    median(kills) <= 1000 ? 'target ≤ 1 s met' : 'target ≤ 1 s not met',
  )
}

const scenarios = {
  groups,
  'broker-drain': brokerDrain,
  'broker-idle': brokerIdle,
  'broker-latency': brokerLatency,
  'broker-produce': brokerProduce,
  check,
  drain,
  'groups-describe': groupsDescribe,
  'groups-watch-idle': groupsWatchIdle,
  idle,
  latency: async () => {
    await latency('all')
    await latency('1')
  },
  produce: () => produce(false),
  remote,
  retention,
  space,
  'produce-keyed': () => produce(true),
  startup,
}

const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(scenarios)
// The order of a full run: the direct CLI path first, then groups, then kt broker.
const ORDER = [
  'startup',
  'produce',
  'produce-keyed',
  'drain',
  'check',
  'space',
  'retention',
  'latency',
  'idle',
  'groups',
  'groups-describe',
  'groups-watch-idle',
  'broker-produce',
  'broker-drain',
  'broker-latency',
  'broker-idle',
  'remote',
]
const order = [...ORDER, ...Object.keys(scenarios).filter((s) => !ORDER.includes(s))].filter((s) => wanted.includes(s))
console.log(
  `kt bench — ${RECORDS.toLocaleString('en-US')} records, median of ${RUNS} runs; node ${process.version}, ${(await import('node:os')).cpus().length} cores`,
)
for (const name of order) {
  process.stderr.write(`running ${name}…\n`)
  await scenarios[name]()
}

const cols = ['scenario', 'kt', 'baseline', 'baselineFigure', 'ratio', 'note']
const heads = {
  baseline: 'baseline',
  baselineFigure: 'baseline figure',
  kt: 'kt',
  note: 'note',
  ratio: 'ratio',
  scenario: 'scenario',
}
const widths = cols.map((c) => Math.max(heads[c].length, ...rows.map((r) => String(r[c]).length)))
const line = (r) =>
  cols
    .map((c, i) => String(r[c]).padEnd(widths[i]))
    .join('  ')
    .trimEnd()
console.log(line(heads))
console.log(widths.map((w) => '-'.repeat(w)).join('  '))
for (const r of rows) console.log(line(r))
