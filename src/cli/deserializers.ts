// Kafka's built-in deserializers as the console consumer's formatter uses them: the record bytes
// become an object whose toString() is printed. Java's number formatting is reproduced (Long is
// exact, Double/Float print as Double.toString/Float.toString do).
import {KtError} from '../engine/index.js'

export type Deserializer = (data: Buffer) => Buffer

const PREFIXES = ['org.apache.kafka.common.serialization.', '']

const fixed = (name: string, size: number, read: (b: Buffer) => string): Deserializer => {
  return (data) => {
    if (data.length !== size) throw new KtError('INVALID_RECORD', `Size of data received by ${name} is not ${size}`)
    return Buffer.from(read(data))
  }
}

const BUILT_IN: Record<string, (config: ReadonlyMap<string, string>) => Deserializer> = {
  ByteArrayDeserializer: () => (data) => data,
  BytesDeserializer: () => (data) => Buffer.from(bytesToString(data)),
  DoubleDeserializer: () => fixed('DoubleDeserializer', 8, (b) => javaDouble(b.readDoubleBE(0))),
  FloatDeserializer: () => fixed('FloatDeserializer', 4, (b) => javaFloat(b.readFloatBE(0))),
  IntegerDeserializer: () => fixed('IntegerDeserializer', 4, (b) => String(b.readInt32BE(0))),
  LongDeserializer: () => fixed('LongDeserializer', 8, (b) => b.readBigInt64BE(0).toString()),
  ShortDeserializer: () => fixed('ShortDeserializer', 2, (b) => String(b.readInt16BE(0))),
  StringDeserializer: (config) => {
    const encoding = (config.get('encoding') ?? 'UTF8').toUpperCase().replaceAll('-', '').replaceAll('_', '')
    if (encoding === 'UTF8') return (data) => Buffer.from(data.toString('utf8'))
    if (encoding === 'ISO88591' || encoding === 'LATIN1') return (data) => Buffer.from(data.toString('latin1'))
    if (encoding === 'USASCII' || encoding === 'ASCII')
      return (data) => Buffer.from([...data].map((b) => (b < 128 ? String.fromCharCode(b) : '\uFFFD')).join(''))
    throw new KtError(
      'INVALID_CONFIG',
      `Unsupported StringDeserializer encoding ${config.get('encoding')} (UTF8, ISO-8859-1 or US-ASCII)`,
    )
  },
  UUIDDeserializer: () => (data) => Buffer.from(parseJavaUuid(data.toString('utf8'))),
}

/** The deserializer for a class name (full or simple), configured with its `<field>.deserializer.*` properties. */
export function deserializerFor(className: string, config: ReadonlyMap<string, string>): Deserializer {
  for (const prefix of PREFIXES) {
    if (!className.startsWith(prefix)) continue
    const make = BUILT_IN[className.slice(prefix.length)]
    if (make && (prefix !== '' || !className.includes('.'))) return make(config)
  }

  throw new KtError(
    'INVALID_CONFIG',
    `Deserializer class ${className} is not available in kt (built in: ${Object.keys(BUILT_IN)
      .map((n) => n)
      .join(', ')})`,
  )
}

/** org.apache.kafka.common.utils.Bytes#toString: printable ASCII as is, other bytes as \xNN. */
function bytesToString(data: Buffer): string {
  let out = ''
  for (const b of data)
    out +=
      b >= 0x20 && b <= 0x7e && b !== 0x5c
        ? String.fromCharCode(b)
        : `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`
  return out
}

/** java.util.UUID.fromString(...).toString(): five hex groups, each masked to its width. */
function parseJavaUuid(text: string): string {
  const parts = text.split('-')
  const widths = [8, 4, 4, 4, 12]
  if (parts.length !== 5 || text.length > 36 || parts.some((p) => !/^[0-9a-fA-F]{1,16}$/.test(p)))
    throw new KtError('INVALID_RECORD', 'Error parsing data into UUID')
  return parts
    .map((p, i) => (BigInt('0x' + p) & ((1n << BigInt(widths[i] * 4)) - 1n)).toString(16).padStart(widths[i], '0'))
    .join('-')
}

/** Java's Double.toString for a finite or special double. */
export function javaDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN'
  if (x === Number.POSITIVE_INFINITY) return 'Infinity'
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity'
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  return javaDecimal(x, x.toExponential())
}

/** Java's Float.toString for a value read as a 32-bit float. */
export function javaFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN'
  if (x === Number.POSITIVE_INFINITY) return 'Infinity'
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity'
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  // The shortest decimal that reads back as the same float.
  for (let p = 1; p <= 9; p++) {
    const e = x.toExponential(p - 1)
    if (Math.fround(Number(e)) === x) return javaDecimal(x, e)
  }

  return javaDecimal(x, x.toExponential(8))
}

/** Formats shortest digits (given as JS exponential notation) the way Java prints doubles. */
function javaDecimal(x: number, exponential: string): string {
  const [mantissa, expText] = exponential.split('e')
  const exp = Number(expText)
  const negative = mantissa.startsWith('-')
  const digits = mantissa.replace('-', '').replace('.', '')
  const abs = Math.abs(x)
  let out: string
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0')
      const frac = digits.slice(exp + 1) || '0'
      out = `${intPart}.${frac}`
    } else out = `0.${'0'.repeat(-exp - 1)}${digits}`
  } else out = `${digits[0]}.${digits.slice(1) || '0'}E${exp}`
  return negative ? `-${out}` : out
}
