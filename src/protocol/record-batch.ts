/**
 * Encoding and decoding Kafka record batch v2 (magic 2) — DefaultRecordBatch/DefaultRecord.
 *
 * Byte format: the 61-byte header in record-batch-layout.ts, then `recordsCount` records
 * (compressed as one blob when codec ≠ 0):
 *   length varint | attributes i8 (0) | timestampDelta varlong | offsetDelta varint |
 *   keyLen varint (-1 = null) | key | valueLen varint (-1 = null) | value |
 *   headerCount varint | [hKeyLen varint | hKey utf8 | hValLen varint (-1 = null) | hVal]*
 * CRC-32C covers bytes [21, end). Varints are zig-zag (varint.ts).
 *
 * Three encoders/decoders:
 * - `encodeRecordBatch(records, options)` — general: per-record keys, values, headers, timestamps.
 *   Sizes everything first and writes into one exact-size Buffer (no grow-and-copy).
 * - `encodeRecordBatchFromBodies(input, out?)` — the agent's hot path: one data Buffer plus
 *   Uint32Array starts/ends, one timestamp, null keys (or optional per-record keys) and optional
 *   headers on the last record only. No per-record object is allocated; with `out` it writes in
 *   place. `recordBatchSizeFromBodies` gives the uncompressed size to preallocate.
 * - `decodeRecordBatch(buf, position)` — header plus materialized records (decompressing).
 *   Decoded keys/values/header values are views into `buf` (or into the decompressed blob):
 *   copy them if `buf` will be reused.
 *
 * Int64 fields are JS numbers (exact to 2^53). Produced batches carry baseOffset as given
 * (the broker rewrites it on append) and partitionLeaderEpoch −1 unless set.
 */
import { SluiceError } from '../errors.js';
import { compress, decompress } from './compression.js';
import { crc32c } from './crc32c.js';
import { ATTR, BATCH, MAGIC_V2 } from './record-batch-layout.js';
import { readRecordBatchHeader, writeInt64, type RecordBatchHeader } from './record-batch-header.js';
import {
  readVarint,
  readVarlong,
  sizeOfVarint,
  sizeOfVarlong,
  varintCursor,
  writeVarint,
  writeVarlong,
} from './varint.js';

export interface RecordHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

export interface RecordInput {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: readonly RecordHeader[];
  /** Absolute CreateTime in ms; defaults to the batch's baseTimestamp. May be below it (negative delta). */
  readonly timestamp?: number;
}

export interface BatchHeaderOptions {
  readonly baseOffset?: number;
  readonly partitionLeaderEpoch?: number;
  readonly producerId?: number;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
  /** Codec 0-4 (compression.ts); default 0. */
  readonly compression?: number;
  /** Extra attribute bits OR'd in (ATTR.TIMESTAMP_TYPE_LOG_APPEND, TRANSACTIONAL, CONTROL); codec bits ignored. */
  readonly attributes?: number;
}

export interface EncodeBatchOptions extends BatchHeaderOptions {
  /** Default: the first record's timestamp, else Date.now(). */
  readonly baseTimestamp?: number;
}

export interface DecodedRecordHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

export interface DecodedRecord {
  readonly offset: number;
  readonly offsetDelta: number;
  /** CreateTime (baseTimestamp + delta), or the batch maxTimestamp under LogAppendTime. */
  readonly timestamp: number;
  readonly timestampDelta: number;
  readonly attributes: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: DecodedRecordHeader[];
  /** Bytes of the record including its length varint. */
  readonly sizeInBytes: number;
}

export interface DecodedRecordBatch {
  readonly header: RecordBatchHeader;
  readonly records: DecodedRecord[];
}

function lenOf(b: Buffer | null): number {
  return b === null ? 1 : sizeOfVarint(b.length) + b.length;
}

