// Bundles each command (src/commands/*.ts) with the project code it imports into one file in the
// build directory, replacing tsc's per-module output for the entry points. Loading one module
// instead of ~30 saves about 13 ms of Node's ESM loader on every kt invocation (measured);
// packages in node_modules stay external. The checkpoint worker (a worker thread's script) is an
// entry of its own, lib/checkpoint-worker.js; the command bundles are told its path relative to
// themselves, so nothing searches the file system for it at run time.
//
// The one package that is bundled is the Kafka client (@platformatic/kafka), into lib/kafka.js,
// which only --bootstrap-server loads (src/remote/index.ts imports it dynamically; the command
// bundles are pointed at lib/kafka.js instead of the package). Imported from node_modules it cost
// ~600 ms of a ~800 ms `topics --list --bootstrap-server` (quiet VM): ~175 ES modules and ~160
// CommonJS files to resolve, read and compile, and, the larger half, ajv compiling the library's
// ~40 option-schema validators at import (its meta-schema first). kt turns the library's option
// validation off (strict: false), so those validators never run: the bundle compiles each one on
// its first call instead. One file with the validators deferred imports in about an eighth of the
// CPU time (120 ms vs 1030 ms in one loaded run; in another, bundling alone took 0.6 of the
// import's wall time, deferring alone 0.5, both 0.14).
import {build} from 'esbuild'
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

/** The worker bundle, in the build directory. */
export const CHECKPOINT_WORKER = 'checkpoint-worker.js'
/** Its path as seen from a command bundle in <build>/commands/. */
export const CHECKPOINT_WORKER_FROM_COMMANDS = `../${CHECKPOINT_WORKER}`
/** The Kafka client bundle, in the build directory, and its path from a command bundle. */
export const KAFKA_CLIENT = 'kafka.js'
export const KAFKA_CLIENT_FROM_COMMANDS = `../${KAFKA_CLIENT}`
/** Where the bundled packages' licence texts are collected, next to the bundle. */
export const KAFKA_CLIENT_LICENSES = 'kafka.js.LICENSES.txt'

const KAFKA = '@platformatic/kafka'

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
    plugins: [kafkaClientChunk],
  })
  await build({
    ...common,
    entryPoints: [join(root, 'src', 'engine', 'db', 'checkpoint-worker.ts')],
    outfile: join(out, CHECKPOINT_WORKER),
  })
  await bundleKafkaClient(root, out)
}

/**
 * In the command bundles, the dynamic import of the Kafka client (src/remote/index.ts) loads
 * lib/kafka.js; type-only imports of the package are erased before this sees them.
 */
const kafkaClientChunk = {
  name: 'kafka-client-chunk',
  setup(build) {
    build.onResolve({filter: /^@platformatic\/kafka$/}, (args) => {
      if (args.kind !== 'dynamic-import')
        throw new Error(`${args.importer}: import ${KAFKA} dynamically, so that only --bootstrap-server loads it`)
      return {external: true, path: KAFKA_CLIENT_FROM_COMMANDS}
    })
  },
}

/**
 * lib/kafka.js: @platformatic/kafka with its dependencies inlined, and its ajv validators
 * compiled on first use. The bundle is an ES module; the CommonJS dependencies' require()s of
 * Node's built-ins go through a require made for the bundle's own location (the library's
 * optional native crc32c, @node-rs/crc32, resolves from there too: kt depends on it itself).
 */
async function bundleKafkaClient(root, out) {
  const result = await build({
    bundle: true,
    banner: {
      js: "import {createRequire as __ktCreateRequire} from 'node:module';\nconst require = __ktCreateRequire(import.meta.url);",
    },
    format: 'esm',
    // Class and function names as in the package: its errors print as UserError, not _UserError.
    keepNames: true,
    legalComments: 'eof',
    logLevel: 'warning',
    metafile: true,
    outfile: join(out, KAFKA_CLIENT),
    platform: 'node',
    plugins: [wasmUtilsBundled, lazyValidators],
    stdin: {contents: `export * from '${KAFKA}'`, loader: 'js', resolveDir: root, sourcefile: 'kafka-client.js'},
    target: 'node20',
  })
  writeFileSync(join(out, KAFKA_CLIENT_LICENSES), licenses(Object.keys(result.metafile.inputs), root))
}

/**
 * @platformatic/wasm-utils reads its .wasm file next to its own module, which a bundle moves; the
 * package's own "./bundled" export carries the same module inline (base64) for bundlers.
 */
const wasmUtilsBundled = {
  name: 'wasm-utils-bundled',
  setup(build) {
    build.onResolve({filter: /^@platformatic\/wasm-utils$/}, (args) =>
      build.resolve('@platformatic/wasm-utils/bundled', {kind: args.kind, resolveDir: args.resolveDir}),
    )
  },
}

/**
 * The library makes one ajv instance (dist/utils.js) and, at import, compiles every option
 * schema with it (dist/clients/*\/options.js). Right after the instance is made, its compile is
 * replaced by one that returns a validator compiling the schema on its first call; the library
 * reads nothing of a validator but its result and .errors. A library version that makes the
 * instance differently fails the build here rather than silently paying the ~400 ms again.
 */
const lazyValidators = {
  name: 'lazy-validators',
  setup(build) {
    build.onLoad({filter: /[\\/]@platformatic[\\/]kafka[\\/]dist[\\/]utils\.js$/}, (args) => {
      const source = readFileSync(args.path, 'utf8')
      const made = /^export const ajv = new Ajv2020\([^;\n]*\);$/m.exec(source)
      if (!made)
        throw new Error(`${args.path}: no "export const ajv = new Ajv2020(…);" line to defer its compiles after`)
      const at = made.index + made[0].length
      const lazy = `
{
  const compileNow = ajv.compile.bind(ajv);
  ajv.compile = function compileOnFirstUse(schema, meta) {
    let compiled;
    const validate = function (data) {
      compiled ??= compileNow(schema, meta);
      const valid = compiled(data);
      validate.errors = compiled.errors;
      return valid;
    };
    validate.errors = null;
    validate.schema = schema;
    return validate;
  };
}`
      return {contents: source.slice(0, at) + lazy + source.slice(at), loader: 'js'}
    })
  },
}

/** The licence text of every package the bundle inlines, each under its name and version. */
function licenses(inputs, root) {
  const packages = new Map()
  for (const input of inputs) {
    const m = /^(.*node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(input)
    if (m) packages.set(m[1], join(root, m[1]))
  }
  const sections = [...packages.values()].sort().map((dir) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    const file = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f))
    if (!file) throw new Error(`${dir}: no licence file to ship with ${KAFKA_CLIENT}`)
    return `${pkg.name} ${pkg.version} (${pkg.license})\n\n${readFileSync(join(dir, file), 'utf8').trim()}\n`
  })
  return `${KAFKA_CLIENT} inlines these packages from npm:\n\n${sections.join(`\n${'-'.repeat(78)}\n\n`)}`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  await bundle(root, join(root, process.argv[2] ?? 'lib'))
}
