// Behaviour that only shows on a terminal, run under util-linux `script` (a pseudo-terminal):
// the producer's `>` prompt, the live progress line, and colour in kt topics.
import {execFileSync, spawnSync} from 'node:child_process'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {BIN, kt, tempDataDir} from '../helpers/kt.js'

const hasScript = spawnSync('script', ['--version']).status === 0

/** Runs a shell command line inside a pseudo-terminal; returns what the terminal showed. */
function onTerminal(dataDir: string, commandLine: string, input: string, env: Record<string, string> = {}): string {
  const r = spawnSync('script', ['-q', '-E', 'never', '-c', commandLine, '/dev/null'], {
    encoding: 'utf8',
    env: {...process.env, KT_DATA_DIR: dataDir, ...env},
    input,
    timeout: 20_000,
  })
  return r.stdout
}

describe.skipIf(!hasScript)('on a terminal', () => {
  let dir: string
  let cleanup: () => void
  beforeEach(() => ({dir, cleanup} = tempDataDir()))
  afterEach(() => cleanup())

  it('console-producer prompts with > before each line, and the lines are stored', async () => {
    execFileSync(process.execPath, [BIN, 'topics', '--create', '--topic', 'tty'], {
      env: {...process.env, KT_DATA_DIR: dir},
    })
    // The terminal hands the program one line per read, as typing does; \x04 is Ctrl-D (end of input).
    const screen = onTerminal(dir, `node ${BIN} console-producer --topic tty`, 'hello\nworld\n\u0004')
    expect(screen.replaceAll('\r', '')).toBe('>>>')
    const read = await kt(dir, ['console-consumer', '--topic', 'tty', '--from-beginning', '--exit-at-end'])
    expect(read.stdout).toBe('hello\nworld\n')
  })

  it('console-producer shows no prompt when its input is piped', async () => {
    const screen = onTerminal(dir, `printf 'a\\nb\\n' | node ${BIN} console-producer --topic piped 2>/dev/null`, '')
    expect(screen).toBe('')
  })

  it('a piped input of more than a second shows a live progress line on a terminal stderr, cleared at the end', () => {
    const screen = onTerminal(
      dir,
      `(seq 1 200000; sleep 1.3; seq 1 1000) | node ${BIN} console-producer --topic progress`,
      '',
    )
    expect(screen).toMatch(/\r\u001B\[K[^\r]*\d[\d,]* records {2}[\d.]+ MB {2}[\d,]+ records\/s/)
    expect(screen.endsWith('\r\u001B[K')).toBe(true)
  })

  it('kt topics --describe colours its labels on a terminal, and not with NO_COLOR', () => {
    execFileSync(process.execPath, [BIN, 'topics', '--create', '--topic', 'c'], {
      env: {...process.env, KT_DATA_DIR: dir},
    })
    const coloured = onTerminal(dir, `node ${BIN} topics --describe --topic c`, '', {NO_COLOR: ''})
    expect(coloured).toContain('\u001B[2mTopic:\u001B[22m')
    const plain = onTerminal(dir, `node ${BIN} topics --describe --topic c`, '', {NO_COLOR: '1'})
    expect(plain).not.toContain('\u001B[')
    expect(plain.replaceAll('\r', '')).toMatch(
      /^Topic: c\tTopicId: [\w-]{22}\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: \n/,
    )
  })
})
