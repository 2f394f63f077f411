#!/usr/bin/env node
// oclif's entry point, required rather than imported: @oclif/core is CommonJS, and require()
// spares Node's scan of it for ES-module exports (measured: about 10 ms of every start).
import {createRequire} from 'node:module'

const {execute} = createRequire(import.meta.url)('@oclif/core/execute')
await execute({dir: import.meta.url})
