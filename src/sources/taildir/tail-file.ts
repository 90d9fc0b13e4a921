/**
 * One tailed file: an open descriptor, its identity, the committed position and the
 * read state. Owned and mutated only by TaildirSource's pump (single async loop).
 *
 * Offsets (all file offsets, bytes):
 *   pos      committed: every line ending at or before it reached the channel. Advances
 *            only through `commit()`, after `output.send` resolved.
 *   readOff  next byte not yet turned into a chunk (≥ pos; equal to pos between rounds
 *            because the pump commits each chunk before reading the next).
 *   size     file size at the last fstat.
 * Reads are up to `chunkSize` bytes into a FRESH buffer (never reused: the chunk's
 * event bodies are views into it and may sit in a memory channel after commit), sized
 * to the bytes available so a small append pins a small buffer. An unterminated tail
 * is re-read with the next chunk.
 * Read-ahead: when a read leaves more of the file unread, the next read (from just after
 * the buffer's last '\n', where the next chunk will start) is issued at once, so the
 * threadpool copies the next buffer while the pump scans and sends this one. At most one
 * read-ahead per file; it is used only when it starts exactly at `readOff` and passes the
 * same fingerprint check as any read, and is dropped on truncation, on close and by
 * `dropReadAhead()` (the pump calls it when it leaves the file, so at most one read-ahead
 * buffer is alive per source). A line longer than maxLineLength is handled in
 * long-line mode: its head is kept (truncate) or dropped (skip) and the rest is
 * discarded up to its '\n'; the position only moves once that '\n' is seen.
 * Truncation: size < readOff, or the first fpLen bytes changed (copytruncate followed
 * by a writer that already wrote past our offset) → new generation, read from 0.
 */
