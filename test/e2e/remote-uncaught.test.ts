// A Kafka client library that throws inside its own callback ends the process with Node's stack
// trace unless kt catches it: @platformatic/kafka's describeGroups decoder did, on a Stable group
// whose member has metadata but an empty assignment. The broker here is the in-process kt
// broker with its DescribeGroups answer replaced by that reply.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {StoreBroker} from '../../src/engine/index.js'
import {encodeSubscription} from '../../src/protocol/consumer-protocol.js'
import type {Handler} from '../../src/server/context.js'
import {HANDLERS, type HandlerEntry} from '../../src/server/handlers/index.js'
import type {KafkaServer} from '../../src/server/server.js'
import {startInProcessServer} from '../server/in-process-server.js'
import {kt, tempDirsForFile} from '../helpers/kt.js'

const newDir = tempDirsForFile()
const DESCRIBE_GROUPS = 15
let broker: StoreBroker
let server: KafkaServer
let port: number
let original: HandlerEntry

beforeAll(async () => {
  ;({broker, port, server} = await startInProcessServer(newDir()))
  original = HANDLERS.get(DESCRIBE_GROUPS)!
  const unexpected: Handler = async () => ({
    groups: [
      {
        errorCode: 0,
        groupId: 'g',
        groupState: 'Stable',
        members: [
          {
            clientHost: '/127.0.0.1',
            clientId: 'c',
            groupInstanceId: null,
            memberAssignment: Buffer.alloc(0),
            memberId: 'c-1',
            memberMetadata: encodeSubscription({topics: ['t']} as never, 0),
          },
        ],
        protocolData: 'range',
        protocolType: 'consumer',
      },
    ],
    throttleTimeMs: 0,
  })
  ;(HANDLERS as Map<number, HandlerEntry>).set(DESCRIBE_GROUPS, {...original, handler: unexpected})
})

afterAll(async () => {
  ;(HANDLERS as Map<number, HandlerEntry>).set(DESCRIBE_GROUPS, original)
  await server.stop()
  await broker.close()
})

describe('an exception a client library throws in its own callback', () => {
  it('is one error line and exit 1, not a Node stack trace', async () => {
    const r = await kt(newDir(), [
      'consumer-groups',
      '--bootstrap-server',
      `127.0.0.1:${port}`,
      '--describe',
      '--group',
      'g',
    ])
    expect({status: r.status, stderr: r.stderr, stdout: r.stdout}).toEqual({
      status: 1,
      stderr: 'kt: internal error: Out of bounds.\n(run with DEBUG=kt to see the stack trace)\n',
      stdout: '',
    })
  })
})
