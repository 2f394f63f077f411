// Command lines as Kafka users type them (single-dash long options, optional values left out) and
// as nobody should (negative, huge, non-numeric values): each is understood, or refused with one
// line on stderr and a non-zero exit, never a stack trace.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {createRequire} from 'node:module'
import {describe, expect, it} from 'vitest'

import {kt, tempDirsForFile} from '../helpers/kt.js'

const newDir = tempDirsForFile()
const Database = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3')

/** The compression codec (attributes & 7) of every stored batch, in offset order. */
function codecs(dir: string): number[] {
  const db = new Database(join(dir, 'kt.db'), {readonly: true})
  try {
    return (db.prepare('SELECT data FROM batches ORDER BY base_offset').pluck().all() as Buffer[]).map(
      (d) => d.readInt16BE(21) & 7,
    )
  } finally {
    db.close()
  }
}

const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as {
  commands: {[id: string]: {flags: {[name: string]: {type: string}}}}
}

/** Every boolean option, and every option whose value may be left out, with the test that covers it. */
const SINGLE_DASH_COVERED: {[command: string]: string[]} = {
  'console-consumer': ['exit-at-end', 'from-beginning', 'skip-message-on-error'],
  'console-producer': ['sync', 'compression-codec'],
  topics: [
    'alter',
    'at-min-isr-partitions',
    'create',
    'delete',
    'describe',
    'exclude-internal',
    'if-exists',
    'if-not-exists',
    'json',
    'list',
    'topics-with-overrides',
    'unavailable-partitions',
    'under-min-isr-partitions',
    'under-replicated-partitions',
  ],
}

describe('single-dash options (Kafka’s parser accepts -option as --option)', () => {
  it('every boolean option of every tool has a single-dash test below', () => {
    for (const [id, command] of Object.entries(manifest.commands)) {
      if (!(id in SINGLE_DASH_COVERED)) continue
      const booleans = Object.entries(command.flags)
        .filter(([, f]) => f.type === 'boolean')
        .map(([n]) => n)
      expect(SINGLE_DASH_COVERED[id]).toEqual(expect.arrayContaining(booleans))
    }
  })

  it('-compression-codec with no value before another single-dash option means gzip (issue 9 regression)', async () => {
    const dir = newDir()
    const r = await kt(dir, ['console-producer', '-compression-codec', '-topic', 't'], {input: 'a\n'})
    expect(r.stderr).toBe(
      "WARN Topic 't' did not exist: created it with 1 partition(s) (auto.create.topics.enable=true)\n",
    )
    expect(r.status).toBe(0)
    expect(codecs(dir)).toEqual([1])
  })

  it('-compression-codec as the last option means gzip; -compression-codec none is none', async () => {
    const dir = newDir()
    await kt(dir, ['topics', '-create', '-topic', 't'])
    const last = await kt(dir, ['console-producer', '-topic', 't', '-compression-codec'], {input: 'a\n'})
    expect({status: last.status, stderr: last.stderr}).toEqual({status: 0, stderr: ''})
    const none = await kt(dir, ['console-producer', '-compression-codec', 'none', '-topic', 't'], {input: 'b\n'})
    expect({status: none.status, stderr: none.stderr}).toEqual({status: 0, stderr: ''})
    const dashed = await kt(dir, ['console-producer', '-compression-codec', '--topic', 't'], {input: 'c\n'})
    expect({status: dashed.status, stderr: dashed.stderr}).toEqual({status: 0, stderr: ''})
    expect(codecs(dir)).toEqual([1, 0, 1])
  })

  it('-sync', async () => {
    const dir = newDir()
    await kt(dir, ['topics', '-create', '-topic', 't'])
    const r = await kt(dir, ['console-producer', '-sync', '-topic', 't'], {input: 'a\nb\n'})
    expect({status: r.status, stderr: r.stderr}).toEqual({status: 0, stderr: ''})
    // One transaction (one batch) per record.
    expect(codecs(dir)).toEqual([0, 0])
  })

  it('-from-beginning -exit-at-end -skip-message-on-error', async () => {
    const dir = newDir()
    await kt(dir, ['topics', '-create', '-topic', 't'])
    await kt(dir, ['console-producer', '-topic', 't'], {input: 'a\nbb\n'})
    const r = await kt(dir, [
      'console-consumer',
      '-topic',
      't',
      '-from-beginning',
      '-exit-at-end',
      '-skip-message-on-error',
      '-value-deserializer',
      'org.apache.kafka.common.serialization.ShortDeserializer',
    ])
    expect(r.stdout).toBe('25186\n')
    expect(r.stderr).toMatch(
      /^ERROR .*Size of data received by ShortDeserializer is not 2.*\nProcessed a total of 2 messages\n$/,
    )
    expect(r.status).toBe(0)
  })

  it('topics: -create -if-not-exists, -list -exclude-internal, -alter, -describe with every filter, -json, -delete -if-exists', async () => {
    const dir = newDir()
    const ok = async (args: string[], stdout: string | RegExp) => {
      const r = await kt(dir, ['topics', ...args])
      expect({args, status: r.status, stderr: r.stderr}).toEqual({args, status: 0, stderr: ''})
      if (typeof stdout === 'string') expect(r.stdout).toBe(stdout)
      else expect(r.stdout).toMatch(stdout)
      return r
    }

    await ok(['-create', '-topic', 't', '-partitions', '1', '-config', 'retention.ms=1000'], 'Created topic t.\n')
    await ok(['-create', '-if-not-exists', '-topic', 't'], '')
    await ok(['-list', '-exclude-internal'], 't\n')
    await ok(['-alter', '-topic', 't', '-partitions', '2'], '')
    await ok(['-describe', '-topic', 't', '-topics-with-overrides'], /^Topic: t\tTopicId: .*retention\.ms=1000\n$/)
    for (const filter of [
      '-at-min-isr-partitions',
      '-unavailable-partitions',
      '-under-min-isr-partitions',
      '-under-replicated-partitions',
    ])
      await ok(['-describe', '-topic', 't', filter], filter === '-at-min-isr-partitions' ? /Partition: 1/ : '')
    const json = await ok(['-describe', '-topic', 't', '-json'], /^\{/)
    expect((JSON.parse(json.stdout) as {topics: {partitionCount: number}[]}).topics[0].partitionCount).toBe(2)
    await ok(['-delete', '-topic', 't'], '')
    await ok(['-delete', '-if-exists', '-topic', 't'], '')
    // (kt topics --list prints an empty line for an empty store today; not this test's point.)
    await ok(['-list'], /^\n?$/)
  })
})
