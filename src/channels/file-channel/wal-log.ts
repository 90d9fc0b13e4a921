/**
 * File channel log files: the appending writer (with group commit) and the scanner.
 *
 * Files are `log-<id>` (decimal id, increasing), placed round-robin over the data
 * directories (`dataDirs[id % n]`), each starting with the 16-byte header of
 * wal-record.ts. Only WalWriter writes, and only to the newest file; older files are
 * read by replay and deleted by the channel when they hold no live events.
 *
 * Group commit: `append(buf, onDurable)` queues a buffer (all records of one committing
 * transaction). While a flush (writev + fdatasync) is running, further appends wait
 * and go out together in the next flush: one fdatasync covers every transaction that
 * arrived meanwhile. After the fdatasync, each `onDurable(fileId, offset)` is called
 * synchronously (in queue order) before any promise resolves, so the caller's state
 * and `durable` (the position up to which the log is synced) move together.
 * A file is rolled before a flush that would take it past maxFileSize (a flush larger
 * than maxFileSize still goes into one fresh file: a transaction never spans files).
 * After a write error the current file is abandoned (its torn tail is cut at replay)
 * and the next flush opens a new file, so nothing is ever appended after garbage.
 * Single-threaded (event loop); the writer is the only mutator of its fields.
 */
import { open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeFileHeader, FILE_HEADER_SIZE, FILE_MAGIC, parseRecord, type ParsedRecord } from './wal-record.js';
import { SluiceError } from '../../errors.js';

const LOG_NAME = /^log-(\d+)$/;

export function logPath(dataDirs: readonly string[], id: number): string {
  return join(dataDirs[id % dataDirs.length]!, `log-${id}`);
}

/** Every log file in the data directories, by id. */
export async function listLogFiles(dataDirs: readonly string[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const dir of dataDirs) {
    for (const name of await readdir(dir)) {
      const m = LOG_NAME.exec(name);
      if (m) out.set(Number(m[1]), join(dir, name));
    }
  }
  return out;
}

interface PendingAppend {
  readonly buf: Buffer;
  readonly onDurable: (fileId: number, offset: number) => void;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export interface DurablePosition {
  fileId: number;
  offset: number;
}

export class WalWriter {
  private readonly dataDirs: readonly string[];
  private readonly maxFileSize: number;
  private readonly onRoll: (closedId: number, newId: number) => void;
  private fh: FileHandle | undefined;
  private fileId: number;
  private offset = 0;
  private broken = false;
  private queue: PendingAppend[] = [];
  private flushing: Promise<void> | undefined;
  /** Log position up to which everything is fdatasync'ed. */
  readonly durable: DurablePosition;
  /** fdatasync calls made (for tests and the benchmark). */
  syncCount = 0;

  constructor(dataDirs: readonly string[], firstFileId: number, maxFileSize: number, onRoll: (closedId: number, newId: number) => void) {
    this.dataDirs = dataDirs;
    this.fileId = firstFileId - 1;
    this.maxFileSize = maxFileSize;
    this.onRoll = onRoll;
    this.durable = { fileId: firstFileId, offset: FILE_HEADER_SIZE };
  }

  get currentFileId(): number {
    return this.fileId;
  }

  async open(): Promise<void> {
    await this.roll();
  }

  private async roll(): Promise<void> {
    const old = this.fh;
    const oldId = this.fileId;
    this.fh = undefined;
    if (old) await old.close().catch(() => undefined);
    const id = oldId + 1;
    const fh = await open(logPath(this.dataDirs, id), 'wx');
    await fh.write(encodeFileHeader(id), 0, FILE_HEADER_SIZE, 0);
    await fh.datasync();
    this.fh = fh;
    this.fileId = id;
    this.offset = FILE_HEADER_SIZE;
    this.broken = false;
    this.durable.fileId = id;
    this.durable.offset = FILE_HEADER_SIZE;
    if (oldId >= 0 && old) this.onRoll(oldId, id);
  }

