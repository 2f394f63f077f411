// The classic group protocol's coordinator for wire clients, inside the broker process as in
// kfake: members, generations and assignments live in memory (a broker restart makes members
// rejoin, as a coordinator failover does); committed offsets are the store's rows, shared with
// kt consumer-groups and kt console-consumer. States follow Kafka's GroupMetadata: Empty →
// PreparingRebalance → CompletingRebalance → Stable.
//
// Groups coordinated by the store itself (kt console-consumer members, DESIGN §4) are a
// different protocol: a JoinGroup for such a group is refused with INCONSISTENT_GROUP_PROTOCOL,
// so one partition never has two owners.
import {randomUUID} from 'node:crypto'

import type {StoreBroker, TopicPartition} from '../../engine/index.js'
import {CONSUMER_PROTOCOL_TYPE, decodeAssignment, decodeSubscriptionTopics, errorCode} from '../../protocol/index.js'

export type GroupState = 'CompletingRebalance' | 'Empty' | 'PreparingRebalance' | 'Stable'

export interface JoinResult {
  errorCode: number
  generationId: number
  protocolType: string | null
  protocolName: string | null
  leader: string
  memberId: string
  members: {memberId: string; groupInstanceId: string | null; metadata: Buffer}[]
}

export interface SyncResult {
  errorCode: number
  protocolType: string | null
  protocolName: string | null
  assignment: Buffer
}

export interface Member {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  protocols: {name: string; metadata: Buffer}[]
  assignment: Buffer
  joining?: (r: JoinResult) => void
  syncing?: (r: SyncResult) => void
  sessionTimer?: NodeJS.Timeout
}

export interface Group {
  groupId: string
  state: GroupState
  generation: number
  protocolType: string | null
  protocolName: string | null
  leader: string
  members: Map<string, Member>
  /** Member ids handed out with MEMBER_ID_REQUIRED, not yet joined. */
  pending: Set<string>
  rebalanceTimer?: NodeJS.Timeout
  /** A new group waits group.initial.rebalance.delay.ms for more members before its first generation. */
  initialDelay: boolean
}

export interface CoordinatorOptions {
  initialRebalanceDelayMs: number
  minSessionTimeoutMs: number
  maxSessionTimeoutMs: number
  /** This broker process, named in the members it publishes to the store. */
  brokerPid?: number
  /** Where clients find this coordinator (advertised host:port) and its node id, as published. */
  endpoint?: string
  nodeId?: number
  onProblem?: (message: string) => void
}

export interface JoinRequest {
  groupId: string
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  protocolType: string
  protocols: {name: string; metadata: Buffer}[]
  /** JoinGroup v4+: a new member first gets its id with MEMBER_ID_REQUIRED. */
  requireKnownMemberId: boolean
}

const EMPTY = Buffer.alloc(0)

export class GroupCoordinator {
  readonly groups = new Map<string, Group>()

  constructor(
    private readonly broker: StoreBroker,
    private readonly options: CoordinatorOptions,
  ) {}

  private failJoin(code: number, memberId = ''): JoinResult {
    return {
      errorCode: code,
      generationId: -1,
      leader: '',
      memberId,
      members: [],
      protocolName: null,
      protocolType: null,
    }
  }

