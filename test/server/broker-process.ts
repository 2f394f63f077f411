// Runs the built `kt broker` on an ephemeral port for end-to-end tests, and finds the external
// clients (kcat, Debian's Python Kafka clients) whose tests skip when they are missing.
import {spawnSync, type ChildProcess} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {collect, type KtResult, spawnKt} from '../helpers/kt.js'

export interface RunningBroker {
  port: number
  child: ChildProcess
  /** Everything the broker wrote to stderr so far. */
  stderr(): string
  /** SIGTERM, then its exit. */
  stop(): Promise<KtResult>
  /** Its exit, with no signal sent: for a test that already signalled it. */
  exited(): Promise<KtResult>
}

/** Starts `kt broker` on 127.0.0.1:0 with --log-requests; server.properties settings optional. */
export async function startBroker(
  dir: string,
  properties: Record<string, string> = {'group.initial.rebalance.delay.ms': '0'},
  args: string[] = [],
): Promise<RunningBroker> {
  const lines = Object.entries(properties).map(([k, v]) => `${k}=${v}\n`)
  if (lines.length > 0) writeFileSync(join(dir, 'server.properties'), lines.join(''))
  const child = spawnKt(dir, ['broker', '--listeners', 'PLAINTEXT://127.0.0.1:0', '--log-requests', ...args])
  let err = ''
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString()
  })
  const done = collect(child, 60_000)
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kt broker did not start: ${err}`)), 15_000)
    const check = () => {
      const m = /listening on PLAINTEXT:\/\/127\.0\.0\.1:(\d+)/.exec(err)
      if (m) {
        clearTimeout(timer)
        child.stderr!.off('data', check)
        resolve(Number(m[1]))
      }
    }

    child.stderr!.on('data', check)
    child.once('exit', () => reject(new Error(`kt broker exited: ${err}`)))
  })
  return {
    child,
    port,
    stderr: () => err,
    async stop() {
      child.kill('SIGTERM')
      const r = await done
      return {...r, stderr: err}
    },
    async exited() {
      const r = await done
      return {...r, stderr: err}
    },
  }
}

function available(command: string, args: string[]): boolean {
  const r = spawnSync(command, args, {stdio: 'ignore', timeout: 10_000})
  return r.error === undefined && r.status === 0
}

export const HAS_KCAT = available('kcat', ['-V'])
export const PYTHON = '/usr/bin/python3'
export const HAS_KAFKA_PYTHON = available(PYTHON, ['-c', 'import kafka'])
export const HAS_CONFLUENT_KAFKA = available(PYTHON, ['-c', 'import confluent_kafka'])

/** Runs a command to completion with a hard timeout; stdin optional. */
export function run(
  command: string,
  args: string[],
  input?: string | Buffer,
  timeoutMs = 30_000,
): {status: number | null; stdout: string; stderr: string; stdoutBytes: Buffer} {
  const r = spawnSync(command, args, {input, maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs})
  return {
    status: r.status,
    stderr: r.stderr?.toString() ?? String(r.error),
    stdout: r.stdout?.toString() ?? '',
    stdoutBytes: r.stdout ?? Buffer.alloc(0),
  }
}

/** The (api name, version) pairs a client with this client id sent, from --log-requests lines. */
export function negotiated(stderr: string, clientId: RegExp): Map<string, number> {
  const out = new Map<string, number>()
  for (const m of stderr.matchAll(/request api_key=\d+ \((\w+)\) api_version=(\d+) client_id=(\S*) /g))
    if (clientId.test(m[3])) out.set(m[1], Number(m[2]))
  return out
}
