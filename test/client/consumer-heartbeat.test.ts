// A group member whose heartbeat fails stops with an error naming the member, the group and the
// cause (issue 9: heartbeat errors used to be swallowed, so the member read on after the group
// had given its partitions to others).
import {afterEach, describe, expect, it} from 'vitest'

import {Consumer, type ConsumerSettings} from '../../src/client/consumer.js'
import {type Broker, KtError, openBroker} from '../../src/engine/index.js'
import {tempDir} from '../engine/support.js'

const settings: ConsumerSettings = {
  allowAutoCreateTopics: true,
  assignor: 'range',
  autoCommitIntervalMs: 5000,
  autoOffsetReset: 'earliest',
  clientHost: '/127.0.0.1',
  clientId: 'console-consumer',
  enableAutoCommit: true,
  groupId: 'g',
  heartbeatIntervalMs: 20,
  maxPartitionFetchBytes: 1_048_576,
  metadataMaxAgeMs: 1000,
  processId: 1,
  sessionTimeoutMs: 45_000,
}

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

/** The embedded broker, with heartbeats failing once `failing` is set. */
async function brokerWithFailingHeartbeat(): Promise<{broker: Broker; fail: (error: Error) => void}> {
  const {cleanup, dir} = tempDir()
  const real = await openBroker(dir)
  cleanups.push(cleanup, () => real.close())
  let failure: Error | undefined
  const broker = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === 'heartbeat' && failure) return () => Promise.reject(failure)
      const value = Reflect.get(target, prop, receiver) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return {broker, fail: (error) => (failure = error)}
}

describe('heartbeat failures', () => {
  it('a heartbeat failing in the background stops the consumer at its next poll, saying why', async () => {
    const {broker, fail} = await brokerWithFailingHeartbeat()
    await broker.createTopic({name: 't', partitions: 1})
    const consumer = new Consumer(broker, settings, {kind: 'topics', topics: ['t']})
    await consumer.open()
    expect(await consumer.poll()).toBeUndefined()
    fail(new KtError('KAFKA_STORAGE_ERROR', 'disk I/O error'))
    // The background timer heartbeats while the caller is busy elsewhere (a slow stdout).
    await new Promise((resolve) => setTimeout(resolve, 100))
    await expect(consumer.poll()).rejects.toThrow(
      /^Heartbeat of member console-consumer-[0-9a-f-]{36} in group 'g' failed: disk I\/O error$/,
    )
    await expect(consumer.maintain()).rejects.toThrow(/failed: disk I\/O error/)
    await consumer.close()
  })

  it('an expired member (UNKNOWN_MEMBER_ID) is not a failure: it joins again', async () => {
    const {broker, fail} = await brokerWithFailingHeartbeat()
    await broker.createTopic({name: 't', partitions: 1})
    const consumer = new Consumer(broker, settings, {kind: 'topics', topics: ['t']})
    await consumer.open()
    fail(new KtError('UNKNOWN_MEMBER_ID', 'gone'))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await consumer.poll()).toBeUndefined()
    await consumer.close()
  })
})
