/**
 * Provenance of appended record batches (exactly once, file → topic).
 *
 * Byte format: the LAST record of each record batch the Kafka sink appends carries one
 * record header `sluice.pos` whose value is UTF-8 JSON `{"<streamId>": <endOffset>, …}`:
 * for every input stream (a TAILDIR file identity) with events in that batch, the
 * highest byte offset just after one of them. A few dozen bytes per batch, not per line.
 *
 * `scanProvenance(log, from, to)` reads whole batches of a PartitionLog in [from, to)
 * and folds the highest position per stream; it walks records by their length varints
 * to reach the last one (no per-record objects), decompressing compressed batches.
 * Pure functions; the caller owns the maps it passes in.
 */
import type { PartitionLog } from '../../broker/storage/types.js';
import { readSliceSync } from '../../broker/storage/read-slice.js';
import type { EventPositions } from '../../agent/event-batch.js';
import { decompress } from '../../protocol/compression.js';
import { readRecordBatchHeader } from '../../protocol/record-batch-header.js';
import { BATCH } from '../../protocol/record-batch-layout.js';
import type { RecordHeader } from '../../protocol/record-batch.js';
import { readVarint, readVarlong, varintCursor } from '../../protocol/varint.js';

export const PROVENANCE_HEADER = 'sluice.pos';

/** Highest end offset per stream among events [from, to) of `p` (indices into a batch). */
export function maxPositions(p: EventPositions, from: number, to: number, into = new Map<string, number>()): Map<string, number> {
  const { streams, streamOf, endOffset } = p;
  if (streams.length === 1) {
    let m = -1;
    for (let i = from; i < to; i++) if (endOffset[i]! > m) m = endOffset[i]!;
    if (m >= 0) foldPosition(into, streams[0]!, m);
    return into;
  }
  for (let i = from; i < to; i++) {
    const off = endOffset[i]!;
    if (off >= 0) foldPosition(into, streams[streamOf[i]!]!, off);
  }
  return into;
}

export function foldPosition(into: Map<string, number>, stream: string, off: number): void {
  const cur = into.get(stream);
  if (cur === undefined || off > cur) into.set(stream, off);
}

export function provenanceHeader(positions: ReadonlyMap<string, number>): RecordHeader[] | null {
  if (positions.size === 0) return null;
  return [{ key: PROVENANCE_HEADER, value: Buffer.from(JSON.stringify(Object.fromEntries(positions)), 'utf8') }];
}

/** Parses a `sluice.pos` value; ignores anything malformed (returns the valid entries). */
export function parseProvenance(value: Buffer, into: Map<string, number>): void {
  let obj: unknown;
  try {
    obj = JSON.parse(value.toString('utf8'));
  } catch {
    return;
  }
  if (typeof obj !== 'object' || obj === null) return;
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) foldPosition(into, k, v);
  }
}

/** Folds the `sluice.pos` header of the last record in `records` (count records laid end to end). */
function foldLastRecord(records: Buffer, count: number, into: Map<string, number>): void {
  let p = 0;
  const end = records.length;
  for (let i = 0; i < count - 1; i++) {
    const len = readVarint(records, p, end);
    p = varintCursor.next + len;
    if (p > end) return;
  }
  const len = readVarint(records, p, end);
  const recEnd = varintCursor.next + len;
  if (recEnd > end) return;
  let q = varintCursor.next + 1; // attributes
  readVarlong(records, q, recEnd); // timestampDelta
  readVarint(records, varintCursor.next, recEnd); // offsetDelta
  for (let k = 0; k < 2; k++) {
    const l = readVarint(records, varintCursor.next, recEnd); // key, then value
    q = varintCursor.next + Math.max(0, l);
    varintCursor.next = q;
  }
  const hc = readVarint(records, varintCursor.next, recEnd);
  for (let h = 0; h < hc; h++) {
    const kl = readVarint(records, varintCursor.next, recEnd);
    const ks = varintCursor.next;
    const key = records.toString('utf8', ks, ks + kl);
    const vl = readVarint(records, ks + kl, recEnd);
    const vs = varintCursor.next;
    varintCursor.next = vs + Math.max(0, vl);
    if (key === PROVENANCE_HEADER && vl > 0) parseProvenance(records.subarray(vs, vs + vl), into);
  }
}

/** Folds the provenance of every whole batch in `buf` (batches laid end to end). Returns bytes consumed. */
export function foldBatches(buf: Buffer, into: Map<string, number>): { consumed: number; nextOffset: number } {
  let pos = 0;
  let nextOffset = -1;
  while (buf.length - pos >= BATCH.HEADER_SIZE) {
    const h = readRecordBatchHeader(buf, pos);
    if (h.size < BATCH.HEADER_SIZE || pos + h.size > buf.length) break;
    if (h.magic === 2 && !h.isControl && h.recordsCount > 0) {
      let records = buf.subarray(pos + BATCH.HEADER_SIZE, pos + h.size);
      try {
        if (h.codec !== 0) records = decompress(h.codec, records);
        foldLastRecord(records, h.recordsCount, into);
      } catch {
        /* a batch we cannot read carries no provenance of ours */
      }
    }
    nextOffset = h.lastOffset + 1;
    pos += h.size;
  }
  return { consumed: pos, nextOffset };
}

/**
 * Scans batches of `log` from offset `from` up to the high watermark and folds their
 * provenance into `into`. Returns the offset it stopped at.
 */
export function scanProvenance(log: PartitionLog, from: number, into: Map<string, number>, chunkBytes = 8 << 20): number {
  let offset = Math.max(from, log.logStartOffset());
  for (;;) {
    const hw = log.highWatermark();
    if (offset >= hw) return offset;
    const r = log.read(offset, chunkBytes, true);
    const slice = r.slice;
    if (!slice) return offset;
    const buf = readSliceSync(slice);
    const { nextOffset } = foldBatches(buf, into);
    if (nextOffset <= offset) return offset;
    offset = nextOffset;
  }
}
