/**
 * The in-memory image of one index file (.index or .timeindex) and its persistence.
 *
 * Node has no mmap, so the index lives in a Buffer that is byte-for-byte the file's
 * content (entries only; Kafka's preallocated tail is not written). New entries are
 * appended to the image and written to the file in batches with plain positional
 * writes (`persist`), on roll, flush and close. The file has no checksum: after an
 * unclean stop the segment's indexes are rebuilt from the .log, and on open an index
 * whose size is not a multiple of the entry size, or whose entries are not strictly
 * increasing, is rebuilt too.
 *
 * Entries are sorted (each subclass keeps both fields increasing), so lookups are a
 * binary search for the last entry before a bound (`lastSlotWhere`, which counts its
 * probes in lookupCounters). Capacity: floor(maxIndexBytes / entrySize) entries, ≥ 1.
 *
 * Owned by one LogSegment; single-threaded. Persist failures are logged and retried
 * with a full rewrite later; they never fail an append (the index is derivable).
 */
import * as fs from 'node:fs';
import { componentLogger } from '../../logger.js';
import { lookupCounters } from './lookup-counters.js';

const log = componentLogger('broker.storage');

export abstract class IndexFile {
  protected buf: Buffer;
  protected count = 0;
  private persistedBytes = 0;
  private fd: number | null = null;
  private needsRewrite = false;

  readonly maxEntries: number;

  constructor(
    readonly path: string,
    protected readonly entrySize: number,
    readonly baseOffset: number,
    maxIndexBytes: number,
  ) {
    this.maxEntries = Math.max(1, Math.floor(maxIndexBytes / entrySize));
    this.buf = Buffer.allocUnsafe(entrySize * 64);
  }

  get entries(): number {
    return this.count;
  }

  isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  /** Loads the file image; returns false if it is missing or its size is not a whole number of entries. */
  load(): boolean {
    let data: Buffer;
    try {
      data = fs.readFileSync(this.path);
    } catch {
      return false;
    }
    if (data.length % this.entrySize !== 0) return false;
    this.buf = data.length > 0 ? data : Buffer.allocUnsafe(this.entrySize * 64);
    this.count = data.length / this.entrySize;
    this.persistedBytes = data.length;
    return this.isSane();
  }

  /** Subclass check: entries strictly increasing and within the segment. */
  protected abstract isSane(): boolean;

  /** Drops all entries (before a rebuild); the file is rewritten on the next persist. */
  reset(): void {
    this.count = 0;
    this.needsRewrite = true;
    this.persistedBytes = 0;
  }

  /** Keeps the first `n` entries. */
  truncateEntries(n: number): void {
    if (n >= this.count) return;
    this.count = n;
    if (this.persistedBytes > n * this.entrySize) this.needsRewrite = true;
  }

  /**
   * Binary search: the greatest slot for which `before(slot)` holds, or -1. `before`
   * must hold on a prefix of the entries (true, …, true, false, …).
   */
  protected lastSlotWhere(before: (slot: number) => boolean): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      lookupCounters.indexProbes++;
      if (before(mid)) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  protected reserveEntry(): number {
    const off = this.count * this.entrySize;
    if (off + this.entrySize > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, off + this.entrySize));
      this.buf.copy(grown, 0, 0, off);
      this.buf = grown;
    }
    this.count++;
    return off;
  }

  /** Writes entries not yet on disk (or the whole image after a truncate/reset). */
  persist(): void {
    const size = this.count * this.entrySize;
    if (!this.needsRewrite && size === this.persistedBytes) return;
    try {
      if (this.fd === null) this.fd = fs.openSync(this.path, fs.existsSync(this.path) ? 'r+' : 'w+');
      const from = this.needsRewrite ? 0 : this.persistedBytes;
      if (this.needsRewrite) fs.ftruncateSync(this.fd, size);
      let done = from;
      while (done < size) done += fs.writeSync(this.fd, this.buf, done, size - done, done);
      this.persistedBytes = size;
      this.needsRewrite = false;
    } catch (err) {
      this.needsRewrite = true;
      log.warn({ path: this.path, err }, 'index write failed; will rewrite it later (indexes are rebuilt on recovery)');
    }
  }

  /** Persists and closes the fd (reopened lazily if more entries come). */
  close(): void {
    this.persist();
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch (err) {
        log.warn({ path: this.path, err }, 'closing index fd failed');
      }
      this.fd = null;
    }
  }

  /** Closes without writing and removes the file. */
  deleteFile(): void {
    if (this.fd !== null) {
      try { fs.closeSync(this.fd); } catch { /* already gone */ }
      this.fd = null;
    }
    fs.rmSync(this.path, { force: true });
  }

  /** Fsyncs the file (used when a segment is rolled or the log is closed cleanly). */
  sync(): void {
    this.persist();
    if (this.fd !== null) {
      try { fs.fdatasyncSync(this.fd); } catch (err) { log.warn({ path: this.path, err }, 'index fdatasync failed'); }
    }
  }
}
