// What a tool's run function (src/cli/<tool>/run.ts) needs from the oclif command that called it:
// the store, opened once per run, and the one-line reporting of an error. The run function
// returns the exit status; the command ends the process with it.
import type {Broker} from '../engine/index.js'

/** A tool's own client properties (--producer.config / --consumer.config and -property options). */
export interface ClientProperties {
  properties: ReadonlyMap<string, string>
  /** Known configs the tool does not use: against a cluster, named unless the connection honours them. */
  unused: readonly string[]
}

export interface CommandSession {
  /**
   * Opens the store once per run (--data-dir, KT_DATA_DIR, or ~/.kt), or connects to the cluster
   * of --bootstrap-server with the client properties; its warnings go to stderr.
   */
  broker(dataDir: string | undefined, client?: ClientProperties): Promise<Broker>
  /** Writes the one stderr line for an error and returns the exit code it means. */
  report(error: Error): number
}

/** A run's outcome: undefined is success (oclif ends the process normally), else the exit code. */
export type ExitStatus = number | undefined

/** A WARN line on stderr. */
export function warn(line: string): void {
  process.stderr.write(`WARN ${line}\n`)
}

/** What a producer or subscribing consumer says when its topic was created for it. */
export function warnTopicCreated(topic: string, partitions: number): void {
  warn(`Topic '${topic}' did not exist: created it with ${partitions} partition(s) (auto.create.topics.enable=true)`)
}
