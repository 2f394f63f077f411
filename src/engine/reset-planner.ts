// kafka-consumer-groups --reset-offsets, planned once for both modes: which partitions a reset
// covers (--all-topics, --topic t[:p,…], --from-file), the new offset of each for every scenario
// (Kafka's GroupOffsetsResetter rules: clamping into [log start, log end] with its warnings, the
// empty-partition fallback of --to-datetime, the refusals), and kt's --undo. What the planner
// needs to know comes from an OffsetsSource: the store (group-admin.ts, read inside the reset's
// write transaction) or a cluster's Admin API (src/remote/group-admin.ts).
//
// The store answers synchronously and a reset must decide and write in one BEGIN IMMEDIATE
// transaction, which cannot span an await; the Admin API answers with Promises. So the planner
// is a generator that yields each question to the source, and drive() runs it synchronously for
// as long as the answers are plain values, switching to Promises at the first Promise.
import {KtError} from './errors.js'
import type {GroupState} from './group-admin.js'
import {unknownTopic} from './topics.js'
import type {CommittedOffset} from './groups.js'
import type {TopicPartition} from './types.js'

export type Awaitable<T> = Promise<T> | T

export interface PartitionOffset extends TopicPartition {
  offset: number
}

export type ResetScenario =
  | {type: 'to-earliest'}
  | {type: 'to-latest'}
  | {type: 'to-current'}
  | {type: 'to-offset'; offset: number}
  | {type: 'shift-by'; shift: number}
  /** --to-datetime, and --by-duration resolved against the clock. */
  | {type: 'to-datetime'; timestamp: number}
  /** --from-file: the offsets per group id. */
  | {type: 'from-file'; offsets: ReadonlyMap<string, readonly PartitionOffset[]>}
  /** kt's --undo: back to what the group's last executed reset replaced. */
  | {type: 'undo'}

export type ResetScope =
  | {type: 'all-topics'}
  | {type: 'topics'; topics: ReadonlyArray<{topic: string; partitions?: readonly number[]}>}
  /** --from-file and --undo bring their own partitions. */
  | {type: 'scenario'}

export interface ResetRequest {
  groups: readonly string[] | 'all'
  scope: ResetScope
  scenario: ResetScenario
  /** The command line, recorded in the reset history. */
  command: string
}

export interface PlannedOffset extends TopicPartition {
  /** The committed offset before the reset, or null without one. */
  oldOffset: number | null
  /** The new committed offset; null only when an undo removes a commit that did not exist before. */
  newOffset: number | null
}

export interface GroupResetPlan {
  groupId: string
  state: GroupState
  /** Set when the group is active: nothing is reset for it. */
  refused: boolean
  /** Set when --from-file has no lines for the group, or --undo finds no executed reset. */
  noPlan: boolean
  /** Sorted by topic, then partition. */
  offsets: PlannedOffset[]
}

export interface ResetResult {
  groups: GroupResetPlan[]
  /** Clamping and empty-partition notes, in Kafka's words. */
  warnings: string[]
}

export interface PartitionWatermarks extends TopicPartition {
  logStartOffset: number
  logEndOffset: number
}

/** What the planner asks of a store or a cluster. Partitions that do not exist are left out of answers. */
export interface OffsetsSource {
  /** Every group (--all-groups). */
  groupIds(): Awaitable<readonly string[]>
  /** The state of each group; a group missing from the answer is Dead (it does not exist). */
  groupStates(groupIds: readonly string[]): Awaitable<ReadonlyMap<string, GroupState>>
  /** The group's committed offsets. */
  committedOffsets(groupId: string): Awaitable<readonly CommittedOffset[]>
  /** The partition count of each of these topics that exists. */
  partitionCounts(topics: readonly string[]): Awaitable<ReadonlyMap<string, number>>
  /** The log start and log end offsets of each of these partitions that exists. */
  watermarks(partitions: readonly TopicPartition[]): Awaitable<readonly PartitionWatermarks[]>
  /** Per partition, the first offset whose timestamp is at or after `timestamp`; null if no record is. */
  offsetsForTimestamp(
    partitions: readonly TopicPartition[],
    timestamp: number,
  ): Awaitable<ReadonlyArray<TopicPartition & {offset: number | null}>>
  /** What the group's last executed reset replaced (kt's --undo), in its order; undefined without one. */
  lastReset(groupId: string): Awaitable<ReadonlyArray<TopicPartition & {oldOffset: number | null}> | undefined>
}

