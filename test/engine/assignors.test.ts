// The partition assignors (reference/kafka-cli.md §7): the worked examples, then properties
// over random groups — every partition assigned exactly once to a subscriber, balance,
// determinism, and cooperative-sticky's stickiness.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {
  ASSIGNORS,
  type Assignment,
  type AssignorMember,
  type AssignorName,
  chooseProtocol,
} from '../../src/engine/assignors.js'

const NAMES = Object.keys(ASSIGNORS) as AssignorName[]

/** memberId → ["topic-p", …] for readable comparisons. */
function flat(a: Assignment): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [m, topics] of a) out[m] = [...topics].flatMap(([t, ps]) => ps.map((p) => `${t}-${p}`))
  return out
}

function counts(a: Assignment): number[] {
  return [...a.values()].map((topics) => [...topics.values()].reduce((n, ps) => n + ps.length, 0))
}

function owners(a: Assignment): Map<string, string[]> {
  const m = new Map<string, string[]>()
  for (const [member, topics] of a)
    for (const [t, ps] of topics) for (const p of ps) m.set(`${t}-${p}`, [...(m.get(`${t}-${p}`) ?? []), member])
  return m
}

const orders = new Map([['orders', 3]])
const C0 = 'console-consumer-0'
const C1 = 'console-consumer-1'
const C2 = 'console-consumer-2'
const member = (memberId: string, topics = ['orders'], previous?: Assignment): AssignorMember => ({
  memberId,
  previous: previous?.get(memberId),
  topics,
})

describe('the worked example of §7: orders with 3 partitions', () => {
  it('two members C0 < C1 (given in either order)', () => {
    for (const members of [
      [member(C0), member(C1)],
      [member(C1), member(C0)],
    ]) {
      expect(flat(ASSIGNORS.range(members, orders))).toEqual({[C0]: ['orders-0', 'orders-1'], [C1]: ['orders-2']})
      expect(flat(ASSIGNORS.roundrobin(members, orders))).toEqual({[C0]: ['orders-0', 'orders-2'], [C1]: ['orders-1']})
      expect(flat(ASSIGNORS['cooperative-sticky'](members, orders))).toEqual({
        [C0]: ['orders-0', 'orders-2'],
        [C1]: ['orders-1'],
      })
    }
  })

  it('cooperative-sticky: C1 leaves, C0 keeps p0 and p2 and adds p1; C2 joins, only p2 moves', () => {
    const sticky = ASSIGNORS['cooperative-sticky']
    const first = sticky([member(C0), member(C1)], orders)
    expect(flat(sticky([member(C0, ['orders'], first)], orders))).toEqual({[C0]: ['orders-0', 'orders-1', 'orders-2']})
    const third = sticky([member(C0, ['orders'], first), member(C1, ['orders'], first), member(C2)], orders)
    expect(flat(third)).toEqual({[C0]: ['orders-0'], [C1]: ['orders-1'], [C2]: ['orders-2']})
  })
})

describe('chooseProtocol', () => {
  it("picks the strategy every member supports, by the members' votes", () => {
    expect(chooseProtocol([['range', 'cooperative-sticky']])).toBe('range')
    expect(
      chooseProtocol([['range', 'cooperative-sticky'], ['cooperative-sticky', 'range'], ['cooperative-sticky']]),
    ).toBe('cooperative-sticky')
    expect(chooseProtocol([['range'], ['roundrobin']])).toBeUndefined()
  })
})

// ---------------------------------------------------------------------------------------------
// Properties

const topicNames = ['a', 'b', 'c', 'd']

/** A random group: partition counts for some topics and members with random subscriptions. */
const groupArb = fc
  .record({
    counts: fc.array(fc.integer({max: 12, min: 0}), {maxLength: 4, minLength: 4}),
    members: fc.uniqueArray(fc.string({maxLength: 6, minLength: 1}), {maxLength: 8, minLength: 1}),
    subscriptions: fc.array(fc.subarray(topicNames, {minLength: 1}), {maxLength: 8, minLength: 8}),
  })
  .map(({counts: c, members, subscriptions}) => ({
    // A topic counted 0 does not exist (a subscription to it assigns nothing).
    counts: new Map(topicNames.flatMap((t, i) => (c[i] > 0 ? [[t, c[i]] as const] : []))),
    members: members.map((memberId, i) => ({memberId, topics: subscriptions[i]})),
  }))

