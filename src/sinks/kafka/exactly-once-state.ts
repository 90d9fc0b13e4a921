/**
 * Exactly-once state of one embedded Kafka sink (file → topic, see docs/exactly-once.md).
 *
 * Truth is the topic itself: every appended batch carries the highest position per input
 * stream in its last record (provenance.ts). This module keeps
 * - `logPos`: the highest position per stream the log holds (bounded to MAX_STREAMS,
 *   least recently appended dropped first);
 * - `baseline`: positions the sources started from for streams the log did not know at a
 *   start (data before them was never this sink's to deliver: migrated Flume positions,
 *   skipToEnd);
 * - a checkpoint file `<dataDir>/exactly-once.json` (written atomically about once a
 *   second): {topic, next: {partition: offset}, logPos, baseline}. It is only a hint that
 *   bounds the scan: at start the log is scanned from `next` to its end (or, without a
 *   usable checkpoint, over the last `scanRecords` records of each partition).
 *
 * reconcile(): at start, before the sources start, hands the source every stream `logPos`
 * holds (checkpoint + scan, so a rotated file is found even when its last append precedes
 * the checkpoint and the position file never listed it) and rewrites a TAILDIR position
 * file (a hint in Flume's shape) so each stream resumes where the log says: for a memory channel the
 * log wins (events still in the channel died with the process); for a durable channel the
 * higher of the two (the sink drops replays at or below `logPos`). A stream neither the
 * log nor the baseline knows restarts at 0 once this sink has a checkpoint (its events
 * were read but never appended).
 * Single owner: the sink (its deliver() calls are serialized).
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PartitionLog } from '../../broker/storage/types.js';
import type { RecoveryTarget } from '../../agent/embedded-broker.js';
import type { Logger } from '../../logger.js';
import { describeError } from '../../errors.js';
import { loadPositionFile, savePositionFile, type PositionEntry } from '../../sources/taildir/position-file.js';
import { formatStreamId } from '../../sources/taildir/file-identity.js';
import { foldPosition, scanProvenance } from './provenance.js';

export const MAX_STREAMS = 100_000;
export const DEFAULT_SCAN_RECORDS = 2_000_000;
const SAVE_INTERVAL_MS = 1000;

interface CheckpointJson {
  topic: string;
  next: Record<string, number>;
  logPos: Record<string, number>;
  baseline: Record<string, number>;
}

export class ExactlyOnceState {
  readonly logPos = new Map<string, number>();
  readonly baseline = new Map<string, number>();
  /** Streams found by this start's scan (recent activity). */
  readonly scanned = new Map<string, number>();
  private readonly next = new Map<number, number>();
  private hadCheckpoint = false;
  private dirty = false;
  private saving: Promise<void> = Promise.resolve();
  private lastSave = 0;
  readonly file: string;

  constructor(dataDir: string, private readonly topic: string, private readonly log: Logger, private readonly scanRecords = DEFAULT_SCAN_RECORDS) {
    this.file = join(dataDir, 'exactly-once.json');
  }

  /** Loads the checkpoint and scans each partition's tail. */
  async recover(partitions: readonly PartitionLog[]): Promise<void> {
    const ck = await this.load();
    const t0 = Date.now();
    let scannedFrom = 0;
    let usable = ck !== undefined && ck.topic === this.topic;
    if (ck && usable) {
      for (const p of partitions) {
        const n = ck.next[String(p.partition)];
        if (n !== undefined && n > p.logEndOffset()) usable = false; // log shorter than the checkpoint: recreated
      }
    }
    if (ck && usable) {
      this.hadCheckpoint = true;
      for (const [k, v] of Object.entries(ck.logPos)) this.logPos.set(k, v);
      for (const [k, v] of Object.entries(ck.baseline)) this.baseline.set(k, v);
    } else if (ck) {
      this.log.warn({ checkpoint: this.file }, 'exactly-once checkpoint does not match the topic; scanning the log tail instead');
    }
    for (const p of partitions) {
      const leo = p.logEndOffset();
      const hinted = ck && usable ? ck.next[String(p.partition)] : undefined;
      const from = hinted ?? Math.max(p.logStartOffset(), leo - this.scanRecords);
      scannedFrom += leo - from;
      const end = scanProvenance(p, from, this.scanned);
      this.next.set(p.partition, end);
    }
    for (const [k, v] of this.scanned) this.touch(k, v);
    this.log.info({ topic: this.topic, streams: this.scanned.size, records: scannedFrom, ms: Date.now() - t0, checkpoint: this.hadCheckpoint }, 'exactly-once: recovered positions from the topic');
    this.dirty = true;
    await this.save(true);
  }

  private touch(stream: string, off: number): void {
    const cur = this.logPos.get(stream);
    if (cur !== undefined && cur >= off) return;
    this.logPos.delete(stream);
    this.logPos.set(stream, off);
    if (this.logPos.size > MAX_STREAMS) this.logPos.delete(this.logPos.keys().next().value!);
  }

  /** Records a successful append to `partition` ending before `nextOffset` with these positions. */
  noteAppended(partition: number, nextOffset: number, positions: ReadonlyMap<string, number> | undefined): void {
    this.next.set(partition, nextOffset);
    if (positions) for (const [k, v] of positions) this.touch(k, v);
    this.dirty = true;
    if (Date.now() - this.lastSave >= SAVE_INTERVAL_MS) void this.save(false);
  }

  /** True when event position `off` of `stream` is already in the log (a replay to drop). */
  isReplay(stream: string, off: number): boolean {
    const lp = this.logPos.get(stream);
    return lp !== undefined && off <= lp;
  }

  async reconcile(target: RecoveryTarget): Promise<void> {
    const pf = target.positionFile;
    // Every stream the log knows, not only those this start's scan saw: a file rotated out
    // of the pattern whose last append lies before the checkpoint is found only through
    // this map when the position file does not list it (TAILDIR writes it every few
    // seconds; a crash loop can kill the agent sooner, every time).
    const recovered = new Map(this.logPos);
    if (pf !== undefined) {
      const loaded = await loadPositionFile(pf);
      let changed = false;
      const out: PositionEntry[] = [];
      for (const e of loaded.entries) {
        if (e.fp === undefined || e.fpLen === undefined || e.dev === undefined) {
          out.push(e);
          continue;
        }
        const gen = e.gen ?? 0;
        const id = formatStreamId({ dev: e.dev, ino: e.inode, fpLen: e.fpLen, fp: e.fp, gen });
        const short = formatStreamId({ dev: e.dev, ino: e.inode, fpLen: 0, fp: '0000000000000000', gen });
        const a = this.logPos.get(id);
        const b = this.logPos.get(short);
        const lp = a === undefined ? b : b === undefined ? a : Math.max(a, b);
        let pos: number;
        if (target.durableChannel) pos = lp === undefined ? e.pos : Math.max(lp, e.pos);
        else if (lp !== undefined) pos = lp;
        else if (this.baseline.has(id)) pos = Math.min(e.pos, this.baseline.get(id)!);
        else pos = this.hadCheckpoint ? 0 : e.pos;
        if (lp === undefined) this.baseline.set(id, pos);
        if (lp !== undefined) recovered.set(id, Math.max(recovered.get(id) ?? 0, lp));
        if (pos !== e.pos) {
          changed = true;
          this.log.info({ file: e.file, stream: id, positionFile: e.pos, resume: pos }, 'exactly-once: position file entry reconciled with the topic');
        }
        out.push(pos === e.pos ? e : { ...e, pos });
      }
      if (changed) await savePositionFile(pf, out);
    }
    target.source.setRecoveredPositions(recovered);
    this.hadCheckpoint = true;
    this.dirty = true;
    await this.save(true);
  }

  async save(force: boolean): Promise<void> {
    if (!this.dirty) return;
    if (!force && Date.now() - this.lastSave < SAVE_INTERVAL_MS) return;
    this.lastSave = Date.now();
    this.dirty = false;
    const body: CheckpointJson = {
      topic: this.topic,
      next: Object.fromEntries([...this.next].map(([p, o]) => [String(p), o])),
      logPos: Object.fromEntries(this.logPos),
      baseline: Object.fromEntries(this.baseline),
    };
    const text = JSON.stringify(body);
    const write = async (): Promise<void> => {
      try {
        await mkdir(dirname(this.file), { recursive: true });
        const tmp = `${this.file}.tmp`;
        const fh = await open(tmp, 'w');
        try {
          await fh.writeFile(text);
        } finally {
          await fh.close();
        }
        await rename(tmp, this.file);
      } catch (err) {
        this.dirty = true;
        this.log.warn({ err: describeError(err), file: this.file }, 'exactly-once checkpoint not written; the next start scans further back');
      }
    };
    this.saving = this.saving.then(write);
    await this.saving;
  }

  private async load(): Promise<CheckpointJson | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const j = JSON.parse(text) as Partial<CheckpointJson>;
      if (typeof j.topic !== 'string' || typeof j.next !== 'object' || typeof j.logPos !== 'object') throw new Error('bad shape');
      return { topic: j.topic, next: j.next ?? {}, logPos: j.logPos ?? {}, baseline: j.baseline ?? {} };
    } catch (err) {
      this.log.warn({ file: this.file, err: describeError(err) }, 'exactly-once checkpoint unreadable; scanning the log tail instead');
      return undefined;
    }
  }
}

export { foldPosition };
