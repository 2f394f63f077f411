// One kt broker per store. Each broker coordinates its wire clients' groups in its own memory,
// so two brokers over one store would each hand every partition of a group to their own
// members (two owners of one partition, found by an acceptance pass). The lock is a file in the
// data dir naming the broker's pid; a file whose process is gone (a broker killed with -9) is
// taken over.
import {closeSync, openSync, readFileSync, rmSync, writeSync} from 'node:fs'
import {join} from 'node:path'

import {KtError} from '../../engine/index.js'
import {isProcessAlive} from '../process.js'

export const BROKER_LOCK_FILE = 'kt-broker.pid'

export interface BrokerLock {
  release(): void
}

export function lockStoreForBroker(dataDir: string): BrokerLock {
  const file = join(dataDir, BROKER_LOCK_FILE)
  for (let attempt = 0; ; attempt++) {
    let fd: number
    try {
      fd = openSync(file, 'wx', 0o600)
    } catch (error) {
      const code = (error as {code?: string}).code
      // Where the file cannot be made (a read-only file system, a full disk) there is no lock,
      // and the broker still serves what is stored.
      if (code === 'EROFS' || code === 'ENOSPC') return {release: () => undefined}
      if (code !== 'EEXIST' || attempt > 0) throw error
      const holder = Number.parseInt(readLock(file), 10)
      if (Number.isSafeInteger(holder) && holder > 0 && holder !== process.pid && isProcessAlive(holder))
        throw new KtError(
          'INVALID_CONFIG',
          `Another kt broker (pid ${holder}) is serving the store in '${dataDir}': a store has one broker. Stop that one first, or give this one another --data-dir.`,
        )
      rmSync(file, {force: true})
      continue
    }

    try {
      writeSync(fd, `${process.pid}\n`)
    } catch (error) {
      // A full disk: no lock, as above.
      if ((error as {code?: string}).code !== 'ENOSPC') throw error
      rmSync(file, {force: true})
      return {release: () => undefined}
    } finally {
      closeSync(fd)
    }

    return {
      release() {
        if (readLock(file).trim() === String(process.pid)) rmSync(file, {force: true})
      },
    }
  }
}

function readLock(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}
