// kafka-console-producer options: reader properties, producer properties and the dedicated
// flags, with Kafka's precedence (typed flag > --producer-property > --producer.config > flag
// default) and validation messages.
import {type Acks, type CompressionType, isCompressionType, KtError, SUPPORTED_COMPRESSION} from '../../engine/index.js'
import type {ProducerSettings} from '../../client/producer.js'
import type ConsoleProducer from '../../commands/console-producer.js'
import type {Interfaces} from '../oclif.js'
import {UsageError} from '../errors.js'
import {DEFAULT_LINE_READER_CONFIG, type LineReaderConfig, validateLineReaderConfig} from '../line-reader.js'
import {integerConfig, intOption, invalidValue} from '../options.js'
import {booleanProperty, INERT_CLIENT_CONFIGS, layeredProperties} from '../properties.js'

/** The flags of `kt console-producer`, as oclif parses them. */
export type ProducerFlags = Interfaces.InferredFlags<(typeof ConsoleProducer)['flags']>

export interface ProducerOptions {
  topic: string
  input: 'json' | 'text'
  reader: LineReaderConfig
  settings: ProducerSettings
  lingerMs: number
  sync: boolean
  /** Beyond Kafka: every record goes to this partition. */
  partition?: number
  allowAutoCreate: boolean
  /** Producer properties Kafka knows but that change nothing on an embedded broker. */
  inert: string[]
  /** Properties Kafka itself would not know. */
  unknown: string[]
}

const LINE_READERS = new Set(['kafka.tools.LineMessageReader', 'org.apache.kafka.tools.LineMessageReader'])
const ROUND_ROBIN = new Set(['org.apache.kafka.clients.producer.RoundRobinPartitioner'])
const DEFAULT_PARTITIONERS = new Set([
  'org.apache.kafka.clients.producer.internals.DefaultPartitioner',
  'org.apache.kafka.clients.producer.UniformStickyPartitioner',
])

/** Producer configs kt reads. */
const USED = new Set([
  'acks',
  'allow.auto.create.topics',
  'batch.size',
  'client.id',
  'compression.type',
  'key.serializer',
  'linger.ms',
  'max.request.size',
  'partitioner.class',
  'partitioner.ignore.keys',
  'value.serializer',
  'bootstrap.servers',
])

/** Kafka producer configs about the network client, retries and buffering: no effect here. */
const INERT = new Set([
  ...INERT_CLIENT_CONFIGS,
  'buffer.memory',
  'compression.gzip.level',
  'compression.lz4.level',
  'compression.zstd.level',
  'delivery.timeout.ms',
  'enable.idempotence',
  'max.block.ms',
  'max.in.flight.requests.per.connection',
  'metadata.max.idle.ms',
  'metadata.recovery.strategy',
  'partitioner.adaptive.partitioning.enable',
  'partitioner.availability.timeout.ms',
  'retries',
  'transaction.timeout.ms',
])

