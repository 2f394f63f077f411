// The README's Quick start tour, run exactly as written (scripts/readme-tour.js, with
// `node bin/run.js` in place of `npx kt`), as .ci/run runs it after `npm ci`. Checks what a
// newcomer sees: the group's lag before and after two more records, the reset plan, the replay.
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {expect, test} from 'vitest'

import {BIN} from '../helpers/kt.js'

const TOUR = fileURLToPath(new URL('../../scripts/readme-tour.js', import.meta.url))

test('the README tour runs as written and shows lag, the reset plan and the replay', () => {
  const r = spawnSync(process.execPath, [TOUR], {
    encoding: 'utf8',
    env: {...process.env, KT_TOUR_KT: `node ${BIN}`},
    timeout: 110_000,
  })
  expect(r.status, r.stderr).toBe(0)
  const row = (p: number, current: number, end: number) =>
    `my-first-app    first_topic     ${String(p).padEnd(10)} ${String(current).padEnd(15)} ${String(end).padEnd(15)} ${String(end - current).padEnd(15)} -               -               -\n`
  const header =
    '\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\n'
  // user1 → partition 0, user2 and user3 → 2, user4 → 1 (murmur2 over 3 partitions).
  const caughtUp = header + row(0, 3, 3) + row(1, 0, 0) + row(2, 3, 3)
  const lagging = header + row(0, 3, 4) + row(1, 0, 1) + row(2, 3, 3)
  const plan =
    '\nGROUP           TOPIC           PARTITION  NEW-OFFSET\n' +
    'my-first-app    first_topic     0          0\n' +
    'my-first-app    first_topic     1          0\n' +
    'my-first-app    first_topic     2          0\n\n'
  const firstRead = ['signed up', 'signed up', 'clicked', 'signed up', 'clicked', 'paid']
  const replay = [...firstRead, 'signed up', 'logged out']
  const out = r.stdout
  expect(out.startsWith('Created topic first_topic.\n')).toBe(true)
  const [before, afterPlan] = out.split(plan)
  const [consumed, rest] = before.slice('Created topic first_topic.\n'.length).split(caughtUp)
  expect(consumed.split('\n').slice(0, -1).sort()).toEqual([...firstRead].sort())
  expect(rest).toBe(lagging)
  expect(afterPlan.split('\n').slice(0, -1).sort()).toEqual([...replay].sort())
  const stderr = r.stderr
    .split('\n')
    .filter((l) => !l.startsWith('+ ') && !l.startsWith('  npx kt'))
    .join('\n')
  expect(stderr).toBe(
    "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\n" +
      'Processed a total of 6 messages\n' +
      "\nConsumer group 'my-first-app' has no active members.\n" +
      "\nConsumer group 'my-first-app' has no active members.\n" +
      'Processed a total of 8 messages\n',
  )
}, 120_000)
