/**
 * `file` channel (Flume's FileChannel): a durable, transactional queue backed by a
 * write-ahead log (wal-log.ts, record bytes in wal-record.ts) and periodic checkpoints
 * (checkpoint.ts).
 *
 * Properties (Flume's names and defaults): checkpointDir ~/.flume/file-channel/checkpoint,
 * dataDirs ~/.flume/file-channel/data (comma list), useDualCheckpoints false,
 * backupCheckpointDir (required and distinct when dual), capacity 1000000,
 * transactionCapacity 10000 (≤ capacity), checkpointInterval 30000 ms, maxFileSize
 * 2146435071 bytes, minimumRequiredSpace 524288000 bytes, keep-alive 3 s,
 * checkpointOnClose true.
 *
 * Durability: nothing is written before commit. A commit writes the transaction's PUT
 * records (one per put() batch: headers, bodies and positions of the whole batch), one
 * TAKE record (pointer ranges of the events it took) and a COMMIT record in one write;
 * concurrent commits share one fdatasync (group commit). The commit resolves only after
 * that fdatasync; then the puts become visible to takers and the takes free capacity.
 * A rollback writes nothing: taken events return to the head of the queue.
 *
 * Recovery (start): load the checkpoint (else the backup, else none: full replay), then
 * apply every committed transaction in the log from the checkpoint's position. A torn or
 * corrupt tail of a log file is cut off (logged, never fatal); records of transactions
 * without their COMMIT are ignored. A new log file is opened for writing.
 * Delivery: at least once. A take whose COMMIT was not durable when the process died
 * is taken again after the restart: at most the events of the take transactions in
 * flight at the crash (≤ transactionCapacity each) can be delivered twice.
 *
 * Disk space: before a put commit the usable space of the data directories (statfs,
 * re-checked at most every 500 ms, minus bytes written since) must stay above
 * minimumRequiredSpace, else the commit fails with a retriable CHANNEL_DISK_FULL error and
 * nothing is written. Takes are always allowed (they free space).
 * Log files are deleted once they, and every older file, hold no live events.
 * Exclusive use: start() creates checkpointDir/in_use.lock holding the pid (as Flume locks
 * its directories); a lock held by another live process is a CHANNEL_LOCKED error, a
 * stale one (dead pid) is taken over. stop() removes it.
 *
 * Memory: committed batches stay in memory (as put, or as read at replay) while the queued
 * bodies fit in `inMemoryBytes` (Sluice's key, default 67108864 = 64 MiB); beyond that a
 * committed batch is kept only on disk, as a pointer, and read back (pread of its PUT
 * record) when a take reaches it. So memory stays bounded whatever the backlog, and the
 * head of the queue, which takes need next, is the part most likely in memory.
 * Replay still decodes the live records it scans before applying the bound.
 * The in-memory FIFO and keep-alive waits are channel-queue.ts; the put/take lists,
 * capacity checks and rollback are channel-transaction.ts (shared with the memory channel).
 * Concurrency: single event loop; this module is the only mutator of its state. The
 * WAL writer's onDurable callback applies a commit synchronously with the durable
 * position, so a checkpoint snapshot is always consistent with its log position.
 */
import { mkdir, open, readFile, statfs, truncate, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Channel, ChannelFactory, ChannelTransaction, ComponentContext } from '../../agent/component.js';
import { EventBatch } from '../../agent/event-batch.js';
import type { CounterGroup } from '../../agent/metrics.js';
import type { Logger } from '../../logger.js';
import { describeError } from '../../errors.js';
import { ChannelClosedError, ChannelError, ChannelFullError } from '../channel-errors.js';
import { ChannelQueue, setSizeGauges, type WaitSet } from '../channel-queue.js';
import { BaseChannelTransaction, type TransactionChannel } from '../channel-transaction.js';
import {
  decodeBatch, decodeTakes, encodedBatchSize, encodeTakes, frameRecord, RECORD_HEADER_SIZE, RecordType, writeBatch, writeRecord,
} from './wal-record.js';
import { listLogFiles, readRecordAt, scanLogFile, WalWriter } from './wal-log.js';
import { encodeCheckpoint, readCheckpointFile, writeCheckpointFile, type Checkpoint } from './checkpoint.js';

