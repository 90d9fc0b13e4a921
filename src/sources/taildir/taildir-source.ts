/**
 * TAILDIR source: tails the files of each file group into batches, rotation-proof.
 *
 * Contract
 * - Files are tracked by identity (dev, inode + first-bytes fingerprint, see
 *   file-identity.ts), never by path. A tracked file keeps its open descriptor after
 *   it is renamed (even out of the pattern) or deleted, and is read to its end; it is
 *   closed once caught up and idle for idleTimeout (at once when deleted), flushing an
 *   unterminated last line as Flume does.
 * - One batch = one file's lines, at most batchSize, one `output.send` (one channel
 *   transaction). `pos` advances only after send resolves; a rejected send is retried
 *   with the same batch after backoffSleepIncrement doubling up to maxBackoffSleep.
 *   Per file and round at most maxBatchCount batches; files are visited oldest mtime first.
 * - Each batch carries `positions`: stream id `<dev>:<ino>:<fpLen>:<fp>:<gen>` and,
 *   per event, the offset just after its line terminator.
 * - chokidar (on the group directories) only wakes the loop; fstat is the truth, and a
 *   poll every pollInterval is the safety net. chokidar sends at most one change event
 *   per file per 50 ms and no trailing one, so while files are active (data read within
 *   the last ACTIVE_WINDOW_MS) the loop re-polls every ACTIVE_POLL_MS instead: a line
 *   appended to a busy file is picked up within ~10 ms, and an idle agent still sleeps.
 * - The position file (Flume's JSON shape + Sluice fields) is written atomically every
 *   writePosInterval when something changed, and on stop. A corrupt one is ignored with
 *   a warning.
 *
 * Exactly-once hook: `setRecoveredPositions(map)` — call BEFORE start(). Keys are
 * stream ids, values the highest end offset the downstream log holds for that stream
 * (e.g. what the Kafka sink recovered from the topic's tail). At start each value
 * overrides the position file's entry when higher, and an id the position file does
 * not know is located by its identity in the group directories (so a file renamed out
 * of the pattern while the agent was down is still read to its end). The map may hold
 * every stream the log knows (the Kafka sink hands up to 100,000): merging is one map
 * lookup per id, the identity search lists each directory once per start, and ids whose
 * file is gone (read to the end, then deleted) are counted at debug, not warned.
 *
 * Start-up matching: position entries with a fingerprint match (dev, inode) AND
 * fingerprint, wherever the file now is (matched path first, then the entry's old
 * directory and the group directories); Flume entries (no fingerprint) match inode +
 * path, as in Flume. Unknown files start at 0 (at EOF with skipToEnd).
 *
 * Concurrency: one async pump owns every TailFile; the position-file timer only reads
 * `pos` values. Not thread-shared.
 */
import { type FSWatcher, watch } from 'chokidar';
import type { Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Source, SourceContext } from '../../agent/component.js';
import { EventBatch, type Headers } from '../../agent/event-batch.js';
import { describeError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { formatStreamId, matchesFingerprint, parseStreamId } from './file-identity.js';
import { loadPositionFile, savePositionFile, type PositionEntry } from './position-file.js';
import { TailFile, type Chunk, type ReadLimits } from './tail-file.js';
import type { FileGroup, TaildirConfig } from './taildir-config.js';

const CHUNK_MIN = 1 << 20;

interface Candidate {
  path: string;
  group: FileGroup;
  st: Stats;
}

/** Regular files per directory by `dev:ino`, listed once per start-up scan. */
class DirIndex {
  private readonly dirs = new Map<string, Promise<Map<string, string>>>();

  forget(dir: string): void {
    this.dirs.delete(dir);
  }

  files(dir: string): Promise<Map<string, string>> {
    let m = this.dirs.get(dir);
    if (!m) this.dirs.set(dir, (m = DirIndex.list(dir)));
    return m;
  }

  private static async list(dir: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const n of await readdir(dir).catch(() => [] as string[])) {
      const p = join(dir, n);
      const st = await stat(p).catch(() => null);
      if (st?.isFile()) out.set(`${st.dev}:${st.ino}`, p);
    }
    return out;
  }
}

