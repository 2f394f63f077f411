// What kafka-consumer-groups does with its options, over the Broker interface: one function per
// action, writing Kafka's output (data on stdout; state messages, warnings and errors on stderr)
// and returning the exit status (kt exits 1 where Kafka prints an error and exits 0).
import {readFileSync} from 'node:fs'
import {setTimeout as sleep} from 'node:timers/promises'

import {
  type Broker,
  type GroupDescription,
  KtError,
  type ResetRequest,
  type ResetScenario,
  type ResetScope,
} from '../../engine/index.js'
import {EXIT} from '../errors.js'
import {
  type Coordinator,
  describeJson,
  historyJson,
  listJson,
  renderDeleteOffsets,
  renderDescribeTable,
  renderHistory,
  renderList,
  renderResetPlan,
  resetJson,
  stateMessage,
} from '../output/consumer-groups.js'
import {exportCsv, parseDateTime, parseDuration, parseResetCsv} from './formats.js'
import type {GroupsOptions} from './options.js'

export interface GroupsIo {
  /** Writes data (stdout). */
  out(text: string): void
  /** Writes messages (stderr). */
  err(text: string): void
  /** Whether stdout is a terminal (--watch redraws in place). */
  tty: boolean
  /** The command line, as recorded in the reset history. */
  command: string
  /** Aborted by Ctrl-C / SIGTERM: ends --watch. */
  signal: AbortSignal
}

export async function runConsumerGroups(broker: Broker, opts: GroupsOptions, io: GroupsIo): Promise<number> {
  switch (opts.action) {
    case 'list': {
      return list(broker, opts, io)
    }

    case 'describe': {
      if (opts.view === 'history') return history(broker, opts, io)
      return opts.watchMs === undefined ? describe(broker, opts, io) : watch(broker, opts, io)
    }

    case 'reset-offsets': {
      return reset(broker, opts, io)
    }

    case 'delete': {
      return deleteGroups(broker, opts, io)
    }

    case 'delete-offsets': {
      return deleteOffsets(broker, opts, io)
    }
  }
}

async function list(broker: Broker, opts: GroupsOptions, io: GroupsIo): Promise<number> {
  const groups = (await broker.listGroups()).filter(
    (g) =>
      (opts.states === undefined || opts.states.includes(g.state)) &&
      (opts.types === undefined || opts.types.includes(g.type)),
  )
  io.out(opts.json ? json(listJson(groups)) : renderList(groups, opts.listTable, opts.listTypeColumn))
  return EXIT.ok
}

const REBALANCING = new Set(['PreparingRebalance', 'CompletingRebalance'])

async function describeNow(broker: Broker, opts: GroupsOptions, signal?: AbortSignal): Promise<GroupDescription[]> {
  let groups = await broker.describeGroups(opts.groups)
  // --timeout: give a rebalancing group that long to settle (Kafka's "wait before the group stabilizes").
  if (opts.timeoutMs !== undefined) {
    const deadline = Date.now() + opts.timeoutMs
    while (groups.some((g) => REBALANCING.has(g.state)) && Date.now() < deadline && !signal?.aborted) {
      await broker.waitForChange(Math.min(deadline - Date.now(), 200), signal)
      groups = await broker.describeGroups(opts.groups)
    }
  }

  return groups
}

async function describe(broker: Broker, opts: GroupsOptions, io: GroupsIo): Promise<number> {
  const view = opts.view as Exclude<GroupsOptions['view'], 'history'>
  const groups = await describeNow(broker, opts, io.signal)
  const coordinator = await broker.groupCoordinator()
  const failed = groups.some((g) => g.state === 'Dead')
  if (opts.json) {
    for (const g of groups) if (g.state === 'Dead') io.err(stateMessage(g)!.text)
    io.out(json(describeJson(groups, view, coordinator)))
  } else writeDescribe(groups, opts, coordinator, new Buffered(io))
  return failed ? EXIT.error : EXIT.ok
}

/** Keeps stdout and stderr in Kafka's order while writing stdout in few large chunks. */
class Buffered {
  private pending = ''
  constructor(private readonly io: Pick<GroupsIo, 'err' | 'out'>) {}
  out(text: string): void {
    this.pending += text
    if (this.pending.length > 1 << 20) this.flush()
  }