export interface FileChannelOptions {
  readonly checkpointDir: string;
  readonly dataDirs: readonly string[];
  readonly useDualCheckpoints: boolean;
  readonly backupCheckpointDir: string | undefined;
  readonly capacity: number;
  readonly transactionCapacity: number;
  readonly checkpointIntervalMs: number;
  readonly maxFileSize: number;
  readonly minimumRequiredSpace: number;
  readonly keepAliveMs: number;
  readonly checkpointOnClose: boolean;
  /** Body bytes of queued events kept in memory; the rest is read back from the log. */
  readonly inMemoryBytes: number;
}

export const FILE_CHANNEL_DEFAULTS = {
  checkpointDir: join(homedir(), '.flume', 'file-channel', 'checkpoint'),
  dataDirs: join(homedir(), '.flume', 'file-channel', 'data'),
  capacity: 1_000_000,
  transactionCapacity: 10_000,
  checkpointInterval: 30_000,
  maxFileSize: 2_146_435_071,
  minimumRequiredSpace: 524_288_000,
  keepAlive: 3,
  inMemoryBytes: 64 * 1024 * 1024,
} as const;

/** Parses Flume's file channel properties (see the header). */
export function fileChannelOptions(ctx: Pick<ComponentContext, 'props'>): FileChannelOptions {
  const p = ctx.props;
  const checkpointDir = resolve(p.getString('checkpointDir', FILE_CHANNEL_DEFAULTS.checkpointDir));
  const dataDirs = p.getString('dataDirs', FILE_CHANNEL_DEFAULTS.dataDirs).split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => resolve(s));
  if (dataDirs.length === 0) throw p.invalid('dataDirs', undefined, 'a comma-separated list of directories');
  const useDualCheckpoints = p.getBoolean('useDualCheckpoints', false);
  const backup = p.getString('backupCheckpointDir');
  const backupCheckpointDir = backup === undefined ? undefined : resolve(backup);
  if (useDualCheckpoints) {
    if (backupCheckpointDir === undefined) throw p.invalid('backupCheckpointDir', undefined, 'a directory (useDualCheckpoints is true)');
    if (backupCheckpointDir === checkpointDir) throw p.invalid('backupCheckpointDir', undefined, 'a directory other than checkpointDir');
  }
  const capacity = p.getInt('capacity', FILE_CHANNEL_DEFAULTS.capacity, { min: 1 });
  const transactionCapacity = p.getInt('transactionCapacity', FILE_CHANNEL_DEFAULTS.transactionCapacity, { min: 1 });
  if (transactionCapacity > capacity) throw p.invalid('transactionCapacity', undefined, `at most capacity (${capacity})`);
  return {
    checkpointDir,
    dataDirs,
    useDualCheckpoints,
    backupCheckpointDir: useDualCheckpoints ? backupCheckpointDir : undefined,
    capacity,
    transactionCapacity,
    checkpointIntervalMs: p.getInt('checkpointInterval', FILE_CHANNEL_DEFAULTS.checkpointInterval, { min: 1000 }),
    maxFileSize: p.getInt('maxFileSize', FILE_CHANNEL_DEFAULTS.maxFileSize, { min: 4096, max: FILE_CHANNEL_DEFAULTS.maxFileSize }),
    minimumRequiredSpace: p.getInt('minimumRequiredSpace', FILE_CHANNEL_DEFAULTS.minimumRequiredSpace, { min: 0 }),
    keepAliveMs: p.getInt('keep-alive', FILE_CHANNEL_DEFAULTS.keepAlive, { min: 0 }) * 1000,
    checkpointOnClose: p.getBoolean('checkpointOnClose', true),
    inMemoryBytes: p.getInt('inMemoryBytes', FILE_CHANNEL_DEFAULTS.inMemoryBytes, { min: 0 }),
  };
}

/**
 * Events [base, base+count) of the PUT record at file:offset. `batch` holds them when in
 * memory; undefined means "on disk only" (read back by FileChannel.load before a take).
 */
