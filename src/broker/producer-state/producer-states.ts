/**
 * The broker's idempotent-producer state: InitProducerId (ids + epochs) and, per
 * partition, the sequence state of partition-producer-state.ts, with snapshots.
 *
 * - InitProducerId: a null transactional id gets a fresh id (never reused: the
 *   allocator persists a high-water mark) with epoch 0. v3+ sending its current
 *   (id, epoch) gets the same id with epoch+1 (KIP-360; a new id when the epoch would
 *   overflow); a known id with another epoch gets INVALID_PRODUCER_EPOCH.
 * - Partition state is loaded on first use: the newest `<offset>.snapshot` at or below
 *   the log end offset, then every batch after it replayed from the log (restoring up
 *   to 5 batches per producer). Snapshots above the log end (a truncated log) or below
 *   the log start are deleted.
 * - Snapshots are written when an append made the partition roll (its segment count
 *   grew; at the log end offset, the state of everything below it) and for every loaded partition on a clean
 *   shutdown (`close`, at the log end offset). The two newest are kept.
 * - Producers idle for producer.id.expiration.ms are dropped by a periodic sweep and on
 *   access; the sweep also forgets partitions of deleted topics.
 *
 * Ownership: one instance per broker; the produce path is the only writer of partition
 * state (through idempotent-append.ts). Single-threaded; loading is synchronous.
 */
import { componentLogger } from '../../logger.js';
import { systemClock, type Clock, type TimerHandle } from '../storage/clock.js';
import type { LogManager, PartitionLog } from '../storage/types.js';
import { replayBatches } from '../groups/log-replay.js';
import { BATCH } from '../../protocol/record-batch-layout.js';
import { readInt64 } from '../../protocol/record-batch-header.js';
import { PartitionProducerState } from './partition-producer-state.js';
import { ProducerIdAllocator } from './producer-id-allocator.js';
import { deleteSnapshotFile, listSnapshots, readSnapshotFile, writeSnapshotFile } from './producer-snapshot.js';

const log = componentLogger('broker.producer-state');

export interface ProducerStatesOptions {
  /** Directory for the producer id high-water mark (the first log dir). */
  readonly dir: string;
  /** producer.id.expiration.ms (1 day). */
  readonly expirationMs?: number;
  /** How often the expiry sweep runs (default 10 minutes, Kafka's producer.id.expiration.check.interval.ms). */
  readonly expirationCheckIntervalMs?: number;
  readonly clock?: Clock;
  /** When given, state of partitions no longer in it (deleted topics) is dropped by the sweep. */
  readonly logs?: Pick<LogManager, 'partition'>;
}

interface Loaded {
  readonly state: PartitionProducerState;
  readonly dir: string | undefined;
  /** Segment count when last seen (roll detection without touching the segment list). */
  segments: number;
}

export interface InitProducerIdResult {
  readonly errorCode: 'NONE' | 'INVALID_PRODUCER_EPOCH';
  readonly producerId: number;
  readonly producerEpoch: number;
}

const EPOCH_MAX = 32767;

/** Optional extra of the concrete PartitionLogImpl that snapshots use. */
interface LogExtras {
  readonly dir?: string;
}

export class ProducerStates {
  private readonly parts = new Map<PartitionLog, Loaded>();
  private readonly allocator: ProducerIdAllocator;
  /** Issued producer id → current epoch and when it was last touched. */
  private readonly issued = new Map<number, { epoch: number; at: number }>();
  private readonly clock: Clock;
  readonly expirationMs: number;
  private timer: TimerHandle | null = null;
  private closed = false;

  constructor(private readonly opts: ProducerStatesOptions) {
    this.clock = opts.clock ?? systemClock;
    this.expirationMs = opts.expirationMs ?? 86_400_000;
    this.allocator = new ProducerIdAllocator(opts.dir);
    this.scheduleSweep();
  }

  initProducerId(producerId: number, producerEpoch: number): InitProducerIdResult {
    const now = this.clock.now();
    if (producerId >= 0 && producerEpoch >= 0) {
      const cur = this.issued.get(producerId);
      if (cur) {
        if (cur.epoch !== producerEpoch) return { errorCode: 'INVALID_PRODUCER_EPOCH', producerId: -1, producerEpoch: -1 };
        if (cur.epoch + 1 < EPOCH_MAX) {
          cur.epoch++;
          cur.at = now;
          return { errorCode: 'NONE', producerId, producerEpoch: cur.epoch };
        }
        this.issued.delete(producerId);
      }
    }
    const id = this.allocator.allocate();
    this.issued.set(id, { epoch: 0, at: now });
    return { errorCode: 'NONE', producerId: id, producerEpoch: 0 };
  }

