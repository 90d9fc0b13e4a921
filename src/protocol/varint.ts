/**
 * Variable-length integers of the Kafka formats, read and written in place on Buffers.
 *
 * Two families:
 * - zig-zag signed varint (int32) and varlong (int64) — used inside record batch v2 records
 *   (DefaultRecord.java): zz(n) = (n << 1) ^ (n >> 63), then 7 bits per byte, low group first,
 *   MSB set on every byte but the last. A varint takes at most 5 bytes, a varlong at most 10.
 * - unsigned varint (uint32) — the wire protocol's compact lengths and tagged-field headers.
 *
 * Varlongs are JS numbers: exact for |n| ≤ 2^53 (timestamps and offsets stay far below);
 * larger encoded values are rejected rather than rounded.
 *
 * Read path contract: no allocation per call. Each `read*` returns the value and stores the
 * position just past the varint in `varintCursor.next` (module scratch; JS is single-threaded,
 * read it immediately). A varint running past `limit` (default buf.length) or longer than its
 * maximum width throws SluiceError `VARINT_MALFORMED` with the position.
 * Write path: `write*` writes at `offset` and returns the offset just past what it wrote; the
 * caller sizes the buffer with `sizeOf*` first (no bounds growth here).
 */
import { SluiceError } from '../errors.js';

/** Position just after the last varint read (see module contract). */
export const varintCursor = { next: 0 };

function malformed(what: string, offset: number): SluiceError {
  return new SluiceError('VARINT_MALFORMED', `malformed ${what} at byte ${offset}`, { details: { offset } });
}

/** Reads an unsigned varint (≤ 5 bytes, value < 2^32). */
export function readUnsignedVarint(buf: Uint8Array, offset: number, limit: number = buf.length): number {
  let pos = offset;
  let result = 0;
  let shift = 0;
  while (true) {
    if (pos >= limit) throw malformed('unsigned varint (truncated)', offset);
    const b = buf[pos++]!;
    if (shift === 28) {
      if (b > 0x0f) throw malformed('unsigned varint (too long)', offset);
      result = (result | (b << 28)) >>> 0;
      break;
    }
    result |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  varintCursor.next = pos;
  return result >>> 0;
}

/** Reads a zig-zag varint (int32). */
export function readVarint(buf: Uint8Array, offset: number, limit: number = buf.length): number {
  // Fast path for the overwhelmingly common one-byte case.
  if (offset < limit) {
    const b0 = buf[offset]!;
    if ((b0 & 0x80) === 0) {
      varintCursor.next = offset + 1;
      return (b0 >>> 1) ^ -(b0 & 1);
    }
  }
  const u = readUnsignedVarint(buf, offset, limit);
  return (u >>> 1) ^ -(u & 1);
}

const TWO_POW_32 = 4294967296;

/** Reads a zig-zag varlong (int64) as a number; throws for |value| > 2^53. */
export function readVarlong(buf: Uint8Array, offset: number, limit: number = buf.length): number {
  let pos = offset;
  // low 28 bits in `lo`, the rest accumulated as a float multiple of 2^28 (exact while < 2^53).
  let lo = 0;
  let shift = 0;
  while (true) {
    if (pos >= limit) throw malformed('varlong (truncated)', offset);
    const b = buf[pos++]!;
    lo |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) {
      varintCursor.next = pos;
      // Whole value fits in 28 bits: plain int math.
      return (lo >>> 1) ^ -(lo & 1);
    }
    shift += 7;
    if (shift === 28) break;
  }
  let hi = 0; // value of bits 28.. as a number
  let scale = 1;
  while (true) {
    if (pos >= limit) throw malformed('varlong (truncated)', offset);
    if (pos - offset >= 10) throw malformed('varlong (too long)', offset);
    const b = buf[pos++]!;
    hi += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) break;
  }
  if (hi >= 2 ** 25) throw malformed('varlong (beyond 2^53)', offset);
  const zz = hi * 268435456 + (lo >>> 0);
  varintCursor.next = pos;
  // zz even → zz/2 ; odd → -(zz+1)/2
  return zz % 2 === 0 ? zz / 2 : -(zz + 1) / 2;
}

/** Bytes needed for an unsigned varint. */
export function sizeOfUnsignedVarint(value: number): number {
  const v = value >>> 0;
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  return 5;
}

/** Bytes needed for a zig-zag varint (int32). */
export function sizeOfVarint(value: number): number {
  return sizeOfUnsignedVarint((value << 1) ^ (value >> 31));
}

function zigzag64(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

/** Bytes needed for a zig-zag varlong (|value| ≤ 2^53). */
export function sizeOfVarlong(value: number): number {
  if (value >= -1073741824 && value < 1073741824) return sizeOfVarint(value);
  let z = zigzag64(value);
  let n = 1;
  while (z >= 128) {
    z = Math.floor(z / 128);
    n++;
  }
  return n;
}

/** Writes an unsigned varint; returns the offset after it. */
export function writeUnsignedVarint(buf: Uint8Array, offset: number, value: number): number {
  let v = value >>> 0;
  let pos = offset;
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

/** Writes a zig-zag varint (int32); returns the offset after it. */
export function writeVarint(buf: Uint8Array, offset: number, value: number): number {
  return writeUnsignedVarint(buf, offset, (value << 1) ^ (value >> 31));
}

/** Writes a zig-zag varlong (|value| ≤ 2^53); returns the offset after it. */
export function writeVarlong(buf: Uint8Array, offset: number, value: number): number {
  if (value >= -1073741824 && value < 1073741824) return writeVarint(buf, offset, value);
  let z = zigzag64(value);
  let pos = offset;
  while (z >= 128) {
    buf[pos++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  buf[pos++] = z;
  return pos;
}
