/**
 * `spooldir` source (Flume's SpoolDirectorySource with the LINE deserializer).
 *
 * Files dropped into spoolDir are read line by line, one file at a time, in consumeOrder;
 * each batch (≤ batchSize lines, bodies in one Buffer, the file/basename headers shared)
 * is one `output.send()`. When a file is fully read and committed it is renamed to
 * name+fileSuffix (trackingPolicy rename), marked by an empty file trackerDir/<rel>+suffix
 * (tracker_dir), or deleted (deletePolicy immediate).
 *
 * Discovery: chokidar watches the directory and wakes the loop on add/change; the loop
 * itself lists the directory and confirms every candidate with stat (regular file, not
 * hidden, not completed, include/ignore patterns), and also polls every pollDelay ms.
 *
 * Progress: after each committed batch, trackerDir/.sluice-spool-progress.json holds
 * {path, ino, size, mtimeMs, offset} of the current file (written to a temp file and
 * renamed). A restart resumes that file at `offset` if it is unchanged: nothing lost, and
 * nothing re-read except a batch whose commit was not yet recorded (at least once).
 *
 * Violations, reported clearly and contained (unlike Flume, which stops the source):
 * - a file whose size or mtime changes after it was picked up is set aside (error log,
 *   EventReadFail); other files keep flowing. It stays aside until its name disappears
 *   or the agent restarts (then a modified file is reported again, not re-read).
 * - a file renamed or deleted while being read is finished from the open descriptor
 *   (nothing lost); its new name, if in the spool directory, is not read again.
 * - a completed name that already exists ("File name has been re-used") and decode
 *   errors under decodeErrorPolicy FAIL also set the file aside.
 * Channel failures: the same batch is retried with backoff (250 ms doubling to maxBackoff).
 * Single async loop; this module alone mutates its state.
 */
import { mkdir, open, readdir, rename, stat, unlink, writeFile, readFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Source, SourceContext, SourceFactory } from '../../agent/component.js';
import { EventBatch } from '../../agent/event-batch.js';
import { SluiceError, describeError } from '../../errors.js';
import { spoolDirConfig, type SpoolDirConfig } from './spooldir-config.js';
import { decodeLine, DecodeError, scanLines } from './spool-lines.js';

const PROGRESS_FILE = '.sluice-spool-progress.json';
const READ_CHUNK = 64 * 1024;

interface Progress {
  path: string;
  ino: number;
  size: number;
  mtimeMs: number;
  offset: number;
}

interface Current {
  readonly path: string;
  readonly fh: FileHandle;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  /** Offset of the first byte not yet committed. */
  offset: number;
  /** Bytes read from `offset` on, not yet committed. */
  buf: Buffer;
  detached: boolean;
}

export class SpoolDirSource implements Source {
  readonly name: string;
  readonly config: SpoolDirConfig;
  private readonly ctx: SourceContext;
  private running = false;
  private loop: Promise<void> | undefined;
  private watcher: FSWatcher | undefined;
  private current: Current | undefined;
  private wakeUp: (() => void) | undefined;
  /** path → ino of files set aside. */
  private readonly aside = new Map<string, number>();
  /** dev-independent identities (ino:size:mtime) finished in this run. */
  private readonly done = new Set<string>();
  private progress: Progress | undefined;

  constructor(ctx: SourceContext) {
    this.ctx = ctx;
    this.name = ctx.name;
    this.config = spoolDirConfig(ctx);
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  get batchSize(): number {
    return this.config.batchSize;
  }

  async start(): Promise<void> {
    const c = this.config;
    const st = await stat(c.spoolDir).catch(() => undefined);
    if (!st?.isDirectory()) throw new SluiceError('SPOOLDIR_MISSING', `spooldir source ${this.name}: spoolDir ${c.spoolDir} is not a readable directory`);
    await mkdir(c.trackerDir, { recursive: true });
    this.progress = await this.loadProgress();
    this.ctx.metrics.start();
    this.running = true;
    this.watcher = watch(c.spoolDir, {
      ignoreInitial: true,
      depth: c.recursiveDirectorySearch ? undefined : 0,
      ignored: (p: string) => p.startsWith(c.trackerDir),
    });
    this.watcher.on('add', () => this.wake());
    this.watcher.on('change', () => this.wake());
    this.watcher.on('error', (err) => this.ctx.logger.warn({ err: describeError(err) }, 'spooldir watcher error'));
    this.loop = this.run();
    this.ctx.logger.info({ spoolDir: c.spoolDir }, 'spooldir source started');
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.watcher?.close();
    await this.loop;
    await this.current?.fh.close().catch(() => undefined);
    this.current = undefined;
    this.ctx.metrics.stop();
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async run(): Promise<void> {
    let backoff = 250;
    while (this.running) {
      try {
        if (!this.current) {
          this.current = await this.pickNext();
          if (!this.current) {
            await this.sleep(this.config.pollDelayMs);
            continue;
          }
        }
        const outcome = await this.step(this.current);
        if (outcome === 'retry') {
          await this.sleep(backoff);
          backoff = Math.min(backoff * 2, this.config.maxBackoffMs);
        } else {
          backoff = 250;
        }
      } catch (err) {
        this.ctx.metrics.increment('GenericProcessingFail');
        this.ctx.logger.error({ err: describeError(err), file: this.current?.path }, 'spooldir processing failed');
        if (this.current) await this.setAside(this.current, `processing failed: ${describeError(err)}`);
        await this.sleep(this.config.pollDelayMs);
      }
    }
  }

  // ---- discovery ----

  private async listFiles(dir: string, out: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      this.ctx.logger.warn({ dir, err: describeError(err) }, 'spooldir cannot list directory');
      return;
    }
    const c = this.config;
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (p === c.trackerDir) continue;
      if (e.isDirectory()) {
        if (c.recursiveDirectorySearch) await this.listFiles(p, out);
        continue;
      }
      if (e.name.endsWith(c.fileSuffix)) continue;
      if (!c.includePattern.test(e.name) || c.ignorePattern.test(e.name)) continue;
      out.push(p);
    }
  }

