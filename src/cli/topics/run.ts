// kafka-topics' run: options checked in Kafka's order, Kafka's deprecation warnings, the action
// over the Broker interface, and the result rendered as Kafka's text layout or kt's JSON document.
import {checkRemoteFlags} from '../flags.js'
import {styler, useColour} from '../output/color.js'
import {renderTopicsText, topicsJson} from '../output/topics.js'
import type {CommandSession, ExitStatus} from '../session.js'
import {parseTopicOptions, type TopicFlags} from './options.js'
import {runTopicCommand} from './service.js'

/** kafka-topics prefixes its runtime errors with this. */
export const TOPICS_ERROR_PREFIX = 'Error while executing topic command : '

export async function runTopics(
  session: CommandSession,
  flags: TopicFlags & {'data-dir'?: string},
): Promise<ExitStatus> {
  checkRemoteFlags(flags)
  const options = parseTopicOptions(flags)
  const warn = (line: string) => process.stderr.write(`${line}\n`)
  if (flags['delete-config'] !== undefined)
    warn(
      'delete-config option is no longer supported and deprecated since version 4.0. The config will be fully removed in future releases.',
    )
  if (options.action === 'describe' && options.ifExists && options.topic !== undefined && options.topicId !== undefined)
    warn('Only topic id will be used when both --topic and --topic-id are specified and topicId is not Uuid.ZERO_UUID')
  const broker = await session.broker(flags['data-dir'])
  const result = await runTopicCommand(broker, options, warn)
  process.stdout.write(
    options.json
      ? JSON.stringify(topicsJson(result), null, 2) + '\n'
      : renderTopicsText(result, await styler(useColour(process.stdout))),
  )
  return undefined
}
