// lib/kafka.js is @platformatic/kafka bundled by scripts/bundle.js with its option validators
// compiled on first use instead of at import. kt runs the library with strict: false, so the
// remote e2e tests never call a validator: here strict: true makes the library validate, and the
// bundle must refuse exactly what the package refuses, with the same messages and error classes.
import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {describe, expect, test} from 'vitest'

import * as pkg from '@platformatic/kafka'

const BUNDLE = fileURLToPath(new URL('../../lib/kafka.js', import.meta.url))
// A closed port: nothing here may reach a broker; every call fails in validation first.
const OPTIONS = {bootstrapBrokers: ['127.0.0.1:1'], clientId: 'kt-bundle-test', strict: true}

type Lib = typeof pkg

async function outcome(run: () => unknown): Promise<string> {
  try {
    await run()
    return 'accepted'
  } catch (error) {
    const e = error as Error & {code?: string}
    return `${e.constructor.name} ${e.code}: ${e.message}`
  }
}

/** What the library says to a set of bad options, through the Admin and a Consumer. */
async function refusals(lib: Lib): Promise<string[]> {
  const out = [
    await outcome(() => new lib.Admin({...OPTIONS, retries: 'many' as unknown as number})),
    await outcome(() => new lib.Consumer({...OPTIONS, groupId: 'g', sessionTimeout: 'long' as unknown as number})),
  ]
  const admin = new lib.Admin(OPTIONS)
  out.push(
    await outcome(() => admin.createTopics({partitions: 'three' as unknown as number, topics: ['t']})),
    await outcome(() => admin.listTopics({includeInternals: 1 as unknown as boolean})),
    await outcome(() => admin.deleteGroups({groups: []})),
  )
  await admin.close()
  const consumer = new lib.Consumer({...OPTIONS, groupId: 'g'})
  out.push(await outcome(() => consumer.consume({topics: 'orders' as unknown as string[]})))
  await consumer.close()
  return out
}

describe('lib/kafka.js, the bundled Kafka client', () => {
  test('validates options as the package does, when asked to (strict: true)', async () => {
    expect(existsSync(BUNDLE), `${BUNDLE} is built by npm run build`).toBe(true)
    const bundled = (await import(BUNDLE)) as Lib
    const expected = await refusals(pkg)
    // Every call above is refused by a validator: none reaches the network.
    for (const line of expected) expect(line).toMatch(/^UserError PLT_KFK_USER: \/options/)
    expect(await refusals(bundled)).toEqual(expected)
  })

  test('exports what the package exports', async () => {
    const bundled = (await import(BUNDLE)) as Record<string, unknown>
    expect(Object.keys(bundled).sort()).toEqual(Object.keys(pkg).sort())
  })
})