  err(text: string): void {
    this.flush()
    this.io.err(text)
  }

  flush(): void {
    if (this.pending !== '') this.io.out(this.pending)
    this.pending = ''
  }
}

function writeDescribe(
  groups: readonly GroupDescription[],
  opts: GroupsOptions,
  coordinator: Coordinator,
  w: Pick<Buffered, 'err' | 'flush' | 'out'>,
): void {
  const view = opts.view as Exclude<GroupsOptions['view'], 'history'>
  for (const g of groups) {
    const message = stateMessage(g)
    if (message) w.err(message.text)
    w.out(renderDescribeTable(g, view, opts.verbose, coordinator))
  }

  w.flush()
}

/**
 * --describe --watch: redraws when the store changed (at most every MIN_REDRAW_MS, so a busy
 * producer does not make it spin) or when the interval passed; idle, it sleeps in waitForChange.
 * On a terminal each frame replaces the last; piped, frames follow one another.
 */
const MIN_REDRAW_MS = 250
const CLEAR = '\u001B[H\u001B[2J'

async function watch(broker: Broker, opts: GroupsOptions, io: GroupsIo): Promise<number> {
  const coordinator = await broker.groupCoordinator()
  const interval = opts.watchMs!
  let lastFrame: string | undefined
  let lastDraw = 0
  while (!io.signal.aborted) {
    const readAt = Date.now()
    const groups = await describeNow(broker, opts, io.signal)
    let frame = ''
    writeDescribe(groups, opts, coordinator, {
      err: (t) => {
        frame += t
      },
      flush() {},
      out: (t) => {
        frame += t
      },
    })
    if (frame !== lastFrame || readAt - lastDraw >= interval) {
      if (io.tty) {
        const header = `Every ${interval / 1000}s: ${io.command}    ${new Date(readAt).toISOString()}\n`
        io.out(CLEAR + header + frame)
      } else writeDescribe(groups, opts, coordinator, new Buffered(io))

      lastFrame = frame
      lastDraw = readAt
    }

    const untilInterval = Math.max(0, lastDraw + interval - Date.now())
    await broker.waitForChange(untilInterval, io.signal)
    const since = Date.now() - readAt
    if (since < MIN_REDRAW_MS && !io.signal.aborted)
      await sleep(MIN_REDRAW_MS - since, undefined, {signal: io.signal}).catch(() => {})
  }

  return EXIT.ok
}

async function history(broker: Broker, opts: GroupsOptions, io: GroupsIo): Promise<number> {
  const groups = await broker.describeGroups(opts.groups)
  const entries = []
  let failed = false
  for (const g of groups)
    entries.push({groupId: g.groupId, resets: await broker.resetHistory(g.groupId), state: g.state})
  const w = new Buffered(io)
  for (const e of entries) {
    if (e.resets.length > 0) {
      if (!opts.json) w.out(renderHistory(e.groupId, e.resets))
    } else if (e.state === 'Dead') {
      failed = true
      w.err(`\nError: Consumer group '${e.groupId}' does not exist.\n`)
    } else if (!opts.json) w.err(`\nConsumer group '${e.groupId}' has no reset history.\n`)
  }

  if (opts.json) w.out(json(historyJson(entries)))
  w.flush()
  return failed ? EXIT.error : EXIT.ok
}

function resetScenario(opts: GroupsOptions, now: number): ResetScenario {
  const s = opts.scenario!
  switch (s.type) {
    case 'to-datetime': {
      return {timestamp: parseDateTime(s.text), type: 'to-datetime'}
    }

    case 'by-duration': {
      return {timestamp: now - parseDuration(s.text), type: 'to-datetime'}
    }

    case 'from-file': {
      let text: string
      try {
        text = readFileSync(s.text, 'utf8')
      } catch (error) {
        throw new KtError('INVALID_REQUEST', `Cannot read the reset plan ${s.text}: ${(error as Error).message}`)
      }

      const single = opts.groups !== 'all' && opts.groups.length === 1 ? opts.groups[0] : undefined
      return {offsets: parseResetCsv(text, single), type: 'from-file'}
    }

    default: {
      return s
    }
  }
}

