/**
 * Record-batch header access and validation for storage (magic 2 only).
 *
 * Byte layout: see src/protocol/record-batch-layout.ts. Storage reads only the
 * header fields it needs (baseOffset, batchLength, magic, crc, lastOffsetDelta,
 * maxTimestamp) straight out of Buffers; it never materializes records.
 *
 * `checkBatch` is the recovery check: size sane, whole batch present, magic 2 and
 * CRC-32C over [attributes, end) correct. It is a private scanner because
 * src/protocol/record-batch-validate.ts was not available when storage was written;
 * it checks the same three things that file does for recovery.
 *
 * Pure functions; no I/O.
 */
import { BATCH, MAGIC_V2 } from '../../protocol/record-batch-layout.js';
import { crc32c } from '../../protocol/crc32c.js';

const TWO_32 = 4294967296;

/** Reads a non-negative int64 as a JS number; returns -1 if negative or beyond 2^53. */
export function readOffset(buf: Buffer, off: number): number {
  const hi = buf.readInt32BE(off);
  if (hi < 0 || hi >= 0x200000) return -1;
  return hi * TWO_32 + buf.readUInt32BE(off + 4);
}

export function writeOffset(buf: Buffer, off: number, value: number): void {
  buf.writeUInt32BE(Math.floor(value / TWO_32), off);
  buf.writeUInt32BE(value % TWO_32, off + 4);
}

/** Reads an int64 timestamp as a JS number (may be -1). */
export function readTimestamp(buf: Buffer, off: number): number {
  return buf.readInt32BE(off) * TWO_32 + buf.readUInt32BE(off + 4);
}

export function writeTimestamp(buf: Buffer, off: number, value: number): void {
  buf.writeBigInt64BE(BigInt(value), off);
}

/** Total bytes of the batch at `off` (batchLength + 12), from its header. */
export function batchSize(buf: Buffer, off: number): number {
  return buf.readInt32BE(off + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
}

export type BatchProblem = 'truncated' | 'bad-size' | 'bad-magic' | 'bad-crc';

/**
 * Validates the batch at `off` given `avail` bytes available from `off`.
 * Returns its total size (> 0), or a problem. `maxSize` bounds a sane batch.
 */
export function checkBatch(buf: Buffer, off: number, avail: number, maxSize: number): number | BatchProblem {
  if (avail < BATCH.LOG_OVERHEAD) return 'truncated';
  const length = buf.readInt32BE(off + BATCH.BATCH_LENGTH);
  const size = length + BATCH.LOG_OVERHEAD;
  if (size < BATCH.HEADER_SIZE || size > maxSize) return 'bad-size';
  if (avail < BATCH.MAGIC + 1) return 'truncated';
  if (buf[off + BATCH.MAGIC] !== MAGIC_V2) return 'bad-magic';
  if (avail < size) return 'truncated';
  const stored = buf.readUInt32BE(off + BATCH.CRC);
  const actual = crc32c(buf.subarray(off + BATCH.ATTRIBUTES, off + size));
  if (stored !== actual) return 'bad-crc';
  return size;
}

/** Reads an unsigned LEB128 at `pos` as a number; returns [value, nextPos] or null if malformed. */
function readUVarint(buf: Buffer, pos: number, end: number): [number, number] | null {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) return null;
    const b = buf[pos++]!;
    result += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return [result, pos];
    mul *= 128;
  }
  return null;
}

function zigzag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}

/**
 * For a whole uncompressed batch in `batch`, the first record whose timestamp is
 * ≥ `target`: its offset delta and timestamp. Null if none or the batch is compressed
 * (the caller then falls back to the batch's base offset and max timestamp).
 * Record: length varint, attributes int8, timestampDelta varlong, offsetDelta varint, …
 */
export function firstRecordAtOrAfter(batch: Buffer, target: number): { offsetDelta: number; timestamp: number } | null {
  if ((batch.readInt16BE(BATCH.ATTRIBUTES) & 0x07) !== 0) return null;
  const baseTs = readTimestamp(batch, BATCH.BASE_TIMESTAMP);
  const count = batch.readInt32BE(BATCH.RECORDS_COUNT);
  let pos: number = BATCH.RECORDS;
  const end = batch.length;
  for (let i = 0; i < count; i++) {
    const len = readUVarint(batch, pos, end);
    if (!len) return null;
    const recEnd = len[1] + zigzag(len[0]);
    let p = len[1] + 1; // attributes
    const tsd = readUVarint(batch, p, end);
    if (!tsd) return null;
    p = tsd[1];
    const od = readUVarint(batch, p, end);
    if (!od) return null;
    const ts = baseTs + zigzag(tsd[0]);
    if (ts >= target) return { offsetDelta: zigzag(od[0]), timestamp: ts };
    pos = recEnd;
  }
  return null;
}
