// Flag builders shared by the commands, and the flags every Kafka tool has but kt's embedded
// broker cannot honour yet (refused with a clear message rather than silently ignored).
import {Flags} from './oclif.js'

import {UsageError} from './errors.js'

/** A repeatable key=value option (--property, --config, --producer-property …). */
export function keyValueFlag(summary: string) {
  return Flags.string({helpValue: '<key=value>', multiple: true, multipleNonGreedy: true, summary})
}

export const remoteFlags = {
  'bootstrap-server': Flags.string({
    helpGroup: 'REMOTE',
    helpValue: '<host:port>',
    summary: 'Not supported yet: kt runs its embedded broker. Leave this option out.',
  }),
  'command-config': Flags.string({
    helpGroup: 'REMOTE',
    helpValue: '<file>',
    summary: 'Not supported yet: client connection properties for a remote cluster.',
  }),
}

/** Refuses options that only make sense against a remote Kafka cluster. */
export function refuseRemoteFlags(flags: {'bootstrap-server'?: string; 'command-config'?: string}): void {
  if (flags['bootstrap-server'] !== undefined)
    throw new UsageError(
      `--bootstrap-server ${flags['bootstrap-server']}: kt does not connect to Kafka clusters yet; leave the option out to use kt's embedded broker`,
    )
  if (flags['command-config'] !== undefined)
    throw new UsageError(
      '--command-config: client connection properties apply to a remote Kafka cluster, which kt does not connect to yet; leave the option out',
    )
}

export const jsonFlag = Flags.boolean({summary: 'Print a JSON document instead of Kafka’s text layout.'})
