// The broker a console client (producer or consumer) runs on: its client configs are warned
// about as Kafka's client would (unknown ones; and, on the embedded store, those with no effect
// there), then the store is opened, or the cluster is reached with the tool's own properties.
import type {Broker} from '../engine/index.js'
import {clientConfigWarnings, isRemote} from './flags.js'
import {layeredProperties, warnAboutClientConfigs} from './properties.js'
import type {CommandSession} from './session.js'

/** The tool's properties: its --<kind>.config file, overlaid by its --<kind>-property options. */
export interface ClientPropertySources {
  file: string | undefined
  fileOption: string
  pairs: readonly string[] | undefined
}

export async function openClientBroker(
  session: CommandSession,
  kind: 'consumer' | 'producer',
  flags: {'bootstrap-server'?: string; 'data-dir'?: string},
  sources: ClientPropertySources,
  configs: {unknown: readonly string[]; inert: readonly string[]},
): Promise<Broker> {
  const remote = isRemote(flags)
  const shown = clientConfigWarnings(remote, configs.unknown, configs.inert)
  warnAboutClientConfigs(kind, shown.unknown, shown.inert)
  return session.broker(
    flags['data-dir'],
    remote
      ? {properties: layeredProperties(sources.file, sources.fileOption, sources.pairs), unused: configs.inert}
      : undefined,
  )
}
