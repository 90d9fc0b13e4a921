/**
 * File channel WAL records: framing and the batch codec. Pure functions, no I/O.
 *
 * Log file = 16-byte header, then records back to back:
 *   header:  "SFCL" | version u32 BE (=1) | fileId u32 BE | reserved u32 (0)
 *   record:  len u32 BE | crc u32 BE | type u8 | txid u64 BE | payload[len]
 *            crc = CRC-32C over [type, txid, payload] (everything after the crc field).
 *   types:   1 PUT     payload = one encoded EventBatch (below)
 *            2 TAKE    payload = n u32 | n × (fileId u32, recordOffset u32, from u32, to u32)
 *                      (events [from,to) of the PUT record at fileId:recordOffset)
 *            3 COMMIT  payload empty: the PUT/TAKE records of this txid before it are durable
 *            4 ROLLBACK payload empty (reserved; Sluice writes nothing for a rollback since
 *                      records are written only at commit time)
 *   All records of one transaction plus its COMMIT are written in one write, so a
 *   transaction never spans log files. A record whose len runs past the end of the file
 *   or whose crc does not match marks the torn tail.
 *
 * Encoded EventBatch (PUT payload), all integers BE:
 *   count u32 | flags u8 (bit0 per-event headers, bit1 positions)
 *   sharedHeaders: headerBlock
 *   [bit0] count × headerBlock          (0 pairs for an event with no own headers)
 *   [bit1] nStreams u16 | nStreams × (len u16, utf8) | count × streamOf u16 | count × endOffset f64
 *   count × bodyEnd u32                 (end offsets relative to the body area)
 *   body area: the bodies concatenated
 *   headerBlock = n u16 | n × (klen u16, key utf8, vlen u32, value utf8)
 * A decoded batch's bodies are views into the record buffer (no copy).
 */
import { crc32c } from '../../protocol/crc32c.js';
import { EventBatch, type Headers } from '../../agent/event-batch.js';

export const FILE_MAGIC = 0x5346434c; // "SFCL"
export const FILE_VERSION = 1;
export const FILE_HEADER_SIZE = 16;
export const RECORD_HEADER_SIZE = 17;

export const enum RecordType {
  Put = 1,
  Take = 2,
  Commit = 3,
  Rollback = 4,
}

export function encodeFileHeader(fileId: number): Buffer {
  const b = Buffer.alloc(FILE_HEADER_SIZE);
  b.writeUInt32BE(FILE_MAGIC, 0);
  b.writeUInt32BE(FILE_VERSION, 4);
  b.writeUInt32BE(fileId, 8);
  return b;
}

/** Frames one record into `out` at `pos` (out must have room); returns the new position. */
export function writeRecord(out: Buffer, pos: number, type: RecordType, txid: number, payload: Buffer | undefined): number {
  const len = payload?.length ?? 0;
  if (payload) payload.copy(out, pos + RECORD_HEADER_SIZE);
  return frameRecord(out, pos, type, txid, len);
}

/** Writes the record header for a payload of `len` bytes already placed at pos+17; returns the end. */
export function frameRecord(out: Buffer, pos: number, type: RecordType, txid: number, len: number): number {
  out.writeUInt32BE(len, pos);
  out[pos + 8] = type;
  out.writeBigUInt64BE(BigInt(txid), pos + 9);
  const end = pos + RECORD_HEADER_SIZE + len;
  out.writeUInt32BE(crc32c(out.subarray(pos + 8, end)), pos + 4);
  return end;
}

export interface ParsedRecord {
  readonly type: RecordType;
  readonly txid: number;
  /** Offset of the record's first byte in the buffer given to parseRecord. */
  readonly offset: number;
  readonly payload: Buffer;
  /** Offset just after the record. */
  readonly end: number;
}

/**
 * Parses the record at `pos`. Returns 'short' when the buffer ends inside it (read more,
 * or a torn tail at end of file) and 'corrupt' on a bad crc or type.
 */
export function parseRecord(buf: Buffer, pos: number): ParsedRecord | 'short' | 'corrupt' {
  if (buf.length - pos < RECORD_HEADER_SIZE) return 'short';
  const len = buf.readUInt32BE(pos);
  const end = pos + RECORD_HEADER_SIZE + len;
  if (end > buf.length) return 'short';
  const crc = buf.readUInt32BE(pos + 4);
  if (crc32c(buf.subarray(pos + 8, end)) !== crc) return 'corrupt';
  const type = buf[pos + 8]! as RecordType;
  if (type < RecordType.Put || type > RecordType.Rollback) return 'corrupt';
  const txid = Number(buf.readBigUInt64BE(pos + 9));
  return { type, txid, offset: pos, payload: buf.subarray(pos + RECORD_HEADER_SIZE, end), end };
}

// ---- batch codec ----

function headerBlockSize(h: Readonly<Headers> | undefined): number {
  let n = 2;
  if (h) for (const k in h) n += 6 + Buffer.byteLength(k) + Buffer.byteLength(h[k]!);
  return n;
}

function writeHeaderBlock(out: Buffer, pos: number, h: Readonly<Headers> | undefined): number {
  const start = pos;
  pos += 2;
  let n = 0;
  if (h) {
    for (const k in h) {
      const kl = out.write(k, pos + 2);
      out.writeUInt16BE(kl, pos);
      pos += 2 + kl;
      const vl = out.write(h[k]!, pos + 4);
      out.writeUInt32BE(vl, pos);
      pos += 4 + vl;
      n++;
    }
  }
  out.writeUInt16BE(n, start);
  return pos;
}