interface Piece {
  readonly file: number;
  readonly offset: number;
  readonly base: number;
  readonly count: number;
  batch: EventBatch | undefined;
}

function slicePiece(p: Piece, from: number, to: number): Piece {
  return { file: p.file, offset: p.offset, base: p.base + from, count: to - from, batch: p.batch?.slice(from, to) };
}

/** The FileChannelCounter attributes Flume adds to the channel counters. */
export const FILE_CHANNEL_COUNTERS = [
  'Open', 'Closed', 'Unhealthy', 'EventPutErrorCount', 'EventTakeErrorCount', 'CheckpointWriteErrorCount', 'CheckpointBackupWriteErrorCount',
] as const;

const SPACE_RECHECK_MS = 500;
const LOCK_FILE = 'in_use.lock';

export class FileChannel implements Channel, TransactionChannel<Piece> {
  readonly name: string;
  readonly capacity: number;
  readonly transactionCapacity: number;
  readonly options: FileChannelOptions;
  readonly counters: CounterGroup;
  private readonly logger: Logger | undefined;

  private readonly queue = new ChannelQueue<Piece>(slicePiece, () => this.running);
  private occupied = 0;
  /** Live (committed, not take-committed) events per log file. */
  private readonly live = new Map<number, number>();
  private readonly openTxs = new Set<FileTransaction>();
  /** Body bytes of the queued pieces that are held in memory. */
  private memBytes = 0;
  /** Read handles on log files, for pieces read back from disk. */
  private readonly readers = new Map<number, FileHandle>();
  private writer: WalWriter | undefined;
  private nextTxid = 1;
  private running = false;
  private dirty = false;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private checkpointing: Promise<void> | undefined;
  private spaceCheckedAt = 0;
  private usableSpace = Number.POSITIVE_INFINITY;
  private writtenSinceCheck = 0;

