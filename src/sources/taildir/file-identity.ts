/**
 * File identity for TAILDIR: (device, inode) plus a fingerprint of the file's first
 * bytes, never the path.
 *
 * Fingerprint rule: the fingerprint covers the first `fpLen` bytes, where
 *   fpLen = min(FINGERPRINT_MAX, offset just after the first '\n')
 * — or, for a file whose first line is still unterminated, FINGERPRINT_MAX once the
 * file holds that many bytes. Until then the identity is PROVISIONAL (fpLen 0): the
 * file is tracked by (dev, inode) alone, and nothing from it has been emitted yet,
 * because TAILDIR emits only complete lines. One exception: when idleTimeout flushes
 * an unterminated first line, fpLen is frozen at the flushed length. Files are
 * append-only between truncations, so once fixed, the first fpLen bytes never change:
 * a mismatch means the inode was reused or the file was truncated and rewritten.
 * The hash is the first 16 hex digits of SHA-256 over those bytes (computed once per
 * file, off the hot path).
 *
 * Stream id (EventBatch.positions, the Kafka sink's provenance): 
 *   `<dev>:<ino>:<fpLen>:<fp>:<gen>`
 * where gen counts truncations detected for this inode (0 for a fresh file), so that
 * offsets in one stream id only ever grow. Pure functions; no state.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

export const FINGERPRINT_MAX = 256;

export interface Fingerprint {
  readonly fpLen: number;
  readonly fp: string;
}

export interface StreamIdParts {
  readonly dev: number;
  readonly ino: number;
  readonly fpLen: number;
  readonly fp: string;
  readonly gen: number;
}

export function hashPrefix(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/** The fingerprint of `head` (the file's first bytes, up to FINGERPRINT_MAX), or null while provisional. */
export function fingerprintOf(head: Buffer, force = false): Fingerprint | null {
  const nl = head.indexOf(10);
  let len: number;
  if (nl >= 0 && nl < FINGERPRINT_MAX) len = nl + 1;
  else if (head.length >= FINGERPRINT_MAX) len = FINGERPRINT_MAX;
  else if (force && head.length > 0) len = head.length;
  else return null;
  return { fpLen: len, fp: hashPrefix(head.subarray(0, len)) };
}

/** Reads up to `len` bytes from the start of an open file. */
export async function readHead(fh: FileHandle, len = FINGERPRINT_MAX): Promise<Buffer> {
  const buf = Buffer.alloc(len);
  const { bytesRead } = await fh.read(buf, 0, len, 0);
  return buf.subarray(0, bytesRead);
}

/** True if the open file still starts with the bytes `fp` was computed over. */
export async function matchesFingerprint(fh: FileHandle, want: Fingerprint): Promise<boolean> {
  const head = await readHead(fh, want.fpLen);
  return head.length === want.fpLen && hashPrefix(head) === want.fp;
}

export function formatStreamId(p: StreamIdParts): string {
  return `${p.dev}:${p.ino}:${p.fpLen}:${p.fp}:${p.gen}`;
}

export function parseStreamId(id: string): StreamIdParts | null {
  const m = /^(\d+):(\d+):(\d+):([0-9a-f]{16}):(\d+)$/.exec(id);
  if (!m) return null;
  return { dev: Number(m[1]), ino: Number(m[2]), fpLen: Number(m[3]), fp: m[4]!, gen: Number(m[5]) };
}