async function reset(broker: Broker, opts: GroupsOptions, io: GroupsIo): Promise<number> {
  const scenario = resetScenario(opts, Date.now())
  const scope: ResetScope =
    scenario.type === 'from-file' || scenario.type === 'undo'
      ? {type: 'scenario'}
      : opts.allTopics
        ? {type: 'all-topics'}
        : {topics: opts.topics, type: 'topics'}
  const req: ResetRequest = {command: io.command, groups: opts.groups, scenario, scope}
  const result = await broker.resetOffsets(req, opts.execute)
  for (const w of result.warnings) io.err(w.startsWith('Warn:') ? `\n${w}\n` : `WARN ${w}\n`)
  let failed = false
  for (const g of result.groups) {
    if (g.refused) {
      failed = true
      io.err(
        `\nError: Assignments can only be reset if the group '${g.groupId}' is inactive, but the current state is ${g.state}.\n`,
      )
    } else if (g.noPlan) {
      failed = true
      io.err(
        scenario.type === 'undo'
          ? `\nError: Consumer group '${g.groupId}' has no executed reset to undo.\n`
          : `\nError: No reset plan for group ${g.groupId} found.\n`,
      )
    }
  }

  if (opts.json) io.out(json(resetJson(result, opts.execute)))
  else if (opts.export) {
    const single = opts.groups !== 'all' && opts.groups.length === 1
    const rows = result.groups
      .filter((g) => !g.refused && !g.noPlan)
      .flatMap((g) =>
        g.offsets.flatMap((o) =>
          o.newOffset === null
            ? []
            : [{groupId: g.groupId, offset: o.newOffset, partition: o.partition, topic: o.topic}],
        ),
      )
    if (result.groups.some((g) => !g.refused && !g.noPlan)) io.out(exportCsv(rows, single) + '\n')
  } else io.out(renderResetPlan(result))
  return failed ? EXIT.error : EXIT.ok
}

async function deleteGroups(broker: Broker, opts: GroupsOptions, io: GroupsIo): Promise<number> {
  const result = await broker.deleteGroups(opts.groups)
  const quoted = (ids: readonly string[]) => ids.map((g) => `'${g}'`).join(', ')
  if (opts.json) {
    for (const f of result.failed) io.err(`Error: Group '${f.groupId}' could not be deleted due to: ${f.error}\n`)
    io.out(json({deleted: result.deleted, failed: result.failed.map((f) => ({error: f.error, group: f.groupId}))}))
    return result.failed.length > 0 ? EXIT.error : EXIT.ok
  }

  if (result.failed.length === 0) {
    io.out(`Deletion of requested consumer groups (${quoted(result.deleted)}) was successful.\n`)
    return EXIT.ok
  }

  io.err(
    '\nError: Deletion of some consumer groups failed:\n' +
      result.failed.map((f) => `* Group '${f.groupId}' could not be deleted due to: ${f.error}\n`).join(''),
  )
  if (result.deleted.length > 0)
    io.out(`\nThese consumer groups were deleted successfully: ${quoted(result.deleted)}\n`)
  return EXIT.error
}

async function deleteOffsets(broker: Broker, opts: GroupsOptions, io: GroupsIo): Promise<number> {
  const groupId = (opts.groups as string[])[0]
  let result
  try {
    result = await broker.deleteOffsets(groupId, opts.topics)
  } catch (error) {
    if (error instanceof KtError && (error.code === 'GROUP_ID_NOT_FOUND' || error.code === 'NON_EMPTY_GROUP')) {
      io.err(`\nError: ${error.message}\n`)
      return EXIT.error
    }

    throw error
  }

  const failed = result.partitions.some((p) => p.error !== null)
  if (failed) io.err('\nError: Encountered some partition-level error, see the follow-up details.\n')
  if (opts.json) {
    io.out(
      json({
        group: groupId,
        partitions: result.partitions.map((p) => ({error: p.error, partition: p.partition, topic: p.topic})),
      }),
    )
    return failed ? EXIT.error : EXIT.ok
  }

  if (!failed) io.out(`Request succeeded for deleting offsets from group ${groupId}.\n`)
  io.out(renderDeleteOffsets(result))
  return failed ? EXIT.error : EXIT.ok
}

function json(doc: unknown): string {
  return JSON.stringify(doc, null, 2) + '\n'
}
