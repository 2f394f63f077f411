#!/usr/bin/env node
// Runs the README's Quick start tour exactly as written: the ```sh block after the
// `<!-- tour -->` marker, in bash with `set -euo pipefail`, against a fresh temporary KT_DATA_DIR
// (removed afterwards). `.ci/run` runs it right after `npm ci`, proving that a fresh clone's
// `npx kt` works; the e2e test runs it with KT_TOUR_KT='node bin/run.js' and checks the output.
//
//   node scripts/readme-tour.js          # prints the tour's output; exits with its status
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

/** The commands of the README's tour block. */
export function readmeTour(readme = readFileSync(join(root, 'README.md'), 'utf8')) {
  const marker = readme.indexOf('<!-- tour')
  if (marker < 0) throw new Error('README.md has no <!-- tour marker')
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(marker))
  if (!block) throw new Error('no ```sh block after the <!-- tour marker')
  return block[1]
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kt = process.env.KT_TOUR_KT
  const script = kt ? readmeTour().replaceAll('npx kt', kt) : readmeTour()
  const dataDir = mkdtempSync(join(tmpdir(), 'kt-tour-'))
  try {
    const r = spawnSync('bash', ['-euo', 'pipefail', '-c', `set -x\n${script}`], {
      cwd: root,
      env: {...process.env, KT_DATA_DIR: dataDir, NO_COLOR: '1'},
      stdio: 'inherit',
    })
    process.exitCode = r.status ?? 1
  } finally {
    rmSync(dataDir, {force: true, recursive: true})
  }
}
