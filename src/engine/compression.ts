// Record batch compression codecs (attributes bits 0-2). kt reads and writes gzip through
// node:zlib; snappy, lz4 and zstd need codecs Node 20 does not ship, so they are refused clearly.
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

export function decompress(type: CompressionType, data: Uint8Array): Buffer {
  if (type === 'gzip') return gunzipSync(data)
  if (type === 'none') return Buffer.from(data)
  throw unsupported(type)
}
