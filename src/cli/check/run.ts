// kt check's run: verify the store, print the one-line summary or one line per problem, and exit
// 1 when there is any problem.
import {type Broker, storeBrokerOf} from '../../engine/index.js'
import {EXIT} from '../errors.js'
import type {ExitStatus} from '../session.js'
import {checkJson, problemLine, problemsLine, summaryLine} from './render.js'

export async function runCheck(broker: Broker, json: boolean): Promise<ExitStatus> {
  const report = await storeBrokerOf(broker).checkStore()
  if (json) process.stdout.write(JSON.stringify(checkJson(report), null, 2) + '\n')
  else if (report.problems.length === 0) process.stdout.write(summaryLine(report) + '\n')
  else process.stdout.write(report.problems.map((p) => problemLine(p) + '\n').join(''))
  if (report.problems.length === 0) return undefined
  if (!json) process.stderr.write(problemsLine(report) + '\n')
  return EXIT.error
}