export function parseProducerOptions(flags: ProducerFlags): ProducerOptions {
  if (flags.topic === undefined) throw new UsageError('Missing required argument "[topic]"')
  if (flags['line-reader'] !== undefined && !LINE_READERS.has(flags['line-reader']))
    throw new UsageError(
      `--line-reader ${flags['line-reader']}: kt reads lines with org.apache.kafka.tools.LineMessageReader only (or use --input json)`,
    )
  if (flags.input !== 'text' && flags.input !== 'json')
    throw new UsageError(`--input ${flags.input}: expected text or json`)

  const readerProps = layeredProperties(flags['reader-config'], '--reader-config', flags.property)
  const reader: LineReaderConfig = {
    headersDelimiter: readerProps.get('headers.delimiter') ?? DEFAULT_LINE_READER_CONFIG.headersDelimiter,
    headersKeySeparator: readerProps.get('headers.key.separator') ?? DEFAULT_LINE_READER_CONFIG.headersKeySeparator,
    headersSeparator: readerProps.get('headers.separator') ?? DEFAULT_LINE_READER_CONFIG.headersSeparator,
    ignoreError: booleanProperty(readerProps.get('ignore.error')),
    keySeparator: readerProps.get('key.separator') ?? DEFAULT_LINE_READER_CONFIG.keySeparator,
    nullMarker: readerProps.get('null.marker'),
    parseHeaders: booleanProperty(readerProps.get('parse.headers')),
    parseKey: booleanProperty(readerProps.get('parse.key')),
  }
  try {
    new RegExp(reader.headersSeparator)
  } catch {
    throw new KtError(
      'INVALID_CONFIG',
      `headers.separator '${reader.headersSeparator}' is not a valid regular expression`,
    )
  }

  validateLineReaderConfig(reader)

  const props = layeredProperties(flags['producer.config'], '--producer.config', flags['producer-property'])
  // Dedicated flags typed on the command line win over the property sources.
  const acksRaw = flags['request-required-acks'] ?? props.get('acks') ?? '-1'
  const batchRaw = flags['max-partition-memory-bytes'] ?? flags['batch-size'] ?? props.get('batch.size') ?? '16384'
  const lingerRaw = flags.timeout ?? props.get('linger.ms') ?? '1000'
  const compressionRaw = flags['compression-codec'] ?? props.get('compression.type') ?? 'none'

  const acks = parseAcks(acksRaw)
  const batchSize = integerConfig('batch.size', batchRaw, 'INT', 16_384)
  const lingerMs = integerConfig('linger.ms', lingerRaw, 'LONG', 1000)
  const compression = parseCompression(compressionRaw)
  const maxRequestSize = integerConfig('max.request.size', props.get('max.request.size'), 'INT', 1_048_576)
  const partitionerClass = props.get('partitioner.class')?.trim()
  let partitioner: ProducerSettings['partitioner'] = 'default'
  if (partitionerClass !== undefined && partitionerClass !== '') {
    if (ROUND_ROBIN.has(partitionerClass)) partitioner = 'round-robin'
    else if (!DEFAULT_PARTITIONERS.has(partitionerClass))
      throw new KtError(
        'INVALID_CONFIG',
        `partitioner.class ${partitionerClass} is not available in kt (supported: org.apache.kafka.clients.producer.RoundRobinPartitioner, or none for Kafka's default)`,
      )
  }

  for (const name of ['key.serializer', 'value.serializer']) {
    const v = props.get(name)
    if (v !== undefined && v.trim() !== 'org.apache.kafka.common.serialization.ByteArraySerializer')
      throw new KtError(
        'INVALID_CONFIG',
        `${name} ${v}: the console producer always sends raw bytes (ByteArraySerializer)`,
      )
  }

  if (props.has('transactional.id'))
    throw new KtError('INVALID_CONFIG', 'transactional.id: transactions are not supported by kt yet')

  return {
    allowAutoCreate: props.has('allow.auto.create.topics')
      ? booleanProperty(props.get('allow.auto.create.topics'))
      : true,
    inert: [...props.keys()].filter((k) => INERT.has(k)).sort(),
    input: flags.input,
    lingerMs,
    partition: intOption('partition', flags.partition),
    reader,
    settings: {
      acks,
      batchSize,
      compression,
      ignoreKeys: booleanProperty(props.get('partitioner.ignore.keys')),
      maxRequestSize,
      partitioner,
    },
    sync: flags.sync,
    topic: flags.topic,
    unknown: [...props.keys()].filter((k) => !USED.has(k) && !INERT.has(k)).sort(),
  }
}

function parseAcks(raw: string): Acks {
  switch (raw.trim().toLowerCase()) {
    case '-1':
    case 'all': {
      return -1
    }

    case '0': {
      return 0
    }

    case '1': {
      return 1
    }

    default: {
      throw invalidValue('acks', raw, 'String must be one of: all, -1, 0, 1')
    }
  }
}

function parseCompression(raw: string): CompressionType {
  const name = raw.trim().toLowerCase()
  if (!isCompressionType(name))
    throw invalidValue('compression.type', raw, 'String must be one of: none, gzip, snappy, lz4, zstd')
  if (!SUPPORTED_COMPRESSION.includes(name))
    throw new KtError(
      'UNSUPPORTED_COMPRESSION_TYPE',
      `compression.type ${name} is not supported by kt yet (supported: ${SUPPORTED_COMPRESSION.join(', ')})`,
    )
  return name
}