  async join(req: JoinRequest): Promise<JoinResult> {
    if (req.groupId === '') return this.failJoin(errorCode('INVALID_GROUP_ID'))
    if (
      req.sessionTimeoutMs < this.options.minSessionTimeoutMs ||
      req.sessionTimeoutMs > this.options.maxSessionTimeoutMs
    )
      return this.failJoin(errorCode('INVALID_SESSION_TIMEOUT'))
    if (await this.broker.hasStoreMembers(req.groupId)) return this.failJoin(errorCode('INCONSISTENT_GROUP_PROTOCOL'))

    let group = this.groups.get(req.groupId)
    if (!group) {
      group = {
        generation: 0,
        groupId: req.groupId,
        initialDelay: false,
        leader: '',
        members: new Map(),
        pending: new Set(),
        protocolName: null,
        protocolType: null,
        state: 'Empty',
      }
      this.groups.set(req.groupId, group)
    }

    if (group.members.size > 0) {
      const common = req.protocols.some((p) =>
        [...group.members.values()].every(
          (m) => m.memberId === req.memberId || m.protocols.some((x) => x.name === p.name),
        ),
      )
      if (req.protocolType !== group.protocolType || !common)
        return this.failJoin(errorCode('INCONSISTENT_GROUP_PROTOCOL'), req.memberId)
    }

    // KIP-345: a static member (group.instance.id) that comes back under a new member id takes
    // its old self's place, assignment included; a Stable group does not rebalance for it.
    if (req.memberId === '' && req.groupInstanceId !== null) {
      const old = [...group.members.values()].find((m) => m.groupInstanceId === req.groupInstanceId)
      if (old) return this.replaceStaticMember(group, old, req)
    }

    let memberId = req.memberId
    if (memberId === '') {
      memberId = `${req.clientId}-${randomUUID()}`
      // A static member gets its id at once, as on Kafka; a dynamic one first asks for it.
      if (req.requireKnownMemberId && req.groupInstanceId === null) {
        group.pending.add(memberId)
        return this.failJoin(errorCode('MEMBER_ID_REQUIRED'), memberId)
      }
    } else if (!group.members.has(memberId) && !group.pending.has(memberId))
      return this.failJoin(errorCode('UNKNOWN_MEMBER_ID'), memberId)

    group.pending.delete(memberId)
    let isNew = false
    let member = group.members.get(memberId)
    if (member) {
      // A rejoin supersedes a join still waiting.
      member.joining?.(this.failJoin(errorCode('UNKNOWN_MEMBER_ID'), memberId))
    } else {
      isNew = true
      member = {
        assignment: EMPTY,
        clientHost: req.clientHost,
        clientId: req.clientId,
        groupInstanceId: req.groupInstanceId,
        memberId,
        protocols: req.protocols,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        sessionTimeoutMs: req.sessionTimeoutMs,
      }
      group.members.set(memberId, member)
    }

    member.protocols = req.protocols
    member.sessionTimeoutMs = req.sessionTimeoutMs
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs > 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs
    group.protocolType = req.protocolType
    this.touch(group, member)

    const result = new Promise<JoinResult>((resolve) => {
      member.joining = resolve
    })
    if (group.state !== 'PreparingRebalance') this.prepareRebalance(group)
    else {
      if (isNew) this.publish(group)
      this.maybeCompleteJoin(group)
    }

    return result
  }

  async sync(
    groupId: string,
    memberId: string,
    generationId: number,
    assignments: {memberId: string; assignment: Buffer}[],
  ): Promise<SyncResult> {
    const fail = (code: number): SyncResult => ({
      assignment: EMPTY,
      errorCode: code,
      protocolName: null,
      protocolType: null,
    })
    const group = this.groups.get(groupId)
    const member = group?.members.get(memberId)
    if (!group || !member) return fail(errorCode('UNKNOWN_MEMBER_ID'))
    if (generationId !== group.generation) return fail(errorCode('ILLEGAL_GENERATION'))
    if (group.state === 'PreparingRebalance') return fail(errorCode('REBALANCE_IN_PROGRESS'))
    this.touch(group, member)
    const ok = (m: Member): SyncResult => ({
      assignment: m.assignment,
      errorCode: 0,
      protocolName: group.protocolName,
      protocolType: group.protocolType,
    })
    if (group.state === 'Stable') return ok(member)

    // CompletingRebalance: the leader's SyncGroup carries everyone's assignment.
    const result = new Promise<SyncResult>((resolve) => {
      member.syncing = resolve
    })
    if (memberId === group.leader) {
      const given = new Map(assignments.map((a) => [a.memberId, a.assignment]))
      group.state = 'Stable'
      for (const m of group.members.values()) {
        m.assignment = given.get(m.memberId) ?? EMPTY
        const resolve = m.syncing
        m.syncing = undefined
        resolve?.(ok(m))
      }

      this.publish(group)
    }

    return result
  }

  heartbeat(groupId: string, memberId: string, generationId: number): number {
    const group = this.groups.get(groupId)
    const member = group?.members.get(memberId)
    if (!group || !member) return errorCode('UNKNOWN_MEMBER_ID')
    this.touch(group, member)
    if (group.state === 'PreparingRebalance') return errorCode('REBALANCE_IN_PROGRESS')
    if (generationId !== group.generation) return errorCode('ILLEGAL_GENERATION')
    return 0
  }

  leave(groupId: string, memberId: string): number {
    const group = this.groups.get(groupId)
    const member = group?.members.get(memberId)
    if (!group || !member) return errorCode('UNKNOWN_MEMBER_ID')
    this.remove(group, member)
    return 0
  }