/** Writes the 61-byte header at `pos` (CRC left for `sealBatch`). */
function writeHeader(
  out: Buffer,
  pos: number,
  size: number,
  opts: BatchHeaderOptions,
  attributes: number,
  lastOffsetDelta: number,
  baseTimestamp: number,
  maxTimestamp: number,
  count: number,
): void {
  writeInt64(out, pos + BATCH.BASE_OFFSET, opts.baseOffset ?? 0);
  out.writeInt32BE(size - BATCH.LOG_OVERHEAD, pos + BATCH.BATCH_LENGTH);
  out.writeInt32BE(opts.partitionLeaderEpoch ?? -1, pos + BATCH.PARTITION_LEADER_EPOCH);
  out.writeInt8(MAGIC_V2, pos + BATCH.MAGIC);
  out.writeInt16BE(attributes, pos + BATCH.ATTRIBUTES);
  out.writeInt32BE(lastOffsetDelta, pos + BATCH.LAST_OFFSET_DELTA);
  writeInt64(out, pos + BATCH.BASE_TIMESTAMP, baseTimestamp);
  writeInt64(out, pos + BATCH.MAX_TIMESTAMP, maxTimestamp);
  writeInt64(out, pos + BATCH.PRODUCER_ID, opts.producerId ?? -1);
  out.writeInt16BE(opts.producerEpoch ?? -1, pos + BATCH.PRODUCER_EPOCH);
  out.writeInt32BE(opts.baseSequence ?? -1, pos + BATCH.BASE_SEQUENCE);
  out.writeInt32BE(count, pos + BATCH.RECORDS_COUNT);
}

function sealBatch(out: Buffer, pos: number, size: number): void {
  out.writeUInt32BE(crc32c(out.subarray(pos + BATCH.ATTRIBUTES, pos + size)), pos + BATCH.CRC);
}

function attributesFor(opts: BatchHeaderOptions): number {
  const codec = opts.compression ?? 0;
  if (codec < 0 || codec > 4) {
    throw new SluiceError('UNSUPPORTED_COMPRESSION_TYPE', `compression codec ${codec} is not one of 0-4`);
  }
  return ((opts.attributes ?? 0) & ~ATTR.COMPRESSION_MASK & 0xffff) | codec;
}

/** Puts records (already written uncompressed into `records`) behind a header, compressing if asked. */
function assemble(records: Buffer, opts: BatchHeaderOptions, lastOffsetDelta: number, baseTs: number, maxTs: number, count: number, uncompressedPrefixed: Buffer | null): Buffer {
  const attributes = attributesFor(opts);
  const codec = attributes & ATTR.COMPRESSION_MASK;
  if (codec === 0 && uncompressedPrefixed !== null) {
    writeHeader(uncompressedPrefixed, 0, uncompressedPrefixed.length, opts, attributes, lastOffsetDelta, baseTs, maxTs, count);
    sealBatch(uncompressedPrefixed, 0, uncompressedPrefixed.length);
    return uncompressedPrefixed;
  }
  const body = compress(codec, records);
  const size = BATCH.HEADER_SIZE + body.length;
  const out = Buffer.allocUnsafe(size);
  body.copy(out, BATCH.HEADER_SIZE);
  writeHeader(out, 0, size, opts, attributes, lastOffsetDelta, baseTs, maxTs, count);
  sealBatch(out, 0, size);
  return out;
}

