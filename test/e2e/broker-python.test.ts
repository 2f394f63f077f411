// kt broker with Debian's Python clients as the oracle: kafka-python 2.0.2 (its own old
// versions: ApiVersions 0, Metadata 1, Produce 7, Fetch 4, JoinGroup 2) and confluent-kafka 1.7
// (librdkafka 2.0.2). Each script produces, consumes in a group with commits and uses the admin
// client. Skips when the packages are missing (apt-get install python3-kafka python3-confluent-kafka).
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {tempDirsForFile} from '../helpers/kt.js'
import {
  HAS_CONFLUENT_KAFKA,
  HAS_KAFKA_PYTHON,
  negotiated,
  PYTHON,
  run,
  type RunningBroker,
  startBroker,
} from '../server/broker-process.js'

const newDir = tempDirsForFile()
const script = (name: string) => fileURLToPath(new URL(`../server/python/${name}`, import.meta.url))
const settle = () => new Promise((r) => setTimeout(r, 300))

describe.skipIf(!HAS_KAFKA_PYTHON && !HAS_CONFLUENT_KAFKA)('kt broker with Python clients', () => {
  let dir: string
  let broker: RunningBroker

  beforeAll(async () => {
    dir = newDir()
    broker = await startBroker(dir)
  })

  afterAll(async () => {
    await broker?.stop()
  })

  it.skipIf(!HAS_KAFKA_PYTHON)(
    'kafka-python: producer, group consumer with commits, admin (skipped without apt-get install python3-kafka)',
    async () => {
      const r = run(PYTHON, [script('kafka_python_roundtrip.py'), `127.0.0.1:${broker.port}`], undefined, 90_000)
      expect(r.stderr).toBe('')
      const out = JSON.parse(r.stdout) as Record<string, unknown>
      expect(out.values).toEqual([
        [0, 0, 'k0', 'v0', '0001'],
        [0, 1, 'k3', 'v3', '0001'],
        [1, 0, 'k1', 'v1', '0001'],
        [1, 1, 'k4', 'v4', '0001'],
        [2, 0, 'k2', 'v2', '0001'],
        [2, 1, 'k5', 'v5', '0001'],
      ])
      expect(out.committed).toEqual({0: 2, 1: 2, 2: 2})
      expect(out.offsets).toEqual({0: 2, 1: 2, 2: 2})
      expect(out.groups).toContain('kpy-group')
      expect(out.topics_after).not.toContain('kpy')
      await settle()
      const versions = negotiated(broker.stderr(), /^kpy-/)
      expect(versions.get('Produce')).toBe(7)
      expect(versions.get('Fetch')).toBe(4)
      expect(versions.get('JoinGroup')).toBe(2)
      expect(versions.get('OffsetCommit')).toBe(2)
    },
  )

  it.skipIf(!HAS_CONFLUENT_KAFKA)(
    'confluent-kafka: lz4 producer, group consumer with commits, admin (skipped without apt-get install python3-confluent-kafka)',
    async () => {
      const r = run(PYTHON, [script('confluent_roundtrip.py'), `127.0.0.1:${broker.port}`], undefined, 90_000)
      const out = JSON.parse(r.stdout) as Record<string, unknown>
      expect(out.values).toEqual([
        [0, 0, 'k0', 'v0'],
        [0, 1, 'k3', 'v3'],
        [1, 0, 'k1', 'v1'],
        [1, 1, 'k4', 'v4'],
        [2, 0, 'k2', 'v2'],
        [2, 1, 'k5', 'v5'],
      ])
      expect(out.committed).toEqual({0: 2, 1: 2, 2: 2})
      expect(out.groups).toContain('ck-group')
      expect(out.topics_after).not.toContain('ck')
      expect(r.status).toBe(0)
    },
  )
})
