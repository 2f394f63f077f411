// Metadata: this broker is every partition's leader; topics carry their persisted ids. Unknown
// topics are created when both the broker (auto.create.topics.enable) and, from v4, the client
// allow it, as Kafka does.
import type {TopicListing} from '../../engine/index.js'
import {errorCode, type RequestHeader, ZERO_UUID} from '../../protocol/index.js'
import type {ServerContext} from '../context.js'
import {errorOf, INT32_MIN} from './errors.js'

export function topicMetadata(ctx: ServerContext, t: TopicListing): Record<string, unknown> {
  const replicas = [ctx.nodeId]
  return {
    errorCode: 0,
    isInternal: t.internal,
    name: t.name,
    partitions: Array.from({length: t.partitionCount}, (_, p) => ({
      errorCode: 0,
      isrNodes: replicas,
      leaderEpoch: 0,
      leaderId: ctx.nodeId,
      offlineReplicas: [],
      partitionIndex: p,
      replicaNodes: replicas,
    })),
    topicAuthorizedOperations: INT32_MIN,
    topicId: t.topicId,
  }
}

export async function metadata(
  ctx: ServerContext,
  body: Record<string, unknown>,
  header: RequestHeader,
): Promise<Record<string, unknown>> {
  const version = header.apiVersion
  const requested = body.topics as {name: string | null; topicId: string}[] | null
  let listing = await ctx.broker.topicList()
  const topics: Record<string, unknown>[] = []
  if (requested === null || (version === 0 && requested.length === 0)) {
    for (const t of listing) topics.push(topicMetadata(ctx, t))
  } else {
    const autoCreate = ctx.broker.config.autoCreateTopics && (body.allowAutoTopicCreation as boolean)
    for (const r of requested) {
      if (r.name === null) {
        const t = listing.find((x) => x.topicId === r.topicId)
        topics.push(
          t
            ? topicMetadata(ctx, t)
            : {
                errorCode: errorCode('UNKNOWN_TOPIC_ID'),
                isInternal: false,
                name: null,
                partitions: [],
                topicId: r.topicId,
              },
        )
        continue
      }

      let t = listing.find((x) => x.name === r.name)
      if (!t && autoCreate) {
        try {
          await ctx.broker.createTopic({name: r.name})
        } catch (error) {
          const {code} = errorOf(error)
          // Another client may have created it meanwhile.
          if (code !== errorCode('TOPIC_ALREADY_EXISTS')) {
            topics.push({errorCode: code, isInternal: false, name: r.name, partitions: [], topicId: ZERO_UUID})
            continue
          }
        }

        listing = await ctx.broker.topicList()
        t = listing.find((x) => x.name === r.name)
      }

      topics.push(
        t
          ? topicMetadata(ctx, t)
          : {
              errorCode: errorCode('UNKNOWN_TOPIC_OR_PARTITION'),
              isInternal: false,
              name: r.name,
              partitions: [],
              topicId: ZERO_UUID,
            },
      )
    }
  }

  return {
    brokers: [{host: ctx.advertised.host, nodeId: ctx.nodeId, port: ctx.advertised.port, rack: null}],
    clusterAuthorizedOperations: INT32_MIN,
    clusterId: ctx.clusterId,
    controllerId: ctx.nodeId,
    throttleTimeMs: 0,
    topics,
  }
}