/** Encodes a record batch v2 from record objects. Throws INVALID_RECORD for an empty list. */
export function encodeRecordBatch(records: readonly RecordInput[], options: EncodeBatchOptions = {}): Buffer {
  const count = records.length;
  if (count === 0) throw new SluiceError('INVALID_RECORD', 'a record batch needs at least one record');
  const baseTs = options.baseTimestamp ?? records[0]!.timestamp ?? Date.now();
  let maxTs = -Infinity;
  const headerKeys: (Buffer[] | null)[] = new Array<Buffer[] | null>(count);
  const bodySizes = new Int32Array(count);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const r = records[i]!;
    const ts = r.timestamp ?? baseTs;
    if (ts > maxTs) maxTs = ts;
    let s = 1 + sizeOfVarlong(ts - baseTs) + sizeOfVarint(i) + lenOf(r.key) + lenOf(r.value);
    const hs = r.headers ?? [];
    s += sizeOfVarint(hs.length);
    if (hs.length > 0) {
      const keys: Buffer[] = [];
      for (const h of hs) {
        const k = Buffer.from(h.key, 'utf8');
        keys.push(k);
        s += lenOf(k) + lenOf(h.value);
      }
      headerKeys[i] = keys;
    } else {
      headerKeys[i] = null;
    }
    bodySizes[i] = s;
    total += sizeOfVarint(s) + s;
  }
  const codec = options.compression ?? 0;
  const prefix = codec === 0 ? BATCH.HEADER_SIZE : 0;
  const buf = Buffer.allocUnsafe(prefix + total);
  let p = prefix;
  for (let i = 0; i < count; i++) {
    const r = records[i]!;
    p = writeVarint(buf, p, bodySizes[i]!);
    buf[p++] = 0;
    p = writeVarlong(buf, p, (r.timestamp ?? baseTs) - baseTs);
    p = writeVarint(buf, p, i);
    p = writeBytes(buf, p, r.key);
    p = writeBytes(buf, p, r.value);
    const hs = r.headers ?? [];
    p = writeVarint(buf, p, hs.length);
    const keys = headerKeys[i];
    for (let h = 0; h < hs.length; h++) {
      p = writeBytes(buf, p, keys![h]!);
      p = writeBytes(buf, p, hs[h]!.value);
    }
  }
  return assemble(buf.subarray(prefix), options, count - 1, baseTs, maxTs, count, codec === 0 ? buf : null);
}

function writeBytes(buf: Buffer, p: number, b: Buffer | null): number {
  if (b === null) {
    buf[p] = 1; // zig-zag(-1)
    return p + 1;
  }
  const q = writeVarint(buf, p, b.length);
  b.copy(buf, q);
  return q + b.length;
}

/** Bodies up to this size are copied with a DataView loop, longer ones with Buffer#copy. */
const SMALL_COPY = 512;

/** Input of the hot-path encoder: record i's value is data[starts[i], ends[i]). */
export interface BodiesBatchInput extends BatchHeaderOptions {
  readonly data: Buffer;
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  /** Number of records (≤ starts.length); default starts.length. */
  readonly count?: number;
  /** Optional per-record keys (null entries allowed); default all null. */
  readonly keys?: readonly (Buffer | null)[] | null;
  /** Headers carried by the last record only (e.g. exactly-once provenance). */
  readonly lastRecordHeaders?: readonly RecordHeader[] | null;
  /** CreateTime for every record (baseTimestamp = maxTimestamp). */
  readonly timestamp: number;
}

function lastHeadersSize(hs: readonly RecordHeader[] | null | undefined): number {
  if (!hs || hs.length === 0) return 1;
  let s = sizeOfVarint(hs.length);
  for (const h of hs) {
    const kl = Buffer.byteLength(h.key, 'utf8');
    s += sizeOfVarint(kl) + kl + lenOf(h.value);
  }
  return s;
}

/** Body size (after the length varint) of hot-path record i with a value of `len` bytes. */
function bodySize(i: number, len: number, key: Buffer | null): number {
  // attributes + timestampDelta(0) + offsetDelta + key + valueLen + value + headerCount(0)
  return 1 + 1 + sizeOfVarint(i) + lenOf(key) + sizeOfVarint(len) + len + 1;
}

