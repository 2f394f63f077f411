// Kafka protocol primitives: big-endian integers, unsigned varints (flexible versions' lengths
// and tags), strings, bytes and UUIDs. The Writer keeps large byte fields (a Fetch response's
// record batches) as separate chunks, so served batches are never copied into the frame.

const UUID_ZERO = Buffer.alloc(16)

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ProtocolError'
  }
}

export class Reader {
  pos: number

  constructor(
    readonly buf: Buffer,
    pos = 0,
    readonly end = buf.length,
  ) {
    this.pos = pos
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new ProtocolError(`truncated: needed ${n} bytes at ${this.pos} of ${this.end}`)
  }

  remaining(): number {
    return this.end - this.pos
  }

  int8(): number {
    this.need(1)
    return this.buf.readInt8(this.pos++)
  }

  int16(): number {
    this.need(2)
    const v = this.buf.readInt16BE(this.pos)
    this.pos += 2
    return v
  }

  uint16(): number {
    this.need(2)
    const v = this.buf.readUInt16BE(this.pos)
    this.pos += 2
    return v
  }

  int32(): number {
    this.need(4)
    const v = this.buf.readInt32BE(this.pos)
    this.pos += 4
    return v
  }

  int64(): number {
    this.need(8)
    const v = Number(this.buf.readBigInt64BE(this.pos))
    this.pos += 8
    return v
  }

  float64(): number {
    this.need(8)
    const v = this.buf.readDoubleBE(this.pos)
    this.pos += 8
    return v
  }

  bool(): boolean {
    return this.int8() !== 0
  }

  /** Unsigned LEB128 varint, up to 32 bits. */
  uvarint(): number {
    let result = 0
    let shift = 0
    for (;;) {
      this.need(1)
      const b = this.buf[this.pos++]
      result += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) break
      shift += 7
      if (shift > 28) throw new ProtocolError('varint longer than 5 bytes')
    }

    if (result > 0xff_ff_ff_ff) throw new ProtocolError('varint out of range')
    return result
  }

  bytes(n: number): Buffer {
    if (n < 0) throw new ProtocolError(`negative length ${n}`)
    this.need(n)
    const b = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return b
  }

  uuid(): string {
    return this.bytes(16).toString('base64url')
  }

  skip(n: number): void {
    this.bytes(n)
  }
}

export class Writer {
  private chunks: Buffer[] = []
  private buf: Buffer
  private pos = 0
  private flushed = 0

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial)
  }

  get length(): number {
    return this.flushed + this.pos
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return
    this.cut()
    this.buf = Buffer.allocUnsafe(Math.max(n, 4096))
  }

  /** Ends the current buffered chunk. */
  private cut(): void {
    if (this.pos > 0) {
      this.chunks.push(this.buf.subarray(0, this.pos))
      this.flushed += this.pos
      this.buf = this.buf.subarray(this.pos)
      this.pos = 0
    }
  }

  int8(v: number): void {
    this.room(1)
    this.buf.writeInt8(v, this.pos++)
  }

  int16(v: number): void {
    this.room(2)
    this.buf.writeInt16BE(v, this.pos)
    this.pos += 2
  }

  uint16(v: number): void {
    this.room(2)
    this.buf.writeUInt16BE(v, this.pos)
    this.pos += 2
  }

  int32(v: number): void {
    this.room(4)
    this.buf.writeInt32BE(v, this.pos)
    this.pos += 4
  }

  int64(v: number): void {
    this.room(8)
    this.buf.writeBigInt64BE(BigInt(v), this.pos)
    this.pos += 8
  }

  float64(v: number): void {
    this.room(8)
    this.buf.writeDoubleBE(v, this.pos)
    this.pos += 8
  }

  bool(v: boolean): void {
    this.int8(v ? 1 : 0)
  }

  uvarint(v: number): void {
    this.room(5)
    let n = v >>> 0
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80
      n >>>= 7
    }

    this.buf[this.pos++] = n
  }

  /** Copies small byte strings; large ones (≥ 4 KiB) are kept by reference as their own chunk. */
  raw(b: Uint8Array): void {
    if (b.length >= 4096) {
      this.cut()
      this.chunks.push(Buffer.isBuffer(b) ? b : Buffer.from(b))
      this.flushed += b.length
      return
    }

    this.room(b.length)
    this.buf.set(b, this.pos)
    this.pos += b.length
  }

  uuid(id: string | null): void {
    if (id === null || id === '') return this.raw(UUID_ZERO)
    const b = Buffer.from(id, 'base64url')
    if (b.length !== 16) throw new ProtocolError(`invalid UUID ${id}`)
    this.raw(b)
  }

  /** The chunks written so far, in order. */
  finish(): Buffer[] {
    this.cut()
    return this.chunks
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.finish())
  }
}

export const ZERO_UUID = UUID_ZERO.toString('base64url')