  /** Validates an OffsetCommit's member and generation (generation -1: a commit from outside the group). */
  commitError(groupId: string, memberId: string, generationId: number): number {
    const group = this.groups.get(groupId)
    if (generationId < 0 && memberId === '') {
      return group && group.members.size > 0 ? errorCode('UNKNOWN_MEMBER_ID') : 0
    }

    const member = group?.members.get(memberId)
    if (!group || !member) return errorCode('UNKNOWN_MEMBER_ID')
    if (generationId !== group.generation) return errorCode('ILLEGAL_GENERATION')
    // Kafka's rule (ClassicGroup.validateOffsetCommit): a member of the current generation may
    // commit while its group prepares a rebalance — the eager protocol's commit before rejoining,
    // which is what keeps a moved partition from being read twice — but not while the
    // generation's assignment is still being synced.
    if (group.state === 'CompletingRebalance') return errorCode('REBALANCE_IN_PROGRESS')
    this.touch(group, member)
    return 0
  }

  /** Drops a group without members (DeleteGroups); false if it has members. */
  forget(groupId: string): boolean {
    const group = this.groups.get(groupId)
    if (group && group.members.size > 0) return false
    this.groups.delete(groupId)
    return true
  }

  close(): void {
    for (const g of this.groups.values()) {
      clearTimeout(g.rebalanceTimer)
      for (const m of g.members.values()) clearTimeout(m.sessionTimer)
    }
  }

  /**
   * Publishes the group's state, assignor, members and their assigned partitions to the store,
   * so that other kt processes (kt consumer-groups) can show them as Kafka's DescribeGroups
   * would: assignments and the assignor only once Stable. The engine cannot read the wire
   * format, so the partitions go decoded. The engine writes synchronously, so publications land
   * in the order the group changed.
   */
  private publish(group: Group): void {
    const stable = group.state === 'Stable'
    const members = [...group.members.values()].map((m) => ({
      assignment: stable ? m.assignment : EMPTY,
      brokerPid: this.options.brokerPid ?? 0,
      clientHost: m.clientHost,
      clientId: m.clientId,
      generation: group.generation,
      groupInstanceId: m.groupInstanceId,
      memberId: m.memberId,
      partitions: stable && group.protocolType === CONSUMER_PROTOCOL_TYPE ? this.partitionsOf(group, m) : [],
    }))
    const summary = {
      brokerPid: this.options.brokerPid ?? 0,
      coordinator: this.options.endpoint ?? '',
      generation: group.generation,
      nodeId: this.options.nodeId ?? -1,
      protocolName: stable ? (group.protocolName ?? '') : '',
      protocolType: group.protocolType ?? '',
      state: group.state,
    }
    this.broker.publishWireGroup(group.groupId, members, summary).catch((error: unknown) => {
      this.options.onProblem?.(`could not publish group '${group.groupId}': ${(error as Error).message}`)
    })
  }

  /** A member's assigned partitions, sorted; none (and a note) when its assignment cannot be read. */
  private partitionsOf(group: Group, member: Member): TopicPartition[] {
    try {
      return decodeAssignment(member.assignment)
        .assignedPartitions.flatMap(({partitions, topic}) => partitions.map((partition) => ({partition, topic})))
        .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
    } catch (error) {
      this.options.onProblem?.(
        `group '${group.groupId}': the assignment of member ${member.memberId} cannot be read: ${(error as Error).message}`,
      )
      return []
    }
  }

  private replaceStaticMember(group: Group, old: Member, req: JoinRequest): Promise<JoinResult> {
    const fenced = errorCode('FENCED_INSTANCE_ID')
    clearTimeout(old.sessionTimer)
    old.joining?.(this.failJoin(fenced, old.memberId))
    old.syncing?.({assignment: EMPTY, errorCode: fenced, protocolName: null, protocolType: null})
    group.members.delete(old.memberId)
    const member: Member = {
      assignment: old.assignment,
      clientHost: req.clientHost,
      clientId: req.clientId,
      groupInstanceId: req.groupInstanceId,
      memberId: `${req.clientId}-${randomUUID()}`,
      protocols: req.protocols,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs > 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
      sessionTimeoutMs: req.sessionTimeoutMs,
    }
    group.members.set(member.memberId, member)
    // The answer names the leader as it was, so that a returning leader does not compute a new
    // assignment that a Stable group would never hand out (as Kafka's GroupCoordinator does).
    const leader = group.leader
    if (group.leader === old.memberId) group.leader = member.memberId
    this.touch(group, member)
    if (group.state === 'Stable' && req.protocols.some((p) => p.name === group.protocolName)) {
      this.publish(group)
      return Promise.resolve({
        errorCode: 0,
        generationId: group.generation,
        leader,
        memberId: member.memberId,
        members: [],
        protocolName: group.protocolName,
        protocolType: group.protocolType,
      })
    }

    const result = new Promise<JoinResult>((resolve) => {
      member.joining = resolve
    })
    if (group.state === 'PreparingRebalance') {
      this.publish(group)
      this.maybeCompleteJoin(group)
    } else this.prepareRebalance(group)
    return result
  }