/** Exact size of the uncompressed batch `encodeRecordBatchFromBodies` would write. */
export function recordBatchSizeFromBodies(input: BodiesBatchInput): number {
  const n = input.count ?? input.starts.length;
  const { starts, ends, keys } = input;
  let total = BATCH.HEADER_SIZE;
  for (let i = 0; i < n; i++) {
    let s = bodySize(i, ends[i]! - starts[i]!, keys ? keys[i] ?? null : null);
    if (i === n - 1) s += lastHeadersSize(input.lastRecordHeaders) - 1;
    total += sizeOfVarint(s) + s;
  }
  return total;
}

/**
 * Hot-path encoder (see module header). Writes the batch into `out` at `outOffset` when given
 * (it must have room for `recordBatchSizeFromBodies(input)` bytes; compression also goes through
 * it as scratch), else into a new Buffer. Returns the batch bytes (a view of `out` when used).
 */
export function encodeRecordBatchFromBodies(input: BodiesBatchInput, out?: Buffer, outOffset = 0): Buffer {
  const n = input.count ?? input.starts.length;
  if (n <= 0) throw new SluiceError('INVALID_RECORD', 'a record batch needs at least one record');
  const { data, starts, ends, keys } = input;
  const hs = input.lastRecordHeaders;
  const size = recordBatchSizeFromBodies(input);
  let buf: Buffer;
  if (out) {
    if (out.length - outOffset < size) {
      throw new SluiceError('BUFFER_TOO_SMALL', `output buffer has ${out.length - outOffset} bytes, batch needs ${size}`);
    }
    buf = out.subarray(outOffset, outOffset + size);
  } else {
    buf = Buffer.allocUnsafe(size);
  }
  const src = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const dst = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let p: number = BATCH.HEADER_SIZE;
  for (let i = 0; i < n; i++) {
    const s0 = starts[i]!;
    const len = ends[i]! - s0;
    const key = keys ? keys[i] ?? null : null;
    const last = i === n - 1;
    let s = bodySize(i, len, key);
    if (last) s += lastHeadersSize(hs) - 1;
    // length varint (records under 64 bytes take one byte; inline the common two-byte case)
    if (s < 0x40) buf[p++] = s << 1;
    else p = writeVarint(buf, p, s);
    buf[p++] = 0; // attributes
    buf[p++] = 0; // timestampDelta 0
    if (i < 0x40) buf[p++] = i << 1;
    else p = writeVarint(buf, p, i);
    if (key === null) buf[p++] = 1;
    else p = writeBytes(buf, p, key);
    if (len < 0x40) buf[p++] = len << 1;
    else p = writeVarint(buf, p, len);
    if (len <= SMALL_COPY) {
      // 4 bytes at a time through DataViews: faster than Buffer#copy for 100-byte bodies
      // (bench/record-batch.bench.mjs), which pays a view allocation per call.
      let j = 0;
      for (; j + 4 <= len; j += 4) dst.setUint32(p + j, src.getUint32(s0 + j, true), true);
      for (; j < len; j++) buf[p + j] = data[s0 + j]!;
    } else {
      data.copy(buf, p, s0, s0 + len);
    }
    p += len;
    if (last && hs && hs.length > 0) {
      p = writeVarint(buf, p, hs.length);
      for (const h of hs) {
        const kl = buf.write(h.key, p + sizeOfVarint(Buffer.byteLength(h.key, 'utf8')), 'utf8');
        p = writeVarint(buf, p, kl) + kl;
        p = writeBytes(buf, p, h.value);
      }
    } else {
      buf[p++] = 0; // headerCount
    }
  }
  const ts = input.timestamp;
  const codec = input.compression ?? 0;
  if (codec === 0) {
    writeHeader(buf, 0, size, input, attributesFor(input), n - 1, ts, ts, n);
    sealBatch(buf, 0, size);
    return buf;
  }
  return assemble(buf.subarray(BATCH.HEADER_SIZE, size), input, n - 1, ts, ts, n, null);
}