/** While a file is active, re-poll this often (chokidar throttles change events to 50 ms). */
const ACTIVE_POLL_MS = 10;
/** A file counts as active for this long after the pump last read data from it. */
const ACTIVE_WINDOW_MS = 2000;

export class TaildirSource implements Source {
  readonly name: string;
  private readonly cfg: TaildirConfig;
  private readonly ctx: SourceContext;
  private readonly log: Logger;
  private readonly limits: ReadLimits;
  private readonly files = new Map<string, TailFile>();
  private readonly dirCache = new Map<string, { mtimeMs: number; names: string[] }>();
  private readonly zeroStreams: Uint16Array;
  private recovered: ReadonlyMap<string, number> | undefined;
  private watcher: FSWatcher | undefined;
  private posTimer: NodeJS.Timeout | undefined;
  private pumpDone: Promise<void> | undefined;
  private wakePending = false;
  /** When the pump last delivered data (drives the active-file re-poll). */
  private lastProgressAt = 0;
  private wakeFn: (() => void) | null = null;
  private stopping = false;
  private readonly stopCtl = new AbortController();
  private started = false;
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();
  private readonly onAbort = (): void => void this.stop();

  constructor(ctx: SourceContext, cfg: TaildirConfig) {
    this.name = ctx.name;
    this.ctx = ctx;
    this.cfg = cfg;
    this.log = ctx.logger;
    this.limits = {
      batchSize: cfg.batchSize,
      maxLineLength: cfg.maxLineLength,
      skipLong: cfg.lineTooLongPolicy === 'skip',
      chunkSize: Math.max(CHUNK_MIN, cfg.maxLineLength + 2),
    };
    this.zeroStreams = new Uint16Array(cfg.batchSize);
  }

  /** See the module header. Must be called before start(). */
  setRecoveredPositions(positions: ReadonlyMap<string, number>): void {
    if (this.started) throw new Error('setRecoveredPositions must be called before start()');
    this.recovered = positions;
  }

  /** Committed positions by stream id (files with a fixed fingerprint). For tests and the monitor. */
  positions(): Map<string, number> {
    const m = new Map<string, number>();
    for (const t of this.files.values()) if (t.fp) m.set(t.streamId, t.pos);
    return m;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.ctx.metrics.start();
    const loaded = await loadPositionFile(this.cfg.positionFile);
    if (loaded.problem) this.log.warn({ positionFile: this.cfg.positionFile, problem: loaded.problem }, 'position file ignored in part or whole; starting fresh for unknown files');
    await this.initialScan(this.mergeRecovered(loaded.entries));
    if (this.cfg.fsWatch) {
      const dirs = [...new Set(this.cfg.groups.map((g) => g.dir))];
      this.watcher = watch(dirs, { ignoreInitial: true, depth: 0, persistent: false });
      this.watcher.on('all', () => this.wake());
      this.watcher.on('error', (err) => this.log.warn({ err: describeError(err) }, 'file watcher error; polling continues'));
    }
    this.posTimer = setInterval(() => void this.writePositions(false), this.cfg.writePosInterval);
    this.posTimer.unref();
    this.ctx.signal.addEventListener('abort', this.onAbort, { once: true });
    this.pumpDone = this.pump();
  }

  async stop(): Promise<void> {
    if (!this.started || this.stopping) {
      await this.pumpDone;
      return;
    }
    this.stopping = true;
    this.stopCtl.abort();
    this.ctx.signal.removeEventListener('abort', this.onAbort);
    this.wake();
    if (this.posTimer) clearInterval(this.posTimer);
    await this.pumpDone;
    await this.watcher?.close();
    await this.writePositions(true);
    for (const t of this.files.values()) await t.close();
    this.ctx.metrics.stop();
  }

  // ---- start-up -------------------------------------------------------------------

