// Java .properties syntax (java.util.Properties#load), used by Kafka for server.properties and
// for the tools' --producer.config / --consumer.config / --formatter-config files.

/** Parses properties text into an ordered map; later keys win, as in Java. */
export function parseJavaProperties(text: string): Map<string, string> {
  const out = new Map<string, string>()
  const lines = text.split(/\r\n|\r|\n/)
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].replace(/^[ \t\f]+/, '')
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue
    // A line ending in an odd number of backslashes continues on the next line.
    while (endsWithContinuation(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i].replace(/^[ \t\f]+/, '')
    }

    if (endsWithContinuation(line)) line = line.slice(0, -1)
    const {key, rest} = splitKey(line)
    out.set(unescape(key), unescape(rest))
  }

  return out
}

function endsWithContinuation(line: string): boolean {
  let n = 0
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) n++
  return n % 2 === 1
}

function splitKey(line: string): {key: string; rest: string} {
  let i = 0
  while (i < line.length) {
    const c = line[i]
    if (c === '\\') {
      i += 2
      continue
    }

    if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break
    i++
  }

  const key = line.slice(0, i)
  let j = i
  while (j < line.length && /[ \t\f]/.test(line[j])) j++
  if (j < line.length && (line[j] === '=' || line[j] === ':')) j++
  while (j < line.length && /[ \t\f]/.test(line[j])) j++
  return {key, rest: line.slice(j)}
}

function unescape(s: string): string {
  if (!s.includes('\\')) return s
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (c !== '\\' || i + 1 >= s.length) {
      out += c
      continue
    }

    const n = s[++i]
    switch (n) {
      case 'f': {
        out += '\f'
        break
      }

      case 'n': {
        out += '\n'
        break
      }

      case 'r': {
        out += '\r'
        break
      }

      case 't': {
        out += '\t'
        break
      }

      case 'u': {
        const hex = s.slice(i + 1, i + 5)
        if (/^[0-9a-fA-F]{4}$/.test(hex)) {
          out += String.fromCharCode(Number.parseInt(hex, 16))
          i += 4
        } else out += 'u'
        break
      }

      default: {
        out += n
      }
    }
  }

  return out
}
