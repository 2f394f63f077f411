#!/usr/bin/env node
// Only oclif's entry point: the rest of @oclif/core loads as commands need it.
import {execute} from '@oclif/core/execute'

await execute({dir: import.meta.url})
