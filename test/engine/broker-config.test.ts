import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {brokerConfigFrom, loadBrokerConfig} from '../../src/engine/broker-config.js'
import {TOPIC_CONFIGS} from '../../src/engine/configs.js'

const props = (o: Record<string, string>) => new Map(Object.entries(o))

function messageOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    return (error as Error).message
  }

  throw new Error('expected an error')
}

describe('brokerConfigFrom defaults (kafka-cli.md §8.1)', () => {
  const c = brokerConfigFrom(new Map())

  it('has Kafka’s broker defaults', () => {
    expect(c.nodeId).toBe(1)
    expect(c.numPartitions).toBe(1)
    expect(c.defaultReplicationFactor).toBe(1)
    expect(c.autoCreateTopics).toBe(true)
    expect(c.deleteTopicEnable).toBe(true)
    expect(c.retentionCheckIntervalMs).toBe(300_000)
    expect(c.groupMinSessionTimeoutMs).toBe(6000)
    expect(c.groupMaxSessionTimeoutMs).toBe(1_800_000)
    expect(c.offsetsRetentionMs).toBe(10_080 * 60_000)
    expect(c.ignored).toEqual([])
  })

  it('topic defaults are the catalogue defaults', () => {
    expect(c.topicDefaults.get('retention.ms')).toBe('604800000')
    expect(c.topicDefaults.get('cleanup.policy')).toBe('delete')
    expect(c.topicDefaults.get('max.message.bytes')).toBe('1048588')
    expect(c.topicDefaults.get('message.timestamp.type')).toBe('CreateTime')
    expect([...c.topicDefaults.keys()].sort()).toEqual([...TOPIC_CONFIGS.keys()].sort())
  })
})

describe('brokerConfigFrom settings', () => {
  it('reads typed broker settings, trimmed', () => {
    const c = brokerConfigFrom(
      props({
        'auto.create.topics.enable': 'false',
        'delete.topic.enable': 'FALSE',
        'log.retention.check.interval.ms': '1000',
        'num.partitions': ' 3 ',
        'offsets.retention.minutes': '2',
      }),
    )
    expect(c.numPartitions).toBe(3)
    expect(c.autoCreateTopics).toBe(false)
    expect(c.deleteTopicEnable).toBe(false)
    expect(c.retentionCheckIntervalMs).toBe(1000)
    expect(c.offsetsRetentionMs).toBe(120_000)
  })

  it('node.id wins over broker.id; broker.id is used when node.id is absent', () => {
    expect(brokerConfigFrom(props({'broker.id': '7', 'node.id': '3'})).nodeId).toBe(3)
    expect(brokerConfigFrom(props({'broker.id': '7'})).nodeId).toBe(7)
  })

  it('log.retention.hours sets the retention.ms default', () => {
    expect(brokerConfigFrom(props({'log.retention.hours': '1'})).topicDefaults.get('retention.ms')).toBe('3600000')
  })

  it('log.retention.minutes wins over log.retention.hours', () => {
    const c = brokerConfigFrom(props({'log.retention.hours': '1', 'log.retention.minutes': '5'}))
    expect(c.topicDefaults.get('retention.ms')).toBe('300000')
  })

  it('log.retention.ms wins over minutes and hours', () => {
    const c = brokerConfigFrom(
      props({'log.retention.hours': '1', 'log.retention.minutes': '5', 'log.retention.ms': '42'}),
    )
    expect(c.topicDefaults.get('retention.ms')).toBe('42')
  })

  it('negative retention hours mean unlimited (-1)', () => {
    expect(brokerConfigFrom(props({'log.retention.hours': '-1'})).topicDefaults.get('retention.ms')).toBe('-1')
    expect(brokerConfigFrom(props({'log.retention.ms': '-1'})).topicDefaults.get('retention.ms')).toBe('-1')
  })

  it('other broker synonyms supply topic defaults', () => {
    const c = brokerConfigFrom(
      props({
        'log.cleanup.policy': 'compact',
        'log.message.timestamp.type': 'LogAppendTime',
        'log.retention.bytes': '1000',
        'log.roll.hours': '2',
        'message.max.bytes': '2000000',
      }),
    )
    expect(c.topicDefaults.get('cleanup.policy')).toBe('compact')
    expect(c.topicDefaults.get('message.timestamp.type')).toBe('LogAppendTime')
    expect(c.topicDefaults.get('retention.bytes')).toBe('1000')
    expect(c.topicDefaults.get('segment.ms')).toBe('7200000')
    expect(c.topicDefaults.get('max.message.bytes')).toBe('2000000')
    expect(c.ignored).toEqual([])
  })

  it('lists, sorted, the settings kt does not use', () => {
    const c = brokerConfigFrom(
      props({
        'controller.quorum.voters': '1@localhost:9093',
        listeners: 'PLAINTEXT://:9092',
        'log.retention.hours': '168',
        'num.partitions': '1',
        'process.roles': 'broker,controller',
      }),
    )
    expect(c.ignored).toEqual(['controller.quorum.voters', 'listeners', 'process.roles'])
  })

  it('does not validate settings it ignores', () => {
    expect(brokerConfigFrom(props({'num.network.threads': 'lots'})).ignored).toEqual(['num.network.threads'])
  })
})