  /**
   * Position entries plus the recovered positions (one map lookup per recovered stream:
   * the sink hands over every stream its log knows, up to its MAX_STREAMS). A recovered
   * stream the position file does not list becomes an entry with `file` ''.
   */
  private mergeRecovered(entries: PositionEntry[]): PositionEntry[] {
    if (!this.recovered) return entries;
    const out = [...entries];
    const byId = new Map<string, number>();
    out.forEach((e, i) => {
      if (e.fp !== undefined && e.fpLen !== undefined && e.dev !== undefined) byId.set(formatStreamId({ dev: e.dev, ino: e.inode, fpLen: e.fpLen, fp: e.fp, gen: e.gen ?? 0 }), i);
    });
    for (const [id, off] of this.recovered) {
      const p = parseStreamId(id);
      if (!p) {
        this.log.warn({ streamId: id }, 'recovered position has an unknown stream id; ignored');
        continue;
      }
      const i = byId.get(formatStreamId(p));
      if (i !== undefined) {
        const e = out[i]!;
        if (off > e.pos) out[i] = { ...e, pos: off };
      } else {
        byId.set(formatStreamId(p), out.length);
        out.push({ inode: p.ino, pos: off, file: '', dev: p.dev, fpLen: p.fpLen, fp: p.fp, gen: p.gen });
      }
    }
    return out;
  }

  private async initialScan(entries: PositionEntry[]): Promise<void> {
    const pending = [...entries];
    for (const m of await this.listMatched()) {
      const fh = await open(m.path, 'r').catch(() => null);
      if (!fh) continue;
      // The file we opened, not the one listMatched stat'ed: a rotation between the two
      // (rename + create) would otherwise label the new file's lines with the old file's
      // inode, and the new file, tracked again under its own inode, would be read twice.
      const c: Candidate = { ...m, st: await fh.stat() };
      if (this.files.has(`${c.st.dev}:${c.st.ino}`)) {
        await fh.close();
        continue;
      }
      // Every entry that names this file: fingerprint-verified entries (highest gen,
      // then highest pos) beat Flume-style inode + path entries.
      let adopted: PositionEntry | undefined;
      let adoptedRank = -1;
      for (let i = pending.length - 1; i >= 0; i--) {
        const e = pending[i]!;
        if (e.inode !== c.st.ino || (e.dev !== undefined && e.dev !== c.st.dev)) continue;
        let rank = -1;
        if (e.fp !== undefined && e.fpLen !== undefined) {
          if (await matchesFingerprint(fh, { fpLen: e.fpLen, fp: e.fp })) rank = 2;
        } else if (e.file === c.path) rank = 1;
        if (rank < 0) continue;
        pending.splice(i, 1);
        const better = rank > adoptedRank
          || (rank === adoptedRank && adopted !== undefined && ((e.gen ?? 0) > (adopted.gen ?? 0) || ((e.gen ?? 0) === (adopted.gen ?? 0) && e.pos > adopted.pos)));
        if (better) {
          adopted = e;
          adoptedRank = rank;
        }
      }
      let pos = adopted ? adopted.pos : this.cfg.skipToEnd ? c.st.size : 0;
      if (pos > c.st.size) {
        this.log.warn({ file: c.path, pos, size: c.st.size }, 'saved position is past the end of the file (truncated while down); reading from 0');
        pos = 0;
      }
      const fp = adopted?.fp !== undefined && adopted.fpLen !== undefined ? { fpLen: adopted.fpLen, fp: adopted.fp } : null;
      this.files.set(`${c.st.dev}:${c.st.ino}`, new TailFile({ path: c.path, group: c.group, fh, st: c.st, pos, fp, gen: adopted?.gen ?? 0 }));
    }
    // Entries whose file left the pattern (or was renamed while we were down).
    const dirIndex = new DirIndex();
    let goneRecovered = 0;
    for (const e of pending) {
      if (e.fp === undefined || e.fpLen === undefined || e.dev === undefined) {
        this.log.debug({ file: e.file, inode: e.inode }, 'position entry matches no file (Flume semantics: inode + path); dropped');
        continue;
      }
      const found = await this.findByIdentity(e, dirIndex);
      if (!found) {
        // A stream known only from the downstream log (file '') is usually a rotated file
        // read to its end and since deleted: counted, not warned one by one.
        if (e.file === '') goneRecovered++;
        else this.log.warn({ file: e.file, inode: e.inode, pos: e.pos }, 'tracked file is gone; any unread tail is lost');
        continue;
      }
      this.log.info({ file: found.t.path, was: e.file }, 'found tracked file outside the pattern; reading it to its end');
      found.t.matched = false;
      this.files.set(found.t.key, found.t);
    }
    if (goneRecovered > 0) this.log.debug({ streams: goneRecovered }, 'streams known to the downstream log whose files are gone (read to their end, then deleted)');
  }