  /** The partition's state, loading it (snapshot + replay) on first use. */
  forPartition(pl: PartitionLog): PartitionProducerState {
    const hit = this.parts.get(pl);
    if (hit) return hit.state;
    const extras = pl as PartitionLog & LogExtras;
    const dir = typeof extras.dir === 'string' ? extras.dir : undefined;
    const state = new PartitionProducerState(this.expirationMs);
    let from = pl.logStartOffset();
    if (dir) {
      const leo = pl.logEndOffset();
      for (const off of listSnapshots(dir).reverse()) {
        if (off > leo || off < pl.logStartOffset()) {
          if (off > leo) deleteSnapshotFile(dir, off);
          continue;
        }
        try {
          state.loadSnapshot(readSnapshotFile(dir, off));
          from = off;
          break;
        } catch (err) {
          log.warn({ topic: pl.topic, partition: pl.partition, offset: off, err }, 'unreadable producer snapshot; trying an older one');
        }
      }
    }
    let replayed = 0;
    replayBatches(pl, from, (buf, pos) => {
      const producerId = readInt64(buf, pos + BATCH.PRODUCER_ID);
      if (producerId < 0) return;
      const base = readInt64(buf, pos + BATCH.BASE_OFFSET);
      if (base < from) return;
      state.record({
        producerId,
        producerEpoch: buf.readInt16BE(pos + BATCH.PRODUCER_EPOCH),
        baseSequence: buf.readInt32BE(pos + BATCH.BASE_SEQUENCE),
        lastOffsetDelta: buf.readInt32BE(pos + BATCH.LAST_OFFSET_DELTA),
        maxTimestamp: readInt64(buf, pos + BATCH.MAX_TIMESTAMP),
      }, base);
      replayed++;
    });
    state.expire(this.clock.now());
    this.parts.set(pl, { state, dir, segments: pl.segmentCount() });
    if (state.producers.size > 0 || replayed > 0) {
      log.debug({ topic: pl.topic, partition: pl.partition, from, replayed, producers: state.producers.size }, 'loaded producer state');
    }
    return state;
  }

  /** After an append: writes a snapshot when the partition rolled to a new segment. */
  afterAppend(pl: PartitionLog): void {
    const l = this.parts.get(pl);
    if (!l) return;
    const n = pl.segmentCount();
    if (n === l.segments) return;
    const rolled = n > l.segments;
    l.segments = n;
    if (rolled && l.dir && l.state.producers.size > 0) this.writeSnapshot(pl, l, pl.logEndOffset());
  }

  private writeSnapshot(pl: PartitionLog, l: Loaded, offset: number): void {
    if (!l.dir) return;
    try {
      writeSnapshotFile(l.dir, offset, l.state.snapshotEntries());
      const all = listSnapshots(l.dir);
      const start = pl.logStartOffset();
      for (let i = 0; i < all.length; i++) {
        const off = all[i]!;
        if (off < start || i < all.length - 2) deleteSnapshotFile(l.dir, off);
      }
    } catch (err) {
      log.error({ topic: pl.topic, partition: pl.partition, offset, err }, 'writing producer snapshot failed');
    }
  }

  /** Forgets a partition (topic deleted). */
  forget(pl: PartitionLog): void {
    this.parts.delete(pl);
  }

  private scheduleSweep(): void {
    if (this.closed) return;
    this.timer = this.clock.setTimer(() => {
      this.sweep();
      this.scheduleSweep();
    }, this.opts.expirationCheckIntervalMs ?? 600_000);
  }

  /** Drops expired producers everywhere; returns how many entries went. */
  sweep(): number {
    const now = this.clock.now();
    let n = 0;
    for (const [pl, l] of this.parts) {
      if (this.opts.logs && this.opts.logs.partition(pl.topic, pl.partition) !== pl) {
        this.parts.delete(pl);
        continue;
      }
      n += l.state.expire(now);
    }
    for (const [id, e] of this.issued) if (now - e.at >= this.expirationMs) this.issued.delete(id);
    return n;
  }

  /** Loaded partitions and the producers they track (tests, monitor). */
  stats(): { partitions: number; producers: number } {
    let producers = 0;
    for (const l of this.parts.values()) producers += l.state.producers.size;
    return { partitions: this.parts.size, producers };
  }

  /** Clean shutdown: a snapshot at the log end of every loaded partition with producers. Call before the logs close. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.timer?.cancel();
    for (const [pl, l] of this.parts) {
      if (l.state.producers.size > 0) this.writeSnapshot(pl, l, pl.logEndOffset());
    }
  }
}
