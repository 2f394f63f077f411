// `kt broker` on an ephemeral port over a temporary store, for tests of the remote Broker.
import type {ChildProcess} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {spawnKt} from '../helpers/kt.js'

export interface RunningBroker {
  /** host:port it listens on. */
  address: string
  /** Its data dir (kt.db). */
  dir: string
  stop(): void
}

/**
 * Starts `kt broker` (no initial rebalance delay, unless `properties` says otherwise) and reads
 * the bound address from its stderr.
 */
export async function startKtBroker(
  dir: string,
  properties: Record<string, string> = {'group.initial.rebalance.delay.ms': '0'},
): Promise<RunningBroker> {
  writeFileSync(
    join(dir, 'server.properties'),
    Object.entries(properties)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  )
  const child: ChildProcess = spawnKt(dir, ['broker', '--listeners', 'PLAINTEXT://127.0.0.1:0'])
  const address = await new Promise<string>((resolve, reject) => {
    let err = ''
    const timer = setTimeout(() => reject(new Error(`kt broker did not start: ${err}`)), 20_000)
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString()
      const m = /listening on PLAINTEXT:\/\/(127\.0\.0\.1:\d+)/.exec(err)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.on('exit', (code) => reject(new Error(`kt broker exited (${code}): ${err}`)))
  })
  return {address, dir, stop: () => child.kill('SIGTERM')}
}
