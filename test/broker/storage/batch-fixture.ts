// Test helper: builds valid record batch v2 bytes (uncompressed) without the
// protocol codec, so storage tests depend only on the layout constants.
import { BATCH, MAGIC_V2 } from '../../../src/protocol/record-batch-layout.js';
import { crc32c } from '../../../src/protocol/crc32c.js';

function zz(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function varint(n: number, out: number[]): void {
  let v = zz(n);
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

export interface BatchSpec {
  readonly records: number;
  readonly valueSize?: number;
  readonly timestamp?: number;
  /** Per-record timestamp step (ms). */
  readonly tsStep?: number;
  readonly fill?: number;
}

/** One batch; baseOffset 0, epoch 0 (the log rewrites both). */
export function buildBatch(spec: BatchSpec): Buffer {
  const valueSize = spec.valueSize ?? 10;
  const ts0 = spec.timestamp ?? 1_700_000_000_000;
  const step = spec.tsStep ?? 0;
  const body: number[] = [];
  const value = Buffer.alloc(valueSize, spec.fill ?? 0x61);
  const recs: Buffer[] = [];
  for (let i = 0; i < spec.records; i++) {
    body.length = 0;
    body.push(0);
    varint(i * step, body);
    varint(i, body);
    varint(-1, body);
    varint(valueSize, body);
    const head = Buffer.from(body);
    const tail: number[] = [];
    varint(0, tail);
    const len: number[] = [];
    varint(head.length + valueSize + tail.length, len);
    recs.push(Buffer.from(len), head, value, Buffer.from(tail));
  }
  const records = Buffer.concat(recs);
  const buf = Buffer.alloc(BATCH.HEADER_SIZE + records.length);
  buf.writeBigInt64BE(0n, BATCH.BASE_OFFSET);
  buf.writeInt32BE(buf.length - BATCH.LOG_OVERHEAD, BATCH.BATCH_LENGTH);
  buf.writeInt32BE(0, BATCH.PARTITION_LEADER_EPOCH);
  buf[BATCH.MAGIC] = MAGIC_V2;
  buf.writeInt16BE(0, BATCH.ATTRIBUTES);
  buf.writeInt32BE(spec.records - 1, BATCH.LAST_OFFSET_DELTA);
  buf.writeBigInt64BE(BigInt(ts0), BATCH.BASE_TIMESTAMP);
  buf.writeBigInt64BE(BigInt(ts0 + (spec.records - 1) * step), BATCH.MAX_TIMESTAMP);
  buf.writeBigInt64BE(-1n, BATCH.PRODUCER_ID);
  buf.writeInt16BE(-1, BATCH.PRODUCER_EPOCH);
  buf.writeInt32BE(-1, BATCH.BASE_SEQUENCE);
  buf.writeInt32BE(spec.records, BATCH.RECORDS_COUNT);
  records.copy(buf, BATCH.RECORDS);
  buf.writeUInt32BE(crc32c(buf.subarray(BATCH.ATTRIBUTES)), BATCH.CRC);
  return buf;
}

/** Reads the batches of a slice back (base offset, last offset) via the slice's fd. */
export function batchesInSlice(fd: number, position: number, length: number, readSync: (fd: number, b: Buffer, o: number, l: number, p: number) => number): { base: number; last: number; size: number }[] {
  const buf = Buffer.alloc(length);
  readSync(fd, buf, 0, length, position);
  const out: { base: number; last: number; size: number }[] = [];
  let off = 0;
  while (off + BATCH.HEADER_SIZE <= length) {
    const size = buf.readInt32BE(off + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
    if (off + size > length) break;
    const base = Number(buf.readBigInt64BE(off));
    out.push({ base, last: base + buf.readInt32BE(off + BATCH.LAST_OFFSET_DELTA), size });
    off += size;
  }
  return out;
}

/** Seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
