// The one --reset-offsets planner over a fake OffsetsSource: every scenario with Kafka's clamping
// and messages, the refusals, --from-file and --undo; the same plan whether the source answers
// at once (the store, inside its transaction) or with Promises (a cluster); and properties: a
// target is always within [log start, log end] (to-current keeps a committed offset as Kafka
// does, so there only when the committed offset is), and planning never changes with the way
// the answers come.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import type {GroupState} from '../../src/engine/group-admin.js'
import {
  type OffsetsSource,
  planResetWith,
  type ResetRequest,
  type ResetResult,
  type ResetScenario,
} from '../../src/engine/reset-planner.js'
import type {TopicPartition} from '../../src/engine/types.js'

/** A partition's log: offsets [start, end); record o has timestamp 1000 + o. */
interface FakePartition {
  start: number
  end: number
}

interface Fake {
  /** topic → partitions (index = partition). */
  topics: Record<string, FakePartition[]>
  groups: Record<
    string,
    {
      state: GroupState
      committed: Record<string, number>
      lastReset?: Array<TopicPartition & {oldOffset: number | null}>
    }
  >
}

const tpKey = (tp: TopicPartition) => `${tp.topic}-${tp.partition}`

/** The fake as a synchronous source (as the store answers) and a counter of the questions asked. */
function source(fake: Fake, asked: string[] = []): OffsetsSource {
  const partition = (tp: TopicPartition) => fake.topics[tp.topic]?.[tp.partition]
  return {
    committedOffsets(groupId) {
      asked.push('committedOffsets')
      return Object.entries(fake.groups[groupId]?.committed ?? {}).map(([k, offset]) => {
        const i = k.lastIndexOf('-')
        return {offset, partition: Number(k.slice(i + 1)), topic: k.slice(0, i)}
      })
    },
    groupIds: () => Object.keys(fake.groups).reverse(),
    groupStates: (ids) => new Map(ids.flatMap((id) => (fake.groups[id] ? [[id, fake.groups[id].state] as const] : []))),
    lastReset: (groupId) => fake.groups[groupId]?.lastReset,
    offsetsForTimestamp: (tps, timestamp) =>
      tps.map((tp) => {
        const p = partition(tp)!
        const offset = Math.max(p.start, timestamp - 1000)
        return {...tp, offset: offset < p.end ? offset : null}
      }),
    partitionCounts: (topics) =>
      new Map(topics.flatMap((t) => (fake.topics[t] ? [[t, fake.topics[t].length] as const] : []))),
    watermarks: (tps) =>
      tps.flatMap((tp) => {
        const p = partition(tp)
        return p ? [{...tp, logEndOffset: p.end, logStartOffset: p.start}] : []
      }),
  }
}

/** The same source answering every question with a Promise (as the Admin API does). */
function asynchronous(s: OffsetsSource): OffsetsSource {
  const out = {} as Record<string, unknown>
  for (const [name, fn] of Object.entries(s))
    out[name] = async (...args: unknown[]) => {
      await new Promise((resolve) => setImmediate(resolve))
      return (fn as (...a: unknown[]) => unknown)(...args)
    }
  return out as unknown as OffsetsSource
}

function plan(fake: Fake, req: Partial<ResetRequest> & Pick<ResetRequest, 'scenario'>): ResetResult {
  const result = planResetWith(source(fake), {command: 'test', groups: ['g'], scope: {type: 'all-topics'}, ...req})
  if (result instanceof Promise) throw new Error('a synchronous source must give a synchronous plan')
  return result
}

const errorOf = (fn: () => unknown): Error => {
  try {
    fn()
  } catch (error) {
    return error as Error
  }

  throw new Error('expected an error')
}

// t: partition 0 holds [0, 10), partition 1 holds [5, 20) (retention moved its start), partition 2 is empty at 7.
const base = (): Fake => ({
  groups: {g: {committed: {'t-0': 4, 't-1': 12}, state: 'Empty'}},
  topics: {
    t: [
      {end: 10, start: 0},
      {end: 20, start: 5},
      {end: 7, start: 7},
    ],
    u: [{end: 3, start: 0}],
  },
})

