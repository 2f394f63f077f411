// The classic group protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) and group admin
// (ListGroups, DescribeGroups, DeleteGroups), answered by the in-process coordinator; groups
// known only to the store (committed offsets, kt console-consumer members) are listed too.
import {errorCode, type RequestHeader} from '../../protocol/index.js'
import type {Peer, ServerContext} from '../context.js'

export async function findCoordinator(
  ctx: ServerContext,
  body: Record<string, unknown>,
  header: RequestHeader,
): Promise<Record<string, unknown>> {
  // Transactions are not supported: their coordinator lookup fails at once rather than retrying.
  const keyType = body.keyType as number
  const code = keyType === 0 ? 0 : errorCode('TRANSACTIONAL_ID_AUTHORIZATION_FAILED')
  const message = code === 0 ? null : 'kt broker does not support transactions'
  const keys = header.apiVersion >= 4 ? (body.coordinatorKeys as string[]) : [body.key as string]
  const node = code === 0 ? ctx.nodeId : -1
  const host = code === 0 ? ctx.advertised.host : ''
  const port = code === 0 ? ctx.advertised.port : -1
  return {
    coordinators: keys.map((key) => ({errorCode: code, errorMessage: message, host, key, nodeId: node, port})),
    errorCode: code,
    errorMessage: message,
    host,
    nodeId: node,
    port,
    throttleTimeMs: 0,
  }
}

export async function joinGroup(
  ctx: ServerContext,
  body: Record<string, unknown>,
  header: RequestHeader,
  peer: Peer,
): Promise<Record<string, unknown>> {
  const result = await ctx.groups.join({
    clientHost: peer.host,
    clientId: header.clientId ?? '',
    groupId: body.groupId as string,
    groupInstanceId: body.groupInstanceId as string | null,
    memberId: body.memberId as string,
    protocolType: body.protocolType as string,
    protocols: body.protocols as {name: string; metadata: Buffer}[],
    rebalanceTimeoutMs: body.rebalanceTimeoutMs as number,
    requireKnownMemberId: header.apiVersion >= 4,
    sessionTimeoutMs: body.sessionTimeoutMs as number,
  })
  // Before v7 the protocol name is not nullable.
  return {
    ...result,
    protocolName: result.protocolName ?? (header.apiVersion >= 7 ? null : ''),
    skipAssignment: false,
    throttleTimeMs: 0,
  }
}

export async function syncGroup(ctx: ServerContext, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await ctx.groups.sync(
    body.groupId as string,
    body.memberId as string,
    body.generationId as number,
    body.assignments as {memberId: string; assignment: Buffer}[],
  )
  return {...result, throttleTimeMs: 0}
}

export async function heartbeat(ctx: ServerContext, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  return {
    errorCode: ctx.groups.heartbeat(body.groupId as string, body.memberId as string, body.generationId as number),
    throttleTimeMs: 0,
  }
}

export async function leaveGroup(
  ctx: ServerContext,
  body: Record<string, unknown>,
  header: RequestHeader,
): Promise<Record<string, unknown>> {
  const groupId = body.groupId as string
  if (header.apiVersion < 3)
    return {errorCode: ctx.groups.leave(groupId, body.memberId as string), members: [], throttleTimeMs: 0}
  const members = (body.members as {memberId: string; groupInstanceId: string | null}[]).map((m) => ({
    errorCode: ctx.groups.leave(groupId, m.memberId),
    groupInstanceId: m.groupInstanceId,
    memberId: m.memberId,
  }))
  return {errorCode: 0, members, throttleTimeMs: 0}
}

/** Groups the coordinator runs, and groups the store knows (offsets or console-consumer members). */
async function allGroups(ctx: ServerContext): Promise<Map<string, {state: string; protocolType: string}>> {
  const out = new Map<string, {state: string; protocolType: string}>()
  for (const id of await ctx.broker.groupIds())
    out.set(id, {protocolType: 'consumer', state: (await ctx.broker.hasStoreMembers(id)) ? 'Stable' : 'Empty'})
  for (const g of ctx.groups.groups.values())
    out.set(g.groupId, {protocolType: g.protocolType ?? 'consumer', state: g.state})
  return out
}

export async function listGroups(ctx: ServerContext, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const filter = (body.statesFilter as string[]).map((s) => s.toLowerCase())
  const groups = [...(await allGroups(ctx))]
    .filter(([, g]) => filter.length === 0 || filter.includes(g.state.toLowerCase()))
    .map(([groupId, g]) => ({groupId, groupState: g.state, protocolType: g.protocolType}))
  return {errorCode: 0, groups, throttleTimeMs: 0}
}

export async function describeGroups(
  ctx: ServerContext,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const known = await allGroups(ctx)
  const groups = (body.groups as string[]).map((groupId) => {
    const g = ctx.groups.groups.get(groupId)
    if (g) {
      // As Kafka's GroupMetadata.summary: the protocol, metadata and assignments only of a Stable
      // group. Mid-rebalance a new member has metadata but no assignment yet, and sending both
      // crashed @platformatic/kafka's describeGroups decoder (kt consumer-groups --bootstrap-server).
      const stable = g.state === 'Stable'
      return {
        errorCode: 0,
        groupId,
        groupState: g.state,
        members: [...g.members.values()].map((m) => ({
          clientHost: m.clientHost,
          clientId: m.clientId,
          groupInstanceId: m.groupInstanceId,
          memberAssignment: stable ? m.assignment : Buffer.alloc(0),
          memberId: m.memberId,
          memberMetadata: stable
            ? (m.protocols.find((p) => p.name === g.protocolName)?.metadata ?? Buffer.alloc(0))
            : Buffer.alloc(0),
        })),
        protocolData: stable ? (g.protocolName ?? '') : '',
        protocolType: g.protocolType ?? '',
      }
    }

    const stored = known.get(groupId)
    return {
      errorCode: 0,
      groupId,
      groupState: stored ? stored.state : 'Dead',
      members: [],
      protocolData: '',
      protocolType: stored ? stored.protocolType : '',
    }
  })
  return {groups, throttleTimeMs: 0}
}

export async function deleteGroups(
  ctx: ServerContext,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const results = []
  for (const groupId of body.groupsNames as string[]) {
    const live = ctx.groups.groups.get(groupId)
    if ((live && live.members.size > 0) || (await ctx.broker.hasStoreMembers(groupId))) {
      results.push({errorCode: errorCode('NON_EMPTY_GROUP'), groupId})
      continue
    }

    const stored = await ctx.broker.deleteGroup(groupId)
    const forgotten = live !== undefined && ctx.groups.forget(groupId)
    results.push({errorCode: stored || forgotten ? 0 : errorCode('GROUP_ID_NOT_FOUND'), groupId})
  }

  return {results, throttleTimeMs: 0}
}
