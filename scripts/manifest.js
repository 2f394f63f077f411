// Writes oclif.manifest.json from the compiled commands in lib/ (what `oclif manifest` does),
// using @oclif/core itself rather than the heavy `oclif` CLI package.
import {Plugin} from '@oclif/core'
import {writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

export async function buildManifest(root = fileURLToPath(new URL('..', import.meta.url))) {
  const plugin = new Plugin({errorOnManifestCreate: true, ignoreManifest: true, isRoot: true, root, type: 'core'})
  await plugin.load()
  return JSON.stringify(plugin.manifest, null, 2) + '\n'
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  writeFileSync(`${root}oclif.manifest.json`, await buildManifest(root))
}
