// Runs WAL checkpoints on a second thread for a process that writes a lot (a producer fed a large
// file): copying WAL pages into the database and the fsyncs that go with it then overlap with the
// main thread's parsing and encoding instead of stalling it. Messages: 'checkpoint' → 'done';
// 'close' closes the connection (the last one to close also checkpoints what remains) → 'closed'.
import Database from 'better-sqlite3'
import {parentPort, workerData} from 'node:worker_threads'

const {file, nativeBinding, synchronous} = workerData as {file: string; nativeBinding?: string; synchronous: string}
const db = new Database(file, {nativeBinding, timeout: 60_000})
db.pragma(`synchronous = ${synchronous}`)

parentPort!.on('message', (message: string) => {
  if (message === 'checkpoint') {
    try {
      db.pragma('wal_checkpoint(PASSIVE)')
    } catch {
      // A busy or failed passive checkpoint is retried by the next request or at close.
    }

    parentPort!.postMessage('done')
  } else if (message === 'close') {
    db.close()
    parentPort!.postMessage('closed')
    parentPort!.close()
  }
})