  /**
   * The file with entry `e`'s identity in its old path, its old directory or a group
   * directory (one stat per directory entry per start, via `index`). The fd is checked
   * after open (fstat + fingerprint), so a path renamed and replaced since it was listed
   * is never taken for the file; when a listed path no longer holds the inode, the
   * listings are taken again once (a rotation renamed it during the start).
   */
  private async findByIdentity(e: PositionEntry, index: DirIndex): Promise<{ t: TailFile } | null> {
    const want = `${e.dev}:${e.inode}`;
    if (this.files.has(want)) return null;
    const dirs = new Set<string>();
    if (e.file) dirs.add(dirname(e.file));
    for (const g of this.cfg.groups) dirs.add(g.dir);
    const fp = { fpLen: e.fpLen!, fp: e.fp! };
    for (let attempt = 0; attempt < 2; attempt++) {
      const paths: { path: string; listed: boolean }[] = attempt === 0 && e.file ? [{ path: e.file, listed: false }] : [];
      for (const d of dirs) {
        const p = (await index.files(d)).get(want);
        if (p !== undefined) paths.push({ path: p, listed: true });
      }
      let moved = false;
      for (const { path, listed } of paths) {
        const fh = await open(path, 'r').catch(() => null);
        const st = fh ? await fh.stat() : null;
        if (!fh || !st || !st.isFile() || `${st.dev}:${st.ino}` !== want) {
          await fh?.close();
          if (listed) moved = true;
          continue;
        }
        if (!(await matchesFingerprint(fh, fp))) {
          await fh.close();
          continue;
        }
        const group = this.cfg.groups.find((g) => g.dir === dirname(path)) ?? this.cfg.groups[0]!;
        const pos = e.pos <= st.size ? e.pos : 0;
        return { t: new TailFile({ path, group, fh, st, pos, fp, gen: e.gen ?? 0 }) };
      }
      if (!moved) return null;
      for (const d of dirs) index.forget(d);
    }
    return null;
  }

  // ---- discovery --------------------------------------------------------------------

  private async listMatched(): Promise<Candidate[]> {
    const out: Candidate[] = [];
    for (const g of this.cfg.groups) {
      const names = await this.matchedNames(g);
      for (const n of names) {
        const p = join(g.dir, n);
        const st = await stat(p).catch(() => null);
        if (st?.isFile()) out.push({ path: p, group: g, st });
      }
    }
    out.sort((a, b) => a.st.mtimeMs - b.st.mtimeMs);
    return out;
  }

  private async matchedNames(g: FileGroup): Promise<string[]> {
    const cacheKey = `${g.name}\u0000${g.dir}`;
    let dirMtime = -1;
    if (this.cfg.cachePatternMatching) {
      const dst = await stat(g.dir).catch(() => null);
      dirMtime = dst ? dst.mtimeMs : -1;
      const cached = this.dirCache.get(cacheKey);
      // Flume's rule: reuse the match list while the directory's mtime is unchanged
      // and older than a second (a same-second change could be missed otherwise).
      if (cached && cached.mtimeMs === dirMtime && Date.now() - dirMtime > 1000) return cached.names;
    }
    const names = (await readdir(g.dir).catch(() => [] as string[])).filter((n) => g.pattern.test(n));
    if (this.cfg.cachePatternMatching) this.dirCache.set(cacheKey, { mtimeMs: dirMtime, names });
    return names;
  }

