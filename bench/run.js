#!/usr/bin/env node
// `npm run bench`: kt's throughput and latency next to baselines measured in the same run on the
// same data. Timings live here, never in a test's pass/fail.
//
//   node bench/run.js [scenario ...]   scenarios: startup produce produce-keyed drain check latency idle
//
// Each figure is the median of several runs; the machine's noise shows in the spread column.
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync} from 'node:fs'
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
async function latency(acks) {
  const dir = freshStore(`latency-${acks}`)
  const env = {...process.env, KT_DATA_DIR: dir}
  execFileSync('node', [BIN, 'topics', '--create', '--topic', 'lat'], {env})
  const consumer = spawn('node', [BIN, 'console-consumer', '--topic', 'lat'], {env, stdio: ['ignore', 'pipe', 'pipe']})
  const latencies = []
  let buffered = ''
  consumer.stdout.on('data', (d) => {
    const now = performance.timeOrigin + performance.now()
    buffered += d.toString()
    const lines = buffered.split('\n')
    buffered = lines.pop()
    for (const line of lines) latencies.push(now - Number(line))
  })
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

async function idle() {
  const dir = freshStore('idle')
  const env = {...process.env, KT_DATA_DIR: dir}
  execFileSync('node', [BIN, 'topics', '--create', '--topic', 'idle'], {env})
  const consumer = spawn('node', [BIN, 'console-consumer', '--topic', 'idle', '--group', 'idle-bench'], {
    env,
    stdio: ['ignore', 'ignore', 'ignore'],
  })
  await new Promise((r) => setTimeout(r, 2000))
  const before = cpuMs(consumer.pid)
  const t0 = performance.now()
  await new Promise((r) => setTimeout(r, 10_000))
  const used = cpuMs(consumer.pid) - before
  const wall = performance.now() - t0
  consumer.kill('SIGINT')
  await new Promise((r) => consumer.on('close', r))
  row(
    'idle: following consumer (with a group), 10 s',
    `${((used / wall) * 100).toFixed(2)} % of a core`,
    'target',
    '< 1 %',
    used / wall < 0.01 ? 'met' : 'not met',
  )
}

const scenarios = {
  check,
  drain,
  idle,
  latency: async () => {
    await latency('all')
    await latency('1')
  },
  produce: () => produce(false),
  'produce-keyed': () => produce(true),
  startup,
}

const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(scenarios)
const order = ['startup', 'produce', 'produce-keyed', 'drain', 'check', 'latency', 'idle'].filter((s) =>
  wanted.includes(s),
)
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