/** Encoded size of a batch (see the header). */
export function encodedBatchSize(b: EventBatch): number {
  const count = b.count;
  let size = 5 + headerBlockSize(b.sharedHeaders) + count * 4 + b.byteLength;
  if (b.eventHeaders) for (let i = 0; i < count; i++) size += headerBlockSize(b.eventHeaders[i]);
  const p = b.positions;
  if (p) {
    size += 2 + count * 10;
    for (const s of p.streams) size += 2 + Buffer.byteLength(s);
  }
  return size;
}

/** Writes the encoded batch at `pos`; returns the new position. */
export function writeBatch(out: Buffer, pos: number, b: EventBatch): number {
  const count = b.count;
  out.writeUInt32BE(count, pos);
  out[pos + 4] = (b.eventHeaders ? 1 : 0) | (b.positions ? 2 : 0);
  pos = writeHeaderBlock(out, pos + 5, b.sharedHeaders);
  if (b.eventHeaders) for (let i = 0; i < count; i++) pos = writeHeaderBlock(out, pos, b.eventHeaders[i]);
  const p = b.positions;
  if (p) {
    out.writeUInt16BE(p.streams.length, pos);
    pos += 2;
    for (const s of p.streams) {
      const l = out.write(s, pos + 2);
      out.writeUInt16BE(l, pos);
      pos += 2 + l;
    }
    for (let i = 0; i < count; i++, pos += 2) out.writeUInt16BE(p.streamOf[i]!, pos);
    for (let i = 0; i < count; i++, pos += 8) out.writeDoubleBE(p.endOffset[i]!, pos);
  }
  const { starts, ends, data } = b;
  let rel = 0;
  for (let i = 0; i < count; i++, pos += 4) {
    rel += ends[i]! - starts[i]!;
    out.writeUInt32BE(rel, pos);
  }
  // Copy bodies, merging runs that are contiguous in the source buffer.
  let i = 0;
  while (i < count) {
    const s = starts[i]!;
    let e = ends[i]!;
    let j = i + 1;
    while (j < count && starts[j] === e) e = ends[j++]!;
    pos += data.copy(out, pos, s, e);
    i = j;
  }
  return pos;
}

function readHeaderBlock(buf: Buffer, pos: number): [Headers | undefined, number] {
  const n = buf.readUInt16BE(pos);
  pos += 2;
  if (n === 0) return [undefined, pos];
  const h: Headers = {};
  for (let i = 0; i < n; i++) {
    const kl = buf.readUInt16BE(pos);
    const k = buf.toString('utf8', pos + 2, pos + 2 + kl);
    pos += 2 + kl;
    const vl = buf.readUInt32BE(pos);
    h[k] = buf.toString('utf8', pos + 4, pos + 4 + vl);
    pos += 4 + vl;
  }
  return [h, pos];
}

/** Decodes a PUT payload; bodies are views into `buf`. Throws RangeError on a malformed payload. */
export function decodeBatch(buf: Buffer): EventBatch {
  const count = buf.readUInt32BE(0);
  const flags = buf[4]!;
  let [shared, pos] = readHeaderBlock(buf, 5);
  let eventHeaders: (Headers | undefined)[] | undefined;
  if (flags & 1) {
    eventHeaders = new Array(count);
    for (let i = 0; i < count; i++) [eventHeaders[i], pos] = readHeaderBlock(buf, pos);
  }
  let positions: EventBatch['positions'];
  if (flags & 2) {
    const n = buf.readUInt16BE(pos);
    pos += 2;
    const streams: string[] = [];
    for (let i = 0; i < n; i++) {
      const l = buf.readUInt16BE(pos);
      streams.push(buf.toString('utf8', pos + 2, pos + 2 + l));
      pos += 2 + l;
    }
    const streamOf = new Uint16Array(count);
    for (let i = 0; i < count; i++, pos += 2) streamOf[i] = buf.readUInt16BE(pos);
    const endOffset = new Float64Array(count);
    for (let i = 0; i < count; i++, pos += 8) endOffset[i] = buf.readDoubleBE(pos);
    positions = { streams, streamOf, endOffset };
  }
  const starts = new Uint32Array(count);
  const ends = new Uint32Array(count);
  const bodyBase = pos + count * 4;
  let prev = bodyBase;
  for (let i = 0; i < count; i++, pos += 4) {
    starts[i] = prev;
    prev = bodyBase + buf.readUInt32BE(pos);
    ends[i] = prev;
  }
  if (prev !== buf.length) throw new RangeError(`batch payload length mismatch: bodies end at ${prev}, payload is ${buf.length} bytes`);
  return new EventBatch({
    data: buf,
    starts,
    ends,
    ...(shared ? { sharedHeaders: shared } : {}),
    ...(eventHeaders ? { eventHeaders } : {}),
    ...(positions ? { positions } : {}),
  });
}

/** A TAKE payload from pointer ranges (4 × u32 each). */
export function encodeTakes(ptrs: readonly number[]): Buffer {
  const n = ptrs.length / 4;
  const b = Buffer.allocUnsafe(4 + ptrs.length * 4);
  b.writeUInt32BE(n, 0);
  for (let i = 0; i < ptrs.length; i++) b.writeUInt32BE(ptrs[i]!, 4 + i * 4);
  return b;
}

export function decodeTakes(payload: Buffer): Uint32Array {
  const n = payload.readUInt32BE(0);
  if (payload.length !== 4 + n * 16) throw new RangeError(`take payload length ${payload.length} does not match ${n} pointers`);
  const out = new Uint32Array(n * 4);
  for (let i = 0; i < out.length; i++) out[i] = payload.readUInt32BE(4 + i * 4);
  return out;
}
