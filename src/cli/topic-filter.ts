// kafka-topics' topic selection (TopicFilter): --topic is a Java regex, full-match, where ','
// means "or"; internal topics can be excluded.
import {KtError} from '../engine/index.js'

export function topicPattern(raw: string): RegExp {
  const source = raw
    .trim()
    .replaceAll(',', '|')
    .replaceAll(' ', '')
    .replace(/^["']+/, '')
    .replace(/["']+$/, '')
  try {
    return new RegExp(`^(?:${source})$`, 'u')
  } catch {
    throw new KtError('INVALID_REQUEST', `${source} is an invalid regex.`)
  }
}

export function selectTopics(
  all: readonly string[],
  options: {topic?: string; excludeInternal: boolean; isInternal: (name: string) => boolean},
): string[] {
  const pattern = options.topic === undefined ? undefined : topicPattern(options.topic)
  return [...all]
    .sort()
    .filter((t) => (pattern ? pattern.test(t) : true))
    .filter((t) => !(options.excludeInternal && options.isInternal(t)))
}
