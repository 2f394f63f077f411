// Record batch compression codecs (attributes bits 0-2). kt writes none or gzip (node:zlib); it
// reads all five codecs, since Kafka clients writing through kt broker use any of them and the
// broker stores their batches as they came:
// - gzip: node:zlib.
// - snappy: `snappy` (napi-rs; prebuilt binaries come as npm packages, so it installs offline),
//   maintained and the fastest Node snappy codec. Java and kafka-python wrap raw snappy in the
//   xerial (snappy-java) framing; librdkafka writes raw snappy: both are read.
// - lz4: `lz4-napi` (napi-rs over lz4_flex, prebuilt binaries as npm packages), for the LZ4
//   frame format Kafka uses.
// - zstd: `fzstd`, pure JS decoding (Node 20's zlib has no zstd; the native zstd bindings need a
//   download or a compiler at install time).
// The codec packages load on first use, so commands that never meet them do not pay for it.
import {createRequire} from 'node:module'
import {gunzipSync, gzipSync} from 'node:zlib'

import {KtError} from './errors.js'

export type CompressionType = 'gzip' | 'lz4' | 'none' | 'snappy' | 'zstd'

const CODECS: readonly CompressionType[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

/** The compression type for attribute bits 0-2, or undefined for an unknown id. */
export function codecOf(id: number): CompressionType | undefined {
  return CODECS[id]
}

export function compressionTypeOf(type: CompressionType): number {
  return CODECS.indexOf(type)
}

/** Codecs kt's producer writes. */
export const SUPPORTED_COMPRESSION: readonly CompressionType[] = ['none', 'gzip']

export function isCompressionType(name: string): name is CompressionType {
  return (CODECS as readonly string[]).includes(name)
}

function unsupported(type: CompressionType): KtError {
  return new KtError(
    'UNSUPPORTED_COMPRESSION_TYPE',
    `Compression type '${type}' is not supported by kt yet (supported: ${SUPPORTED_COMPRESSION.join(', ')})`,
  )
}

export function compress(type: CompressionType, data: Uint8Array): Buffer {
  if (type === 'gzip') return gzipSync(data)
  if (type === 'none') return Buffer.from(data)
  throw unsupported(type)
}

const load = createRequire(import.meta.url)
let snappy: typeof import('snappy') | undefined
let lz4: typeof import('lz4-napi') | undefined
let zstd: typeof import('fzstd') | undefined

/** snappy-java's stream header: 0x82 "SNAPPY" 0x00, then int32 version and compatible version. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const XERIAL_HEADER_SIZE = 16

function unsnappy(data: Buffer): Buffer {
  snappy ??= load('snappy') as typeof import('snappy')
  const raw = (b: Buffer) => snappy!.uncompressSync(b, {asBuffer: true}) as Buffer
  if (data.length < XERIAL_HEADER_SIZE || !data.subarray(0, 8).equals(XERIAL_MAGIC)) return raw(data)
  // xerial framing: after the header, blocks of [int32 length][raw snappy].
  const blocks: Buffer[] = []
  let pos = XERIAL_HEADER_SIZE
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new Error('truncated xerial snappy block length')
    const length = data.readInt32BE(pos)
    pos += 4
    if (length < 0 || pos + length > data.length) throw new Error('truncated xerial snappy block')
    blocks.push(raw(data.subarray(pos, pos + length)))
    pos += length
  }

  return Buffer.concat(blocks)
}

export function decompress(type: CompressionType, data: Uint8Array): Buffer {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length)
  switch (type) {
    case 'none': {
      return Buffer.from(buf)
    }

    case 'gzip': {
      return gunzipSync(buf)
    }

    case 'snappy': {
      return unsnappy(buf)
    }

    case 'lz4': {
      lz4 ??= load('lz4-napi') as typeof import('lz4-napi')
      return lz4.decompressFrameSync(buf)
    }

    case 'zstd': {
      zstd ??= load('fzstd') as typeof import('fzstd')
      const out = zstd.decompress(buf)
      return Buffer.from(out.buffer, out.byteOffset, out.length)
    }
  }
}
