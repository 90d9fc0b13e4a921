/**
 * One partition's log: an ordered list of LogSegments (the last one active),
 * the log start offset, the log end offset (LEO), the durable offset and the high
 * watermark (HW). Implements the PartitionLog contract of types.ts.
 *
 * Invariants:
 * - logStartOffset ≤ HW ≤ LEO; segments are sorted by base offset and contiguous;
 *   only the active (last) segment is appended to.
 * - Offsets are assigned here: each batch's baseOffset and partitionLeaderEpoch are
 *   rewritten in place in the caller's Buffer (no CRC recompute; the CRC does not
 *   cover them). The whole Buffer then goes to the segment in ONE positional write.
 * - `flush.messages = 1` ("durable mode"): HW advances only over fdatasynced data,
 *   and append resolves only after the fdatasync covering it. Group commit: while an
 *   fdatasync is in flight, later appends wait and are all covered by the next single
 *   fdatasync; a flush starts one event-loop turn (setImmediate) after it is asked for, so
 *   concurrent appends join it rather than waiting a full sync cycle. On an fdatasync
 *   failure in durable mode the unsynced tail is truncated and every waiting append
 *   fails with KAFKA_STORAGE_ERROR (none was acknowledged).
 * - Otherwise HW = LEO at once, and flushes follow flush.messages / flush.ms.
 * - A write failure (ENOSPC, EIO) truncates the partial write and throws
 *   KAFKA_STORAGE_ERROR; the log stays usable and later appends may succeed.
 * - Retention deletes whole segments, oldest first, never beyond the HW, rolling the
 *   active segment first when it must go. Deleted files stay readable to holders of
 *   a FileSlice (reference-counted fds, unlink keeps the inode).
 *
 * Concurrency: all mutation runs on the JS thread; the only awaits are fdatasyncs,
 * so append, roll, truncate and retention never interleave mid-operation.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SluiceError } from '../../errors.js';
import { componentLogger } from '../../logger.js';
import { ATTR, BATCH, MAGIC_V2 } from '../../protocol/record-batch-layout.js';
import { crc32c } from '../../protocol/crc32c.js';
import type { AppendOptions, AppendResult, FileSlice, PartitionLog, ReadResult, SegmentFile } from './types.js';
import type { StorageFs } from './storage-fs.js';
import { readFullySync } from './storage-fs.js';
import type { FileHandleCache } from './file-handle-cache.js';
import type { Clock, TimerHandle } from './clock.js';
import type { LogConfig } from './log-config.js';
import { LogSegment, type BatchLocation, type SegmentContext } from './log-segment.js';
import { batchSize, firstRecordAtOrAfter, readOffset, readTimestamp, writeOffset, writeTimestamp } from './batch-header.js';
import { lookupCounters } from './lookup-counters.js';

const log = componentLogger('broker.storage');

export interface PartitionLogOptions {
  readonly dir: string;
  readonly topic: string;
  readonly partition: number;
  readonly config: LogConfig;
  readonly fs: StorageFs;
  readonly files: FileHandleCache;
  readonly clock: Clock;
  /** From recovery-point-offset-checkpoint (0 if unknown). */
  readonly recoveryPoint: number;
  /** From log-start-offset-checkpoint (0 if unknown). */
  readonly logStartOffset: number;
  /** The log dir had a clean-shutdown marker. */
  readonly cleanShutdown: boolean;
}

