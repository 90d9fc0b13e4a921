/**
 * The log manager: every topic and partition log across `log.dirs`.
 *
 * Responsibilities: lock and load each log dir on start (recovering partitions when
 * the clean-shutdown marker is absent), create/delete topics, add partitions, keep
 * topic ids (partition.metadata) and per-topic config overrides (their own file per
 * partition dir), run retention and recovery-point checkpoints on injectable timers,
 * and on a clean close flush everything, write checkpoints, then the marker.
 *
 * Invariants:
 * - A topic's partitions are 0..n−1, each in exactly one log dir, in a directory
 *   named `<topic>-<n>`; names pass Kafka's rule, and the resolved path is checked
 *   to stay inside its log dir.
 * - New partitions go to the log dir holding the fewest partitions.
 * - `byId` maps every live topic's id (16 bytes, as a latin1 key) to the same TopicState
 *   as `topics`: both change together on load, create and delete, so a lookup by id
 *   (Fetch v13+, KIP-516) is one map get, not a scan.
 * - Deleted partitions are renamed to `<topic>-<n>.<uuid>-delete` at once and removed
 *   asynchronously; readers holding FileSlices keep valid fds.
 * Single-threaded; admin operations run to completion between awaits of flushes.
 */
import * as fs from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SluiceError } from '../../errors.js';
import { componentLogger } from '../../logger.js';
import type { LogManager, PartitionLog, TopicDescription } from './types.js';
import type { BrokerConfig } from '../config/server-config.js';
import { nodeStorageFs, type StorageFs } from './storage-fs.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { FileHandleCache } from './file-handle-cache.js';
import { PartitionLogImpl } from './partition-log.js';
import { KAFKA_TOPIC_DEFAULTS, resolveLogConfig, topicDefaultsFromBroker, validateTopicConfigs } from './log-config.js';
import { checkpointKey, readCheckpoint, writeCheckpoint, type CheckpointMap } from './checkpoint-file.js';
import {
  ensureMetaProperties, hasCleanShutdownMarker, lockLogDir, randomUuid, removeCleanShutdownMarker,
  writeCleanShutdownMarker, type DirLock,
} from './log-dir.js';
import { readPartitionMetadata, readTopicConfig, writePartitionMetadata, writeTopicConfig } from './partition-metadata.js';
import { INTERNAL_TOPICS, collisionKey, topicNameProblem, validateTopicName } from './topic-name.js';

const log = componentLogger('broker.storage');

export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint';
export const LOG_START_CHECKPOINT = 'log-start-offset-checkpoint';

export interface LogManagerOptions {
  readonly logDirs: readonly string[];
  readonly nodeId?: number;
  readonly clusterId?: string;
  /** Topic-level defaults (Kafka topic keys); missing keys use Kafka's defaults. */
  readonly topicDefaults?: Readonly<Record<string, string>>;
  readonly numPartitions?: number;
  readonly autoCreateTopics?: boolean;
  readonly retentionCheckIntervalMs?: number;
  readonly recoveryCheckpointIntervalMs?: number;
  readonly maxOpenFiles?: number;
  readonly fs?: StorageFs;
  readonly clock?: Clock;
}

interface TopicState {
  readonly name: string;
  readonly topicId: Buffer;
  configs: Record<string, string>;
  readonly logs: PartitionLogImpl[];
}

/** Map key of a 16-byte topic id (latin1: one char per byte, no hex doubling). */
function idKey(id: Buffer): string {
  return id.toString('latin1');
}

interface DirState {
  readonly path: string;
  readonly lock: DirLock;
  partitions: number;
}

export class LogManagerImpl implements LogManager {
  private readonly topics = new Map<string, TopicState>();
  /** Topic id (latin1 of the 16 bytes) → topic; kept in step with `topics`. */
  private readonly byId = new Map<string, TopicState>();
  private readonly dirs: DirState[] = [];
  private readonly dirOf = new Map<PartitionLogImpl, DirState>();
  private readonly files: FileHandleCache;
  private readonly fs: StorageFs;
  private readonly clock: Clock;
  private readonly defaults: Record<string, string>;
  private retentionTimer: TimerHandle | null = null;
  private checkpointTimer: TimerHandle | null = null;
  private closed = false;
  clusterId = '';