const sameSubscriptionArb = fc
  .record({
    counts: fc.array(fc.integer({max: 12, min: 1}), {maxLength: 3, minLength: 1}),
    members: fc.uniqueArray(fc.string({maxLength: 6, minLength: 1}), {maxLength: 8, minLength: 1}),
  })
  .map(({counts: c, members}) => {
    const topics = c.map((_, i) => topicNames[i])
    return {counts: new Map(topics.map((t, i) => [t, c[i]])), members: members.map((memberId) => ({memberId, topics}))}
  })

describe.each(NAMES)('%s', (name) => {
  const assign = ASSIGNORS[name]

  it('assigns every partition of every subscribed topic exactly once, to a member subscribing to it', () => {
    fc.assert(
      fc.property(groupArb, ({counts: c, members}) => {
        const result = assign(members, c)
        expect(new Set(result.keys())).toEqual(new Set(members.map((m) => m.memberId)))
        const who = owners(result)
        const expected: string[] = []
        for (const [t, n] of c)
          if (members.some((m) => m.topics.includes(t))) for (let p = 0; p < n; p++) expected.push(`${t}-${p}`)
        expect([...who.keys()].sort()).toEqual(expected.sort())
        for (const [tp, ms] of who) {
          expect(ms).toHaveLength(1)
          const topic = tp.slice(0, tp.lastIndexOf('-'))
          expect(members.find((m) => m.memberId === ms[0])!.topics).toContain(topic)
        }
      }),
    )
  })

  it('is deterministic: the same group in any member order gives the same assignment', () => {
    fc.assert(
      fc.property(
        groupArb.chain((g) => fc.tuple(fc.constant(g), fc.shuffledSubarray(g.members, {minLength: g.members.length}))),
        ([g, shuffled]) => {
          expect(flat(assign(shuffled, g.counts))).toEqual(flat(assign(g.members, g.counts)))
        },
      ),
    )
  })

  it('is balanced when every member subscribes to the same topics', () => {
    fc.assert(
      fc.property(sameSubscriptionArb, ({counts: c, members}) => {
        const result = assign(members, c)
        if (name === 'range') {
          // Per topic: ⌊P/C⌋ or ⌈P/C⌉ (over several topics, range favours the first members).
          for (const t of c.keys()) {
            const per = [...result.values()].map((topics) => topics.get(t)?.length ?? 0)
            expect(Math.max(...per) - Math.min(...per)).toBeLessThanOrEqual(1)
          }
        } else {
          const n = counts(result)
          expect(Math.max(...n) - Math.min(...n)).toBeLessThanOrEqual(1)
        }
      }),
    )
  })
})

describe('cooperative-sticky stickiness', () => {
  const sticky = ASSIGNORS['cooperative-sticky']

  it('a member joining takes partitions only for itself: nobody else changes owner', () => {
    fc.assert(
      fc.property(sameSubscriptionArb, fc.string({maxLength: 6, minLength: 1}), ({counts: c, members}, joiner) => {
        fc.pre(!members.some((m) => m.memberId === joiner))
        const before = sticky(members, c)
        const after = sticky(
          [
            ...members.map((m) => ({...m, previous: before.get(m.memberId)})),
            {memberId: joiner, topics: members[0].topics},
          ],
          c,
        )
        const was = owners(before)
        for (const [tp, [owner]] of owners(after)) if (owner !== joiner) expect(was.get(tp)).toEqual([owner])
        const n = counts(after)
        expect(Math.max(...n) - Math.min(...n)).toBeLessThanOrEqual(1)
      }),
    )
  })

  it("a member leaving: only its partitions move, the others' stay", () => {
    fc.assert(
      fc.property(sameSubscriptionArb, fc.nat(), ({counts: c, members}, pick) => {
        fc.pre(members.length > 1)
        const before = sticky(members, c)
        const leaver = members[pick % members.length].memberId
        const rest = members.filter((m) => m.memberId !== leaver).map((m) => ({...m, previous: before.get(m.memberId)}))
        const after = owners(sticky(rest, c))
        for (const [tp, [owner]] of owners(before)) if (owner !== leaver) expect(after.get(tp)).toEqual([owner])
      }),
    )
  })
})