const targets = (r: ResetResult) => r.groups.flatMap((g) => g.offsets.map((o) => [tpKey(o), o.oldOffset, o.newOffset]))

describe('reset planner: scenarios', () => {
  it('--to-earliest and --to-latest: the log start and log end offsets', () => {
    const topics = {topics: [{topic: 't'}], type: 'topics'} as const
    expect(targets(plan(base(), {scenario: {type: 'to-earliest'}, scope: topics}))).toEqual([
      ['t-0', 4, 0],
      ['t-1', 12, 5],
      ['t-2', null, 7],
    ])
    expect(targets(plan(base(), {scenario: {type: 'to-latest'}, scope: topics}))).toEqual([
      ['t-0', 4, 10],
      ['t-1', 12, 20],
      ['t-2', null, 7],
    ])
  })

  it('--to-current: the committed offset, the log end offset without one', () => {
    const r = plan(base(), {scenario: {type: 'to-current'}, scope: {topics: [{topic: 't'}], type: 'topics'}})
    expect(targets(r)).toEqual([
      ['t-0', 4, 4],
      ['t-1', 12, 12],
      ['t-2', null, 7],
    ])
    expect(r.warnings).toEqual([])
  })

  it("--to-offset and --shift-by are clamped, with Kafka's warnings", () => {
    const r = plan(base(), {scenario: {offset: 15, type: 'to-offset'}})
    expect(targets(r)).toEqual([
      ['t-0', 4, 10],
      ['t-1', 12, 15],
    ])
    expect(r.warnings).toEqual([
      'New offset (15) is higher than latest offset for topic partition t-0. Value will be set to 10',
    ])
    const back = plan(base(), {scenario: {shift: -10, type: 'shift-by'}})
    expect(targets(back)).toEqual([
      ['t-0', 4, 0],
      ['t-1', 12, 5],
    ])
    expect(back.warnings).toEqual([
      'New offset (-6) is lower than earliest offset for topic partition t-0. Value will be set to 0',
      'New offset (2) is lower than earliest offset for topic partition t-1. Value will be set to 5',
    ])
  })

  it('--shift-by without a committed offset fails, naming the partition', () => {
    const e = errorOf(() =>
      plan(base(), {
        scenario: {shift: 1, type: 'shift-by'},
        scope: {topics: [{partitions: [2], topic: 't'}], type: 'topics'},
      }),
    )
    expect(e.message).toBe('Cannot shift offset for partition t-2 since there is no current committed offset')
  })

  it('--to-datetime: the first offset at or after the time; an empty partition falls back to the log end', () => {
    const r = plan(base(), {
      scenario: {timestamp: 1008, type: 'to-datetime'},
      scope: {topics: [{topic: 't'}], type: 'topics'},
    })
    expect(targets(r)).toEqual([
      ['t-0', 4, 8],
      ['t-1', 12, 8],
      ['t-2', null, 7],
    ])
    expect(r.warnings).toEqual(['Warn: Partition 2 from topic t is empty. Falling back to latest known offset.'])
  })

  it('--from-file: its own partitions, clamped; a group without lines has no plan', () => {
    const offsets = new Map([
      [
        'g',
        [
          {offset: 99, partition: 1, topic: 't'},
          {offset: 1, partition: 0, topic: 'u'},
          {offset: 3, partition: 0, topic: 't'},
        ],
      ],
    ])
    const r = plan(base(), {groups: ['g', 'h'], scenario: {offsets, type: 'from-file'}, scope: {type: 'scenario'}})
    expect(targets(r)).toEqual([
      ['t-0', 4, 3],
      ['t-1', 12, 20],
      ['u-0', null, 1],
    ])
    expect(r.groups.map((g) => [g.groupId, g.noPlan, g.state])).toEqual([
      ['g', false, 'Empty'],
      ['h', true, 'Dead'],
    ])
    expect(r.warnings).toEqual([
      'New offset (99) is higher than latest offset for topic partition t-1. Value will be set to 20',
    ])
  })

  it('--undo: back to what the last reset replaced; without one, no plan', () => {
    const fake = base()
    fake.groups.g.lastReset = [
      {oldOffset: 2, partition: 0, topic: 't'},
      {oldOffset: null, partition: 2, topic: 't'},
    ]
    fake.groups.h = {committed: {}, state: 'Empty'}
    const r = plan(fake, {groups: ['h', 'g'], scenario: {type: 'undo'}, scope: {type: 'scenario'}})
    expect(targets(r)).toEqual([
      ['t-0', 4, 2],
      ['t-2', null, null],
    ])
    expect(r.groups.map((g) => [g.groupId, g.noPlan])).toEqual([
      ['g', false],
      ['h', true],
    ])
  })
})

