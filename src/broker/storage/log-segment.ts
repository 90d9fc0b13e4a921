/**
 * One segment of a partition log: `<20-digit baseOffset>.log` plus its `.index`
 * and `.timeindex` (Kafka's names and formats; see offset-index.ts, time-index.ts).
 *
 * The .log file is record batches (magic 2) end to end, byte-identical to the wire,
 * with no header. Invariants:
 * - `size` is the byte length of valid batches; appends write at `size`.
 * - `nextOffset` is one past the last offset in the segment (= baseOffset if empty).
 * - index entries: (batch LAST offset, batch START position), added when more than
 *   `indexIntervalBytes` were appended since the previous entry (LogSegment.append).
 * - time index: (max timestamp so far, its offset), only when the timestamp grows.
 *
 * Ownership: mutated only by its PartitionLog (append, truncate, roll, delete).
 * The active segment pins its .log fd in the FileHandleCache; readers acquire their
 * own reference per slice. Appends use positional writes through StorageFs.
 */
import { rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { BATCH } from '../../protocol/record-batch-layout.js';
import type { SegmentFile } from './types.js';
import type { StorageFs } from './storage-fs.js';
import { writeFullySync, readFullySync } from './storage-fs.js';
import type { FileHandleCache } from './file-handle-cache.js';
import { OffsetIndex } from './offset-index.js';
import { TimeIndex } from './time-index.js';
import { batchSize, checkBatch, readOffset, readTimestamp, type BatchProblem } from './batch-header.js';
import { lookupCounters } from './lookup-counters.js';
import { componentLogger } from '../../logger.js';

const log = componentLogger('broker.storage');

const INT32_MAX = 2147483647;
/** Bytes of header read per batch while scanning (through maxTimestamp). */
const HEADER_PEEK = BATCH.MAX_TIMESTAMP + 8;
const SCAN_WINDOW = 4096;
const RECOVERY_CHUNK = 8 * 1024 * 1024;

const scanBuf = Buffer.allocUnsafe(SCAN_WINDOW);
let recoveryBuf: Buffer | null = null;

export function segmentFileName(baseOffset: number, suffix: string): string {
  return `${String(baseOffset).padStart(20, '0')}${suffix}`;
}

export interface SegmentContext {
  readonly fs: StorageFs;
  readonly files: FileHandleCache;
  readonly indexIntervalBytes: number;
  readonly maxIndexBytes: number;
  readonly now: () => number;
}

export interface BatchLocation {
  readonly position: number;
  readonly size: number;
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly maxTimestamp: number;
}

export interface RecoveryResult {
  readonly validBytes: number;
  readonly truncatedBytes: number;
  readonly problem: BatchProblem | 'bad-offset' | null;
}

export class LogSegment {
  readonly logPath: string;
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  size = 0;
  nextOffset: number;
  maxTimestamp = -1;
  offsetOfMaxTimestamp = -1;
  /** maxTimestamp of the first batch (Kafka's rollingBasedTimestamp), or -1. */
  firstBatchTimestamp = -1;
  readonly created: number;
  private bytesSinceLastIndexEntry = 0;
  private pinned: SegmentFile | null = null;
  /** Rolled, and its index files not yet fdatasynced (see syncIndexes). */
  private indexesUnsynced = false;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    private readonly ctx: SegmentContext,
  ) {
    this.logPath = join(dir, segmentFileName(baseOffset, '.log'));
    this.offsetIndex = new OffsetIndex(join(dir, segmentFileName(baseOffset, '.index')), baseOffset, ctx.maxIndexBytes);
    this.timeIndex = new TimeIndex(join(dir, segmentFileName(baseOffset, '.timeindex')), baseOffset, ctx.maxIndexBytes);
    this.nextOffset = baseOffset;
    this.created = ctx.now();
  }

  /** Creates a new empty active segment (truncating any leftover files of that name). */
  static create(dir: string, baseOffset: number, ctx: SegmentContext): LogSegment {
    const seg = new LogSegment(dir, baseOffset, ctx);
    const fd = ctx.fs.openSync(seg.logPath, 'w+');
    ctx.fs.closeSync(fd);
    seg.offsetIndex.reset();
    seg.timeIndex.reset();
    seg.offsetIndex.persist();
    seg.timeIndex.persist();
    seg.pin();
    return seg;
  }

  /**
   * Opens an existing segment. With `recover`, validates every batch and rebuilds the
   * indexes, truncating a torn or corrupt tail; otherwise trusts the indexes if sane.
   */
  static open(dir: string, baseOffset: number, ctx: SegmentContext, recover: boolean): { segment: LogSegment; recovery: RecoveryResult | null } {
    const seg = new LogSegment(dir, baseOffset, ctx);
    const file = ctx.files.acquire(seg.logPath);
    try {
      const fileSize = ctx.fs.fstatSizeSync(file.fd);
      if (recover) return { segment: seg, recovery: seg.recover(file, fileSize) };
      seg.size = fileSize;
      const indexesOk = seg.offsetIndex.load() && seg.offsetIndex.fitsLog(fileSize) && seg.timeIndex.load();
      if (!indexesOk) {
        log.warn({ path: seg.offsetIndex.path }, 'index missing or corrupt; rebuilding it from the log');
        return { segment: seg, recovery: seg.recover(file, fileSize) };
      }
      seg.loadTail(file);
      return { segment: seg, recovery: null };
    } finally {
      file.release();
    }
  }

  /** Removes the files of segment `baseOffset` in `dir` without opening it. */
  static deleteFilesAt(dir: string, baseOffset: number, ctx: SegmentContext): void {
    const logPath = join(dir, segmentFileName(baseOffset, '.log'));
    ctx.files.forget(logPath);
    for (const suffix of ['.log', '.index', '.timeindex']) rmSync(join(dir, segmentFileName(baseOffset, suffix)), { force: true });
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  /** Largest timestamp for retention: the max batch timestamp, else the creation time. */
  largestTimestamp(): number {
    return this.maxTimestamp >= 0 ? this.maxTimestamp : this.created;
  }

  pin(): void {
    if (!this.pinned) this.pinned = this.ctx.files.acquire(this.logPath);
  }

  private writeFd(): number {
    this.pin();
    return this.pinned!.fd;
  }

  /** The pinned fd of the active segment (for fdatasync). */
  syncFd(): number {
    return this.writeFd();
  }

  /**
   * Writes `buf` (whole batches with offsets assigned) at the end with one write,
   * then updates the indexes. On an I/O error the partial write is truncated away and
   * the error rethrown; the segment is unchanged.
   */
  append(buf: Buffer): void {
    const fd = this.writeFd();
    const start = this.size;
    try {
      writeFullySync(this.ctx.fs, fd, buf, 0, buf.length, start);
    } catch (err) {
      try {
        this.ctx.fs.ftruncateSync(fd, start);
      } catch (truncErr) {
        log.error({ path: this.logPath, position: start, err: truncErr }, 'could not truncate a partial write; later appends overwrite it');
      }
      throw err;
    }
    let off = 0;
    while (off < buf.length) {
      const size = batchSize(buf, off);
      this.indexBatch(buf, off, start + off, size);
      off += size;
    }
    this.size = start + buf.length;
    if (this.offsetIndex.entries % 512 === 0) this.persistIndexes();
  }

  private indexBatch(buf: Buffer, off: number, position: number, size: number): void {
    const base = readOffset(buf, off + BATCH.BASE_OFFSET);
    const last = base + buf.readInt32BE(off + BATCH.LAST_OFFSET_DELTA);
    const maxTs = readTimestamp(buf, off + BATCH.MAX_TIMESTAMP);
    if (this.firstBatchTimestamp < 0 && position === 0) this.firstBatchTimestamp = maxTs;
    if (maxTs > this.maxTimestamp) {
      this.maxTimestamp = maxTs;
      this.offsetOfMaxTimestamp = last;
    }
    if (this.bytesSinceLastIndexEntry > this.ctx.indexIntervalBytes) {
      this.offsetIndex.append(last, position);
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += size;
    this.nextOffset = last + 1;
  }

  persistIndexes(): void {
    this.offsetIndex.persist();
    this.timeIndex.persist();
  }

  /** True if appending `incomingBytes` ending at `lastOffset` must go to a new segment. */
  shouldRoll(incomingBytes: number, lastOffset: number, incomingMaxTimestamp: number, segmentBytes: number, segmentMs: number, now: number): boolean {
    if (this.size === 0) return false;
    if (this.size > segmentBytes - incomingBytes) return true;
    if (this.offsetIndex.isFull() || this.timeIndex.isFull()) return true;
    if (lastOffset - this.baseOffset > INT32_MAX) return true;
    const waited = this.firstBatchTimestamp >= 0 && incomingMaxTimestamp >= 0
      ? incomingMaxTimestamp - this.firstBatchTimestamp
      : now - this.created;
    return waited > segmentMs;
  }

  /**
   * Becomes read-only: final time-index entry, indexes written (not yet synced: that is
   * `syncIndexes`, which the partition log's flush awaits before the recovery point passes
   * this segment, so no fdatasync runs on the event loop during an append), write pin dropped.
   */
  onBecomeInactive(): void {
    this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
    this.offsetIndex.close();
    this.timeIndex.close();
    this.indexesUnsynced = true;
    this.unpin();
  }

  /**
   * fdatasyncs the index files written by `onBecomeInactive`, off the event loop (libuv
   * threadpool). A failure is logged, not thrown: indexes are rebuilt from the .log when
   * they do not check out on open.
   */
  async syncIndexes(): Promise<void> {
    if (!this.indexesUnsynced) return;
    this.indexesUnsynced = false;
    await Promise.all([this.offsetIndex.path, this.timeIndex.path].map(async (path) => {
      let handle: FileHandle | null = null;
      try {
        handle = await open(path, 'r+');
        await handle.datasync();
      } catch (err) {
        // ENOENT: retention deleted the segment meanwhile; nothing left to make durable.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          log.warn({ path, err }, 'index fdatasync failed (the index is rebuilt from the log if it does not check out)');
        }
      } finally {
        await handle?.close().catch(() => undefined);
      }
    }));
  }

  private unpin(): void {
    if (this.pinned) {
      this.pinned.release();
      this.pinned = null;
    }
  }

  /** A retained handle on the .log file (caller releases). */
  acquireFile(): SegmentFile {
    return this.ctx.files.acquire(this.logPath);
  }

  /**
   * Finds the batch holding `target` (or the first batch after it): greatest index
   * entry ≤ target, then a forward scan of batch headers up to `limit` bytes.
   */
  findBatch(file: SegmentFile, target: number, limit = this.size): BatchLocation | null {
    const start = this.offsetIndex.lookup(target).position;
    return this.scanFor(file.fd, start, limit, (_base, last) => last >= target);
  }

  /** First batch at or after offset `from` whose maxTimestamp ≥ `timestamp`, below `limit`. */
  findBatchByTimestamp(file: SegmentFile, timestamp: number, from: number, limit = this.size): BatchLocation | null {
    const start = this.offsetIndex.lookup(from).position;
    return this.scanFor(file.fd, start, limit, (_base, last, maxTs) => last >= from && maxTs >= timestamp);
  }

  /** First batch (from `startPosition`) whose predicate holds, by header scanning. */
  private scanFor(fd: number, startPosition: number, limit: number, pred: (base: number, last: number, maxTs: number) => boolean): BatchLocation | null {
    let pos = startPosition;
    let winStart = -1;
    let winLen = 0;
    while (pos + HEADER_PEEK <= limit) {
      if (winStart < 0 || pos + HEADER_PEEK > winStart + winLen) {
        winLen = readFullySync(this.ctx.fs, fd, scanBuf, 0, Math.min(SCAN_WINDOW, limit - pos), pos);
        winStart = pos;
        lookupCounters.headerPreads++;
        if (winLen < HEADER_PEEK) return null;
      }
      const o = pos - winStart;
      lookupCounters.headerReads++;
      const size = batchSize(scanBuf, o);
      const base = readOffset(scanBuf, o);
      if (size < BATCH.HEADER_SIZE || base < 0) return null;
      const last = base + scanBuf.readInt32BE(o + BATCH.LAST_OFFSET_DELTA);
      const maxTs = readTimestamp(scanBuf, o + BATCH.MAX_TIMESTAMP);
      if (pred(base, last, maxTs)) {
        lookupCounters.bytesScanned += pos - startPosition;
        return { position: pos, size, baseOffset: base, lastOffset: last, maxTimestamp: maxTs };
      }
      pos += size;
    }
    lookupCounters.bytesScanned += pos - startPosition;
    return null;
  }

  /**
   * Reads the batch headers from the last index entry to the end of the file to learn
   * nextOffset, the max timestamp and the bytes since the last index entry.
   */
  private loadTail(file: SegmentFile): void {
    const last = this.timeIndex.lastEntry();
    if (last) {
      this.maxTimestamp = last.timestamp;
      this.offsetOfMaxTimestamp = last.offset;
    }
    const n = this.offsetIndex.entries;
    const start = n === 0 ? 0 : this.offsetIndex.positionAt(n - 1);
    let pos = start;
    const header = Buffer.allocUnsafe(BATCH.HEADER_SIZE);
    while (pos + BATCH.HEADER_SIZE <= this.size) {
      if (readFullySync(this.ctx.fs, file.fd, header, 0, BATCH.HEADER_SIZE, pos) < BATCH.HEADER_SIZE) break;
      const size = batchSize(header, 0);
      const base = readOffset(header, 0);
      if (size < BATCH.HEADER_SIZE || base < 0 || pos + size > this.size) break;
      const lastOff = base + header.readInt32BE(BATCH.LAST_OFFSET_DELTA);
      const maxTs = readTimestamp(header, BATCH.MAX_TIMESTAMP);
      if (pos === 0) this.firstBatchTimestamp = maxTs;
      if (maxTs > this.maxTimestamp) {
        this.maxTimestamp = maxTs;
        this.offsetOfMaxTimestamp = lastOff;
      }
      this.nextOffset = lastOff + 1;
      pos += size;
    }
    this.bytesSinceLastIndexEntry = pos - start;
    if (this.firstBatchTimestamp < 0 && this.size >= BATCH.HEADER_SIZE && start > 0) {
      if (readFullySync(this.ctx.fs, file.fd, header, 0, BATCH.HEADER_SIZE, 0) === BATCH.HEADER_SIZE) {
        this.firstBatchTimestamp = readTimestamp(header, BATCH.MAX_TIMESTAMP);
      }
    }
    if (pos !== this.size) {
      log.warn({ path: this.logPath, position: pos, size: this.size }, 'segment tail is not whole batches; truncating');
      this.ctx.fs.ftruncateSync(file.fd, pos);
      this.size = pos;
    }
  }

  /**
   * Validates every batch (size, magic, CRC, increasing offsets), rebuilds both
   * indexes and truncates the file at the first bad or partial batch.
   */
  private recover(file: SegmentFile, fileSize: number): RecoveryResult {
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.bytesSinceLastIndexEntry = 0;
    this.maxTimestamp = -1;
    this.offsetOfMaxTimestamp = -1;
    this.firstBatchTimestamp = -1;
    this.nextOffset = this.baseOffset;
    let buf = recoveryBuf ?? (recoveryBuf = Buffer.allocUnsafe(RECOVERY_CHUNK));
    let chunkStart = 0;
    let chunkLen = 0;
    const ensure = (pos: number, n: number): number => {
      const want = Math.min(n, fileSize - pos);
      if (pos >= chunkStart && pos + want <= chunkStart + chunkLen) return chunkStart + chunkLen - pos;
      if (want > buf.length) buf = Buffer.allocUnsafe(want);
      chunkStart = pos;
      chunkLen = readFullySync(this.ctx.fs, file.fd, buf, 0, Math.min(buf.length, fileSize - pos), pos);
      return chunkLen;
    };
    let pos = 0;
    let problem: RecoveryResult['problem'] = null;
    while (pos < fileSize) {
      let avail = ensure(pos, BATCH.HEADER_SIZE);
      let check = checkBatch(buf, pos - chunkStart, avail, INT32_MAX);
      if (check === 'truncated' && avail >= BATCH.LOG_OVERHEAD) {
        const need = batchSize(buf, pos - chunkStart);
        if (need <= fileSize - pos) {
          avail = ensure(pos, need);
          check = checkBatch(buf, pos - chunkStart, avail, INT32_MAX);
        }
      }
      if (typeof check !== 'number') {
        problem = check;
        break;
      }
      const o = pos - chunkStart;
      const base = readOffset(buf, o);
      const last = base + buf.readInt32BE(o + BATCH.LAST_OFFSET_DELTA);
      if (base < this.nextOffset || last < base || last - this.baseOffset > INT32_MAX) {
        problem = 'bad-offset';
        break;
      }
      this.indexBatch(buf, o, pos, check);
      pos += check;
    }
    if (buf !== recoveryBuf) buf = recoveryBuf!;
    this.size = pos;
    const truncatedBytes = fileSize - pos;
    if (truncatedBytes > 0) this.ctx.fs.ftruncateSync(file.fd, pos);
    this.persistIndexes();
    return { validBytes: pos, truncatedBytes, problem };
  }

  /**
   * Removes every batch at or after `offset` (a batch boundary, or inside a batch,
   * which is then removed whole). Returns the bytes removed.
   */
  truncateTo(offset: number): number {
    if (offset >= this.nextOffset) return 0;
    const file = this.acquireFile();
    try {
      const loc = this.findBatch(file, offset);
      const position = loc ? loc.position : this.size;
      const removed = this.size - position;
      this.ctx.fs.ftruncateSync(file.fd, position);
      this.size = position;
      this.offsetIndex.truncateToPosition(position);
      this.offsetIndex.truncateToOffset(offset);
      this.timeIndex.truncateToOffset(offset);
      this.persistIndexes();
      this.nextOffset = this.baseOffset;
      this.maxTimestamp = -1;
      this.offsetOfMaxTimestamp = -1;
      this.firstBatchTimestamp = -1;
      this.loadTail(file);
      return removed;
    } finally {
      file.release();
    }
  }

  /** Writes indexes and releases the write pin (clean close). */
  close(): void {
    this.offsetIndex.close();
    this.timeIndex.close();
    this.unpin();
  }

  /** Removes the files; readers still holding the .log keep a valid fd until they release it. */
  deleteFiles(): void {
    this.unpin();
    this.ctx.files.forget(this.logPath);
    this.offsetIndex.deleteFile();
    this.timeIndex.deleteFile();
    try {
      this.ctx.fs.unlinkSync(this.logPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