  private constructor(private readonly opts: LogManagerOptions) {
    this.fs = opts.fs ?? nodeStorageFs;
    this.clock = opts.clock ?? systemClock;
    this.files = new FileHandleCache(this.fs, opts.maxOpenFiles ?? 256);
    this.defaults = { ...KAFKA_TOPIC_DEFAULTS, ...(opts.topicDefaults ?? {}) };
  }

  static async open(opts: LogManagerOptions): Promise<LogManagerImpl> {
    if (opts.logDirs.length === 0) throw new SluiceError('CONFIG_INVALID_VALUE', 'log.dirs is empty');
    const m = new LogManagerImpl(opts);
    try {
      await m.load();
    } catch (err) {
      for (const d of m.dirs) d.lock.release();
      throw err;
    }
    m.scheduleRetention();
    m.scheduleCheckpoint();
    return m;
  }

  static fromBrokerConfig(cfg: BrokerConfig, extra: { fs?: StorageFs; clock?: Clock } = {}): Promise<LogManagerImpl> {
    return LogManagerImpl.open({
      logDirs: cfg.logDirs,
      nodeId: cfg.nodeId,
      ...(cfg.clusterId === undefined ? {} : { clusterId: cfg.clusterId }),
      topicDefaults: topicDefaultsFromBroker(cfg),
      numPartitions: cfg.numPartitions,
      autoCreateTopics: cfg.autoCreateTopicsEnable,
      retentionCheckIntervalMs: cfg.logRetentionCheckIntervalMs,
      recoveryCheckpointIntervalMs: cfg.logFlushOffsetCheckpointIntervalMs,
      maxOpenFiles: cfg.maxOpenSegmentFiles,
      ...extra,
    });
  }

  private async load(): Promise<void> {
    for (const raw of this.opts.logDirs) {
      const dir = resolve(raw);
      fs.mkdirSync(dir, { recursive: true });
      const lock = lockLogDir(dir);
      this.dirs.push({ path: dir, lock, partitions: 0 });
      const meta = ensureMetaProperties(dir, this.opts.nodeId ?? 0, this.opts.clusterId ?? (this.clusterId || undefined));
      this.clusterId = meta.clusterId;
    }
    for (const d of this.dirs) await this.loadDir(d);
    for (const t of this.topics.values()) await this.fillPartitionGaps(t);
    for (const d of this.dirs) removeCleanShutdownMarker(d.path);
    this.writeCheckpoints();
  }

  private async loadDir(d: DirState): Promise<void> {
    const clean = hasCleanShutdownMarker(d.path);
    const recovery = readCheckpoint(join(d.path, RECOVERY_POINT_CHECKPOINT));
    const starts = readCheckpoint(join(d.path, LOG_START_CHECKPOINT));
    const entries = fs.readdirSync(d.path);
    // A brand-new dir has no marker and nothing to recover: only warn when partitions exist.
    if (!clean && entries.some((name) => /-\d+$/.test(name))) {
      log.warn({ dir: d.path }, 'no clean-shutdown marker: recovering partitions from their recovery points');
    }
    for (const name of entries) {
      const full = join(d.path, name);
      if (/-delete$/.test(name) && /^.+-\d+\.[0-9a-f]+-delete$/.test(name)) {
        this.removeAsync(full);
        continue;
      }
      const m = /^(.+)-(\d+)$/.exec(name);
      if (!m || !fs.statSync(full).isDirectory()) continue;
      const topic = m[1]!;
      const partition = Number(m[2]);
      if (topicNameProblem(topic)) {
        log.warn({ dir: full }, 'directory is not a valid topic partition; ignoring it');
        continue;
      }
      await this.openPartition(d, topic, partition, clean, recovery, starts);
    }
  }

