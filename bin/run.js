#!/usr/bin/env node
// oclif's entry point, required rather than imported: @oclif/core is CommonJS, and require()
// spares Node's scan of it for ES-module exports (measured: about 10 ms of every start).
// No user plugins: oclif would read them from <KT_DATA_DIR>/package.json, the store's directory.
import {createRequire} from 'node:module'
import {fileURLToPath} from 'node:url'

const {execute} = createRequire(import.meta.url)('@oclif/core/execute')
await execute({loadOptions: {root: fileURLToPath(import.meta.url), userPlugins: false}})