describe('reset planner: scope and refusals', () => {
  it('an active group is refused and asked nothing more; a group that does not exist is planned (Dead)', () => {
    const fake = base()
    fake.groups.a = {committed: {'t-0': 1}, state: 'Stable'}
    const asked: string[] = []
    const r = planResetWith(source(fake, asked), {
      command: 'x',
      groups: ['nope', 'a'],
      scenario: {type: 'to-earliest'},
      scope: {topics: [{topic: 'u'}], type: 'topics'},
    }) as ResetResult
    expect(r.groups.map((g) => [g.groupId, g.state, g.refused, g.offsets.length])).toEqual([
      ['a', 'Stable', true, 0],
      ['nope', 'Dead', false, 1],
    ])
    expect(asked).toEqual(['committedOffsets'])
  })

  it('--all-groups plans every group, sorted; --all-topics covers only committed partitions', () => {
    const fake = base()
    fake.groups.e = {committed: {}, state: 'Empty'}
    const r = plan(fake, {groups: 'all', scenario: {type: 'to-latest'}})
    expect(r.groups.map((g) => [g.groupId, g.offsets.length])).toEqual([
      ['e', 0],
      ['g', 2],
    ])
  })

  it('a missing topic and missing partitions fail with the messages of both modes', () => {
    expect(
      errorOf(() => plan(base(), {scenario: {type: 'to-earliest'}, scope: {topics: [{topic: 'nope'}], type: 'topics'}}))
        .message,
    ).toBe("Topic 'nope' does not exist as expected")
    expect(
      errorOf(() =>
        plan(base(), {
          scenario: {type: 'to-earliest'},
          scope: {
            topics: [
              {partitions: [5, 0], topic: 'u'},
              {partitions: [3], topic: 't'},
            ],
            type: 'topics',
          },
        }),
      ).message,
    ).toBe('The partitions "t-3, u-5" do not exist')
  })

  it('an asynchronous source gives the same plan and the same errors', async () => {
    const req: ResetRequest = {
      command: 'x',
      groups: 'all',
      scenario: {offset: 6, type: 'to-offset'},
      scope: {topics: [{topic: 't'}], type: 'topics'},
    }
    const sync = planResetWith(source(base()), req)
    const later = planResetWith(asynchronous(source(base())), req)
    expect(later).toBeInstanceOf(Promise)
    expect(await later).toEqual(sync)
    await expect(
      planResetWith(asynchronous(source(base())), {...req, scope: {topics: [{topic: 'nope'}], type: 'topics'}}),
    ).rejects.toThrow("Topic 'nope' does not exist as expected")
  })
})

// ---------------------------------------------------------------------------------------------
// Properties

const partitionArb = fc
  .tuple(fc.nat({max: 1000}), fc.nat({max: 1000}))
  .map(([a, b]): FakePartition => ({end: Math.max(a, b), start: Math.min(a, b)}))

const fakeArb: fc.Arbitrary<Fake> = fc
  .record({
    t: fc.array(partitionArb, {maxLength: 4, minLength: 1}),
    u: fc.array(partitionArb, {maxLength: 3, minLength: 1}),
  })
  .chain((topics) => {
    const tps = [...topics.t.map((_, p) => `t-${p}`), ...topics.u.map((_, p) => `u-${p}`)]
    return fc
      .dictionary(fc.constantFrom(...tps), fc.integer({max: 1200, min: -100}))
      .map((committed): Fake => ({groups: {g: {committed, state: 'Empty'}}, topics}))
  })

