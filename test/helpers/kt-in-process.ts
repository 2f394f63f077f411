// Runs a kt command inside the test process, for cases whose point is the command line (its
// parsing and the one-line answer to a bad one), not the process: oclif loads the built commands
// in lib/ once, and each case then costs a millisecond or two where spawning bin/run.js costs a
// Node start and oclif's load (about 0.25 s of CPU each). What the case sees is what a user sees:
// stdout, stderr and the exit status the command ends with (its this.exit, as bin/run.js turns
// it into the process's status). Everything else (a store, signals, pipes, the entry point
// itself) stays with the spawned e2e tests.
// Cases run one at a time, since stdout, stderr and the environment are the process's own.
import {createRequire} from 'node:module'

import {BIN, type KtResult} from './kt.js'

const require = createRequire(import.meta.url)
const oclif = require('@oclif/core') as typeof import('@oclif/core')

let config: Promise<import('@oclif/core').Config> | undefined
let queue: Promise<unknown> = Promise.resolve()

/** `kt <args>` with KT_DATA_DIR=dataDir, in this process; for command-line cases only. */
export function ktInProcess(dataDir: string, args: string[]): Promise<KtResult> {
  const result = queue.then(() => runOnce(dataDir, args))
  queue = result.catch(() => {})
  return result
}

type Write = typeof process.stdout.write

/** A stream's write that collects the bytes instead (and calls back as a stream would). */
function collector(into: Buffer[]): Write {
  return ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
    into.push(
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : Buffer.from(chunk),
    )
    const done = typeof encoding === 'function' ? encoding : callback
    if (typeof done === 'function') queueMicrotask(() => (done as () => void)())
    return true
  }) as Write
}

async function runOnce(dataDir: string, args: string[]): Promise<KtResult> {
  config ??= oclif.Config.load({root: BIN, userPlugins: false})
  const loaded = await config
  const out: Buffer[] = []
  const err: Buffer[] = []
  const saved = {env: {...process.env}, stderr: process.stderr.write, stdout: process.stdout.write}
  process.env.KT_DATA_DIR = dataDir
  process.env.NO_COLOR = '1'
  process.stdout.write = collector(out)
  process.stderr.write = collector(err)
  let status = 0
  try {
    await oclif.run(args, loaded)
  } catch (error) {
    // Every kt command ends a failed run with this.exit(status) (an ExitError); anything else
    // escaping is a failure of the test, not an outcome to compare.
    const exit = (error as {oclif?: {exit?: number}; code?: string}).oclif?.exit
    if ((error as {code?: string}).code !== 'EEXIT' || exit === undefined) throw error
    status = exit
  } finally {
    process.stdout.write = saved.stdout
    process.stderr.write = saved.stderr
    for (const name of Object.keys(process.env)) if (!(name in saved.env)) delete process.env[name]
    Object.assign(process.env, saved.env)
  }

  const stdoutBytes = Buffer.concat(out)
  return {signal: null, status, stderr: Buffer.concat(err).toString(), stdout: stdoutBytes.toString(), stdoutBytes}
}