  private touch(group: Group, member: Member): void {
    clearTimeout(member.sessionTimer)
    member.sessionTimer = setTimeout(() => {
      if (group.members.get(member.memberId) === member) this.remove(group, member)
    }, member.sessionTimeoutMs)
    member.sessionTimer.unref()
  }

  private remove(group: Group, member: Member): void {
    clearTimeout(member.sessionTimer)
    group.members.delete(member.memberId)
    member.joining?.(this.failJoin(errorCode('UNKNOWN_MEMBER_ID'), member.memberId))
    member.syncing?.({
      assignment: EMPTY,
      errorCode: errorCode('UNKNOWN_MEMBER_ID'),
      protocolName: null,
      protocolType: null,
    })
    member.joining = undefined
    member.syncing = undefined
    if (group.members.size === 0) {
      clearTimeout(group.rebalanceTimer)
      group.state = 'Empty'
      group.generation++
      group.leader = ''
      group.protocolName = null
      this.publish(group)
      return
    }

    if (group.state === 'PreparingRebalance') {
      this.publish(group)
      this.maybeCompleteJoin(group)
    } else this.prepareRebalance(group)
  }

  private prepareRebalance(group: Group): void {
    const wasEmpty = group.state === 'Empty'
    // Members waiting for their assignment must rejoin.
    for (const m of group.members.values()) {
      const resolve = m.syncing
      m.syncing = undefined
      resolve?.({
        assignment: EMPTY,
        errorCode: errorCode('REBALANCE_IN_PROGRESS'),
        protocolName: null,
        protocolType: null,
      })
    }

    group.state = 'PreparingRebalance'
    clearTimeout(group.rebalanceTimer)
    let timeout = 0
    for (const m of group.members.values()) timeout = Math.max(timeout, m.rebalanceTimeoutMs)
    if (wasEmpty && this.options.initialRebalanceDelayMs > 0) {
      group.initialDelay = true
      timeout = Math.min(timeout, this.options.initialRebalanceDelayMs)
    }

    group.rebalanceTimer = setTimeout(() => {
      group.initialDelay = false
      this.completeJoin(group)
    }, timeout)
    group.rebalanceTimer.unref()
    this.publish(group)
    this.maybeCompleteJoin(group)
  }

  private maybeCompleteJoin(group: Group): void {
    if (group.initialDelay) return
    for (const m of group.members.values()) if (!m.joining) return
    clearTimeout(group.rebalanceTimer)
    this.completeJoin(group)
  }

  private completeJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return
    // Members that did not rejoin in time leave the group.
    for (const m of [...group.members.values()]) {
      if (!m.joining) {
        clearTimeout(m.sessionTimer)
        group.members.delete(m.memberId)
      }
    }

    group.generation++
    if (group.members.size === 0) {
      group.state = 'Empty'
      group.leader = ''
      this.publish(group)
      return
    }

    const members = [...group.members.values()]
    if (!group.members.has(group.leader)) group.leader = members[0].memberId
    const leader = group.members.get(group.leader)!
    const chosen = leader.protocols.find((p) => members.every((m) => m.protocols.some((x) => x.name === p.name)))
    group.protocolName = chosen?.name ?? leader.protocols[0]?.name ?? null
    group.state = 'CompletingRebalance'
    this.publish(group)
    const metadataOf = (m: Member) => m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? EMPTY
    for (const m of members) {
      const resolve = m.joining!
      m.joining = undefined
      this.touch(group, m)
      resolve({
        errorCode: 0,
        generationId: group.generation,
        leader: group.leader,
        memberId: m.memberId,
        members:
          m.memberId === group.leader
            ? members.map((x) => ({groupInstanceId: x.groupInstanceId, memberId: x.memberId, metadata: metadataOf(x)}))
            : [],
        protocolName: group.protocolName,
        protocolType: group.protocolType,
      })
    }
  }
}

/** The topics of a member's ConsumerProtocolSubscription (none when it cannot be read). */
export function subscribedTopics(metadata: Buffer): string[] {
  try {
    return decodeSubscriptionTopics(metadata)
  } catch {
    return []
  }
}