import type { Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { fingerprintOf, formatStreamId, matchesFingerprint, readHead, type Fingerprint } from './file-identity.js';
import { newScanOut, scanLines } from './line-scanner.js';
import type { FileGroup } from './taildir-config.js';

/** A run of lines (or a bare position advance when count is 0) ready for one channel transaction. */
export interface Chunk {
  readonly count: number;
  readonly data: Buffer;
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  readonly endOffsets: Float64Array;
  /** File offset of data[0]: line i starts at dataBase + starts[i] (byteOffsetHeader). */
  readonly dataBase: number;
  /** Where `pos` moves once this chunk is committed. */
  readonly advanceTo: number;
  readonly skipped: number;
  readonly truncated: number;
}

export interface ReadLimits {
  readonly batchSize: number;
  readonly maxLineLength: number;
  readonly skipLong: boolean;
  readonly chunkSize: number;
}

const EMPTY_U32 = new Uint32Array(0);
const EMPTY_F64 = new Float64Array(0);
const EMPTY_BUF = Buffer.alloc(0);

export class TailFile {
  readonly dev: number;
  readonly ino: number;
  path: string;
  group: FileGroup;
  /** Seen under a matching path in the latest scan. */
  matched = true;
  fh: FileHandle | null;
  fp: Fingerprint | null;
  gen: number;
  pos: number;
  readOff: number;
  size: number;
  mtimeMs: number;
  nlink: number;
  /** Truncations/rewrites detected so far (the pump logs new ones). */
  truncations = 0;
  /** Date.now() of the last size change (or open); drives idleTimeout. */
  lastChange: number;
  private buf: Buffer | null = null;
  private bufBase = 0;
  private longLine: { start: number; kept: Buffer | null } | null = null;
  private ahead: { off: number; want: number; read: Promise<{ buf: Buffer; bytesRead: number } | null> } | null = null;
  private readonly scan = newScanOut();
  private headersCache: { key: string; value: Readonly<Record<string, string>> } | null = null;

  constructor(init: { path: string; group: FileGroup; fh: FileHandle; st: Stats; pos: number; fp: Fingerprint | null; gen: number }) {
    this.dev = init.st.dev;
    this.ino = init.st.ino;
    this.path = init.path;
    this.group = init.group;
    this.fh = init.fh;
    this.fp = init.fp;
    this.gen = init.gen;
    this.pos = init.pos;
    this.readOff = init.pos;
    this.size = init.st.size;
    this.mtimeMs = init.st.mtimeMs;
    this.nlink = init.st.nlink;
    this.lastChange = Date.now();
  }

  get key(): string {
    return `${this.dev}:${this.ino}`;
  }

  /** Stream id for EventBatch.positions; only valid once the fingerprint is fixed. */
  get streamId(): string {
    const fp = this.fp ?? { fpLen: 0, fp: '0000000000000000' };
    return formatStreamId({ dev: this.dev, ino: this.ino, fpLen: fp.fpLen, fp: fp.fp, gen: this.gen });
  }

  /** Bytes of the file not yet in any read buffer. */
  get unread(): number {
    return this.size - (this.buf ? this.bufBase + this.buf.length : this.readOff);
  }

  /** Shared headers: the group's static headers plus the file header when configured. */
  headers(fileHeaderKey: string | null): Readonly<Record<string, string>> {
    const key = `${this.group.name}\u0000${fileHeaderKey ?? ''}\u0000${this.path}`;
    if (this.headersCache?.key !== key) {
      const h: Record<string, string> = { ...this.group.headers };
      if (fileHeaderKey !== null) h[fileHeaderKey] = this.path;
      this.headersCache = { key, value: h };
    }
    return this.headersCache.value;
  }

  /** Re-opens an idle-closed file. Returns false when the inode now holds other content. */
  async reopen(): Promise<boolean> {
    const fh = await open(this.path, 'r');
    const st = await fh.stat();
    if (st.dev !== this.dev || st.ino !== this.ino || (this.fp !== null && !(await matchesFingerprint(fh, this.fp)))) {
      await fh.close();
      return false;
    }
    this.fh = fh;
    this.lastChange = Date.now();
    return true;
  }

  /**
   * fstat and truncation check. Returns true when a truncation (or rewrite) was
   * detected and the file restarted at offset 0 under a new generation.
   */
  async refresh(): Promise<boolean> {
    if (!this.fh) return false;
    const st = await this.fh.stat();
    const changed = st.size !== this.size || st.mtimeMs !== this.mtimeMs;
    if (st.size !== this.size) this.lastChange = Date.now();
    this.size = st.size;
    this.mtimeMs = st.mtimeMs;
    this.nlink = st.nlink;
    if (st.size < this.readOff || st.size < this.pos || (changed && this.fp !== null && !(await matchesFingerprint(this.fh, this.fp)))) {
      this.restart();
      return true;
    }
    return false;
  }

  /** Truncation or rewrite detected: a new generation of this inode, read from 0. */
  private restart(): void {
    this.gen++;
    this.truncations++;
    this.pos = 0;
    this.readOff = 0;
    this.buf = null;
    this.longLine = null;
    this.ahead = null;
    this.fp = null;
    this.lastChange = Date.now();
  }

  /** Forgets the read-ahead (its buffer is garbage once the read completes). */
  dropReadAhead(): void {
    this.ahead = null;
  }

  /** Starts reading `want` bytes at `off` in the threadpool; errors surface as null (the normal read retries). */
  private startReadAhead(off: number, want: number): void {
    const fh = this.fh;
    if (!fh || want <= 0) return;
    const buf = Buffer.allocUnsafe(want);
    const read = fh.read(buf, 0, want, off).then((r) => ({ buf, bytesRead: r.bytesRead }), () => null);
    this.ahead = { off, want, read };
  }

  commit(advanceTo: number): void {
    if (advanceTo > this.pos) this.pos = advanceTo;
  }

  private async establishFingerprint(force: boolean): Promise<void> {
    if (this.fp !== null || !this.fh) return;
    this.fp = fingerprintOf(await readHead(this.fh), force);
  }

  /**
   * The next chunk of complete lines (≤ batchSize), a bare advance (skipped long line,
   * NUL hole), or null when nothing more can be produced from the bytes present now.
   */
  async next(lim: ReadLimits): Promise<Chunk | null> {
    if (!this.fh) return null;
    let statted = false;
    for (;;) {
      const buf = this.buf;
      if (buf !== null) {
        const from = this.readOff - this.bufBase;
        if (from < buf.length) {
          const c = this.longLine ? this.continueLongLine(buf, from) : this.scanChunk(buf, from, lim);
          if (c) {
            if (c.count > 0) await this.establishFingerprint(false);
            return c;
          }
        }
      }
      // Need bytes past what is buffered.
      const bufferedEnd = buf ? this.bufBase + buf.length : this.readOff;
      if (this.size <= bufferedEnd) {
        if (statted) return null;
        statted = true;
        if (await this.refresh()) continue; // truncated: start over at 0
        if (this.size <= bufferedEnd) return null;
      }
      const want = Math.min(lim.chunkSize, this.size - this.readOff);
      let fresh: Buffer | null = null;
      let bytesRead = 0;
      const ahead = this.ahead;
      this.ahead = null;
      if (ahead !== null && ahead.off === this.readOff) {
        const r = await ahead.read;
        if (r !== null && r.bytesRead > 0 && this.fh !== null && this.ahead === null) {
          fresh = r.buf;
          bytesRead = r.bytesRead;
        }
      }
      if (!this.fh) return null;
      if (fresh === null) {
        fresh = Buffer.allocUnsafe(want);
        bytesRead = (await this.fh.read(fresh, 0, want, this.readOff)).bytesRead;
      }
      // Verify after the read: a rewrite that raced with it shows up in the first bytes.
      if (this.fp !== null && !(await matchesFingerprint(this.fh, this.fp))) {
        this.restart();
        continue;
      }
      if (bytesRead <= (buf ? bufferedEnd - this.readOff : 0)) return null;
      this.buf = bytesRead === fresh.length ? fresh : fresh.subarray(0, bytesRead);
      this.bufBase = this.readOff;
      // More of the file is waiting: read it while this buffer is scanned and sent.
      const end = this.bufBase + this.buf.length;
      if (this.size > end && this.longLine === null) {
        const lastNl = this.buf.lastIndexOf(10);
        if (lastNl >= 0) {
          const off = this.bufBase + lastNl + 1;
          this.startReadAhead(off, Math.min(lim.chunkSize, this.size - off));
        }
      }
    }
  }

  private scanChunk(buf: Buffer, from: number, lim: ReadLimits): Chunk | null {
    const n = lim.batchSize;
    // One allocation for the three per-line arrays (the Float64 view first, for alignment).
    const ab = new ArrayBuffer(n * 16);
    const endOffsets = new Float64Array(ab, 0, n);
    const starts = new Uint32Array(ab, n * 8, n);
    const ends = new Uint32Array(ab, n * 12, n);
    const s = this.scan;
    scanLines(buf, from, this.bufBase, n, lim.maxLineLength, lim.skipLong, starts, ends, endOffsets, s);
    const advanceTo = this.bufBase + s.next;
    this.readOff = advanceTo;
    if (s.longLineAt >= 0) {
      const start = this.bufBase + s.longLineAt;
      this.longLine = { start, kept: lim.skipLong ? null : Buffer.from(buf.subarray(s.longLineAt, s.longLineAt + lim.maxLineLength)) };
      this.readOff = this.bufBase + buf.length;
      // Bytes before the long line (NULs, skipped lines) still count as consumed.
      if (start > this.pos) return { count: 0, data: EMPTY_BUF, starts: EMPTY_U32, ends: EMPTY_U32, endOffsets: EMPTY_F64, dataBase: 0, advanceTo: start, skipped: s.skipped, truncated: 0 };
      return null;
    }
    if (s.count === 0 && advanceTo <= this.pos) return null;
    return {
      count: s.count,
      data: buf,
      dataBase: this.bufBase,
      starts: starts.subarray(0, s.count),
      ends: ends.subarray(0, s.count),
      endOffsets: endOffsets.subarray(0, s.count),
      advanceTo,
      skipped: s.skipped,
      truncated: s.truncated,
    };
  }

  private continueLongLine(buf: Buffer, from: number): Chunk | null {
    const nl = buf.indexOf(10, from);
    if (nl < 0) {
      this.readOff = this.bufBase + buf.length;
      return null;
    }
    const end = this.bufBase + nl + 1;
    this.readOff = end;
    return this.finishLongLine(end);
  }

  private finishLongLine(end: number): Chunk {
    const kept = this.longLine?.kept ?? null;
    const lineStart = this.longLine?.start ?? 0;
    this.longLine = null;
    if (kept === null) {
      return { count: 0, data: EMPTY_BUF, starts: EMPTY_U32, ends: EMPTY_U32, endOffsets: EMPTY_F64, dataBase: 0, advanceTo: end, skipped: 1, truncated: 0 };
    }
    return {
      count: 1,
      data: kept,
      dataBase: lineStart,
      starts: Uint32Array.of(0),
      ends: Uint32Array.of(kept.length),
      endOffsets: Float64Array.of(end),
      advanceTo: end,
      skipped: 0,
      truncated: 1,
    };
  }

  /**
   * idleTimeout close: emits the unterminated last line (Flume does the same), with
   * its end offset = file size. Returns null when there is nothing pending.
   */
  async flushPartial(lim: ReadLimits): Promise<Chunk | null> {
    if (!this.fh) return null;
    if (this.longLine) {
      this.buf = null;
      this.readOff = this.size;
      await this.establishFingerprint(true);
      return this.finishLongLine(this.size);
    }
    const start = this.readOff;
    const len = this.size - start;
    if (len <= 0) return null;
    const raw = Buffer.allocUnsafe(Math.min(len, lim.chunkSize));
    const { bytesRead } = await this.fh.read(raw, 0, raw.length, start);
    let b = 0;
    while (b < bytesRead && raw[b] === 0) b++;
    let e = bytesRead;
    if (e > b && raw[e - 1] === 13) e--;
    const end = start + bytesRead;
    this.buf = null;
    this.readOff = end;
    if (e <= b) return { count: 0, data: EMPTY_BUF, starts: EMPTY_U32, ends: EMPTY_U32, endOffsets: EMPTY_F64, dataBase: 0, advanceTo: end, skipped: 0, truncated: 0 };
    await this.establishFingerprint(true);
    let truncated = 0;
    if (e - b > lim.maxLineLength) {
      if (lim.skipLong) return { count: 0, data: EMPTY_BUF, starts: EMPTY_U32, ends: EMPTY_U32, endOffsets: EMPTY_F64, dataBase: 0, advanceTo: end, skipped: 1, truncated: 0 };
      e = b + lim.maxLineLength;
      truncated = 1;
    }
    return { count: 1, data: raw, dataBase: start, starts: Uint32Array.of(b), ends: Uint32Array.of(e), endOffsets: Float64Array.of(end), advanceTo: end, skipped: 0, truncated };
  }

  async close(): Promise<void> {
    const fh = this.fh;
    const ahead = this.ahead;
    this.fh = null;
    this.buf = null;
    this.ahead = null;
    if (ahead) await ahead.read; // never rejects; lets the read finish before the fd closes
    if (fh) await fh.close().catch(() => undefined);
  }
}
