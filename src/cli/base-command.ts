// The base of every kt command: the shared --data-dir flag, Kafka-style single-dash options,
// opening and closing the broker, and turning errors into one stderr line and an exit code.
import {homedir} from 'node:os'
import {join, resolve} from 'node:path'

import {type Broker, DB_FILE, isKtError, KtError, openBroker, storageError} from '../engine/index.js'
import {normalizeKafkaArgv} from './argv.js'
import {Command, Errors, Flags, type Interfaces} from './oclif.js'
import {EXIT, UsageError} from './errors.js'
import {CLIENT_HOST, isProcessAlive} from './process.js'
import {openRemote, type RemoteFlags} from './flags.js'
import type {ClientProperties, CommandSession, ExitStatus} from './session.js'

export abstract class KtCommand extends Command {
  static override baseFlags = {
    'data-dir': Flags.string({
      env: 'KT_DATA_DIR',
      helpGroup: 'GLOBAL',
      helpValue: '<dir>',
      summary: 'Directory of the kt store (kt.db, server.properties). Default: ~/.kt',
    }),
  }

  /**
   * Options whose value may be left out, each with the value that then applies (Kafka's
   * `--compression-codec` alone means gzip). Declared by the command; applied to both option forms.
   */
  static optionalValues: Record<string, string> = {}

  /** Prefix of runtime error lines; kafka-topics uses its own. */
  protected errorPrefix = 'Error: '
  private brokerInstance: Broker | undefined
  /** The data dir of the store this run opened, for naming it in storage errors. */
  private dataDir: string | undefined
  /** --bootstrap-server / --command-config as parsed: the run works against that cluster. */
  private remote: RemoteFlags | undefined

  override async init(): Promise<void> {
    await super.init()
    // A library that throws inside its own callback (the Kafka client's describeGroups decoder
    // did, on an answer it did not expect) would end the process with Node's stack trace: it is
    // reported in one line as any other error, and the process exits at once (its state is unknown).
    process.once('uncaughtException', (error) => process.exit(this.report(error)))
    const flags = {...this.ctor.baseFlags, ...this.ctor.flags} as Record<string, {type: string}>
    const names = new Set(Object.keys(flags))
    const withValue = new Set(Object.keys(flags).filter((n) => flags[n].type === 'option'))
    const optionalValue = new Map(Object.entries((this.ctor as typeof KtCommand).optionalValues))
    this.argv = normalizeKafkaArgv(this.argv, {names: new Set([...names, 'help', 'version']), optionalValue, withValue})
    // Every Kafka tool takes --help and --version (also as -help / -version).
    if (this.argv.includes('--help')) {
      const {loadHelpClass} = await import('@oclif/core/help')
      const Help = await loadHelpClass(this.config)
      await new Help(this.config).showHelp([this.id ?? ''])
      this.exit(EXIT.ok)
    }

    if (this.argv.includes('--version')) {
      process.stdout.write(`${this.config.version}\n`)
      this.exit(EXIT.ok)
    }
  }

  /** Every command parses its flags here: a --bootstrap-server (or KT_BOOTSTRAP_SERVER) picks the cluster. */
  protected override async parse<
    F extends Interfaces.OutputFlags<Interfaces.FlagInput>,
    B extends Interfaces.OutputFlags<Interfaces.FlagInput>,
    A extends Interfaces.OutputArgs<Interfaces.ArgInput>,
  >(options?: Interfaces.Input<F, B, A>, argv?: string[]): Promise<Interfaces.ParserOutput<F, B, A>> {
    const parsed = await super.parse(options, argv)
    const flags = parsed.flags as RemoteFlags
    if (flags['bootstrap-server'] !== undefined) this.remote = flags
    return parsed
  }