/**
 * Plans a reset over a source: synchronous (a plain ResetResult) when every answer was, a Promise
 * otherwise. Nothing is written; executing the plan is the caller's, in its own transaction.
 */
export function planResetWith(source: OffsetsSource, req: ResetRequest): Awaitable<ResetResult> {
  return drive(plan(req), source)
}

// ---------------------------------------------------------------------------------------------
// The questions and their driver

type Method = keyof OffsetsSource
type Question = {[M in Method]: {method: M; args: Parameters<OffsetsSource[M]>}}[Method]
type Answer<M extends Method> = Awaited<ReturnType<OffsetsSource[M]>>
type Plan<T> = Generator<Question, T, unknown>

function* ask<M extends Method>(method: M, ...args: Parameters<OffsetsSource[M]>): Plan<Answer<M>> {
  return (yield {args, method} as Question) as Answer<M>
}

function drive<T>(plan: Plan<T>, source: OffsetsSource, resume?: {value: unknown}): Awaitable<T> {
  let step = resume ? plan.next(resume.value) : plan.next()
  while (!step.done) {
    const {args, method} = step.value
    const answer = (source[method] as (...a: unknown[]) => unknown).apply(source, args)
    if (answer instanceof Promise) return answer.then((value) => drive(plan, source, {value}))
    step = plan.next(answer)
  }

  return step.value
}

// ---------------------------------------------------------------------------------------------
// The plan

const key = (tp: TopicPartition) => `${tp.partition}\u0000${tp.topic}`
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

function sortPartitions<T extends TopicPartition>(tps: T[]): T[] {
  return tps.sort((a, b) => compare(a.topic, b.topic) || a.partition - b.partition)
}

function* plan(req: ResetRequest): Plan<ResetResult> {
  const warnings: string[] = []
  const ids = [...new Set(req.groups === 'all' ? yield* ask('groupIds') : req.groups)].sort()
  const states = ids.length > 0 ? yield* ask('groupStates', ids) : new Map<string, GroupState>()
  const groups: GroupResetPlan[] = []
  for (const groupId of ids) groups.push(yield* planGroup(groupId, states.get(groupId) ?? 'Dead', req, warnings))
  return {groups, warnings}
}

function* planGroup(groupId: string, state: GroupState, req: ResetRequest, warnings: string[]): Plan<GroupResetPlan> {
  const plan: GroupResetPlan = {groupId, noPlan: false, offsets: [], refused: false, state}
  // Kafka resets only inactive groups; a group that does not exist yet may get offsets ahead of time.
  if (state !== 'Empty' && state !== 'Dead') {
    plan.refused = true
    return plan
  }

  const committed = new Map<string, number>()
  for (const c of yield* ask('committedOffsets', groupId)) committed.set(key(c), c.offset)
  const current = (tp: TopicPartition) => committed.get(key(tp)) ?? null
  const {scenario} = req

  if (scenario.type === 'undo') {
    const last = yield* ask('lastReset', groupId)
    if (!last) {
      plan.noPlan = true
      return plan
    }

    plan.offsets = last.map((e) => ({
      newOffset: e.oldOffset,
      oldOffset: current(e),
      partition: e.partition,
      topic: e.topic,
    }))
    return plan
  }

  if (scenario.type === 'from-file') {
    const lines = scenario.offsets.get(groupId)
    if (!lines || lines.length === 0) {
      plan.noPlan = true
      return plan
    }

    const byPartition = new Map<string, PartitionOffset>()
    for (const l of lines) byPartition.set(key(l), l)
    const tps = sortPartitions([...byPartition.values()].map(({partition, topic}) => ({partition, topic})))
    const marks = yield* existingWatermarks(tps)
    plan.offsets = tps.map((tp) => ({
      ...tp,
      newOffset: clamp(tp, byPartition.get(key(tp))!.offset, marks.get(key(tp))!, warnings),
      oldOffset: current(tp),
    }))
    return plan
  }

  const tps = yield* scopePartitions(req.scope, committed)
  const marks = yield* existingWatermarks(tps)
  const atTime = new Map<string, number | null>()
  if (scenario.type === 'to-datetime' && tps.length > 0)
    for (const found of yield* ask('offsetsForTimestamp', tps, scenario.timestamp)) atTime.set(key(found), found.offset)
  plan.offsets = tps.map((tp) => {
    const old = current(tp)
    return {...tp, newOffset: newOffsetFor(tp, old, marks.get(key(tp))!, atTime, scenario, warnings), oldOffset: old}
  })
  return plan
}