const scenarioArb: fc.Arbitrary<ResetScenario> = fc.oneof(
  fc.constant({type: 'to-earliest'} as const),
  fc.constant({type: 'to-latest'} as const),
  fc.constant({type: 'to-current'} as const),
  fc.integer({max: 2000, min: -2000}).map((offset) => ({offset, type: 'to-offset'}) as const),
  fc.integer({max: 2000, min: -2000}).map((shift) => ({shift, type: 'shift-by'}) as const),
  fc.integer({max: 3000, min: 0}).map((timestamp) => ({timestamp, type: 'to-datetime'}) as const),
)

/** Scopes over partitions that exist. */
const scopeArb = (fake: Fake) =>
  fc.oneof(
    fc.constant({type: 'all-topics'} as const),
    fc.constant({topics: [{topic: 't'}, {topic: 'u'}], type: 'topics'} as const),
    fc
      .subarray(
        fake.topics.t.map((_, p) => p),
        {minLength: 1},
      )
      .map((partitions) => ({topics: [{partitions, topic: 't'}], type: 'topics'}) as const),
  )

describe('reset planner: properties', () => {
  it('every target lies within [log start, log end] (to-current: whenever the committed offset does)', () => {
    fc.assert(
      fc.property(
        fakeArb.chain((fake) => fc.tuple(fc.constant(fake), scenarioArb, scopeArb(fake))),
        ([fake, scenario, scope]) => {
          let result: ResetResult
          try {
            result = plan(fake, {scenario, scope})
          } catch (error) {
            // The one refusal among these: shifting a partition that has no committed offset.
            expect((error as Error).message).toMatch(
              /^Cannot shift offset for partition [tu]-\d+ since there is no current committed offset$/,
            )
            expect(scenario.type).toBe('shift-by')
            return
          }

          for (const o of result.groups[0].offsets) {
            const p = fake.topics[o.topic][o.partition]
            const old = fake.groups.g.committed[tpKey(o)]
            if (scenario.type === 'to-current' && old !== undefined) {
              expect(o.newOffset).toBe(old)
              if (old < p.start || old > p.end) continue
            }

            expect(o.newOffset).toBeGreaterThanOrEqual(p.start)
            expect(o.newOffset).toBeLessThanOrEqual(p.end)
          }
        },
      ),
    )
  })

  it('clamping warns exactly when the asked offset was outside the log, naming the bound it took', () => {
    fc.assert(
      fc.property(fakeArb, fc.integer({max: 2000, min: -2000}), (fake, offset) => {
        const result = plan(fake, {
          scenario: {offset, type: 'to-offset'},
          scope: {topics: [{topic: 't'}], type: 'topics'},
        })
        const expected = fake.topics.t.flatMap((p, partition) =>
          offset > p.end
            ? [
                `New offset (${offset}) is higher than latest offset for topic partition t-${partition}. Value will be set to ${p.end}`,
              ]
            : offset < p.start
              ? [
                  `New offset (${offset}) is lower than earliest offset for topic partition t-${partition}. Value will be set to ${p.start}`,
                ]
              : [],
        )
        expect(result.warnings).toEqual(expected)
      }),
    )
  })

  it('a source answering with Promises gives the same plan as one answering at once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fakeArb.chain((fake) => fc.tuple(fc.constant(fake), scenarioArb, scopeArb(fake))),
        async ([fake, scenario, scope]) => {
          const req: ResetRequest = {command: 'x', groups: ['g', 'new'], scenario, scope}
          let sync: ResetResult | Error
          try {
            sync = planResetWith(source(fake), req) as ResetResult
          } catch (error) {
            sync = error as Error
          }

          const later = await Promise.resolve(planResetWith(asynchronous(source(fake)), req)).catch((e: Error) => e)
          expect(later).toEqual(sync)
        },
      ),
      {numRuns: 50},
    )
  })
})
