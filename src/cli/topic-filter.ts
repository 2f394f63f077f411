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
    return javaRegex(source)
  } catch {
    throw new KtError('INVALID_REQUEST', `${source} is an invalid regex.`)
  }
}

/**
 * A Java regular expression as a full-match JavaScript RegExp. Java's leading inline flags
 * (`(?i)`, `(?s)`, `(?m)`, `(?x)`, `(?u)`) become JavaScript flags.
 */
export function javaRegex(source: string): RegExp {
  let body = source
  let flags = 'u'
  const inline = /^\(\?([imsux]+)\)/.exec(body)
  if (inline) {
    body = body.slice(inline[0].length)
    for (const f of inline[1]) {
      if ((f === 'i' || f === 'm' || f === 's') && !flags.includes(f)) flags += f
      if (f === 'x') body = body.replaceAll(/\s+|#.*$/gm, '')
    }
  }

  return new RegExp(`^(?:${body})$`, flags)
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