  constructor(name: string, options: FileChannelOptions, counters: CounterGroup, logger?: Logger) {
    this.name = name;
    this.options = options;
    this.capacity = options.capacity;
    this.transactionCapacity = options.transactionCapacity;
    this.counters = counters;
    this.logger = logger;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.counters.start();
    for (const c of FILE_CHANNEL_COUNTERS) this.counters.set(c, 0);
    this.counters.set('ChannelCapacity', this.capacity);
    const o = this.options;
    await mkdir(o.checkpointDir, { recursive: true });
    await this.lock();
    if (o.backupCheckpointDir) await mkdir(o.backupCheckpointDir, { recursive: true });
    for (const d of o.dataDirs) await mkdir(d, { recursive: true });
    const maxId = await this.replay();
    this.writer = new WalWriter(o.dataDirs, maxId + 1, o.maxFileSize, (_closed, newId) => {
      // Track every file (even one holding only TAKE records) so the prefix deletion sees it.
      if (!this.live.has(newId)) this.live.set(newId, 0);
      this.deleteDeadFiles();
    });
    await this.writer.open();
    if (!this.live.has(this.writer.currentFileId)) this.live.set(this.writer.currentFileId, 0);
    this.running = true;
    this.counters.set('Open', 1);
    this.counters.set('Closed', 0);
    this.updateSize();
    this.checkpointTimer = setInterval(() => void this.checkpoint(false), o.checkpointIntervalMs);
    this.checkpointTimer.unref();
    this.deleteDeadFiles();
    this.logger?.info({ size: this.queue.size, logFile: this.writer.currentFileId }, 'file channel started');
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.checkpointTimer);
    this.queue.wake('data');
    this.queue.wake('space');
    await this.writer?.drain();
    if (this.options.checkpointOnClose) await this.checkpoint(true);
    else await this.checkpointing;
    await this.writer?.close();
    this.writer = undefined;
    // In-memory state is rebuilt from disk on the next start().
    this.queue.clear();
    this.occupied = 0;
    this.live.clear();
    this.openTxs.clear();
    this.memBytes = 0;
    for (const fh of this.readers.values()) await fh.close().catch(() => undefined);
    this.readers.clear();
    this.counters.set('Open', 0);
    this.counters.set('Closed', 1);
    this.counters.stop();
    await unlink(join(this.options.checkpointDir, LOCK_FILE)).catch(() => undefined);
  }

  private async lock(): Promise<void> {
    const path = join(this.options.checkpointDir, LOCK_FILE);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await writeFile(path, String(process.pid), { flag: 'wx' });
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      let alive = false;
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch (e) {
          alive = (e as NodeJS.ErrnoException).code === 'EPERM';
        }
      }
      if (alive) {
        throw new ChannelError(this.name, `${path} is held by process ${pid}: another agent uses this file channel's directories`, 'CHANNEL_LOCKED');
      }
      this.logger?.warn({ file: path, pid }, 'file channel taking over a stale lock');
      await unlink(path).catch(() => undefined);
    }
  }

  size(): number {
    return this.queue.size;
  }

  begin(): ChannelTransaction {
    const tx = new FileTransaction(this);
    this.openTxs.add(tx);
    return tx;
  }

  waitForData(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return this.queue.waitForData(timeoutMs, signal);
  }

  /** fdatasync calls so far on the current writer (tests/bench). */
  get syncCount(): number {
    return this.writer?.syncCount ?? 0;
  }

  // ---- recovery ----

  /** Rebuilds the queue from the checkpoint and the log; returns the highest log file id. */
  private async replay(): Promise<number> {
    const o = this.options;
    const files = await listLogFiles(o.dataDirs);
    const ids = [...files.keys()].sort((a, b) => a - b);
    const maxId = ids.length > 0 ? ids[ids.length - 1]! : 0;
    // key = file * 2^32 + offset → the PUT's batch and its live bits
    const puts = new Map<number, { batch: EventBatch; live: Uint8Array }>();
    const order: { key: number; from: number; to: number }[] = [];
    let ck: Checkpoint | undefined;
    for (const dir of [o.checkpointDir, o.backupCheckpointDir]) {
      if (dir === undefined) continue;
      const c = await readCheckpointFile(dir);
      if (c === undefined) continue;
      if (typeof c === 'string') {
        this.logger?.warn({ dir, reason: c }, 'file channel checkpoint is invalid; trying the backup or a full replay');
        continue;
      }
      const bad = await this.loadCheckpointEntries(c, files, puts, order);
      if (bad === undefined) {
        ck = c;
        break;
      }
      this.logger?.warn({ dir, reason: bad }, 'file channel checkpoint points at unreadable records; trying the backup or a full replay');
      puts.clear();
      order.length = 0;
    }
    if (ck) this.nextTxid = Math.max(this.nextTxid, ck.nextTxid);
    const pending = new Map<number, { puts: { offset: number; payload: Buffer }[]; takes: Buffer[] }>();
    for (const id of ids) {
      if (ck && id < ck.logFileId) continue;
      const path = files.get(id)!;
      pending.clear();
      const from = ck && id === ck.logFileId ? ck.logOffset : 0;
      const res = await scanLogFile(path, id, from, (r, at) => {
        if (r.txid >= this.nextTxid) this.nextTxid = r.txid + 1;
        if (r.type === RecordType.Commit) {
          const tx = pending.get(r.txid);
          if (!tx) return;
          pending.delete(r.txid);
          for (const p of tx.puts) {
            let batch: EventBatch;
            try {
              batch = decodeBatch(p.payload);
            } catch (err) {
              // CRC-valid but undecodable: written by an incompatible version. Skip, loudly.
              this.logger?.error({ file: path, offset: p.offset, err: describeError(err) }, 'file channel cannot decode a committed PUT record; its events are skipped');
              continue;
            }
            const key = id * 2 ** 32 + p.offset;
            puts.set(key, { batch, live: new Uint8Array(batch.count).fill(1) });
            order.push({ key, from: 0, to: batch.count });
          }
          for (const t of tx.takes) {
            let ptrs: Uint32Array;
            try {
              ptrs = decodeTakes(t);
            } catch (err) {
              this.logger?.error({ file: path, err: describeError(err) }, 'file channel cannot decode a committed TAKE record; its events may be delivered again');
              continue;
            }
            for (let i = 0; i < ptrs.length; i += 4) {
              const e = puts.get(ptrs[i]! * 2 ** 32 + ptrs[i + 1]!);
              if (e) e.live.fill(0, ptrs[i + 2]!, ptrs[i + 3]!);
            }
          }
          return;
        }
        if (r.type === RecordType.Rollback) {
          pending.delete(r.txid);
          return;
        }
        let tx = pending.get(r.txid);
        if (!tx) pending.set(r.txid, (tx = { puts: [], takes: [] }));
        if (r.type === RecordType.Put) tx.puts.push({ offset: at, payload: r.payload });
        else tx.takes.push(r.payload);
      });
      if (res.problem) {
        this.logger?.warn({ file: path, at: res.validEnd, size: res.size, problem: res.problem }, 'file channel log has a torn or corrupt tail; cutting it off');
        if (res.problem === 'header') await unlink(path).catch(() => undefined);
        else await truncate(path, res.validEnd);
      }
    }
    // Build the queue: checkpoint order first, then log order, keeping live runs.
    for (const { key, from, to } of order) {
      const e = puts.get(key)!;
      const file = Math.floor(key / 2 ** 32);
      const offset = key % 2 ** 32;
      let i = from;
      while (i < to) {
        while (i < to && e.live[i] === 0) i++;
        let j = i;
        while (j < to && e.live[j] === 1) j++;
        if (j > i) {
          this.queue.push({ file, offset, base: i, count: j - i, batch: e.batch.slice(i, j) });
          this.live.set(file, (this.live.get(file) ?? 0) + (j - i));
          e.live.fill(2, i, j); // consumed: a later duplicate entry for the same events is skipped
        }
        i = j;
      }
    }
    this.occupied = this.queue.size;
    // Apply the memory bound: keep the head in memory, the rest as pointers.
    for (let i = 0; i < this.queue.length; i++) {
      const p = this.queue.at(i);
      const bytes = p.batch!.byteLength;
      if (this.memBytes + bytes <= this.options.inMemoryBytes) this.memBytes += bytes;
      else p.batch = undefined;
    }
    for (const id of ids) if (!this.live.has(id)) this.live.set(id, 0);
    this.logger?.info({ events: this.queue.size, files: ids.length, fromCheckpoint: ck !== undefined }, 'file channel replay done');
    return maxId;
  }

  /** Loads the PUT records a checkpoint names; returns a reason when one is unreadable. */
  private async loadCheckpointEntries(
    c: Checkpoint,
    files: Map<number, string>,
    puts: Map<number, { batch: EventBatch; live: Uint8Array }>,
    order: { key: number; from: number; to: number }[],
  ): Promise<string | undefined> {
    const handles = new Map<number, FileHandle>();
    try {
      for (let i = 0; i < c.entries.length; i += 4) {
        const file = c.entries[i]!;
        const offset = c.entries[i + 1]!;
        const from = c.entries[i + 2]!;
        const to = c.entries[i + 3]!;
        const path = files.get(file);
        // A file deleted after the checkpoint held only taken events.
        if (path === undefined) continue;
        const key = file * 2 ** 32 + offset;
        let e = puts.get(key);
        if (!e) {
          let fh = handles.get(file);
          if (!fh) handles.set(file, (fh = await open(path, 'r')));
          const r = await readRecordAt(fh, offset);
          if (typeof r === 'string' || r.type !== RecordType.Put) return `record at ${path}:${offset} is ${typeof r === 'string' ? r : 'not a PUT'}`;
          const batch = decodeBatch(r.payload);
          e = { batch, live: new Uint8Array(batch.count) };
          puts.set(key, e);
        }
        if (to > e.batch.count || from > to) return `entry ${file}:${offset} [${from},${to}) is out of range`;
        e.live.fill(1, from, to);
        order.push({ key, from, to });
      }
      return undefined;
    } catch (err) {
      return describeError(err);
    } finally {
      for (const fh of handles.values()) await fh.close();
    }
  }

  // ---- checkpoints and files ----

  /** Writes a checkpoint if anything changed (or `force`); one at a time. */
  async checkpoint(force: boolean): Promise<void> {
    while (this.checkpointing) await this.checkpointing;
    if (!force && !this.dirty) return;
    const w = this.writer;
    if (!w) return;
    this.checkpointing = (async () => {
      // Snapshot synchronously: state and durable position agree (see the header).
      const pieces: Piece[] = [];
      for (const tx of this.openTxs) pieces.push(...tx.takenPieces());
      for (let i = 0; i < this.queue.length; i++) pieces.push(this.queue.at(i));
      const entries = new Uint32Array(pieces.length * 4);
      pieces.forEach((p, i) => entries.set([p.file, p.offset, p.base, p.base + p.count], i * 4));
      const bytes = encodeCheckpoint({ logFileId: w.durable.fileId, logOffset: w.durable.offset, nextTxid: this.nextTxid, entries });
      this.dirty = false;
      try {
        await writeCheckpointFile(this.options.checkpointDir, bytes);
      } catch (err) {
        this.dirty = true;
        this.counters.increment('CheckpointWriteErrorCount');
        this.logger?.error({ dir: this.options.checkpointDir, err: describeError(err) }, 'file channel checkpoint write failed');
        return;
      }
      if (this.options.backupCheckpointDir) {
        try {
          await writeCheckpointFile(this.options.backupCheckpointDir, bytes);
        } catch (err) {
          this.counters.increment('CheckpointBackupWriteErrorCount');
          this.logger?.error({ dir: this.options.backupCheckpointDir, err: describeError(err) }, 'file channel backup checkpoint write failed');
        }
      }
    })();
    try {
      await this.checkpointing;
    } finally {
      this.checkpointing = undefined;
    }
  }

  /** Deletes the oldest log files while they hold no live events (never the current one). */
  private deleteDeadFiles(): void {
    const current = this.writer?.currentFileId;
    const ids = [...this.live.keys()].sort((a, b) => a - b);
    for (const id of ids) {
      if (id === current || (this.live.get(id) ?? 0) > 0) break;
      this.live.delete(id);
      const reader = this.readers.get(id);
      if (reader) {
        this.readers.delete(id);
        void reader.close().catch(() => undefined);
      }
      const path = join(this.options.dataDirs[id % this.options.dataDirs.length]!, `log-${id}`);
      unlink(path).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.logger?.warn({ file: path, err: describeError(err) }, 'file channel could not delete a log file');
      });
    }
  }

  // ---- internals used by FileTransaction ----

  get isRunning(): boolean {
    return this.running;
  }

  get keepAliveMs(): number {
    return this.options.keepAliveMs;
  }

  waitUntil(set: WaitSet, ready: () => boolean, timeoutMs: number): Promise<boolean> {
    return this.queue.waitUntil(set, ready, timeoutMs);
  }

  /** Refuses a put commit of `bytes` that would take the data disk below minimumRequiredSpace. */
  async checkDiskSpace(bytes: number): Promise<void> {
    const min = this.options.minimumRequiredSpace;
    const now = Date.now();
    if (now - this.spaceCheckedAt > SPACE_RECHECK_MS || this.usableSpace - this.writtenSinceCheck - bytes < min) {
      let usable = Number.POSITIVE_INFINITY;
      for (const d of this.options.dataDirs) {
        const s = await statfs(d);
        usable = Math.min(usable, s.bavail * s.bsize);
      }
      this.usableSpace = usable;
      this.writtenSinceCheck = 0;
      this.spaceCheckedAt = now;
    }
    const left = this.usableSpace - this.writtenSinceCheck;
    if (left - bytes < min) {
      this.counters.increment('EventPutErrorCount');
      throw new ChannelError(
        this.name,
        `Usable space exhausted, only ${left} bytes remaining in ${this.options.dataDirs.join(',')}, required ${min} bytes (minimumRequiredSpace) plus ${bytes} for this commit`,
        'CHANNEL_DISK_FULL',
        { retriable: true },
      );
    }
  }

  /** Writes a transaction's records durably and applies it. */
  async commitRecords(tx: FileTransaction, putBatches: readonly EventBatch[], putEvents: number, taken: readonly Piece[], takenEvents: number): Promise<void> {
    if (!this.running || !this.writer) throw new ChannelClosedError(this.name);
    const txid = this.nextTxid++;
    let size = RECORD_HEADER_SIZE;
    const putSizes = putBatches.map((b) => encodedBatchSize(b));
    for (const s of putSizes) size += RECORD_HEADER_SIZE + s;
    let takePayload: Buffer | undefined;
    if (taken.length > 0) {
      const ptrs: number[] = [];
      for (const p of taken) ptrs.push(p.file, p.offset, p.base, p.base + p.count);
      takePayload = encodeTakes(ptrs);
      size += RECORD_HEADER_SIZE + takePayload.length;
    }
    const buf = Buffer.allocUnsafe(size);
    let pos = 0;
    const putOffsets: number[] = [];
    for (let i = 0; i < putBatches.length; i++) {
      putOffsets.push(pos);
      const end = writeBatch(buf, pos + RECORD_HEADER_SIZE, putBatches[i]!);
      pos = frameRecord(buf, pos, RecordType.Put, txid, end - pos - RECORD_HEADER_SIZE);
    }
    if (takePayload) pos = writeRecord(buf, pos, RecordType.Take, txid, takePayload);
    pos = writeRecord(buf, pos, RecordType.Commit, txid, undefined);
    if (putEvents > 0) this.writtenSinceCheck += size;
    const written = this.writer.append(buf, (fileId, offset) => {
      // Durable: apply synchronously (see the header).
      this.openTxs.delete(tx);
      if (takenEvents > 0) {
        for (const p of taken) this.live.set(p.file, (this.live.get(p.file) ?? 0) - p.count);
        this.occupied -= takenEvents;
        this.counters.increment('EventTakeSuccessCount', takenEvents);
      }
      if (putEvents > 0) {
        for (let i = 0; i < putBatches.length; i++) {
          const b = putBatches[i]!;
          if (b.count === 0) continue;
          const bytes = b.byteLength;
          const keep = this.memBytes + bytes <= this.options.inMemoryBytes;
          if (keep) this.memBytes += bytes;
          this.queue.push({ file: fileId, offset: offset + putOffsets[i]!, base: 0, count: b.count, batch: keep ? b : undefined });
        }
        this.live.set(fileId, (this.live.get(fileId) ?? 0) + putEvents);
        this.counters.increment('EventPutSuccessCount', putEvents);
      }
      this.dirty = true;
    });
    try {
      await written;
    } catch (err) {
      if (putEvents > 0) this.counters.increment('EventPutErrorCount');
      if (takenEvents > 0) this.counters.increment('EventTakeErrorCount');
      throw err;
    }
    this.updateSize();
    if (putEvents > 0) this.queue.wake('data');
    if (takenEvents > 0) {
      this.queue.wake('space');
      this.deleteDeadFiles();
    }
  }

  /** Reserves room for `events` puts; `credit` = events this same commit takes (freed with it). */
  /** Reads back the on-disk pieces among the first `events` queued events. */
  async loadHead(events: number): Promise<void> {
    for (let guard = 0; guard < 1000; guard++) {
      let missing: Piece | undefined;
      let seen = 0;
      for (let i = 0; i < this.queue.length && seen < events; i++) {
        const p = this.queue.at(i);
        if (!p.batch) {
          missing = p;
          break;
        }
        seen += p.count;
      }
      if (!missing) return;
      await this.load(missing);
    }
  }

  private async load(p: Piece): Promise<void> {
    let fh = this.readers.get(p.file);
    const path = join(this.options.dataDirs[p.file % this.options.dataDirs.length]!, `log-${p.file}`);
    if (!fh) {
      fh = await open(path, 'r');
      const raced = this.readers.get(p.file);
      if (raced) {
        await fh.close();
        fh = raced;
      } else this.readers.set(p.file, fh);
    }
    const r = await readRecordAt(fh, p.offset);
    if (typeof r === 'string' || r.type !== RecordType.Put) {
      this.counters.increment('EventTakeErrorCount');
      this.counters.set('Unhealthy', 1);
      throw new ChannelError(this.name, `log ${path}: the PUT record at offset ${p.offset} is ${typeof r === 'string' ? r : 'not a PUT'}; the channel's data is damaged`, 'CHANNEL_CORRUPT');
    }
    if (p.batch) return; // loaded meanwhile by another taker
    const batch = decodeBatch(r.payload).slice(p.base, p.base + p.count);
    // The piece may have been dequeued meanwhile (taken by another transaction): only
    // queued pieces count towards memBytes.
    let queued = false;
    for (let i = 0; i < this.queue.length; i++) if (this.queue.at(i) === p) { queued = true; break; }
    p.batch = batch;
    if (queued) this.memBytes += batch.byteLength;
  }

  reserve(events: number, credit: number): boolean {
    if (!this.hasSpaceFor(events, credit)) return false;
    this.occupied += events;
    return true;
  }

  unreserve(events: number): void {
    this.occupied -= events;
    this.queue.wake('space');
  }

  hasSpaceFor(events: number, credit: number): boolean {
    return this.capacity - this.occupied + credit >= events;
  }

  dequeue(max: number): Piece[] {
    const pieces = this.queue.dequeue(max);
    for (const p of pieces) if (p.batch) this.memBytes -= p.batch.byteLength;
    this.updateSize();
    return pieces;
  }

  requeue(pieces: readonly Piece[], events: number): void {
    if (pieces.length === 0) return;
    for (const p of pieces) if (p.batch) this.memBytes += p.batch.byteLength;
    this.queue.requeue(pieces, events);
    this.updateSize();
    this.queue.wake('data');
  }

  closeTx(tx: FileTransaction): void {
    this.openTxs.delete(tx);
  }

  private updateSize(): void {
    setSizeGauges(this.counters, this.queue.size, this.capacity);
  }
}