  append(buf: Buffer, onDurable: (fileId: number, offset: number) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ buf, onDurable, resolve, reject });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue;
        this.queue = [];
        await this.flushGroup(group);
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async flushGroup(group: PendingAppend[]): Promise<void> {
    let total = 0;
    for (const p of group) total += p.buf.length;
    try {
      if (this.broken || !this.fh || (this.offset > FILE_HEADER_SIZE && this.offset + total > this.maxFileSize)) await this.roll();
      const fh = this.fh!;
      const start = this.offset;
      const bufs = group.map((p) => p.buf);
      let written = 0;
      while (written < total) {
        const { bytesWritten } = await fh.writev(written === 0 ? bufs : [Buffer.concat(bufs).subarray(written)], start + written);
        written += bytesWritten;
      }
      await fh.datasync();
      this.syncCount++;
      this.offset = start + total;
      let off = start;
      for (const p of group) {
        p.onDurable(this.fileId, off);
        off += p.buf.length;
      }
      this.durable.fileId = this.fileId;
      this.durable.offset = this.offset;
      for (const p of group) p.resolve();
    } catch (err) {
      this.broken = true;
      const e = new SluiceError('CHANNEL_IO', `file channel log ${logPath(this.dataDirs, this.fileId)}: write failed: ${(err as Error).message}`, { retriable: true, cause: err });
      for (const p of group) p.reject(e);
    }
  }

  /** Waits for queued appends to be flushed. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  async close(): Promise<void> {
    await this.drain();
    const fh = this.fh;
    this.fh = undefined;
    if (fh) await fh.close();
  }
}

export interface ScanResult {
  /** Offset after the last valid record. */
  readonly validEnd: number;
  /** File length when scanned. */
  readonly size: number;
  /** Why the scan stopped before the end: torn/corrupt record, or a bad file header. */
  readonly problem: 'short' | 'corrupt' | 'header' | undefined;
}

const CHUNK = 8 << 20;

/**
 * Calls `onRecord` for each valid record of the file from `from` (≥ header) on, in
 * order. Payloads are views into freshly allocated chunk buffers (safe to keep).
 */
export async function scanLogFile(path: string, fileId: number, from: number, onRecord: (r: ParsedRecord, fileOffset: number) => void): Promise<ScanResult> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(FILE_HEADER_SIZE);
    const { bytesRead } = await fh.read(head, 0, FILE_HEADER_SIZE, 0);
    if (bytesRead < FILE_HEADER_SIZE || head.readUInt32BE(0) !== FILE_MAGIC || head.readUInt32BE(8) !== fileId) {
      return { validEnd: 0, size, problem: 'header' };
    }
    let pos = Math.max(from, FILE_HEADER_SIZE);
    while (pos < size) {
      const want = Math.min(CHUNK, size - pos);
      let buf = Buffer.allocUnsafe(want);
      let n = (await fh.read(buf, 0, want, pos)).bytesRead;
      buf = buf.subarray(0, n);
      let at = 0;
      for (;;) {
        const r = parseRecord(buf, at);
        if (r === 'corrupt') return { validEnd: pos + at, size, problem: 'corrupt' };
        if (r === 'short') {
          if (at === 0) {
            // One record larger than the chunk: read exactly it.
            if (buf.length >= 4) {
              const need = 17 + buf.readUInt32BE(0);
              if (pos + need <= size && need > buf.length) {
                const big = Buffer.allocUnsafe(need);
                n = (await fh.read(big, 0, need, pos)).bytesRead;
                const rb = parseRecord(big.subarray(0, n), 0);
                if (rb === 'short' || rb === 'corrupt') return { validEnd: pos, size, problem: rb };
                onRecord(rb, pos);
                at = rb.end;
                break;
              }
            }
            return { validEnd: pos, size, problem: 'short' };
          }
          break;
        }
        onRecord(r, pos + at);
        at = r.end;
        if (at === buf.length) break;
      }
      pos += at;
    }
    return { validEnd: pos, size, problem: undefined };
  } finally {
    await fh.close();
  }
}

/** Reads and verifies the single record at `offset` of a log file. */
export async function readRecordAt(fh: FileHandle, offset: number): Promise<ParsedRecord | 'short' | 'corrupt'> {
  const head = Buffer.alloc(17);
  const { bytesRead } = await fh.read(head, 0, 17, offset);
  if (bytesRead < 17) return 'short';
  const len = head.readUInt32BE(0);
  const buf = Buffer.allocUnsafe(17 + len);
  const r = await fh.read(buf, 0, buf.length, offset);
  return parseRecord(buf.subarray(0, r.bytesRead), 0);
}
