// CRC-32C (Castagnoli), the checksum of Kafka's RecordBatch v2.
// The hardware-accelerated implementation from @node-rs/crc32 (SSE4.2 / ARMv8 CRC instructions,
// shipped as a prebuilt binary through npm) is about 4x faster than the best pure-JS table
// version; the table version remains as the fallback on platforms without a prebuilt binary and
// as the reference the property tests compare against.
import {createRequire} from 'node:module'

type NativeCrc32c = (input: Uint8Array, initialState?: number) => number

let tables: Int32Array | undefined

function buildTables(): Int32Array {
  const t = new Int32Array(256 * 8)
  for (let i = 0; i < 256; i++) {
    let c = i
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1
    t[i] = c
  }

  for (let i = 0; i < 256; i++) {
    for (let s = 1; s < 8; s++) {
      const p = t[(s - 1) * 256 + i]
      t[s * 256 + i] = (p >>> 8) ^ t[p & 255]
    }
  }

  return t
}

/** Slicing-by-8 CRC-32C over buf[start, end). */
export function crc32cPortable(buf: Uint8Array, start = 0, end = buf.length): number {
  const t = (tables ??= buildTables())
  let crc = -1
  let i = start
  const end8 = end - ((end - start) & 7)
  for (; i < end8; i += 8) {
    const a = crc ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24))
    crc =
      t[1792 + (a & 255)] ^
      t[1536 + ((a >>> 8) & 255)] ^
      t[1280 + ((a >>> 16) & 255)] ^
      t[1024 + (a >>> 24)] ^
      t[768 + buf[i + 4]] ^
      t[512 + buf[i + 5]] ^
      t[256 + buf[i + 6]] ^
      t[buf[i + 7]]
  }

  for (; i < end; i++) crc = t[(crc ^ buf[i]) & 255] ^ (crc >>> 8)
  return (crc ^ -1) >>> 0
}

function loadNative(): NativeCrc32c | undefined {
  try {
    const mod = createRequire(import.meta.url)('@node-rs/crc32') as {crc32c: NativeCrc32c}
    return mod.crc32c(new TextEncoder().encode('123456789')) === 0xe3069283 ? mod.crc32c : undefined
  } catch {
    return undefined
  }
}

let native: NativeCrc32c | null | undefined

/** CRC-32C of buf[start, end), as an unsigned 32-bit number. The native code loads on first use. */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  if (native === undefined) native = loadNative() ?? null
  if (native === null) return crc32cPortable(buf, start, end)
  return native(start === 0 && end === buf.length ? buf : buf.subarray(start, end)) >>> 0
}
