// Kafka's client-side partition assignors as pure functions (reference/kafka-cli.md §7).
// Members are ordered by member id as plain strings (dynamic members; Kafka's rule), topics by
// name, partitions by number. Each assignor is deterministic: the same members, subscriptions,
// partition counts (and, for cooperative-sticky, previous assignment) give the same result.

export interface AssignorMember {
  memberId: string
  /** Topics this member subscribes to. */
  topics: readonly string[]
  /** What the member was assigned in the previous generation (cooperative-sticky keeps it). */
  previous?: ReadonlyMap<string, readonly number[]>
}

/** memberId → topic → sorted partitions. */
export type Assignment = Map<string, Map<string, number[]>>

export type AssignorName = 'cooperative-sticky' | 'range' | 'roundrobin'

export type Assignor = (members: readonly AssignorMember[], partitionCounts: ReadonlyMap<string, number>) => Assignment

export const ASSIGNORS: Record<AssignorName, Assignor> = {
  'cooperative-sticky': cooperativeStickyAssign,
  range: rangeAssign,
  roundrobin: roundRobinAssign,
}

/** Kafka's class names and protocol names for partition.assignment.strategy. */
export const ASSIGNOR_CLASSES: Readonly<Record<string, AssignorName>> = {
  'cooperative-sticky': 'cooperative-sticky',
  'org.apache.kafka.clients.consumer.CooperativeStickyAssignor': 'cooperative-sticky',
  'org.apache.kafka.clients.consumer.RangeAssignor': 'range',
  'org.apache.kafka.clients.consumer.RoundRobinAssignor': 'roundrobin',
  range: 'range',
  roundrobin: 'roundrobin',
}

export function isAssignorName(name: string): name is AssignorName {
  return Object.hasOwn(ASSIGNORS, name)
}

