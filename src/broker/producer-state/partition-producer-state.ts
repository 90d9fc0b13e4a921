/**
 * Idempotent-producer state of ONE partition (Kafka's ProducerStateManager +
 * ProducerAppendInfo): per producer id, its epoch and its last 5 batches
 * (NUM_BATCHES_TO_RETAIN) as (firstSeq, lastSeq, firstOffset, lastOffset, timestamp).
 *
 * Rules (kafka.md §5):
 * - epoch < current → INVALID_PRODUCER_EPOCH (47);
 * - a duplicate (same epoch, same first and last sequence as a retained batch) is not
 *   appended and is answered with the ORIGINAL offsets;
 * - a newer epoch must start at sequence 0; in the same epoch baseSeq must be
 *   lastSeq+1 (wrapping INT32_MAX → 0), else OUT_OF_ORDER_SEQUENCE_NUMBER (45);
 * - an unknown (or expired) producer may start at any sequence.
 * Entries whose last write is older than producer.id.expiration.ms are dropped.
 *
 * Ownership: ProducerStates (producer-states.ts) owns these objects; the produce path
 * checks then records synchronously around the storage append (whose offsets are
 * assigned synchronously), so concurrent produce requests see each other's batches.
 */
import type { SnapshotEntry } from './producer-snapshot.js';

export const NUM_BATCHES_TO_RETAIN = 5;
const INT32_MAX = 2147483647;

export interface BatchMetadata {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly timestamp: number;
}

export interface ProducerEntry {
  epoch: number;
  batches: BatchMetadata[];
  lastTimestamp: number;
}

/** What the produce path needs of a batch header. */
export interface IdempotentBatch {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly lastOffsetDelta: number;
  readonly maxTimestamp: number;
}

export type SequenceCheck =
  | { readonly kind: 'ok' }
  | { readonly kind: 'duplicate'; readonly firstOffset: number; readonly lastOffset: number }
  | { readonly kind: 'error'; readonly code: 'INVALID_PRODUCER_EPOCH' | 'OUT_OF_ORDER_SEQUENCE_NUMBER'; readonly message: string };

export function lastSequenceOf(baseSeq: number, lastOffsetDelta: number): number {
  const s = baseSeq + lastOffsetDelta;
  return s > INT32_MAX ? s - INT32_MAX - 1 : s;
}

function nextSequence(seq: number): number {
  return seq === INT32_MAX ? 0 : seq + 1;
}

export class PartitionProducerState {
  readonly producers = new Map<number, ProducerEntry>();

  constructor(private readonly expirationMs: number) {}

  private live(pid: number, now: number): ProducerEntry | undefined {
    const e = this.producers.get(pid);
    if (e && now - e.lastTimestamp >= this.expirationMs) {
      this.producers.delete(pid);
      return undefined;
    }
    return e;
  }

  check(b: IdempotentBatch, now: number): SequenceCheck {
    const e = this.live(b.producerId, now);
    if (!e) return { kind: 'ok' };
    const lastSeq = lastSequenceOf(b.baseSequence, b.lastOffsetDelta);
    if (b.producerEpoch < e.epoch) {
      return { kind: 'error', code: 'INVALID_PRODUCER_EPOCH', message: `producer ${b.producerId} epoch ${b.producerEpoch} is older than the current epoch ${e.epoch}` };
    }
    if (b.producerEpoch > e.epoch) {
      if (b.baseSequence !== 0) {
        return { kind: 'error', code: 'OUT_OF_ORDER_SEQUENCE_NUMBER', message: `producer ${b.producerId} new epoch ${b.producerEpoch} must start at sequence 0, got ${b.baseSequence}` };
      }
      return { kind: 'ok' };
    }
    for (const x of e.batches) {
      if (x.firstSeq === b.baseSequence && x.lastSeq === lastSeq) return { kind: 'duplicate', firstOffset: x.firstOffset, lastOffset: x.lastOffset };
    }
    const last = e.batches[e.batches.length - 1];
    if (last && b.baseSequence !== nextSequence(last.lastSeq)) {
      return {
        kind: 'error', code: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
        message: `producer ${b.producerId} epoch ${b.producerEpoch}: expected sequence ${nextSequence(last.lastSeq)}, got ${b.baseSequence}`,
      };
    }
    return { kind: 'ok' };
  }

  /** Records an appended batch at `firstOffset` (after `check` said ok, or on replay). */
  record(b: IdempotentBatch, firstOffset: number): void {
    let e = this.producers.get(b.producerId);
    if (!e) {
      e = { epoch: b.producerEpoch, batches: [], lastTimestamp: b.maxTimestamp };
      this.producers.set(b.producerId, e);
    }
    if (b.producerEpoch !== e.epoch) {
      e.epoch = b.producerEpoch;
      e.batches = [];
    }
    e.batches.push({
      firstSeq: b.baseSequence,
      lastSeq: lastSequenceOf(b.baseSequence, b.lastOffsetDelta),
      firstOffset,
      lastOffset: firstOffset + b.lastOffsetDelta,
      timestamp: b.maxTimestamp,
    });
    if (e.batches.length > NUM_BATCHES_TO_RETAIN) e.batches.shift();
    e.lastTimestamp = Math.max(e.lastTimestamp, b.maxTimestamp);
  }

  /** A copy of one producer's entry (for rollback), or undefined. */
  save(pid: number): ProducerEntry | undefined {
    const e = this.producers.get(pid);
    return e ? { epoch: e.epoch, batches: [...e.batches], lastTimestamp: e.lastTimestamp } : undefined;
  }

  restore(pid: number, saved: ProducerEntry | undefined): void {
    if (saved) this.producers.set(pid, saved);
    else this.producers.delete(pid);
  }

  /** Drops producers idle for producer.id.expiration.ms; returns how many. */
  expire(now: number): number {
    let n = 0;
    for (const [pid, e] of this.producers) {
      if (now - e.lastTimestamp >= this.expirationMs) {
        this.producers.delete(pid);
        n++;
      }
    }
    return n;
  }

  snapshotEntries(): SnapshotEntry[] {
    const out: SnapshotEntry[] = [];
    for (const [pid, e] of this.producers) {
      const last = e.batches[e.batches.length - 1];
      if (!last) continue;
      out.push({
        producerId: pid,
        producerEpoch: e.epoch,
        lastSequence: last.lastSeq,
        lastOffset: last.lastOffset,
        offsetDelta: last.lastOffset - last.firstOffset,
        timestamp: e.lastTimestamp,
      });
    }
    return out;
  }

  loadSnapshot(entries: readonly SnapshotEntry[]): void {
    this.producers.clear();
    for (const s of entries) {
      const f = s.lastSequence - s.offsetDelta;
      this.producers.set(s.producerId, {
        epoch: s.producerEpoch,
        lastTimestamp: s.timestamp,
        batches: [{
          firstSeq: f < 0 ? f + INT32_MAX + 1 : f,
          lastSeq: s.lastSequence,
          firstOffset: s.lastOffset - s.offsetDelta,
          lastOffset: s.lastOffset,
          timestamp: s.timestamp,
        }],
      });
    }
  }
}