describe('brokerConfigFrom errors name the file, the setting and the value', () => {
  it('a non-number for an INT setting', () => {
    expect(messageOf(() => brokerConfigFrom(props({'num.partitions': 'abc'})))).toBe(
      'server.properties: Invalid value abc for configuration num.partitions: Not a number of type INT',
    )
  })

  it('below a setting’s minimum', () => {
    const m = messageOf(() => brokerConfigFrom(props({'num.partitions': '0'})))
    expect(m).toMatch(/^server\.properties: /)
    expect(m).toContain('num.partitions')
    expect(m).toContain('Invalid value 0')
    expect(m).toContain('Value must be at least 1')
  })

  it('a bad boolean', () => {
    expect(messageOf(() => brokerConfigFrom(props({'auto.create.topics.enable': 'yes'})))).toBe(
      'server.properties: Invalid value yes for configuration auto.create.topics.enable: Expected value to be either true or false',
    )
  })

  it('a bad topic-default synonym', () => {
    expect(messageOf(() => brokerConfigFrom(props({'log.retention.hours': 'a week'})))).toBe(
      'server.properties: Invalid value a week for configuration log.retention.hours: Not a number of type LONG',
    )
    expect(messageOf(() => brokerConfigFrom(props({'log.cleanup.policy': 'archive'})))).toBe(
      'server.properties: Invalid value archive for configuration log.cleanup.policy: String must be one of: compact, delete',
    )
  })

  it('uses the source it is given', () => {
    const err = (() => {
      try {
        brokerConfigFrom(props({'num.partitions': 'x'}), '/data/server.properties')
      } catch (error) {
        return error as {code: string; message: string}
      }
    })()
    expect(err?.code).toBe('INVALID_CONFIG')
    expect(err?.message).toMatch(/^\/data\/server\.properties: Invalid value x for configuration num\.partitions/)
  })
})

describe('loadBrokerConfig', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, {force: true, recursive: true})
  })
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'kt-broker-config-'))
    dirs.push(d)
    return d
  }

  it('uses the defaults when there is no server.properties', () => {
    const c = loadBrokerConfig(tempDir())
    expect(c.numPartitions).toBe(1)
    expect(c.ignored).toEqual([])
  })

  it('reads <data-dir>/server.properties in Java properties syntax', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'server.properties'), '# kt\nnum.partitions = 4\nlog.retention.minutes:10\nlisteners=x\n')
    const c = loadBrokerConfig(dir)
    expect(c.numPartitions).toBe(4)
    expect(c.topicDefaults.get('retention.ms')).toBe('600000')
    expect(c.ignored).toEqual(['listeners'])
  })

  it('a malformed value names the file path', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'server.properties'), 'num.partitions=many\n')
    expect(messageOf(() => loadBrokerConfig(dir))).toBe(
      `${join(dir, 'server.properties')}: Invalid value many for configuration num.partitions: Not a number of type INT`,
    )
  })
})
