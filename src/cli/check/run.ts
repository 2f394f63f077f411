// kt check's run: verify the store, print the one-line summary or one line per problem, and exit
// 1 when there is any problem. A store too damaged to open is itself the one problem found.
import {join} from 'node:path'

import {type Broker, type CheckReport, DB_FILE, storeBrokerOf, unopenableStoreReport} from '../../engine/index.js'
import {resolveDataDir} from '../base-command.js'
import {EXIT} from '../errors.js'
import type {ExitStatus} from '../session.js'
import {checkJson, problemLine, problemsLine, summaryLine} from './render.js'

/** `open` opens the existing store in dataDir (never creates one). */
export async function runCheck(
  open: () => Promise<Broker>,
  dataDir: string | undefined,
  json: boolean,
): Promise<ExitStatus> {
  let report: CheckReport
  try {
    report = await storeBrokerOf(await open()).checkStore()
  } catch (error) {
    const file = join(resolveDataDir(dataDir), DB_FILE)
    report = unopenableStoreReport(file, error) ?? throwAgain(error)
  }

  if (json) process.stdout.write(JSON.stringify(checkJson(report), null, 2) + '\n')
  else if (report.problems.length === 0) process.stdout.write(summaryLine(report) + '\n')
  else process.stdout.write(report.problems.map((p) => problemLine(p) + '\n').join(''))
  if (report.problems.length === 0) return undefined
  if (!json) process.stderr.write(problemsLine(report) + '\n')
  return EXIT.error
}

function throwAgain(error: unknown): never {
  throw error
}
