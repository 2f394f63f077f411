// A group's committed offsets go with the topic: deleting a topic and creating it again must not
// leave the group reading the new topic from an offset committed on the old one (Kafka's group
// coordinator deletes the offsets of deleted partitions).
import {describe, expect, test} from 'vitest'

import {kt, tempDirsForFile} from '../helpers/kt.js'

const store = tempDirsForFile()

describe('topics --delete and a group’s committed offsets', () => {
  test('a topic created again is read by the group from auto.offset.reset, not from the old commit', async () => {
    const dir = store()
    const ok = (r: {status: number | null}) => expect(r.status).toBe(0)
    ok(await kt(dir, ['topics', '--create', '--topic', 't', '--partitions', '1']))
    ok(await kt(dir, ['console-producer', '--topic', 't'], {input: 'old-1\nold-2\nold-3\n'}))
    // The group commits offset 1 on the old topic.
    const first = await kt(dir, [
      'console-consumer',
      '--topic',
      't',
      '--group',
      'g',
      '--from-beginning',
      '--max-messages',
      '1',
    ])
    expect({status: first.status, stdout: first.stdout}).toEqual({status: 0, stdout: 'old-1\n'})
    ok(await kt(dir, ['topics', '--delete', '--topic', 't']))
    ok(await kt(dir, ['topics', '--create', '--topic', 't', '--partitions', '1']))
    ok(await kt(dir, ['console-producer', '--topic', 't'], {input: 'new-1\nnew-2\n'}))
    const again = await kt(dir, [
      'console-consumer',
      '--topic',
      't',
      '--group',
      'g',
      '--from-beginning',
      '--exit-at-end',
    ])
    expect({status: again.status, stderr: again.stderr, stdout: again.stdout}).toEqual({
      status: 0,
      stderr: 'Processed a total of 2 messages\n',
      stdout: 'new-1\nnew-2\n',
    })
  })
})