  /**
   * Opens the store (or connects to --bootstrap-server's cluster) once per run; warnings go to
   * stderr. `create: false` opens only an existing store.
   */
  protected async broker(
    dataDir: string | undefined,
    options: {client?: ClientProperties; create?: boolean} = {},
  ): Promise<Broker> {
    if (!this.brokerInstance) {
      this.dataDir = resolveDataDir(dataDir)
      if (this.remote)
        this.brokerInstance = await openRemote(this.id ?? 'kt', this.dataDir, this.remote, options.client)
      else {
        // better-sqlite3 reads this when it loads its addon (at the first open): URI file names let
        // the engine open a store on a read-only file system immutable. Data dirs are made
        // absolute, so no store's own name is ever read as a URI.
        process.env.SQLITE_USE_URI ??= '1'
        this.brokerInstance = await openBroker(this.dataDir, {
          create: options.create,
          host: CLIENT_HOST,
          isProcessAlive,
        })
      }
      for (const w of this.brokerInstance.warnings) process.stderr.write(`WARN ${w}\n`)
    }

    return this.brokerInstance
  }

  override async catch(error: Interfaces.CommandError): Promise<unknown> {
    await this.closeBroker()
    if (error instanceof Errors.ExitError) throw error
    return this.exit(this.report(error))
  }

  /** Writes the one stderr line for an error and returns the exit code it means. */
  protected report(error: Error): number {
    let code: number = EXIT.error
    // SQLite failures the engine did not already word (a statement outside a transaction).
    const sqliteCode = (error as {code?: unknown}).code
    if (!isKtError(error) && typeof sqliteCode === 'string' && sqliteCode.startsWith('SQLITE_'))
      error = storageError(error, join(this.dataDir ?? '.', DB_FILE), 'read')
    else if (!isKtError(error) && typeof sqliteCode === 'string' && /^E[A-Z]+$/.test(sqliteCode) && 'syscall' in error)
      // A system call that failed (a full disk while writing output, …): its own message is one line.
      error = new KtError('KAFKA_STORAGE_ERROR', error.message)
    if (error instanceof UsageError) {
      code = EXIT.usage
      process.stderr.write(`${error.message}\n`)
    } else if (isKtError(error)) {
      process.stderr.write(`${this.errorPrefix}${error.message}\n`)
    } else if (isParseError(error)) {
      code = EXIT.usage
      process.stderr.write(`${parseErrorMessage(error)}\n`)
    } else {
      process.stderr.write(`kt: internal error: ${error.message}\n`)
      if (process.env.DEBUG?.split(',').some((d) => d === 'kt' || d === '*')) process.stderr.write(`${error.stack}\n`)
      else process.stderr.write('(run with DEBUG=kt to see the stack trace)\n')
    }

    return code
  }

  override async finally(error: Error | undefined): Promise<unknown> {
    await this.closeBroker()
    return super.finally(error)
  }

  /** The store and error reporting, for the tool's run function in src/cli. */
  protected get session(): CommandSession {
    return {broker: (dataDir, client) => this.broker(dataDir, {client}), report: (error) => this.report(error)}
  }

  /** Ends the run with the status the tool's run function returned. */
  protected async exitWith(status: ExitStatus): Promise<void> {
    if (status === undefined || status === EXIT.ok) return
    await this.closeBroker()
    this.exit(status)
  }

  protected async closeBroker(): Promise<void> {
    const broker = this.brokerInstance
    this.brokerInstance = undefined
    await broker?.close()
  }
}

function isParseError(error: Error): boolean {
  return error instanceof Errors.CLIError && /Parse|Flag|Args|Arg/.test(error.constructor.name + error.message)
}

/** oclif's parser messages, reworded the way Kafka's tools say them. */
function parseErrorMessage(error: Error): string {
  const first = error.message.split('\n')[0]
  const nonexistent = /^Nonexistent flags?: (.+)$/.exec(first)
  // Kafka's parser stops at the first one.
  if (nonexistent) return `${nonexistent[1].split(', ')[0].replace(/^-+/, '')} is not a recognized option`
  const unexpected = /^Unexpected arguments?: (.+)$/.exec(first)
  if (unexpected) return `Found non-option argument(s): ${unexpected[1]} (kt takes options only)`
  const expects = /^Flag --(\S+) expects a value/.exec(first)
  if (expects) return `Option ${expects[1]} requires an argument`
  return first
}

/** The store's directory: --data-dir (or KT_DATA_DIR), else ~/.kt; absolute. */
export function resolveDataDir(dataDir: string | undefined): string {
  return resolve(dataDir ?? join(homedir(), '.kt'))
}
