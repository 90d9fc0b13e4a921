/**
 * Copies a FileSlice's bytes into a new Buffer and releases the slice, for code that
 * rebuilds state from a log at start-up (group coordinator replay, exactly-once
 * provenance scan). Not for the fetch path, which sends slices without copying.
 *
 * Contract: consumes the slice's one reference (released even when a read throws).
 * Returns fewer bytes than `slice.length` only if the file came up short (e.g. it was
 * truncated meanwhile); callers then treat the tail as a torn batch.
 */
import { readSync } from 'node:fs';
import type { FileSlice } from './types.js';

export function readSliceSync(slice: FileSlice): Buffer {
  try {
    const buf = Buffer.allocUnsafe(slice.length);
    let got = 0;
    while (got < slice.length) {
      const n = readSync(slice.file.fd, buf, got, slice.length - got, slice.position + got);
      if (n <= 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    slice.file.release();
  }
}
