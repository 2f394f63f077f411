// Rendering cases that a real group cannot be held in long enough for an e2e test: the
// rebalancing message, several topics in one ASSIGNMENT, long member ids in the offsets view.
import {describe, expect, it} from 'vitest'

import {assignmentText, renderDescribeTable, stateMessage} from '../../src/cli/output/consumer-groups.js'
import type {GroupDescription} from '../../src/engine/index.js'

const coordinator = {location: '/data/kt.db', nodeId: 1}

function group(state: GroupDescription['state']): GroupDescription {
  const id = 'console-consumer-5b1e0f4a-8c2d-4e3f-9a1b-2c3d4e5f6a7b'
  return {
    assignor: 'range',
    groupId: 'my-group',
    members: [
      {
        assignment: [
          {partition: 0, topic: 'orders'},
          {partition: 1, topic: 'orders'},
        ],
        clientId: 'console-consumer',
        host: '/127.0.0.1',
        memberId: id,
      },
    ],
    offsets: [
      {
        clientId: 'console-consumer',
        currentOffset: 5,
        host: '/127.0.0.1',
        lag: 3,
        logEndOffset: 8,
        memberId: id,
        partition: 0,
        topic: 'orders',
      },
      {
        clientId: 'console-consumer',
        currentOffset: null,
        host: '/127.0.0.1',
        lag: null,
        logEndOffset: 4,
        memberId: id,
        partition: 1,
        topic: 'orders',
      },
    ],
    state,
  }
}

describe('stateMessage', () => {
  it('uses Kafka’s words for each state', () => {
    expect(stateMessage(group('PreparingRebalance'))).toEqual({
      error: false,
      text: "\nWarning: Consumer group 'my-group' is rebalancing.\n",
    })
    expect(stateMessage(group('CompletingRebalance'))).toEqual({
      error: false,
      text: "\nWarning: Consumer group 'my-group' is rebalancing.\n",
    })
    expect(stateMessage(group('Stable'))).toBeUndefined()
    expect(stateMessage(group('Dead'))?.error).toBe(true)
  })
})

describe('renderDescribeTable', () => {
  it('matches the reference layout of the offsets view (kafka-cli.md §5.4.1)', () => {
    expect(renderDescribeTable(group('Stable'), 'offsets', false, coordinator)).toBe(
      '\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                                           HOST            CLIENT-ID\n' +
        'my-group        orders          0          5               8               3               console-consumer-5b1e0f4a-8c2d-4e3f-9a1b-2c3d4e5f6a7b /127.0.0.1      console-consumer\n' +
        'my-group        orders          1          -               4               -               console-consumer-5b1e0f4a-8c2d-4e3f-9a1b-2c3d4e5f6a7b /127.0.0.1      console-consumer\n',
    )
  })

  it('matches the reference layout of --members --verbose and the 4.x --state view', () => {
    expect(renderDescribeTable(group('Stable'), 'members', true, coordinator)).toBe(
      '\nGROUP           CONSUMER-ID                                           HOST            CLIENT-ID        #PARTITIONS     ASSIGNMENT\n' +
        'my-group        console-consumer-5b1e0f4a-8c2d-4e3f-9a1b-2c3d4e5f6a7b /127.0.0.1      console-consumer 2               orders(0,1)\n',
    )
    expect(renderDescribeTable(group('Stable'), 'state', false, {location: 'localhost:9092', nodeId: 1})).toBe(
      '\nGROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                #MEMBERS\n' +
        'my-group        localhost:9092  (1)       range                Stable               1\n',
    )
  })
})

describe('assignmentText', () => {
  it('sorts topics by name and partitions numerically (3.7’s form)', () => {
    expect(
      assignmentText([
        {partition: 10, topic: 'payments'},
        {partition: 2, topic: 'payments'},
        {partition: 1, topic: 'orders'},
      ]),
    ).toBe('orders(1), payments(2,10)')
    expect(assignmentText([])).toBe('-')
  })
})
