// Kafka's client-side partition assignors as pure functions (reference/kafka-cli.md §7).
// Members are ordered by member id (dynamic members; Kafka's rule), topics by name.

export interface AssignorMember {
  memberId: string
  /** Topics this member subscribes to. */
  topics: readonly string[]
}

/** memberId → topic → sorted partitions. */
export type Assignment = Map<string, Map<string, number[]>>

export type AssignorName = 'range' | 'roundrobin'

export const ASSIGNORS: Record<
  AssignorName,
  (members: readonly AssignorMember[], partitionCounts: ReadonlyMap<string, number>) => Assignment
> = {
  range: rangeAssign,
  roundrobin: roundRobinAssign,
}

function emptyAssignment(members: readonly AssignorMember[]): Assignment {
  return new Map(members.map((m) => [m.memberId, new Map<string, number[]>()]))
}

function byMemberId(a: AssignorMember, b: AssignorMember): number {
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0
}

/** RangeAssignor: per topic, the first P mod C members (in order) get one partition more. */
export function rangeAssign(
  members: readonly AssignorMember[],
  partitionCounts: ReadonlyMap<string, number>,
): Assignment {
  const result = emptyAssignment(members)
  const topics = [...new Set(members.flatMap((m) => m.topics))].sort()
  for (const topic of topics) {
    const count = partitionCounts.get(topic)
    if (count === undefined) continue
    const subscribers = members.filter((m) => m.topics.includes(topic)).sort(byMemberId)
    const quota = Math.floor(count / subscribers.length)
    const extra = count % subscribers.length
    let next = 0
    subscribers.forEach((m, i) => {
      const n = quota + (i < extra ? 1 : 0)
      if (n === 0) return
      result.get(m.memberId)!.set(
        topic,
        Array.from({length: n}, (_, k) => next + k),
      )
      next += n
    })
  }

  return result
}

/** RoundRobinAssignor: all partitions sorted by topic and partition, dealt to members in order. */
export function roundRobinAssign(
  members: readonly AssignorMember[],
  partitionCounts: ReadonlyMap<string, number>,
): Assignment {
  const result = emptyAssignment(members)
  const sorted = [...members].sort(byMemberId)
  const topics = [...new Set(members.flatMap((m) => m.topics))].sort()
  let cursor = 0
  for (const topic of topics) {
    const count = partitionCounts.get(topic) ?? 0
    for (let p = 0; p < count; p++) {
      // Next member (cycling) that subscribes to this topic.
      for (let tries = 0; tries < sorted.length; tries++) {
        const m = sorted[cursor % sorted.length]
        cursor++
        if (!m.topics.includes(topic)) continue
        const mine = result.get(m.memberId)!
        mine.set(topic, [...(mine.get(topic) ?? []), p])
        break
      }
    }
  }

  return result
}
