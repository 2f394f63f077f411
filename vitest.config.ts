import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Vitest's default on a 2-core machine is one worker (cores - 1), and the e2e files spend
    // much of their time waiting on the kt processes they spawn: the whole suite took 743 s with
    // one worker and 610 s with two, all 907 tests passing both times.
    maxWorkers: 2,
    reporters: ['default', ['json', {outputFile: 'test-results.json'}]],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
