// @oclif/core is CommonJS. Imported from ES modules, Node runs its cjs-module-lexer over every
// entry file to find named exports; loading them with require() instead saves about 10 ms of
// every kt start (measured). Commands take Command, Flags and Errors from here.
import {createRequire} from 'node:module'

const require = createRequire(import.meta.url)

export const {Command} = require('@oclif/core/command') as typeof import('@oclif/core/command')
export const Flags = require('@oclif/core/flags') as typeof import('@oclif/core/flags')
export const Errors = require('@oclif/core/errors') as typeof import('@oclif/core/errors')
export type {Interfaces} from '@oclif/core'
