// The group leader's partition assignment for the library's Consumer, by kt's assignor names:
// Kafka's RangeAssignor and RoundRobinAssignor, the same rules as the embedded coordinator's
// (members ordered by member id, topics by name). The embedded engine keeps its assignors to
// itself (src/engine/assignors.ts is not public), so the two short rules are restated here.
import type * as Kafka from '@platformatic/kafka'

type Assigner = NonNullable<Kafka.GroupOptions['partitionAssigner']>

export function assignerFor(name: string): Assigner {
  return (_current, members, topics, metadata) => {
    const ids = [...members.keys()].sort()
    const subscribed = (id: string, topic: string) => {
      const t = members.get(id)?.topics
      return t === undefined || t.includes(topic)
    }

    const result = new Map<string, Map<string, {topic: string; partitions: number[]}>>(ids.map((id) => [id, new Map()]))
    const give = (id: string, topic: string, partition: number) => {
      const mine = result.get(id)!
      const entry = mine.get(topic)
      if (entry) entry.partitions.push(partition)
      else mine.set(topic, {partitions: [partition], topic})
    }

    const sortedTopics = [...topics].sort()
    if (name === 'roundrobin') {
      let cursor = 0
      for (const topic of sortedTopics) {
        const count = metadata.topics.get(topic)?.partitionsCount ?? 0
        for (let p = 0; p < count; p++)
          for (let tries = 0; tries < ids.length; tries++) {
            const id = ids[cursor % ids.length]
            cursor++
            if (!subscribed(id, topic)) continue
            give(id, topic, p)
            break
          }
      }
    } else
      for (const topic of sortedTopics) {
        const count = metadata.topics.get(topic)?.partitionsCount ?? 0
        const subscribers = ids.filter((id) => subscribed(id, topic))
        if (subscribers.length === 0) continue
        const quota = Math.floor(count / subscribers.length)
        const extra = count % subscribers.length
        let next = 0
        subscribers.forEach((id, i) => {
          const n = quota + (i < extra ? 1 : 0)
          for (let k = 0; k < n; k++) give(id, topic, next + k)
          next += n
        })
      }

    return ids.map((memberId) => ({assignments: result.get(memberId)!, memberId}))
  }
}
