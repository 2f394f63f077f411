// Bundles each command (src/commands/*.ts) with the project code it imports into one file in the
// build directory, replacing tsc's per-module output for the entry points. Loading one module
// instead of ~30 saves about 13 ms of Node's ESM loader on every kt invocation (measured);
// packages in node_modules stay external. The checkpoint worker (a worker thread's script) is an
// entry of its own, lib/checkpoint-worker.js; the command bundles are told its path relative to
// themselves, so nothing searches the file system for it at run time.
import {build} from 'esbuild'
import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

/** The worker bundle, in the build directory. */
export const CHECKPOINT_WORKER = 'checkpoint-worker.js'
/** Its path as seen from a command bundle in <build>/commands/. */
export const CHECKPOINT_WORKER_FROM_COMMANDS = `../${CHECKPOINT_WORKER}`

export async function bundle(root, out) {
  const entryPoints = readdirSync(join(root, 'src', 'commands'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(root, 'src', 'commands', f))
  const common = {
    bundle: true,
    format: 'esm',
    logLevel: 'warning',
    packages: 'external',
    platform: 'node',
    target: 'node20',
  }
  await build({
    ...common,
    define: {KT_CHECKPOINT_WORKER: JSON.stringify(CHECKPOINT_WORKER_FROM_COMMANDS)},
    entryPoints,
    outdir: join(out, 'commands'),
  })
  await build({
    ...common,
    entryPoints: [join(root, 'src', 'engine', 'db', 'checkpoint-worker.ts')],
    outfile: join(out, CHECKPOINT_WORKER),
  })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  await bundle(root, join(root, process.argv[2] ?? 'lib'))
}