  private async openPartition(d: DirState, topic: string, partition: number, clean: boolean, recovery: CheckpointMap, starts: CheckpointMap): Promise<void> {
    const dir = join(d.path, `${topic}-${partition}`);
    let t = this.topics.get(topic);
    if (t?.logs[partition]) {
      log.error({ dir, other: t.logs[partition]!.dir }, 'partition present in two log dirs; ignoring the second');
      return;
    }
    const fileId = readPartitionMetadata(dir);
    if (!t) {
      let topicId = fileId ?? randomUuid();
      const clash = this.byId.get(idKey(topicId));
      if (clash) {
        log.warn({ dir, other: clash.name }, `topic ${topic} has the same topic id as topic ${clash.name} (a copied partition dir?); giving it a new id`);
        topicId = randomUuid();
      }
      t = { name: topic, topicId, configs: readTopicConfig(dir) ?? {}, logs: [] };
      this.topics.set(topic, t);
      this.byId.set(idKey(topicId), t);
    } else if (fileId && !fileId.equals(t.topicId)) {
      log.warn({ dir }, 'partition.metadata topic id differs from the topic\'s other partitions; rewriting it');
    }
    if (!fileId || !fileId.equals(t.topicId)) writePartitionMetadata(dir, t.topicId);
    const key = checkpointKey(topic, partition);
    const pl = await PartitionLogImpl.open({
      dir, topic, partition,
      config: resolveLogConfig({ ...this.defaults, ...t.configs }),
      fs: this.fs, files: this.files, clock: this.clock,
      recoveryPoint: recovery.get(key) ?? 0,
      logStartOffset: starts.get(key) ?? 0,
      cleanShutdown: clean,
    });
    t.logs[partition] = pl;
    this.dirOf.set(pl, d);
    d.partitions++;
  }

  private async fillPartitionGaps(t: TopicState): Promise<void> {
    for (let p = 0; p < t.logs.length; p++) {
      if (t.logs[p]) continue;
      log.warn({ topic: t.name, partition: p }, 'partition directory missing; creating an empty one');
      await this.createPartition(t, p);
    }
  }

  private pickDir(): DirState {
    let best = this.dirs[0]!;
    for (const d of this.dirs) if (d.partitions < best.partitions) best = d;
    return best;
  }

  private async createPartition(t: TopicState, partition: number): Promise<PartitionLogImpl> {
    const d = this.pickDir();
    const dir = join(d.path, `${t.name}-${partition}`);
    if (!resolve(dir).startsWith(d.path + sep)) {
      throw new SluiceError('INVALID_TOPIC_EXCEPTION', `partition directory ${dir} escapes log dir ${d.path}`);
    }
    fs.mkdirSync(dir, { recursive: true });
    writePartitionMetadata(dir, t.topicId);
    writeTopicConfig(dir, t.configs);
    const pl = await PartitionLogImpl.open({
      dir, topic: t.name, partition,
      config: resolveLogConfig({ ...this.defaults, ...t.configs }),
      fs: this.fs, files: this.files, clock: this.clock,
      recoveryPoint: 0, logStartOffset: 0, cleanShutdown: true,
    });
    t.logs[partition] = pl;
    this.dirOf.set(pl, d);
    d.partitions++;
    return pl;
  }

  private describe(t: TopicState): TopicDescription {
    return { name: t.name, topicId: t.topicId, partitions: t.logs.length, internal: INTERNAL_TOPICS.has(t.name), configs: { ...t.configs } };
  }

  listTopics(): TopicDescription[] {
    return [...this.topics.values()].map((t) => this.describe(t));
  }

  describeTopic(name: string): TopicDescription | undefined {
    const t = this.topics.get(name);
    return t ? this.describe(t) : undefined;
  }