class FileTransaction extends BaseChannelTransaction<Piece, FileChannel> {
  constructor(ch: FileChannel) {
    super(ch, 'FileBackedTransaction', true);
  }

  takenPieces(): readonly Piece[] {
    return this.takes;
  }

  protected bodyOf(piece: Piece): EventBatch {
    return piece.batch!;
  }

  protected override loadForTake(allowed: number): Promise<void> {
    return this.ch.loadHead(allowed);
  }

  protected override closed(): void {
    this.ch.closeTx(this);
  }

  async commit(): Promise<void> {
    this.checkOpen('commit');
    const ch = this.ch;
    this.state = 'committing';
    const putEvents = this.putEvents;
    if (putEvents === 0 && this.takeEvents === 0) {
      this.state = 'committed';
      ch.closeTx(this);
      return;
    }
    let reserved = false;
    try {
      if (putEvents > 0) {
        let bytes = 0;
        for (const b of this.puts) bytes += b.byteLength;
        await ch.checkDiskSpace(bytes);
        // Taken events of this transaction are freed by the same commit.
        const credit = this.takeEvents;
        const ok = await ch.waitUntil('space', () => ch.hasSpaceFor(putEvents, credit), ch.keepAliveMs);
        if (!ok || !ch.reserve(putEvents, credit)) {
          throw new ChannelFullError(
            ch.name,
            `The channel has reached it's capacity. This might be the result of a sink on the channel having too low of batch size, a downstream system running slower than normal, or that the channel capacity is just too low. [channel=${ch.name}]`,
          );
        }
        reserved = true;
      }
      await ch.commitRecords(this, this.puts, putEvents, this.takes, this.takeEvents);
      this.state = 'committed';
      this.takes = [];
    } catch (err) {
      if (reserved) ch.unreserve(putEvents);
      this.state = 'open';
      await this.rollback();
      throw err;
    }
  }
}

export const fileChannelFactory: ChannelFactory = {
  kind: 'channel',
  aliases: ['file'],
  classNames: ['org.apache.flume.channel.file.FileChannel'],
  create: (ctx) => new FileChannel(ctx.name, fileChannelOptions(ctx), ctx.metrics, ctx.logger),
};