function emptyAssignment(members: readonly AssignorMember[]): Assignment {
  return new Map(members.map((m) => [m.memberId, new Map<string, number[]>()]))
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

function byMemberId(a: AssignorMember, b: AssignorMember): number {
  return compare(a.memberId, b.memberId)
}

function subscribedTopics(members: readonly AssignorMember[]): string[] {
  return [...new Set(members.flatMap((m) => m.topics))].sort(compare)
}

function add(result: Assignment, memberId: string, topic: string, partition: number): void {
  const mine = result.get(memberId)!
  const list = mine.get(topic)
  if (list) list.push(partition)
  else mine.set(topic, [partition])
}

/** Each member's topics in name order and partitions in number order. */
function normalized(result: Assignment): Assignment {
  for (const [memberId, topics] of result)
    result.set(
      memberId,
      new Map(
        [...topics]
          .filter(([, ps]) => ps.length > 0)
          .sort(([a], [b]) => compare(a, b))
          .map(([t, ps]) => [t, [...ps].sort((x, y) => x - y)]),
      ),
    )
  return result
}

/** RangeAssignor: per topic, the first P mod C members (in order) get one partition more. */
export function rangeAssign(
  members: readonly AssignorMember[],
  partitionCounts: ReadonlyMap<string, number>,
): Assignment {
  const result = emptyAssignment(members)
  for (const topic of subscribedTopics(members)) {
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
  let cursor = 0
  for (const topic of subscribedTopics(members)) {
    const count = partitionCounts.get(topic) ?? 0
    for (let p = 0; p < count; p++) {
      // Next member (cycling) that subscribes to this topic.
      for (let tries = 0; tries < sorted.length; tries++) {
        const m = sorted[cursor % sorted.length]
        cursor++
        if (!m.topics.includes(topic)) continue
        add(result, m.memberId, topic, p)
        break
      }
    }
  }

  return result
}

/**
 * CooperativeStickyAssignor's goals, in Kafka's order: balance first (with equal subscriptions
 * every member gets ⌊P/C⌋ or ⌈P/C⌉), then stickiness (a member keeps what it had). Kept
 * partitions stay; unowned ones (sorted) go one at a time to the subscriber with the fewest
 * (ties by member order), which on a fresh group equals RoundRobin; then, while a member holds
 * two more than another member that could take one, its last partition moves. Nothing is
 * revoked that balance does not require. The "cooperative" part — unaffected partitions keep
 * being consumed while others move — is the handover protocol's (groups.ts), for every assignor.
 */
export function cooperativeStickyAssign(
  members: readonly AssignorMember[],
  partitionCounts: ReadonlyMap<string, number>,
): Assignment {
  const sorted = [...members].sort(byMemberId)
  const result = emptyAssignment(sorted)
  const owner = new Map<string, string>()
  const count = new Map(sorted.map((m) => [m.memberId, 0]))
  const tp = (topic: string, p: number) => `${topic}\u0000${p}`
  const take = (memberId: string, topic: string, p: number) => {
    add(result, memberId, topic, p)
    owner.set(tp(topic, p), memberId)
    count.set(memberId, count.get(memberId)! + 1)
  }

  // Stickiness: keep what is still subscribed and still exists (first claim wins).
  for (const m of sorted)
    for (const [topic, partitions] of [...(m.previous ?? new Map<string, readonly number[]>())].sort(([a], [b]) =>
      compare(a, b),
    )) {
      const n = partitionCounts.get(topic)
      if (n === undefined || !m.topics.includes(topic)) continue
      for (const p of [...partitions].sort((a, b) => a - b))
        if (p >= 0 && p < n && !owner.has(tp(topic, p))) take(m.memberId, topic, p)
    }

  // Unowned partitions, sorted, to the least loaded subscriber.
  for (const topic of subscribedTopics(sorted)) {
    const n = partitionCounts.get(topic) ?? 0
    const subscribers = sorted.filter((m) => m.topics.includes(topic))
    for (let p = 0; p < n; p++) {
      if (owner.has(tp(topic, p))) continue
      let best = subscribers[0]
      for (const m of subscribers) if (count.get(m.memberId)! < count.get(best.memberId)!) best = m
      take(best.memberId, topic, p)
    }
  }

  // Balance: move a partition from the most loaded member to a less loaded one that subscribes
  // to its topic, while that narrows the gap by two. Each move lowers the sum of squared counts,
  // so this ends.
  for (;;) {
    let moved = false
    const byLoad = [...sorted].sort((a, b) => count.get(b.memberId)! - count.get(a.memberId)! || byMemberId(a, b))
    for (const donor of byLoad) {
      const mine = result.get(donor.memberId)!
      const candidates = [...mine]
        .sort(([a], [b]) => compare(b, a))
        .flatMap(([topic, ps]) => [...ps].sort((x, y) => y - x).map((p) => ({p, topic})))
      for (const {p, topic} of candidates) {
        let target: AssignorMember | undefined
        for (const m of sorted)
          if (
            m.topics.includes(topic) &&
            count.get(m.memberId)! < count.get(donor.memberId)! - 1 &&
            (target === undefined || count.get(m.memberId)! < count.get(target.memberId)!)
          )
            target = m
        if (!target) continue
        mine.set(
          topic,
          mine.get(topic)!.filter((x) => x !== p),
        )
        count.set(donor.memberId, count.get(donor.memberId)! - 1)
        take(target.memberId, topic, p)
        moved = true
        break
      }

      if (moved) break
    }

    if (!moved) break
  }

  return normalized(result)
}

/**
 * The protocol a group uses, as Kafka's coordinator picks it: among the assignors every member
 * supports, each member votes for its most preferred one; the most votes win (ties go to the
 * order of the first member's preferences). Undefined when the members have none in common.
 */
export function chooseProtocol(preferences: readonly (readonly AssignorName[])[]): AssignorName | undefined {
  if (preferences.length === 0) return undefined
  const common = preferences[0].filter((name) => preferences.every((p) => p.includes(name)))
  if (common.length === 0) return undefined
  const votes = new Map<AssignorName, number>()
  for (const p of preferences) {
    const choice = p.find((name) => common.includes(name))!
    votes.set(choice, (votes.get(choice) ?? 0) + 1)
  }

  let best = common[0]
  for (const name of common) if ((votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name
  return best
}
