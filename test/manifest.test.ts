// oclif.manifest.json is committed, and `npm run build` (run by pretest) rewrites the working copy,
// so the working copy proves nothing: this test builds the manifest afresh from the compiled
// commands in lib/ and compares it with the content git holds in HEAD. It fails when someone
// changed a command or flag and did not commit the rebuilt manifest, and it fails (rather than
// passing unchecked) when git or the repository is not there to ask.
import {execFileSync} from 'node:child_process'
import {readdirSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

// @ts-expect-error plain JS build script without types
import {buildManifest} from '../scripts/manifest.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

function committedManifest(): string {
  try {
    return execFileSync('git', ['show', 'HEAD:oclif.manifest.json'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  } catch (error) {
    const e = error as NodeJS.ErrnoException & {stderr?: string}
    const why = e.code === 'ENOENT' ? 'git is not installed' : (e.stderr?.trim() ?? e.message)
    throw new Error(`cannot read the committed oclif.manifest.json from git (${why}): this test needs the repository`)
  }
}

describe('oclif.manifest.json', () => {
  it('as committed in HEAD equals the manifest built from the compiled commands (rebuild and commit it after changing commands or flags)', async () => {
    const fresh = JSON.parse(await buildManifest(ROOT))
    expect(JSON.parse(committedManifest())).toEqual(fresh)
  })

  it('lists one command per file in src/commands', async () => {
    const fresh = JSON.parse(await buildManifest(ROOT))
    const files = readdirSync(`${ROOT}src/commands`)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.slice(0, -3))
    expect(Object.keys(fresh.commands).sort()).toEqual(files.sort())
  })
})