  /** Reconciles tracked files with what the groups match now. */
  private async scan(): Promise<void> {
    const seen = new Set<string>();
    for (const c of await this.listMatched()) {
      const key = `${c.st.dev}:${c.st.ino}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const t = this.files.get(key);
      if (t) {
        t.path = c.path;
        t.group = c.group;
        t.matched = true;
        if (!t.fh && (c.st.size !== t.pos || c.st.mtimeMs !== t.mtimeMs)) {
          const same = await t.reopen().catch(() => false);
          if (!same) {
            this.log.info({ file: c.path, inode: c.st.ino }, 'inode reused by a new file; reading it from 0');
            this.files.delete(key);
            await this.track(c, key);
          }
        }
        continue;
      }
      await this.track(c, key);
    }
    for (const [key, t] of this.files) {
      if (seen.has(key)) continue;
      if (t.matched) this.log.debug({ file: t.path }, 'file left the pattern (renamed or deleted); reading it to its end');
      t.matched = false;
      if (!t.fh) this.files.delete(key);
    }
  }

  private async track(c: Candidate, key: string): Promise<void> {
    const fh = await open(c.path, 'r').catch(() => null);
    if (!fh) return;
    const st = await fh.stat();
    if (`${st.dev}:${st.ino}` !== key) {
      await fh.close(); // replaced between stat and open: the next round sees it
      return;
    }
    this.files.set(key, new TailFile({ path: c.path, group: c.group, fh, st, pos: 0, fp: null, gen: 0 }));
  }

  // ---- the pump ---------------------------------------------------------------------

  private wake(): void {
    this.wakePending = true;
    const f = this.wakeFn;
    this.wakeFn = null;
    f?.();
  }

  private waitForWake(ms: number): Promise<void> {
    if (this.wakePending || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeFn = null;
        resolve();
      }, ms);
      this.wakeFn = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async pump(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      this.wakePending = false;
      let progressed = false;
      let more = false;
      try {
        await this.scan();
        const open = [...this.files.values()].filter((t) => t.fh !== null).sort((a, b) => a.mtimeMs - b.mtimeMs);
        for (const t of open) {
          if (this.stopping) break;
          try {
            const truncs = t.truncations;
            await t.refresh();
            let n = 0;
            while (!this.stopping) {
              if (n >= this.cfg.maxBatchCount) {
                more = true;
                break;
              }
              const chunk = await t.next(this.limits);
              if (!chunk) break;
              if (!(await this.deliver(t, chunk))) break;
              n++;
              progressed = true;
            }
            t.dropReadAhead(); // leaving this file for now: no buffer kept for it
            if (t.truncations !== truncs) this.log.info({ file: t.path, gen: t.gen }, 'file truncated or rewritten in place; read from 0');
            if (!this.stopping) await this.maybeClose(t);
          } catch (err) {
            this.ctx.metrics.increment('EventReadFail');
            this.log.warn({ file: t.path, err: describeError(err) }, 'reading file failed; will retry');
          }
        }
        failures = 0;
      } catch (err) {
        failures++;
        this.ctx.metrics.increment('GenericProcessingFail');
        this.log.error({ err: describeError(err) }, 'TAILDIR round failed');
        await this.waitForWake(Math.min(this.cfg.backoffSleepIncrement * failures, this.cfg.maxBackoffSleep));
        continue;
      }
      const now = Date.now();
      if (progressed) this.lastProgressAt = now;
      if (!progressed && !more) {
        const active = now - this.lastProgressAt < ACTIVE_WINDOW_MS;
        await this.waitForWake(active ? Math.min(ACTIVE_POLL_MS, this.cfg.pollInterval) : this.cfg.pollInterval);
      }
    }
  }

  /** Idle or gone files: flush the unterminated tail, then close. */
  private async maybeClose(t: TailFile): Promise<void> {
    if (t.unread > 0) return;
    const gone = !t.matched && t.nlink === 0;
    const idle = Date.now() - t.lastChange >= this.cfg.idleTimeout;
    if (!gone && !idle) return;
    const chunk = await t.flushPartial(this.limits);
    if (chunk && !(await this.deliver(t, chunk))) return;
    await t.close();
    this.dirty = true;
    if (!t.matched) this.files.delete(t.key);
  }

  private buildBatch(t: TailFile, c: Chunk): EventBatch {
    const shared = t.headers(this.cfg.fileHeader ? this.cfg.fileHeaderKey : null);
    let eventHeaders: Headers[] | undefined;
    if (this.cfg.byteOffsetHeader) {
      eventHeaders = new Array<Headers>(c.count);
      for (let i = 0; i < c.count; i++) eventHeaders[i] = { byteoffset: String(c.dataBase + c.starts[i]!) };
    }
    return new EventBatch({
      data: c.data,
      starts: c.starts,
      ends: c.ends,
      sharedHeaders: shared,
      ...(eventHeaders ? { eventHeaders } : {}),
      positions: {
        streams: [t.streamId],
        streamOf: c.count <= this.zeroStreams.length ? this.zeroStreams.subarray(0, c.count) : new Uint16Array(c.count),
        endOffset: c.endOffsets,
      },
    });
  }

  /** Sends until committed; false when stopping interrupted it (position unchanged). */
  private async deliver(t: TailFile, c: Chunk): Promise<boolean> {
    if (c.skipped > 0) this.log.warn({ file: t.path, lines: c.skipped, maxLineLength: this.cfg.maxLineLength }, 'line longer than maxLineLength skipped');
    if (c.truncated > 0) this.log.warn({ file: t.path, lines: c.truncated, maxLineLength: this.cfg.maxLineLength }, 'line longer than maxLineLength truncated');
    if (c.count > 0) {
      const batch = this.buildBatch(t, c);
      const m = this.ctx.metrics;
      m.increment('EventReceivedCount', c.count);
      m.increment('AppendBatchReceivedCount');
      let delay = this.cfg.backoffSleepIncrement;
      for (;;) {
        try {
          await this.ctx.output.send(batch);
          break;
        } catch (err) {
          m.increment('ChannelWriteFail');
          this.log.warn({ file: t.path, err: describeError(err), retryInMs: delay }, 'channel refused the batch; retrying the same batch');
          if (this.stopping) return false;
          await this.waitForStopOr(delay);
          if (this.stopping) return false;
          delay = Math.min(delay * 2, this.cfg.maxBackoffSleep);
        }
      }
      m.increment('EventAcceptedCount', c.count);
      m.increment('AppendBatchAcceptedCount');
    }
    t.commit(c.advanceTo);
    this.dirty = true;
    return true;
  }

  private async waitForStopOr(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.stopCtl.signal }).catch(() => undefined);
  }

  // ---- positions --------------------------------------------------------------------

  private snapshotEntries(): PositionEntry[] {
    const out: PositionEntry[] = [];
    for (const t of this.files.values()) {
      out.push({
        inode: t.ino,
        pos: t.pos,
        file: t.path,
        dev: t.dev,
        ...(t.fp ? { fpLen: t.fp.fpLen, fp: t.fp.fp } : {}),
        gen: t.gen,
      });
    }
    return out;
  }

  private writePositions(force: boolean): Promise<void> {
    if (!force && !this.dirty) return this.writing;
    this.writing = this.writing.then(async () => {
      if (!force && !this.dirty) return;
      this.dirty = false;
      const entries = this.snapshotEntries();
      try {
        await savePositionFile(this.cfg.positionFile, entries);
      } catch (err) {
        this.dirty = true;
        this.log.error({ positionFile: this.cfg.positionFile, err: describeError(err) }, 'writing the position file failed');
      }
    });
    return this.writing;
  }
}