function newOffsetFor(
  tp: TopicPartition,
  old: number | null,
  w: PartitionWatermarks,
  atTime: ReadonlyMap<string, number | null>,
  scenario: ResetScenario,
  warnings: string[],
): number {
  switch (scenario.type) {
    case 'to-earliest': {
      return w.logStartOffset
    }

    case 'to-latest': {
      return w.logEndOffset
    }

    case 'to-current': {
      // Kafka keeps the committed offset as it is (no clamping), the log end offset without one.
      return old ?? w.logEndOffset
    }

    case 'to-offset': {
      return clamp(tp, scenario.offset, w, warnings)
    }

    case 'shift-by': {
      if (old === null)
        throw new KtError(
          'INVALID_REQUEST',
          `Cannot shift offset for partition ${tp.topic}-${tp.partition} since there is no current committed offset`,
        )
      return clamp(tp, old + scenario.shift, w, warnings)
    }

    case 'to-datetime': {
      const found = atTime.get(key(tp))
      if (found !== undefined && found !== null) return found
      warnings.push(
        `Warn: Partition ${tp.partition} from topic ${tp.topic} is empty. Falling back to latest known offset.`,
      )
      return w.logEndOffset
    }

    default: {
      throw new Error(`unexpected reset scenario ${scenario.type}`)
    }
  }
}

/** Kafka's clamping into [log start, log end], with its warnings. */
function clamp(tp: TopicPartition, offset: number, w: PartitionWatermarks, warnings: string[]): number {
  if (offset > w.logEndOffset) {
    warnings.push(
      `New offset (${offset}) is higher than latest offset for topic partition ${tp.topic}-${tp.partition}. Value will be set to ${w.logEndOffset}`,
    )
    return w.logEndOffset
  }

  if (offset < w.logStartOffset) {
    warnings.push(
      `New offset (${offset}) is lower than earliest offset for topic partition ${tp.topic}-${tp.partition}. Value will be set to ${w.logStartOffset}`,
    )
    return w.logStartOffset
  }

  return offset
}

/** The partitions a scope covers, sorted: --all-topics is every partition with a committed offset. */
function* scopePartitions(scope: ResetScope, committed: ReadonlyMap<string, number>): Plan<TopicPartition[]> {
  if (scope.type === 'all-topics') {
    // So a group without offsets resets nothing.
    return sortPartitions(
      [...committed.keys()].map((k) => {
        const i = k.indexOf('\u0000')
        return {partition: Number(k.slice(0, i)), topic: k.slice(i + 1)}
      }),
    )
  }

  if (scope.type !== 'topics') return []
  const counts = yield* ask('partitionCounts', [...new Set(scope.topics.map((t) => t.topic))])
  const out = new Map<string, TopicPartition>()
  for (const t of scope.topics) {
    const count = counts.get(t.topic)
    if (count === undefined) throw unknownTopic(t.topic)
    for (const partition of t.partitions ?? Array.from({length: count}, (_, p) => p))
      out.set(key({partition, topic: t.topic}), {partition, topic: t.topic})
  }

  return sortPartitions([...out.values()])
}

/** Watermarks of partitions that must exist: Kafka 4.x's `The partitions "t-5" do not exist`. */
function* existingWatermarks(tps: readonly TopicPartition[]): Plan<Map<string, PartitionWatermarks>> {
  const marks = new Map<string, PartitionWatermarks>()
  if (tps.length === 0) return marks
  for (const w of yield* ask('watermarks', tps)) marks.set(key(w), w)
  const missing = tps.filter((tp) => !marks.has(key(tp)))
  if (missing.length > 0)
    throw new KtError(
      'UNKNOWN_TOPIC_OR_PARTITION',
      `The partitions "${sortPartitions([...missing])
        .map((tp) => `${tp.topic}-${tp.partition}`)
        .join(', ')}" do not exist`,
    )
  return marks
}
