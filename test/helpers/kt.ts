// Spawns the built CLI (bin/run.js) the way a user runs it: its own temporary data dir, stdin
// fed from a string or buffer, stdout/stderr captured, exit status returned.
import {spawn, type ChildProcess} from 'node:child_process'
import {cpSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, expect} from 'vitest'

export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

export interface KtResult {
  status: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  stdoutBytes: Buffer
}

export interface KtOptions {
  input?: string | Buffer
  env?: Record<string, string>
  timeoutMs?: number
}

/** A temporary data dir, removed by cleanup(). */
export function tempDataDir(): {dir: string; cleanup: () => void} {
  const dir = mkdtempSync(join(tmpdir(), 'kt-test-'))
  return {cleanup: () => rmSync(dir, {force: true, recursive: true}), dir}
}

/** A maker of temporary data dirs for one test file; they are removed after the file's tests. */
export function tempDirsForFile(): () => string {
  const cleanups: Array<() => void> = []
  afterAll(() => {
    for (const c of cleanups) c()
  })
  return () => {
    const {cleanup, dir} = tempDataDir()
    cleanups.push(cleanup)
    return dir
  }
}

/**
 * Stores that start as copies of one built once per file: `build` fills the first data dir (the
 * kt processes it runs must have exited), and each call returns a fresh dir holding a copy of it.
 * Copying a closed store costs a millisecond where building it again spawns kt once or twice
 * (a few hundred ms of CPU each). Tests that change their copy do not affect one another.
 */
export function storeTemplate(newDir: () => string, build: (dir: string) => Promise<void>): () => Promise<string> {
  let template: Promise<string> | undefined
  return async () => {
    template ??= (async () => {
      const dir = newDir()
      await build(dir)
      return dir
    })()
    const source = await template
    const dir = newDir()
    cpSync(source, dir, {recursive: true})
    return dir
  }
}

export function spawnKt(dataDir: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    env: {...process.env, KT_DATA_DIR: dataDir, NO_COLOR: '1', ...env},
    stdio: ['pipe', 'pipe', 'pipe'],
  })
}

/** Collects a spawned process's output and exit. */
export function collect(child: ChildProcess, timeoutMs = 20_000): Promise<KtResult> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout!.on('data', (d: Buffer) => out.push(d))
    child.stderr!.on('data', (d: Buffer) => err.push(d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`kt did not exit within ${timeoutMs} ms; stderr: ${Buffer.concat(err).toString()}`))
    }, timeoutMs)
    child.on('error', reject)
    child.on('close', (status, signal) => {
      clearTimeout(timer)
      const stdoutBytes = Buffer.concat(out)
      resolve({signal, status, stderr: Buffer.concat(err).toString(), stdout: stdoutBytes.toString(), stdoutBytes})
    })
  })
}

/** A console consumer running in the background, with its output so far. */
export interface RunningConsumer {
  child: ChildProcess
  out: () => string
  err: () => string
  done: Promise<KtResult>
}

/** Starts `kt console-consumer` with args and an ended stdin; `done` rejects after timeoutMs. */
export function startConsumer(dir: string, args: string[], timeoutMs: number): RunningConsumer {
  const child = spawnKt(dir, ['console-consumer', ...args])
  child.stdin!.on('error', () => {})
  child.stdin!.end()
  const done = collect(child, timeoutMs)
  let out = ''
  let err = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  return {child, done, err: () => err, out: () => out}
}

/** Polls `condition` every 5 ms; fails after `timeoutMs`. Resolves with the time it took. */
export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const t0 = Date.now()
  while (!condition()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }

  return Date.now() - t0
}

export async function kt(dataDir: string, args: string[], options: KtOptions = {}): Promise<KtResult> {
  const child = spawnKt(dataDir, args, options.env)
  child.stdin!.on('error', () => {})
  if (options.input !== undefined) child.stdin!.end(options.input)
  else child.stdin!.end()
  return collect(child, options.timeoutMs)
}

/** One partition in the documented `kt topics --describe --json` document. */
export interface JsonPartition {
  partition: number
  leader: number | null
  replicas: number[]
  isr: number[]
  logStartOffset: number
  logEndOffset: number
  recordCount: number
  sizeBytes: number
}

/** One topic in the documented `kt topics --describe --json` document. */
export interface JsonTopic {
  name: string
  topicId: string
  internal: boolean
  partitionCount: number
  replicationFactor: number
  configs: Record<string, string>
  partitions: JsonPartition[]
}

/** `kt topics --describe --topic <topic> --json`, which must succeed quietly with that one topic. */
export async function describeJson(dir: string, topic: string): Promise<JsonTopic> {
  const r = await kt(dir, ['topics', '--describe', '--topic', topic, '--json'])
  expect({status: r.status, stderr: r.stderr}).toEqual({status: 0, stderr: ''})
  const doc = JSON.parse(r.stdout) as {topics: JsonTopic[]}
  expect(doc.topics).toHaveLength(1)
  return doc.topics[0]
}
