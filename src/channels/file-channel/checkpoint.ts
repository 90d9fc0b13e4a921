/**
 * File channel checkpoint: the channel's queue as pointers into the log, plus the log
 * position from which replay continues. Written whole, atomically (tmp file, fsync,
 * rename, fsync of the directory), to checkpointDir and, with useDualCheckpoints, also
 * to backupCheckpointDir. Nothing else writes these files.
 *
 * Bytes (integers BE):
 *   "SFCK" | version u32 (=1) | crc u32 (CRC-32C of the body) | bodyLen u32 | body
 *   body: logFileId u32 | logOffset f64 | nextTxid f64 | n u32 |
 *         n × (fileId u32, recordOffset u32, from u32, to u32)
 * Each entry names events [from,to) of the PUT record at fileId:recordOffset, in queue
 * order (events taken by open transactions first: a restart returns them to the head).
 * Invariant: every record before (logFileId, logOffset) is reflected in the entries, so
 * replay applies only the records at or after that position.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32c } from '../../protocol/crc32c.js';

const MAGIC = 0x5346434b; // "SFCK"
const VERSION = 1;
export const CHECKPOINT_FILE = 'checkpoint';

export interface Checkpoint {
  readonly logFileId: number;
  readonly logOffset: number;
  readonly nextTxid: number;
  /** Flat list of 4 × u32 per entry. */
  readonly entries: Uint32Array;
}

export function encodeCheckpoint(ck: Checkpoint): Buffer {
  const bodyLen = 24 + ck.entries.length * 4;
  const b = Buffer.allocUnsafe(16 + bodyLen);
  b.writeUInt32BE(MAGIC, 0);
  b.writeUInt32BE(VERSION, 4);
  b.writeUInt32BE(bodyLen, 12);
  b.writeUInt32BE(ck.logFileId, 16);
  b.writeDoubleBE(ck.logOffset, 20);
  b.writeDoubleBE(ck.nextTxid, 28);
  b.writeUInt32BE(ck.entries.length / 4, 36);
  for (let i = 0; i < ck.entries.length; i++) b.writeUInt32BE(ck.entries[i]!, 40 + i * 4);
  b.writeUInt32BE(crc32c(b.subarray(16)), 8);
  return b;
}

/** Decodes a checkpoint; returns a reason string when the bytes are not a valid one. */
export function decodeCheckpoint(b: Buffer): Checkpoint | string {
  if (b.length < 40) return `too short (${b.length} bytes)`;
  if (b.readUInt32BE(0) !== MAGIC) return 'bad magic';
  if (b.readUInt32BE(4) !== VERSION) return `unknown version ${b.readUInt32BE(4)}`;
  const bodyLen = b.readUInt32BE(12);
  if (b.length !== 16 + bodyLen) return `length ${b.length} does not match the header (${16 + bodyLen})`;
  if (crc32c(b.subarray(16)) !== b.readUInt32BE(8)) return 'checksum mismatch';
  const n = b.readUInt32BE(36);
  if (bodyLen !== 24 + n * 16) return 'entry count does not match the length';
  const entries = new Uint32Array(n * 4);
  for (let i = 0; i < entries.length; i++) entries[i] = b.readUInt32BE(40 + i * 4);
  return { logFileId: b.readUInt32BE(16), logOffset: b.readDoubleBE(20), nextTxid: b.readDoubleBE(28), entries };
}

export async function writeCheckpointFile(dir: string, bytes: Buffer): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `${CHECKPOINT_FILE}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await fh.write(bytes, 0, bytes.length, 0);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, CHECKPOINT_FILE));
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** The checkpoint in `dir`: undefined when absent, a reason string when invalid. */
export async function readCheckpointFile(dir: string): Promise<Checkpoint | string | undefined> {
  let b: Buffer;
  try {
    b = await readFile(join(dir, CHECKPOINT_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return `unreadable: ${(err as Error).message}`;
  }
  return decodeCheckpoint(b);
}
