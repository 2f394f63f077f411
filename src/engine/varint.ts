// Zig-zag variable-length integers as used inside Kafka records (protobuf style).
// Values are JS numbers: int32 for varint, and safe integers (|n| < 2^53) for varlong.

/** Bytes needed for the zig-zag varint/varlong encoding of n. */
export function varintSize(n: number): number {
  if (n >= -0x4000_0000 && n < 0x4000_0000) {
    const z = ((n << 1) ^ (n >> 31)) >>> 0
    return z < 0x80 ? 1 : z < 0x4000 ? 2 : z < 0x20_0000 ? 3 : z < 0x1000_0000 ? 4 : 5
  }

  if (n <= -(2 ** 52) || n >= 2 ** 52) return writeBigVarint(new Uint8Array(10), 0, BigInt(n))
  let z = n >= 0 ? n * 2 : -n * 2 - 1
  let size = 1
  while (z >= 128) {
    z = Math.floor(z / 128)
    size++
  }

  return size
}

/** Writes the zig-zag encoding of n at pos and returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, n: number): number {
  if (n >= -0x4000_0000 && n < 0x4000_0000) {
    let z = ((n << 1) ^ (n >> 31)) >>> 0
    while (z >= 0x80) {
      buf[pos++] = (z & 0x7f) | 0x80
      z >>>= 7
    }

    buf[pos++] = z
    return pos
  }

  if (n <= -(2 ** 52) || n >= 2 ** 52) return writeBigVarint(buf, pos, BigInt(n))
  let z = n >= 0 ? n * 2 : -n * 2 - 1
  while (z >= 0x80) {
    buf[pos++] = (z % 128) | 0x80
    z = Math.floor(z / 128)
  }

  buf[pos++] = z
  return pos
}

/** The zig-zag value of a large n exceeds 2^53: encode it exactly with BigInt. */
function writeBigVarint(buf: Uint8Array, pos: number, n: bigint): number {
  let z = n >= 0n ? n * 2n : -n * 2n - 1n
  while (z >= 0x80n) {
    buf[pos++] = Number(z & 0x7fn) | 0x80
    z >>= 7n
  }

  buf[pos++] = Number(z)
  return pos
}

/** A reader over a byte range; `pos` advances as values are read. */
export class VarintReader {
  constructor(
    public buf: Uint8Array,
    public pos: number,
    public end: number,
  ) {}

  /** Reads one zig-zag varint/varlong (up to 2^53 in magnitude). Throws on truncation or overflow. */
  readVarint(): number {
    // Most record fields (attributes, deltas, small lengths) fit one byte: keep that path tiny.
    const pos = this.pos
    const b = this.buf[pos]
    if (b < 0x80 && pos < this.end) {
      this.pos = pos + 1
      return (b >>> 1) ^ -(b & 1)
    }

    return this.readVarintLong()
  }

  private readVarintLong(): number {
    const {buf, end} = this
    let pos = this.pos
    let result = 0
    let shift = 0
    for (;;) {
      if (pos >= end) throw new RangeError('truncated varint')
      const b = buf[pos++]
      if (shift < 28) result |= (b & 0x7f) << shift
      else result += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) break
      shift += 7
      if (shift > 63) throw new RangeError('varint too long')
    }

    if (shift < 28) {
      this.pos = pos
      return (result >>> 1) ^ -(result & 1)
    }

    if (result >= 2 ** 53) return this.readBigVarint()
    this.pos = pos
    return result % 2 === 0 ? result / 2 : -(result + 1) / 2
  }

  /** Exact decode for zig-zag values beyond 2^53 (the result is rounded to the nearest number). */
  private readBigVarint(): number {
    let z = 0n
    let shift = 0n
    for (;;) {
      const b = this.buf[this.pos++]
      z |= BigInt(b & 0x7f) << shift
      if ((b & 0x80) === 0) break
      shift += 7n
    }

    return Number(z & 1n ? -((z + 1n) >> 1n) : z >> 1n)
  }
}
