import tseslint from 'typescript-eslint'

// The layers of DESIGN §1 and what each may not import. Data flows one way: command → cli →
// client → Broker (engine, or remote); `kt broker` is a second front door: socket → protocol →
// server → engine. Each layer below is listed with the layers above it (which it must not know)
// and the packages that belong to another layer. Type-only imports are allowed where a layer
// names a type defined above it (the cli takes its flag types from the commands' declarations).
const TERMINAL = ['@oclif/core', 'chalk', 'cli-table3']
const SQL_DRIVER = 'better-sqlite3'
const SOCKETS = ['net', 'node:net', 'tls', 'node:tls', 'dgram', 'node:dgram']
const ENGINE_DB = '**/engine/db/**'
/** Anything of the engine but its public entry (index.ts); gitignore syntax, so the exception comes last. */
const ENGINE_INTERNALS = ['**/engine/*', '!**/engine/index.js']
const layer = (dir) => [`**/${dir}/**`, `**/${dir}/*`]

/** A no-restricted-imports block for the files of one layer. */
function restrict(files, {allowTypeImports = false, ignores = [], paths = [], patterns = []}) {
  const message = 'DESIGN §1: this layer may not import that.'
  return {
    files,
    ignores,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: paths.map((name) => ({allowTypeImports, message, name})),
          patterns: [{allowTypeImports, group: patterns, message}],
        },
      ],
    },
  }
}

export default tseslint.config(
  {ignores: ['lib/**', 'node_modules/**', 'coverage/**', '.exp/**', 'bench/.data/**']},
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_'}],
    },
  },
  {
    // The engine is the embedded broker: it never prints, never touches the process, never
    // knows the terminal (DESIGN §1).
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-globals': ['error', {message: 'The engine does not touch the process.', name: 'process'}],
    },
  },
  // The engine imports nothing above it: no terminal, no client, no front door.
  restrict(['src/engine/**/*.ts'], {
    paths: [...TERMINAL, 'node:process'],
    patterns: [...['cli', 'commands', 'client', 'remote', 'protocol', 'server'].flatMap(layer)],
  }),
  // The client works over the Broker interface: no SQL, no engine internals, no terminal.
  restrict(['src/client/**/*.ts'], {
    paths: [...TERMINAL, SQL_DRIVER],
    patterns: [ENGINE_DB, ...['cli', 'commands', 'remote', 'protocol', 'server'].flatMap(layer), ...ENGINE_INTERNALS],
  }),
  // The terminal side: no SQL, no engine internals, no sockets; chalk and cli-table3 only in
  // src/cli/output; the commands' flag declarations as types only.
  restrict(['src/cli/**/*.ts'], {
    allowTypeImports: true,
    ignores: ['src/cli/output/**', 'src/cli/broker/**'],
    paths: ['chalk', 'cli-table3', SQL_DRIVER, ...SOCKETS],
    patterns: [ENGINE_DB, ...['commands', 'protocol', 'server'].flatMap(layer), ...ENGINE_INTERNALS],
  }),
  restrict(['src/cli/output/**/*.ts'], {
    allowTypeImports: true,
    paths: [SQL_DRIVER, ...SOCKETS],
    patterns: [ENGINE_DB, ...['commands', 'protocol', 'server'].flatMap(layer), ...ENGINE_INTERNALS],
  }),
  // `kt broker`'s lifecycle (listen, signals, stop) starts the second front door: the server,
  // and nothing below it.
  restrict(['src/cli/broker/**/*.ts'], {
    allowTypeImports: true,
    paths: ['chalk', 'cli-table3', SQL_DRIVER, ...SOCKETS],
    patterns: [ENGINE_DB, ...['commands', 'protocol'].flatMap(layer), ...ENGINE_INTERNALS],
  }),
  // Commands are thin: flags, description, examples and one call into src/cli.
  restrict(['src/commands/**/*.ts'], {
    paths: ['chalk', 'cli-table3', SQL_DRIVER, ...SOCKETS],
    patterns: [...['engine', 'client', 'remote', 'protocol', 'server'].flatMap(layer)],
  }),
  // The wire codec: bytes in, bytes out; no store, no sockets, no terminal.
  restrict(['src/protocol/**/*.ts'], {
    paths: [...TERMINAL, SQL_DRIVER, ...SOCKETS],
    patterns: [ENGINE_DB, ...['cli', 'commands', 'client', 'remote', 'server'].flatMap(layer)],
  }),
  // `kt broker`: sockets, the protocol and the engine's public entry; SQL stays in the engine.
  restrict(['src/server/**/*.ts'], {
    paths: [...TERMINAL, SQL_DRIVER],
    patterns: [ENGINE_DB, ...['cli', 'commands', 'client', 'remote'].flatMap(layer), ...ENGINE_INTERNALS],
  }),
  // RemoteBroker: the Broker interface over a Kafka client library; no store, no terminal.
  restrict(['src/remote/**/*.ts'], {
    allowTypeImports: true,
    paths: [...TERMINAL, SQL_DRIVER],
    patterns: [ENGINE_DB, ...['cli', 'commands', 'client', 'protocol', 'server'].flatMap(layer), ...ENGINE_INTERNALS],
  }),
)
