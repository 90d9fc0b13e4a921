/**
 * Producer-state snapshot files: `<20-digit offset>.snapshot` in a partition's directory
 * (Kafka's ProducerSnapshot.json, version 1). A snapshot at offset N holds the state
 * produced by every batch below N.
 *
 * Byte format (big-endian, non-flexible):
 *   i16 version (1) | u32 crc (CRC-32C of every byte after the crc) | i32 count |
 *   count × [producerId i64, producerEpoch i16, lastSequence i32, lastOffset i64,
 *            offsetDelta i32, timestamp i64, coordinatorEpoch i32, currentTxnFirstOffset i64]
 * 46 bytes per entry; only each producer's LAST batch is stored (replaying the log after
 * the snapshot restores up to 5 batches). Files are written to `<name>.tmp`, fsynced,
 * then renamed into place. Pure encode/decode plus small file helpers; no state.
 */
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SluiceError } from '../../errors.js';
import { crc32c } from '../../protocol/crc32c.js';
import { readInt64, writeInt64 } from '../../protocol/record-batch-header.js';

export const SNAPSHOT_VERSION = 1;
const HEADER = 10;
const ENTRY = 46;

export interface SnapshotEntry {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly lastSequence: number;
  readonly lastOffset: number;
  readonly offsetDelta: number;
  readonly timestamp: number;
}

export function encodeProducerSnapshot(entries: readonly SnapshotEntry[]): Buffer {
  const buf = Buffer.alloc(HEADER + entries.length * ENTRY);
  buf.writeInt16BE(SNAPSHOT_VERSION, 0);
  buf.writeInt32BE(entries.length, 6);
  let p = HEADER;
  for (const e of entries) {
    writeInt64(buf, p, e.producerId);
    buf.writeInt16BE(e.producerEpoch, p + 8);
    buf.writeInt32BE(e.lastSequence, p + 10);
    writeInt64(buf, p + 14, e.lastOffset);
    buf.writeInt32BE(e.offsetDelta, p + 22);
    writeInt64(buf, p + 26, e.timestamp);
    buf.writeInt32BE(-1, p + 34);
    writeInt64(buf, p + 38, -1);
    p += ENTRY;
  }
  buf.writeUInt32BE(crc32c(buf.subarray(6)), 2);
  return buf;
}

/** Throws PRODUCER_SNAPSHOT_CORRUPT (naming `where`) on a bad version, size or CRC. */
export function decodeProducerSnapshot(buf: Buffer, where = 'snapshot'): SnapshotEntry[] {
  if (buf.length < HEADER) throw new SluiceError('PRODUCER_SNAPSHOT_CORRUPT', `${where}: ${buf.length} bytes, shorter than the header`);
  const version = buf.readInt16BE(0);
  if (version !== SNAPSHOT_VERSION) throw new SluiceError('PRODUCER_SNAPSHOT_CORRUPT', `${where}: version ${version}, expected ${SNAPSHOT_VERSION}`);
  const crc = buf.readUInt32BE(2);
  if (crc32c(buf.subarray(6)) !== crc) throw new SluiceError('PRODUCER_SNAPSHOT_CORRUPT', `${where}: CRC mismatch`);
  const count = buf.readInt32BE(6);
  if (count < 0 || buf.length !== HEADER + count * ENTRY) {
    throw new SluiceError('PRODUCER_SNAPSHOT_CORRUPT', `${where}: ${count} entries do not fit ${buf.length} bytes`);
  }
  const out: SnapshotEntry[] = [];
  let p = HEADER;
  for (let i = 0; i < count; i++, p += ENTRY) {
    out.push({
      producerId: readInt64(buf, p),
      producerEpoch: buf.readInt16BE(p + 8),
      lastSequence: buf.readInt32BE(p + 10),
      lastOffset: readInt64(buf, p + 14),
      offsetDelta: buf.readInt32BE(p + 22),
      timestamp: readInt64(buf, p + 26),
    });
  }
  return out;
}

const SNAPSHOT_FILE = /^(\d{20})\.snapshot$/;

export function snapshotFileName(offset: number): string {
  return `${String(offset).padStart(20, '0')}.snapshot`;
}

/** Snapshot offsets present in `dir`, ascending ([] when the directory is gone). */
export function listSnapshots(dir: string): number[] {
  const out: number[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out; // partition deleted meanwhile
    throw err;
  }
  for (const n of names) {
    const m = SNAPSHOT_FILE.exec(n);
    if (m) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

export function writeSnapshotFile(dir: string, offset: number, entries: readonly SnapshotEntry[]): void {
  const path = join(dir, snapshotFileName(offset));
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, encodeProducerSnapshot(entries));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function readSnapshotFile(dir: string, offset: number): SnapshotEntry[] {
  const path = join(dir, snapshotFileName(offset));
  return decodeProducerSnapshot(readFileSync(path), path);
}

export function deleteSnapshotFile(dir: string, offset: number): void {
  rmSync(join(dir, snapshotFileName(offset)), { force: true });
}