interface FlushWaiter {
  readonly offset: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

interface DataWaiter {
  readonly offset: number;
  readonly resolve: () => void;
}

/** Header bytes read per batch when finding a slice's end offset (through lastOffsetDelta). */
const END_PEEK = BATCH.LAST_OFFSET_DELTA + 4;
const SCAN_WINDOW = 4096;
/** Shared by offsetAtSliceEnd (JS thread only, never held across an await). */
const endScanBuf = Buffer.allocUnsafe(SCAN_WINDOW);

const SEGMENT_LOG = /^(\d{20})\.log$/;
const TRANSIENT = /\.(deleted|cleaned|swap)$/;

/** Resolves after the current event-loop turn's I/O callbacks and microtasks (setImmediate). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function storageError(message: string, cause: unknown, details: Record<string, unknown>): SluiceError {
  return new SluiceError('KAFKA_STORAGE_ERROR', message, { cause, retriable: true, details });
}

export class PartitionLogImpl implements PartitionLog {
  readonly topic: string;
  readonly partition: number;
  readonly dir: string;
  private config: LogConfig;
  private readonly ctx: SegmentContext;
  private readonly fs: StorageFs;
  private readonly clock: Clock;
  private segments: LogSegment[] = [];
  private logStart = 0;
  private leo = 0;
  private synced = 0;
  private hw = 0;
  /** Segment + byte position where the HW lies (durable mode); null = end of the HW's segment data. */
  private hwSegment: LogSegment | null = null;
  private hwPosition = 0;
  private unflushed = 0;
  /** Segments rolled but not yet fdatasynced. */
  private dirty: LogSegment[] = [];
  private flushing = false;
  private flushLoop: Promise<void> = Promise.resolve();
  private flushAgain = false;
  private flushWaiters: FlushWaiter[] = [];
  private dataWaiters: DataWaiter[] = [];
  private flushTimer: TimerHandle | null = null;
  private closed = false;
  private deleted = false;

  private constructor(opts: PartitionLogOptions) {
    this.topic = opts.topic;
    this.partition = opts.partition;
    this.dir = opts.dir;
    this.config = opts.config;
    this.fs = opts.fs;
    this.clock = opts.clock;
    const cfg = (): LogConfig => this.config;
    this.ctx = {
      fs: opts.fs,
      files: opts.files,
      get indexIntervalBytes() { return cfg().indexIntervalBytes; },
      get maxIndexBytes() { return cfg().segmentIndexBytes; },
      now: () => opts.clock.now(),
    };
  }

  /** Opens (and if needed recovers) the log in `opts.dir`, creating an empty segment if there is none. */
  static async open(opts: PartitionLogOptions): Promise<PartitionLogImpl> {
    const pl = new PartitionLogImpl(opts);
    await pl.load(opts);
    return pl;
  }

  private async load(opts: PartitionLogOptions): Promise<void> {
    const bases: number[] = [];
    for (const name of readdirSync(this.dir)) {
      if (TRANSIENT.test(name)) {
        rmSync(join(this.dir, name), { force: true });
        continue;
      }
      const m = SEGMENT_LOG.exec(name);
      if (m) bases.push(Number(m[1]));
    }
    bases.sort((a, b) => a - b);
    let recoverFrom = Infinity;
    if (!opts.cleanShutdown) {
      recoverFrom = 0;
      for (const b of bases) if (b <= opts.recoveryPoint) recoverFrom = b;
    }
    const recovered: LogSegment[] = [];
    for (let i = 0; i < bases.length; i++) {
      const base = bases[i]!;
      const recover = base >= recoverFrom;
      const { segment, recovery } = LogSegment.open(this.dir, base, this.ctx, recover);
      if (recover) recovered.push(segment);
      const prev = this.segments[this.segments.length - 1];
      if (prev && segment.baseOffset < prev.nextOffset) {
        log.warn({ path: segment.logPath, expectedBase: prev.nextOffset }, 'segment overlaps its predecessor; dropping it and later segments');
        this.dropFrom(segment, bases.slice(i + 1));
        break;
      }
      this.segments.push(segment);
      if (recovery && recovery.truncatedBytes > 0) {
        log.warn({
          path: segment.logPath, position: recovery.validBytes, bytesDropped: recovery.truncatedBytes, problem: recovery.problem,
          topic: this.topic, partition: this.partition,
        }, 'recovery truncated a corrupt or torn segment tail');
        const later = bases.slice(i + 1);
        if (later.length > 0) {
          log.warn({ dir: this.dir, segments: later.length }, 'dropping segments after the damaged one');
          for (const b of later) LogSegment.deleteFilesAt(this.dir, b, this.ctx);
        }
        break;
      }
    }
    // Drop empty segments other than the last one (left by a crash right after a roll).
    this.segments = this.segments.filter((s, i, all) => {
      if (s.isEmpty && i < all.length - 1) {
        s.deleteFiles();
        return false;
      }
      return true;
    });
    if (this.segments.length === 0) {
      const start = Math.max(0, opts.logStartOffset);
      this.segments.push(LogSegment.create(this.dir, start, this.ctx));
    }
    const active = this.active;
    active.pin();
    this.leo = active.nextOffset;
    this.logStart = Math.min(Math.max(opts.logStartOffset, this.segments[0]!.baseOffset), this.leo);
    for (const s of recovered) {
      if (!this.segments.includes(s)) continue;
      const f = s.acquireFile();
      try {
        await this.fs.fdatasync(f.fd);
      } finally {
        f.release();
      }
    }
    this.synced = this.leo;
    this.hw = this.leo;
    this.hwSegment = null;
  }