function readBytes(buf: Buffer, pos: number, end: number, what: string, where: string): Buffer | null {
  const len = readVarint(buf, pos, end);
  const start = varintCursor.next;
  if (len === -1) return null;
  if (len < -1 || start + len > end) throw new SluiceError('INVALID_RECORD', `${where}: bad ${what} length ${len}`);
  varintCursor.next = start + len;
  return buf.subarray(start, start + len);
}

function decodeRecords(data: Buffer, start: number, end: number, header: RecordBatchHeader): DecodedRecord[] {
  const records: DecodedRecord[] = [];
  let pos = start;
  for (let i = 0; i < header.recordsCount; i++) {
    const where = `batch at byte ${header.position}, record ${i}`;
    const length = readVarint(data, pos, end);
    const bodyStart = varintCursor.next;
    const recEnd = bodyStart + length;
    if (length < 6 || recEnd > end) throw new SluiceError('INVALID_RECORD', `${where}: record length ${length} overruns the batch`);
    const attributes = data.readInt8(bodyStart);
    const timestampDelta = readVarlong(data, bodyStart + 1, recEnd);
    const offsetDelta = readVarint(data, varintCursor.next, recEnd);
    const key = readBytes(data, varintCursor.next, recEnd, 'key', where);
    const value = readBytes(data, varintCursor.next, recEnd, 'value', where);
    const headerCount = readVarint(data, varintCursor.next, recEnd);
    if (headerCount < 0) throw new SluiceError('INVALID_RECORD', `${where}: bad header count ${headerCount}`);
    const headers: DecodedRecordHeader[] = [];
    for (let h = 0; h < headerCount; h++) {
      const k = readBytes(data, varintCursor.next, recEnd, 'header key', where);
      if (k === null) throw new SluiceError('INVALID_RECORD', `${where}: null header key`);
      const v = readBytes(data, varintCursor.next, recEnd, 'header value', where);
      headers.push({ key: k.toString('utf8'), value: v });
    }
    if (varintCursor.next !== recEnd) throw new SluiceError('INVALID_RECORD', `${where}: record fields do not fill its length`);
    records.push({
      offset: header.baseOffset + offsetDelta,
      offsetDelta,
      timestamp: header.logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta,
      timestampDelta,
      attributes,
      key,
      value,
      headers,
      sizeInBytes: recEnd - pos,
    });
    pos = recEnd;
  }
  return records;
}

/**
 * Decodes the batch at `position` (header + records, decompressing). Does not check the CRC
 * (use validate/scan for that). Throws CORRUPT_MESSAGE when the batch does not fit in `buf`,
 * UNSUPPORTED_FOR_MESSAGE_FORMAT for magic ≠ 2, INVALID_RECORD for bad framing.
 */
export function decodeRecordBatch(buf: Buffer, position = 0): DecodedRecordBatch {
  if (buf.length - position < BATCH.HEADER_SIZE) {
    throw new SluiceError('CORRUPT_MESSAGE', `batch at byte ${position}: fewer than 61 bytes`);
  }
  const header = readRecordBatchHeader(buf, position);
  if (header.magic !== MAGIC_V2) {
    throw new SluiceError('UNSUPPORTED_FOR_MESSAGE_FORMAT', `batch at byte ${position}: magic ${header.magic} is not 2`);
  }
  const end = position + header.size;
  if (header.size < BATCH.HEADER_SIZE || end > buf.length) {
    throw new SluiceError('CORRUPT_MESSAGE', `batch at byte ${position}: size ${header.size} does not fit the buffer`);
  }
  try {
    if (header.codec === 0) return { header, records: decodeRecords(buf, position + BATCH.RECORDS, end, header) };
    const inner = decompress(header.codec, buf.subarray(position + BATCH.RECORDS, end));
    return { header, records: decodeRecords(inner, 0, inner.length, header) };
  } catch (err) {
    if (err instanceof SluiceError && err.code === 'VARINT_MALFORMED') {
      throw new SluiceError('INVALID_RECORD', `batch at byte ${position}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}
