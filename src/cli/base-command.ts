// The base of every kt command: the shared --data-dir flag, Kafka-style single-dash options,
// opening and closing the broker, and turning errors into one stderr line and an exit code.
import {homedir} from 'node:os'
import {join} from 'node:path'

import {type Broker, isKtError, openBroker} from '../engine/index.js'
import {normalizeKafkaArgv} from './argv.js'
import {Command, Errors, Flags, type Interfaces} from './oclif.js'
import {EXIT, UsageError} from './errors.js'
import {withOptionalValues} from './optional-values.js'
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

  /** Options taking an optional value, with the value each means when given alone. */
  static optionalValues: Readonly<Record<string, string>> = {}

  /** Prefix of runtime error lines; kafka-topics uses its own. */
  protected errorPrefix = 'Error: '
  private brokerInstance: Broker | undefined
  /** --bootstrap-server / --command-config as parsed: the run works against that cluster. */
  private remote: RemoteFlags | undefined

  override async init(): Promise<void> {
    await super.init()
    const flags = {...this.ctor.baseFlags, ...this.ctor.flags} as Record<string, {type: string}>
    const names = new Set(Object.keys(flags))
    const withValue = new Set(Object.keys(flags).filter((n) => flags[n].type === 'option'))
    this.argv = normalizeKafkaArgv(this.argv, {names: new Set([...names, 'help', 'version']), withValue})
    this.argv = withOptionalValues(this.argv, (this.ctor as typeof KtCommand).optionalValues)
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

  /** Opens the store (or connects to --bootstrap-server's cluster) once per run; warnings go to stderr. */
  protected async broker(dataDir: string | undefined, options: {client?: ClientProperties} = {}): Promise<Broker> {
    if (!this.brokerInstance) {
      const dir = dataDir ?? join(homedir(), '.kt')
      this.brokerInstance = this.remote
        ? await openRemote(this.id ?? 'kt', dir, this.remote, options.client)
        : await openBroker(dir, {host: CLIENT_HOST, isProcessAlive})
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