  private async pickNext(): Promise<Current | undefined> {
    const names: string[] = [];
    await this.listFiles(this.config.spoolDir, names);
    const cands: { path: string; ino: number; mtimeMs: number }[] = [];
    for (const p of names) {
      const st = await stat(p).catch(() => undefined);
      if (!st?.isFile()) continue;
      const asideIno = this.aside.get(p);
      if (asideIno === st.ino) continue;
      if (asideIno !== undefined) this.aside.delete(p);
      if (this.done.has(`${st.ino}:${st.size}:${st.mtimeMs}`)) continue;
      if (this.config.trackingPolicy === 'tracker_dir' && (await stat(this.markerPath(p)).catch(() => undefined))) continue;
      cands.push({ path: p, ino: st.ino, mtimeMs: st.mtimeMs });
    }
    // A file with saved progress goes first (resume).
    const prog = this.progress;
    let chosen = prog ? cands.find((f) => f.path === prog.path && f.ino === prog.ino) : undefined;
    if (!chosen && cands.length > 0) {
      const order = this.config.consumeOrder;
      if (order === 'random') chosen = cands[Math.floor(Math.random() * cands.length)];
      else {
        cands.sort((a, b) => (a.mtimeMs - b.mtimeMs) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        chosen = order === 'oldest' ? cands[0] : cands[cands.length - 1];
      }
    }
    if (!chosen) return undefined;
    const fh = await open(chosen.path, 'r');
    const st = await fh.stat();
    const cur: Current = { path: chosen.path, fh, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, offset: 0, buf: Buffer.alloc(0), detached: false };
    if (prog && prog.path === cur.path && prog.ino === cur.ino) {
      if (prog.size !== cur.size || prog.mtimeMs !== cur.mtimeMs) {
        await this.setAside(cur, `file was modified after it was picked up (size ${prog.size} → ${cur.size}) while the agent was down`);
        return undefined;
      }
      cur.offset = prog.offset;
      this.ctx.logger.info({ file: cur.path, offset: cur.offset }, 'spooldir resuming file');
    } else {
      this.ctx.logger.info({ file: cur.path, bytes: cur.size }, 'spooldir reading file');
      await this.saveProgress(cur);
    }
    return cur;
  }

  // ---- reading one batch ----

  private async step(cur: Current): Promise<'ok' | 'retry'> {
    // Confirm the file has not changed since pick-up.
    const st = await cur.fh.stat();
    if (st.size !== cur.size || st.mtimeMs !== cur.mtimeMs) {
      await this.setAside(cur, `File has been modified since being read (size ${cur.size} → ${st.size}, mtime ${cur.mtimeMs} → ${st.mtimeMs}); set aside, other files continue`);
      return 'ok';
    }
    if (!cur.detached) {
      const byPath = await stat(cur.path).catch(() => undefined);
      if (!byPath || byPath.ino !== cur.ino) {
        cur.detached = true;
        this.done.add(`${cur.ino}:${cur.size}:${cur.mtimeMs}`);
        this.ctx.logger.warn({ file: cur.path }, 'spooldir file was renamed or deleted while being read; finishing it from the open descriptor');
      }
    }
    const c = this.config;
    const utf8 = c.inputEncoding === 'utf8';
    let lines = scanLines(cur.buf, 0, cur.offset + cur.buf.length >= cur.size, c.maxLineLength, c.batchSize, utf8);
    while (lines.starts.length < c.batchSize && cur.offset + cur.buf.length < cur.size) {
      const want = Math.min(READ_CHUNK, cur.size - cur.offset - cur.buf.length);
      const chunk = Buffer.allocUnsafe(want);
      const { bytesRead } = await cur.fh.read(chunk, 0, want, cur.offset + cur.buf.length);
      if (bytesRead === 0) break;
      cur.buf = cur.buf.length === 0 ? chunk.subarray(0, bytesRead) : Buffer.concat([cur.buf, chunk.subarray(0, bytesRead)]);
      lines = scanLines(cur.buf, 0, cur.offset + cur.buf.length >= cur.size, c.maxLineLength, c.batchSize, utf8);
    }
    const n = lines.starts.length;
    if (n === 0) {
      await this.complete(cur);
      return 'ok';
    }
    if (lines.truncated > 0) this.ctx.logger.warn({ file: cur.path, maxLineLength: c.maxLineLength, lines: lines.truncated }, 'Line length exceeds max, truncating line!');
    const bodies: Buffer[] = new Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const b = decodeLine(cur.buf.subarray(lines.starts[i]!, lines.ends[i]!), c.inputEncoding, c.decodeErrorPolicy, `${cur.path} at byte ${cur.offset + lines.starts[i]!}`);
      bodies[i] = b;
      total += b.length;
    }
    const data = Buffer.allocUnsafe(total);
    const starts = new Uint32Array(n);
    const ends = new Uint32Array(n);
    let pos = 0;
    for (let i = 0; i < n; i++) {
      starts[i] = pos;
      pos += bodies[i]!.copy(data, pos);
      ends[i] = pos;
    }
    const shared: Record<string, string> = {};
    if (c.fileHeaderKey) shared[c.fileHeaderKey] = cur.path;
    if (c.basenameHeaderKey) shared[c.basenameHeaderKey] = basename(cur.path);
    const batch = new EventBatch({ data, starts, ends, sharedHeaders: shared });
    const m = this.ctx.metrics;
    m.increment('EventReceivedCount', n);
    m.increment('AppendBatchReceivedCount');
    try {
      await this.ctx.output.send(batch);
    } catch (err) {
      m.increment('ChannelWriteFail');
      this.ctx.logger.warn({ err: describeError(err), file: cur.path }, 'The channel is full, and cannot write data now. The source will try again after backing off');
      return 'retry';
    }
    m.increment('EventAcceptedCount', n);
    m.increment('AppendBatchAcceptedCount');
    const consumed = lines.nexts[n - 1]!;
    cur.offset += consumed;
    cur.buf = cur.buf.subarray(consumed);
    await this.saveProgress(cur);
    return 'ok';
  }

