// OffsetCommit, OffsetFetch and OffsetDelete: committed offsets are the store's group offset
// rows, the same ones kt consumer-groups reads and kt console-consumer commits.
import {type CommittedOffset, GROUP_SUBSCRIBED_TO_TOPIC} from '../../engine/index.js'
import {errorCode, type RequestHeader} from '../../protocol/index.js'
import type {ServerContext} from '../context.js'
import {subscribedTopics} from '../groups/coordinator.js'
import {errorOf} from './errors.js'

interface CommitTopic {
  name: string
  partitions: {partitionIndex: number; committedOffset: number; committedMetadata: string | null}[]
}

export async function offsetCommit(
  ctx: ServerContext,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const groupId = body.groupId as string
  const topics = body.topics as CommitTopic[]
  let code = ctx.groups.commitError(groupId, body.memberId as string, body.generationIdOrMemberEpoch as number)
  if (code === 0 && groupId === '') code = errorCode('INVALID_GROUP_ID')
  const listing = new Map((await ctx.broker.topicList()).map((t) => [t.name, t]))
  const perPartition = new Map<string, number>()
  const offsets: CommittedOffset[] = []
  const metadata: {topic: string; partition: number; metadata: string}[] = []
  for (const t of topics)
    for (const p of t.partitions) {
      const topic = listing.get(t.name)
      const c =
        code === 0 && (!topic || p.partitionIndex < 0 || p.partitionIndex >= topic.partitionCount)
          ? errorCode('UNKNOWN_TOPIC_OR_PARTITION')
          : code
      perPartition.set(`${t.name}\u0000${p.partitionIndex}`, c)
      if (c === 0) {
        offsets.push({offset: p.committedOffset, partition: p.partitionIndex, topic: t.name})
        // Every commit sets it, so a commit without metadata clears an earlier one.
        metadata.push({metadata: p.committedMetadata ?? '', partition: p.partitionIndex, topic: t.name})
      }
    }

  if (offsets.length > 0) {
    try {
      await ctx.broker.commitOffsets(groupId, offsets)
      await ctx.broker.setCommittedMetadata(groupId, metadata)
    } catch (error) {
      const c = errorOf(error).code
      for (const o of offsets) perPartition.set(`${o.topic}\u0000${o.partition}`, c)
    }
  }

  return {
    throttleTimeMs: 0,
    topics: topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        errorCode: perPartition.get(`${t.name}\u0000${p.partitionIndex}`) ?? 0,
        partitionIndex: p.partitionIndex,
      })),
    })),
  }
}

type FetchTopics = {name: string; partitionIndexes: number[]}[] | null

async function groupOffsets(ctx: ServerContext, groupId: string, topics: FetchTopics) {
  const committed = await ctx.broker.committedOffsets(groupId)
  const byKey = new Map(committed.map((c) => [`${c.topic}\u0000${c.partition}`, c.offset]))
  const metadata = new Map(
    (await ctx.broker.committedMetadata(groupId)).map((m) => [`${m.topic}\u0000${m.partition}`, m.metadata]),
  )
  const partition = (topic: string, partitionIndex: number, committedOffset: number) => ({
    committedLeaderEpoch: -1,
    committedOffset,
    errorCode: 0,
    metadata: metadata.get(`${topic}\u0000${partitionIndex}`) ?? '',
    partitionIndex,
  })
  if (topics === null) {
    const grouped = new Map<string, ReturnType<typeof partition>[]>()
    for (const c of committed) {
      let list = grouped.get(c.topic)
      if (!list) grouped.set(c.topic, (list = []))
      list.push(partition(c.topic, c.partition, c.offset))
    }

    return [...grouped].map(([name, partitions]) => ({name, partitions}))
  }

  return topics.map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((p) => partition(t.name, p, byKey.get(`${t.name}\u0000${p}`) ?? -1)),
  }))
}

export async function offsetFetch(
  ctx: ServerContext,
  body: Record<string, unknown>,
  header: RequestHeader,
): Promise<Record<string, unknown>> {
  if (header.apiVersion >= 8) {
    const groups = []
    for (const g of body.groups as {groupId: string; topics: FetchTopics}[])
      groups.push({errorCode: 0, groupId: g.groupId, topics: await groupOffsets(ctx, g.groupId, g.topics)})
    return {groups, throttleTimeMs: 0}
  }

  // v0-1 have no null (all topics) form.
  const topics = body.topics as FetchTopics
  return {errorCode: 0, throttleTimeMs: 0, topics: await groupOffsets(ctx, body.groupId as string, topics)}
}

export async function offsetDelete(
  ctx: ServerContext,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const groupId = body.groupId as string
  const topics = body.topics as {name: string; partitions: {partitionIndex: number}[]}[]
  if (await ctx.broker.hasStoreMembers(groupId)) {
    // kt console-consumer members coordinate through the store, whose rule is Kafka's (KIP-496):
    // the topics they subscribe to are refused partition by partition, the others' offsets go.
    const result = await ctx.broker.deleteOffsets(
      groupId,
      topics.map((t) => ({partitions: t.partitions.map((p) => p.partitionIndex), topic: t.name})),
    )
    const codeOf = (topic: string, partition: number) => {
      const error = result.partitions.find((r) => r.topic === topic && (r.partition ?? partition) === partition)?.error
      if (error === null || error === undefined) return 0
      return errorCode(error === GROUP_SUBSCRIBED_TO_TOPIC ? 'GROUP_SUBSCRIBED_TO_TOPIC' : 'UNKNOWN_TOPIC_OR_PARTITION')
    }

    return {
      errorCode: 0,
      throttleTimeMs: 0,
      topics: topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          errorCode: codeOf(t.name, p.partitionIndex),
          partitionIndex: p.partitionIndex,
        })),
      })),
    }
  }

  const known = new Set(await ctx.broker.groupIds())
  const live = ctx.groups.groups.get(groupId)
  if (!known.has(groupId) && !live) return {errorCode: errorCode('GROUP_ID_NOT_FOUND'), throttleTimeMs: 0, topics: []}
  const subscribed = new Set<string>()
  if (live && live.protocolType === 'consumer')
    for (const m of live.members.values())
      for (const t of subscribedTopics(
        m.protocols.find((p) => p.name === live.protocolName)?.metadata ?? Buffer.alloc(0),
      ))
        subscribed.add(t)
  const deletions: {topic: string; partition: number}[] = []
  const out = topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      if (subscribed.has(t.name))
        return {errorCode: errorCode('GROUP_SUBSCRIBED_TO_TOPIC'), partitionIndex: p.partitionIndex}
      deletions.push({partition: p.partitionIndex, topic: t.name})
      return {errorCode: 0, partitionIndex: p.partitionIndex}
    }),
  }))
  await ctx.broker.deleteCommittedOffsets(groupId, deletions)
  return {errorCode: 0, throttleTimeMs: 0, topics: out}
}