  topicById(id: Buffer): TopicDescription | undefined {
    if (id.length !== 16) return undefined;
    const t = this.byId.get(idKey(id));
    return t ? this.describe(t) : undefined;
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topic)?.logs[partition];
  }

  /** The concrete log (flush, retention, segment list) for tests and tools. */
  partitionLog(topic: string, partition: number): PartitionLogImpl | undefined {
    return this.topics.get(topic)?.logs[partition];
  }

  /**
   * Auto-create helper for Metadata/Produce: the topic if it exists; else, when
   * auto.create.topics.enable, creates it with num.partitions; else undefined.
   */
  async ensureTopic(name: string): Promise<TopicDescription | undefined> {
    const t = this.topics.get(name);
    if (t) return this.describe(t);
    if (this.opts.autoCreateTopics === false) return undefined;
    return this.createTopic(name, this.opts.numPartitions ?? 1);
  }

  async createTopic(name: string, partitions: number, configs: Readonly<Record<string, string>> = {}): Promise<TopicDescription> {
    this.assertOpen();
    validateTopicName(name);
    if (this.topics.has(name)) throw new SluiceError('TOPIC_ALREADY_EXISTS', `topic ${name} already exists`, { details: { topic: name } });
    for (const other of this.topics.keys()) {
      if (collisionKey(other) === collisionKey(name)) {
        throw new SluiceError('INVALID_TOPIC_EXCEPTION', `topic ${name} collides with existing topic ${other} ('.' and '_' are interchangeable in metric names)`);
      }
    }
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 100_000) {
      throw new SluiceError('INVALID_PARTITIONS', `topic ${name}: number of partitions must be ≥ 1 (got ${partitions})`);
    }
    validateTopicConfigs(name, configs);
    let topicId = randomUuid();
    while (this.byId.has(idKey(topicId))) topicId = randomUuid();
    const t: TopicState = { name, topicId, configs: { ...configs }, logs: [] };
    this.topics.set(name, t);
    this.byId.set(idKey(topicId), t);
    try {
      for (let p = 0; p < partitions; p++) await this.createPartition(t, p);
    } catch (err) {
      this.topics.delete(name);
      this.byId.delete(idKey(topicId));
      for (const pl of t.logs) if (pl) this.dropLog(pl);
      throw new SluiceError('KAFKA_STORAGE_ERROR', `creating topic ${name} failed: ${(err as Error).message}`, { cause: err });
    }
    this.writeCheckpoints();
    log.info({ topic: name, partitions }, 'created topic');
    return this.describe(t);
  }

  async deleteTopic(name: string): Promise<void> {
    this.assertOpen();
    const t = this.topics.get(name);
    if (!t) throw new SluiceError('UNKNOWN_TOPIC_OR_PARTITION', `topic ${name} does not exist`, { details: { topic: name } });
    this.topics.delete(name);
    this.byId.delete(idKey(t.topicId));
    for (const pl of t.logs) this.dropLog(pl);
    this.writeCheckpoints();
    log.info({ topic: name }, 'deleted topic');
  }

  private dropLog(pl: PartitionLogImpl): void {
    pl.closeForDelete();
    const d = this.dirOf.get(pl);
    if (d) d.partitions--;
    this.dirOf.delete(pl);
    const target = `${pl.dir}.${randomBytes(16).toString('hex')}-delete`;
    try {
      fs.renameSync(pl.dir, target);
      this.removeAsync(target);
    } catch (err) {
      log.error({ dir: pl.dir, err }, 'renaming a deleted partition directory failed');
    }
  }

  private removeAsync(path: string): void {
    fs.promises.rm(path, { recursive: true, force: true }).catch((err: unknown) => {
      log.error({ path, err }, 'removing a deleted partition directory failed');
    });
  }

  async addPartitions(name: string, totalCount: number): Promise<TopicDescription> {
    this.assertOpen();
    const t = this.topics.get(name);
    if (!t) throw new SluiceError('UNKNOWN_TOPIC_OR_PARTITION', `topic ${name} does not exist`, { details: { topic: name } });
    if (!Number.isInteger(totalCount) || totalCount <= t.logs.length) {
      throw new SluiceError('INVALID_PARTITIONS', `topic ${name} has ${t.logs.length} partitions; the new count ${totalCount} must be larger`);
    }
    for (let p = t.logs.length; p < totalCount; p++) await this.createPartition(t, p);
    this.writeCheckpoints();
    return this.describe(t);
  }

  async alterTopicConfig(name: string, configs: Readonly<Record<string, string | null>>): Promise<TopicDescription> {
    this.assertOpen();
    const t = this.topics.get(name);
    if (!t) throw new SluiceError('UNKNOWN_TOPIC_OR_PARTITION', `topic ${name} does not exist`, { details: { topic: name } });
    validateTopicConfigs(name, configs);
    const next = { ...t.configs };
    for (const [k, v] of Object.entries(configs)) {
      if (v === null) delete next[k];
      else next[k] = v;
    }
    for (const pl of t.logs) writeTopicConfig(pl.dir, next);
    t.configs = next;
    const cfg = resolveLogConfig({ ...this.defaults, ...next });
    for (const pl of t.logs) pl.updateConfig(cfg);
    return this.describe(t);
  }

  effectiveTopicConfig(name: string): Readonly<Record<string, string>> {
    const t = this.topics.get(name);
    return { ...this.defaults, ...(t?.configs ?? {}) };
  }

  /** Runs retention on every partition now; returns the number of segments deleted. */
  runRetention(): number {
    let deleted = 0;
    const now = this.clock.now();
    for (const t of this.topics.values()) {
      for (const pl of t.logs) {
        try {
          deleted += pl.applyRetention(now);
        } catch (err) {
          log.error({ topic: pl.topic, partition: pl.partition, err }, 'retention failed');
        }
      }
    }
    if (deleted > 0) this.writeCheckpoints();
    return deleted;
  }

  private scheduleRetention(): void {
    const every = this.opts.retentionCheckIntervalMs ?? 300_000;
    this.retentionTimer = this.clock.setTimer(() => {
      if (this.closed) return;
      this.runRetention();
      this.scheduleRetention();
    }, every);
  }

  private scheduleCheckpoint(): void {
    const every = this.opts.recoveryCheckpointIntervalMs ?? 60_000;
    if (every <= 0) return;
    this.checkpointTimer = this.clock.setTimer(() => {
      if (this.closed) return;
      try {
        this.writeCheckpoints();
      } catch (err) {
        log.error({ err }, 'writing checkpoints failed');
      }
      this.scheduleCheckpoint();
    }, every);
  }

  /** Writes both checkpoint files of every log dir. */
  writeCheckpoints(): void {
    for (const d of this.dirs) {
      const rp: [string, number, number][] = [];
      const ls: [string, number, number][] = [];
      for (const t of this.topics.values()) {
        for (const pl of t.logs) {
          if (this.dirOf.get(pl) !== d) continue;
          rp.push([t.name, pl.partition, pl.recoveryPoint()]);
          ls.push([t.name, pl.partition, pl.logStartOffset()]);
        }
      }
      writeCheckpoint(join(d.path, RECOVERY_POINT_CHECKPOINT), rp);
      writeCheckpoint(join(d.path, LOG_START_CHECKPOINT), ls);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new SluiceError('KAFKA_STORAGE_ERROR', 'log manager is closed', { retriable: true });
  }

  /** Clean shutdown: flush and close every log, write checkpoints, then the clean-shutdown marker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.retentionTimer?.cancel();
    this.checkpointTimer?.cancel();
    let failed = false;
    for (const t of this.topics.values()) {
      for (const pl of t.logs) {
        try {
          await pl.close();
        } catch (err) {
          failed = true;
          log.error({ topic: pl.topic, partition: pl.partition, err }, 'closing partition log failed');
        }
      }
    }
    try {
      this.writeCheckpoints();
      if (!failed) for (const d of this.dirs) writeCleanShutdownMarker(d.path);
    } finally {
      this.files.closeAll();
      for (const d of this.dirs) d.lock.release();
    }
  }
}

/** Opens the log manager described by a broker config (the broker's entry point into storage). */
export function openLogManager(cfg: BrokerConfig, extra: { fs?: StorageFs; clock?: Clock } = {}): Promise<LogManagerImpl> {
  return LogManagerImpl.fromBrokerConfig(cfg, extra);
}