  private dropFrom(first: LogSegment, laterBases: number[]): void {
    first.deleteFiles();
    for (const b of laterBases) LogSegment.deleteFilesAt(this.dir, b, this.ctx);
  }

  private get active(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }

  private get durableMode(): boolean {
    return this.config.flushMessages <= 1;
  }

  logStartOffset(): number { return this.logStart; }
  logEndOffset(): number { return this.leo; }
  highWatermark(): number { return this.hw; }
  /** Offset up to which all data is fdatasynced (Kafka's recovery point). */
  recoveryPoint(): number { return this.synced; }
  sizeInBytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }
  segmentCount(): number { return this.segments.length; }
  /** Base offsets of the segments, oldest first (tests, monitor). */
  segmentBaseOffsets(): number[] { return this.segments.map((s) => s.baseOffset); }
  logConfig(): LogConfig { return this.config; }
  updateConfig(config: LogConfig): void { this.config = config; }

  async append(batches: Buffer, options: AppendOptions = {}): Promise<AppendResult> {
    if (this.closed) throw new SluiceError('KAFKA_STORAGE_ERROR', `log ${this.topic}-${this.partition} is closed`, { retriable: true });
    const cfg = this.config;
    const now = this.clock.now();
    const logAppendTime = cfg.timestampType === 'LogAppendTime';
    // Pass 1: frame check, sizes, record counts, max timestamp.
    let off = 0;
    let records = 0;
    let maxTs = -1;
    while (off < batches.length) {
      if (batches.length - off < BATCH.HEADER_SIZE) throw this.invalid('truncated batch header', off);
      const size = batches.readInt32BE(off + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
      if (size < BATCH.HEADER_SIZE || off + size > batches.length) throw this.invalid(`batch length ${size} does not fit the buffer`, off);
      if (batches[off + BATCH.MAGIC] !== MAGIC_V2) throw this.invalid(`magic ${batches[off + BATCH.MAGIC]} is not 2`, off);
      if (size > cfg.maxMessageBytes) {
        throw new SluiceError('MESSAGE_TOO_LARGE', `batch of ${size} bytes exceeds max.message.bytes=${cfg.maxMessageBytes} for ${this.topic}-${this.partition}`, {
          details: { topic: this.topic, partition: this.partition, size },
        });
      }
      const delta = batches.readInt32BE(off + BATCH.LAST_OFFSET_DELTA);
      if (delta < 0) throw this.invalid(`negative lastOffsetDelta ${delta}`, off);
      records += delta + 1;
      const ts = readTimestamp(batches, off + BATCH.MAX_TIMESTAMP);
      if (ts > maxTs) maxTs = ts;
      off += size;
    }
    if (off === 0) throw this.invalid('no record batch in the request', 0);
    const baseOffset = this.leo;
    const lastOffset = baseOffset + records - 1;
    if (this.active.shouldRoll(batches.length, lastOffset, logAppendTime ? now : maxTs, cfg.segmentBytes, cfg.segmentMs, now)) this.roll();
    // Pass 2: assign offsets in place.
    const epoch = options.leaderEpoch ?? 0;
    let next = baseOffset;
    off = 0;
    while (off < batches.length) {
      const size = batches.readInt32BE(off + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
      writeOffset(batches, off + BATCH.BASE_OFFSET, next);
      batches.writeInt32BE(epoch, off + BATCH.PARTITION_LEADER_EPOCH);
      if (logAppendTime) {
        batches.writeInt16BE(batches.readInt16BE(off + BATCH.ATTRIBUTES) | ATTR.TIMESTAMP_TYPE_LOG_APPEND, off + BATCH.ATTRIBUTES);
        writeTimestamp(batches, off + BATCH.MAX_TIMESTAMP, now);
        batches.writeUInt32BE(crc32c(batches.subarray(off + BATCH.ATTRIBUTES, off + size)), off + BATCH.CRC);
      }
      next += batches.readInt32BE(off + BATCH.LAST_OFFSET_DELTA) + 1;
      off += size;
    }
    const active = this.active;
    try {
      active.append(batches);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      log.error({ topic: this.topic, partition: this.partition, path: active.logPath, position: active.size, code: e.code, err }, 'append failed; partial write truncated');
      throw storageError(`append to ${active.logPath} failed: ${e.code ?? e.message}`, err, { topic: this.topic, partition: this.partition, path: active.logPath });
    }
    this.leo = next;
    this.unflushed += records;
    const result: AppendResult = { baseOffset, lastOffset, logAppendTime: logAppendTime ? now : -1, logStartOffset: this.logStart };
    if (this.durableMode) {
      await this.flushThrough(next);
      return result;
    }
    this.advanceHw(next, null, 0);
    if (this.unflushed >= cfg.flushMessages) this.kickFlush();
    else if (cfg.flushMs < Number.MAX_SAFE_INTEGER && !this.flushTimer) {
      this.flushTimer = this.clock.setTimer(() => {
        this.flushTimer = null;
        this.kickFlush();
      }, cfg.flushMs);
    }
    if (options.requireDurable) await this.flushThrough(next);
    return result;
  }

  private invalid(why: string, position: number): SluiceError {
    return new SluiceError('CORRUPT_MESSAGE', `append to ${this.topic}-${this.partition}: ${why} at byte ${position} of the request`, {
      details: { topic: this.topic, partition: this.partition, position },
    });
  }

  /** Rolls to a new active segment at the LEO; the old one (.log and indexes) is fdatasynced by the next flush, off the event loop. */
  roll(): void {
    const old = this.active;
    if (old.isEmpty) return;
    old.onBecomeInactive();
    this.dirty.push(old);
    this.segments.push(LogSegment.create(this.dir, this.leo, this.ctx));
    log.debug({ topic: this.topic, partition: this.partition, baseOffset: this.leo }, 'rolled segment');
    this.kickFlush();
  }

  private advanceHw(offset: number, segment: LogSegment | null, position: number): void {
    if (offset < this.hw) return;
    this.hw = offset;
    this.hwSegment = segment;
    this.hwPosition = position;
    if (this.dataWaiters.length === 0) return;
    const still: DataWaiter[] = [];
    for (const w of this.dataWaiters) {
      if (w.offset < offset) w.resolve();
      else still.push(w);
    }
    this.dataWaiters = still;
  }

  /** Resolves once everything below `offset` is fdatasynced. */
  flushThrough(offset: number): Promise<void> {
    if (this.synced >= offset) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.flushWaiters.push({ offset, resolve, reject });
      this.kickFlush();
    });
  }

  /** Flushes everything appended so far. */
  flush(): Promise<void> {
    this.kickFlush();
    return this.flushThrough(this.leo);
  }

  private kickFlush(): void {
    if (this.flushing) {
      this.flushAgain = true;
      return;
    }
    this.flushLoop = this.runFlush();
  }

  private async runFlush(): Promise<void> {
    this.flushing = true;
    try {
      do {
        // Group commit: before choosing what this fdatasync covers, let the appends already
        // due in this event-loop turn join it: requests from other connections, and the
        // appenders the previous sync just woke (their continuations are queued microtasks).
        await yieldToEventLoop();
        this.flushAgain = false;
        if (this.deleted) break;
        const target = this.leo;
        const targetSeg = this.active;
        const targetPos = targetSeg.size;
        if (target <= this.synced && this.dirty.length === 0) break;
        const segs = [...this.dirty, targetSeg];
        this.dirty = [];
        targetSeg.persistIndexes();
        try {
          // One segment file held at a time: a backlog of rolled segments must not need
          // more fds at once than the handle cache keeps.
          for (const s of segs) {
            const f = s.acquireFile();
            try {
              await this.fs.fdatasync(f.fd);
            } finally {
              f.release();
            }
          }
          for (const s of segs) await s.syncIndexes();
        } catch (err) {
          this.onFlushFailure(err, segs);
          continue;
        }
        this.synced = Math.max(this.synced, target);
        this.unflushed = Math.max(0, this.leo - this.synced);
        if (this.durableMode) this.advanceHw(target, targetSeg, targetPos);
        if (this.flushWaiters.length > 0) {
          const still: FlushWaiter[] = [];
          for (const w of this.flushWaiters) {
            if (w.offset <= this.synced) w.resolve();
            else still.push(w);
          }
          this.flushWaiters = still;
        }
      } while (this.flushAgain || this.flushWaiters.length > 0);
    } finally {
      this.flushing = false;
    }
  }

  private onFlushFailure(err: unknown, segs: LogSegment[]): void {
    const e = storageError(`fdatasync of ${this.topic}-${this.partition} failed: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, err, {
      topic: this.topic, partition: this.partition,
    });
    log.error({ topic: this.topic, partition: this.partition, err }, 'fdatasync failed');
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    if (this.durableMode) {
      // Nothing past `synced` was acknowledged: drop it so a retry cannot duplicate it.
      try {
        this.truncateTo(this.synced);
      } catch (truncErr) {
        log.error({ topic: this.topic, partition: this.partition, err: truncErr }, 'truncating the unsynced tail failed');
      }
    } else {
      for (const s of segs) if (s !== this.active && this.segments.includes(s)) this.dirty.push(s);
    }
    for (const w of waiters) w.reject(e);
  }

  /** Removes every offset ≥ `offset` (never below the log start). */
  truncateTo(offset: number): void {
    const target = Math.max(offset, this.logStart);
    if (target >= this.leo) return;
    while (this.segments.length > 1 && this.active.baseOffset >= target) {
      const s = this.segments.pop()!;
      s.deleteFiles();
      this.dirty = this.dirty.filter((d) => d !== s);
    }
    const removed = this.active.truncateTo(target);
    this.dirty = this.dirty.filter((d) => d !== this.active);
    this.active.pin();
    this.leo = this.active.nextOffset;
    if (this.hw > this.leo) {
      this.hw = this.leo;
      this.hwSegment = null;
    }
    this.synced = Math.min(this.synced, this.leo);
    log.warn({ topic: this.topic, partition: this.partition, offset: target, bytesRemoved: removed }, 'log truncated');
  }

  read(offset: number, maxBytes: number, minOneBatch: boolean): ReadResult {
    const hw = this.hw;
    const base = { highWatermark: hw, logStartOffset: this.logStart, lastStableOffset: hw };
    if (offset < this.logStart || offset > hw) {
      throw new SluiceError('OFFSET_OUT_OF_RANGE', `offset ${offset} is outside [${this.logStart}, ${hw}] of ${this.topic}-${this.partition}`, {
        details: { topic: this.topic, partition: this.partition, offset },
      });
    }
    if (offset === hw || (maxBytes <= 0 && !minOneBatch)) return { slice: null, ...base };
    for (let i = this.segmentIndexFor(offset); i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      const limit = this.visibleLimit(seg);
      if (limit <= 0) break;
      const file = seg.acquireFile();
      const loc = seg.findBatch(file, offset, limit);
      if (!loc) {
        file.release();
        continue;
      }
      let length = Math.min(Math.max(0, maxBytes), limit - loc.position);
      if (minOneBatch && length < loc.size) length = Math.min(loc.size, limit - loc.position);
      if (length <= 0) {
        file.release();
        return { slice: null, ...base };
      }
      const slice: FileSlice = { file, position: loc.position, length };
      return { slice, ...base, nextOffset: this.offsetAtSliceEnd(seg, file, loc, loc.position + length, limit) };
    }
    return { slice: null, ...base };
  }

  /**
   * ReadResult.nextOffset: the offset just after the last batch of the slice that ends
   * at or before byte `end` (the slice's first batch is `first`; `limit` is the visible
   * end of `seg`). Answered from what read() already knows in the common cases: the
   * slice reaches the visible end (a caught-up consumer), or it ends within or right
   * after its first batch (minOneBatch). Otherwise (a size-limited slice over many
   * batches) the offset index gives the last indexed batch starting before `end`, and
   * the batch headers from there to `end` are walked: at most index.interval.bytes plus
   * one batch, usually one pread of a SCAN_WINDOW from the page cache.
   */
  private offsetAtSliceEnd(seg: LogSegment, file: SegmentFile, first: BatchLocation, end: number, limit: number): number {
    if (end >= limit) return limit >= seg.size ? Math.min(seg.nextOffset, this.hw) : this.hw;
    const firstEnd = first.position + first.size;
    if (end < firstEnd) return first.baseOffset;
    if (end === firstEnd) return first.lastOffset + 1;
    let pos = firstEnd;
    let next = first.lastOffset + 1;
    const index = seg.offsetIndex;
    let lo = 0;
    let hi = index.entries - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      lookupCounters.indexProbes++;
      const p = index.positionAt(mid);
      if (p < end) {
        if (p > pos) pos = p;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const scanStart = pos;
    let winStart = -1;
    let winLen = 0;
    while (pos < end) {
      if (winStart < 0 || pos + END_PEEK > winStart + winLen) {
        winStart = pos;
        winLen = readFullySync(this.fs, file.fd, endScanBuf, 0, Math.min(SCAN_WINDOW, limit - pos), pos);
        lookupCounters.headerPreads++;
        if (winLen < END_PEEK) break;
      }
      const o = pos - winStart;
      lookupCounters.headerReads++;
      const size = batchSize(endScanBuf, o);
      const batchBase = readOffset(endScanBuf, o);
      if (size < BATCH.HEADER_SIZE || batchBase < 0) break;
      if (pos + size > end) {
        next = batchBase;
        break;
      }
      next = batchBase + endScanBuf.readInt32BE(o + BATCH.LAST_OFFSET_DELTA) + 1;
      pos += size;
    }
    lookupCounters.bytesScanned += pos - scanStart;
    return next;
  }

  /** Bytes of `seg` visible below the HW. */
  private visibleLimit(seg: LogSegment): number {
    const hwSeg = this.hwSegment;
    if (!hwSeg || !this.segments.includes(hwSeg)) {
      return seg.baseOffset >= this.hw ? 0 : seg.size;
    }
    if (seg === hwSeg) return Math.min(this.hwPosition, seg.size);
    return seg.baseOffset < hwSeg.baseOffset ? seg.size : 0;
  }

  /** Index of the segment whose range holds `offset` (the last with base ≤ offset). */
  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | null {
    for (const seg of this.segments) {
      if (seg.maxTimestamp < timestamp) continue;
      const limit = this.visibleLimit(seg);
      if (limit <= 0) return null;
      const from = Math.max(seg.timeIndex.lookupBelow(timestamp), this.logStart);
      const file = seg.acquireFile();
      try {
        const loc = seg.findBatchByTimestamp(file, timestamp, from, limit);
        if (!loc) continue;
        const batch = Buffer.allocUnsafe(loc.size);
        if (readFullySync(this.fs, file.fd, batch, 0, loc.size, loc.position) === loc.size) {
          const rec = firstRecordAtOrAfter(batch, timestamp);
          if (rec) {
            const offset = loc.baseOffset + rec.offsetDelta;
            if (offset >= this.logStart) return { offset, timestamp: rec.timestamp };
          }
        }
        return { offset: Math.max(loc.baseOffset, this.logStart), timestamp: loc.maxTimestamp };
      } finally {
        file.release();
      }
    }
    return null;
  }

  waitForData(offset: number, signal: AbortSignal): Promise<void> {
    if (this.hw > offset || signal.aborted || this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter: DataWaiter = {
        offset,
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.dataWaiters = this.dataWaiters.filter((w) => w !== waiter);
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.dataWaiters.push(waiter);
    });
  }

  /**
   * Applies retention.ms and retention.bytes: deletes whole segments, oldest first,
   * never past the HW; rolls the active segment first if it has to go.
   * Returns the number of segments deleted.
   */
  applyRetention(now = this.clock.now()): number {
    const cfg = this.config;
    let deleted = 0;
    let excess = cfg.retentionBytes >= 0 ? this.sizeInBytes() - cfg.retentionBytes : -1;
    for (;;) {
      const seg = this.segments[0]!;
      if (seg.isEmpty) break;
      const byTime = cfg.retentionMs >= 0 && now - seg.largestTimestamp() > cfg.retentionMs;
      const bySize = excess >= 0 && excess - seg.size >= 0;
      if (!byTime && !bySize) break;
      if (seg.nextOffset > this.hw) break;
      if (seg === this.active) {
        this.roll();
        if (seg === this.active) break;
      }
      this.segments.shift();
      this.dirty = this.dirty.filter((d) => d !== seg);
      if (bySize) excess -= seg.size;
      this.logStart = Math.max(this.logStart, this.segments[0]!.baseOffset);
      seg.deleteFiles();
      deleted++;
      log.info({ topic: this.topic, partition: this.partition, baseOffset: seg.baseOffset, reason: byTime ? 'retention.ms' : 'retention.bytes', logStartOffset: this.logStart }, 'deleted segment by retention');
    }
    return deleted;
  }

  /** Raises the log start offset (DeleteRecords); whole segments below it are deleted. */
  advanceLogStart(offset: number): void {
    if (offset <= this.logStart) return;
    this.logStart = Math.min(offset, this.hw);
    while (this.segments.length > 1 && this.segments[1]!.baseOffset <= this.logStart) {
      const s = this.segments.shift()!;
      this.dirty = this.dirty.filter((d) => d !== s);
      s.deleteFiles();
    }
  }

  /** Clean close: flushes, syncs indexes, releases fds. Pending data waiters are woken. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flushTimer?.cancel();
    this.flushTimer = null;
    try {
      await this.flush();
      await this.flushLoop;
    } catch (err) {
      log.error({ topic: this.topic, partition: this.partition, err }, 'final flush failed');
      throw err;
    } finally {
      this.closed = true;
      const active = this.active;
      active.timeIndex.maybeAppend(active.maxTimestamp, active.offsetOfMaxTimestamp);
      active.offsetIndex.sync();
      active.timeIndex.sync();
      for (const s of this.segments) s.close();
      for (const w of this.dataWaiters) w.resolve();
      this.dataWaiters = [];
    }
  }

  /** For topic deletion: stop, fail pending appends, forget the files (holders keep their fds). */
  closeForDelete(): void {
    this.closed = true;
    this.deleted = true;
    this.flushTimer?.cancel();
    const err = new SluiceError('UNKNOWN_TOPIC_OR_PARTITION', `${this.topic}-${this.partition} was deleted`, { retriable: true });
    for (const w of this.flushWaiters) w.reject(err);
    this.flushWaiters = [];
    for (const w of this.dataWaiters) w.resolve();
    this.dataWaiters = [];
    for (const s of this.segments) {
      s.close();
      this.ctx.files.forget(s.logPath);
    }
  }
}