  // ---- completion and violations ----

  private markerPath(p: string): string {
    return join(this.config.trackerDir, `${relative(this.config.spoolDir, p)}${this.config.fileSuffix}`);
  }

  private async complete(cur: Current): Promise<void> {
    await cur.fh.close();
    this.current = undefined;
    const c = this.config;
    this.done.add(`${cur.ino}:${cur.size}:${cur.mtimeMs}`);
    if (!cur.detached) {
      if (c.deletePolicy === 'immediate') {
        await unlink(cur.path);
      } else if (c.trackingPolicy === 'rename') {
        const target = `${cur.path}${c.fileSuffix}`;
        if (await stat(target).catch(() => undefined)) {
          await this.clearProgress();
          this.aside.set(cur.path, cur.ino);
          this.ctx.metrics.increment('EventReadFail');
          this.ctx.logger.error({ file: cur.path, target }, `File name has been re-used with different files. Spooling assumptions violated for ${target}; the file is left as is`);
          return;
        }
        await rename(cur.path, target);
      } else {
        const marker = this.markerPath(cur.path);
        await mkdir(dirname(marker), { recursive: true });
        await writeFile(marker, '');
      }
    }
    await this.clearProgress();
    this.ctx.logger.info({ file: cur.path }, 'spooldir finished file');
  }

  private async setAside(cur: Current, why: string): Promise<void> {
    this.aside.set(cur.path, cur.ino);
    this.current = undefined;
    await cur.fh.close().catch(() => undefined);
    await this.clearProgress();
    this.ctx.metrics.increment('EventReadFail');
    this.ctx.logger.error({ file: cur.path, offset: cur.offset }, `spooldir: ${why}`);
  }

  // ---- progress file ----

  private progressPath(): string {
    return join(this.config.trackerDir, PROGRESS_FILE);
  }

  private async loadProgress(): Promise<Progress | undefined> {
    try {
      const p = JSON.parse(await readFile(this.progressPath(), 'utf8')) as Progress;
      if (typeof p.path === 'string' && Number.isFinite(p.offset) && Number.isFinite(p.ino)) return p;
      this.ctx.logger.warn({ file: this.progressPath() }, 'spooldir progress file is malformed; ignoring it');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.ctx.logger.warn({ file: this.progressPath(), err: describeError(err) }, 'spooldir progress file is unreadable; ignoring it');
    }
    return undefined;
  }

  private async saveProgress(cur: Current): Promise<void> {
    const p: Progress = { path: cur.path, ino: cur.ino, size: cur.size, mtimeMs: cur.mtimeMs, offset: cur.offset };
    this.progress = p;
    const tmp = `${this.progressPath()}.tmp`;
    await writeFile(tmp, JSON.stringify(p));
    await rename(tmp, this.progressPath());
  }

  private async clearProgress(): Promise<void> {
    this.progress = undefined;
    await unlink(this.progressPath()).catch(() => undefined);
  }
}

export { DecodeError };

export const spoolDirSourceFactory: SourceFactory = {
  kind: 'source',
  aliases: ['spooldir'],
  classNames: ['org.apache.flume.source.SpoolDirectorySource'],
  create: (ctx) => new SpoolDirSource(ctx),
};
