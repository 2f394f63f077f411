// Rendering of a kt broker's wire group without a real client: Kafka's GROUP-INSTANCE-ID column
// (only when some member is static; blank for the others, width at least 17), the group's own
// coordinator in --state and its JSON, and a rebalancing wire group (no assignor, no partitions).
import {describe, expect, it} from 'vitest'

import {describeJson, renderDescribeTable} from '../../src/cli/output/consumer-groups.js'
import type {GroupDescription} from '../../src/engine/index.js'

const store = {location: '/data/kt.db', nodeId: 1}

const wire = (instance?: string): GroupDescription => ({
  assignor: 'range',
  coordinator: {location: '127.0.0.1:9092', nodeId: 1},
  groupId: 'g',
  members: [
    {assignment: [{partition: 0, topic: 't'}], clientId: 'rdkafka', host: '/127.0.0.1', memberId: 'rdkafka-1'},
    {
      assignment: [],
      clientId: 'rdkafka',
      host: '/127.0.0.1',
      memberId: 'rdkafka-2',
      ...(instance === undefined ? {} : {groupInstanceId: instance}),
    },
  ],
  offsets: [],
  state: 'Stable',
})

describe('a wire group', () => {
  it('--members: no GROUP-INSTANCE-ID column without static members', () => {
    expect(renderDescribeTable(wire(), 'members', false, store)).toBe(
      '\n' +
        'GROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     \n' +
        'g               rdkafka-1       /127.0.0.1      rdkafka         1               \n' +
        'g               rdkafka-2       /127.0.0.1      rdkafka         0               \n',
    )
  })

  it('--members: GROUP-INSTANCE-ID after CONSUMER-ID when one member is static, padded to at least 17', () => {
    expect(renderDescribeTable(wire('i-1'), 'members', true, store)).toBe(
      '\n' +
        'GROUP           CONSUMER-ID     GROUP-INSTANCE-ID HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT\n' +
        'g               rdkafka-1                         /127.0.0.1      rdkafka         1               t(0)\n' +
        'g               rdkafka-2       i-1               /127.0.0.1      rdkafka         0               -\n',
    )
    const long = 'instance-id-longer-than-17'
    expect(renderDescribeTable(wire(long), 'members', false, store).split('\n')[3]).toBe(
      `g               rdkafka-2       ${long} /127.0.0.1      rdkafka         0               `,
    )
  })

  it('--state and its JSON name the kt broker as coordinator, not the store file', () => {
    expect(renderDescribeTable(wire(), 'state', false, store)).toBe(
      '\n' +
        'GROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                #MEMBERS\n' +
        'g               127.0.0.1:9092  (1)       range                Stable               2\n',
    )
    expect(describeJson([wire()], 'state', store)).toEqual({
      groups: [
        {
          assignmentStrategy: 'range',
          coordinator: {id: 1, location: '127.0.0.1:9092'},
          group: 'g',
          members: 2,
          state: 'Stable',
        },
      ],
    })
    // A group the store coordinates keeps the store as its coordinator.
    const stored: GroupDescription = {...wire(), coordinator: undefined}
    expect(renderDescribeTable(stored, 'state', false, store).split('\n')[2]).toBe(
      'g               /data/kt.db  (1)          range                Stable               2',
    )
  })

  it('a rebalancing wire group has no assignor yet: Kafka shows -', () => {
    const g: GroupDescription = {...wire(), assignor: '', state: 'PreparingRebalance'}
    expect(renderDescribeTable(g, 'state', false, store).split('\n')[2]).toBe(
      'g               127.0.0.1:9092  (1)       -                    PreparingRebalance   2',
    )
  })
})
