/**
 * The bookkeeping every channel transaction shares (Flume's BasicTransactionSemantics
 * plus the put/take lists of MemoryTransaction and FileBackedTransaction): the state
 * machine, the staged puts, the taken pieces, transactionCapacity checks with Flume's
 * error texts, the attempt counters, and rollback (taken pieces go back to the head of
 * the channel's queue, staged puts are dropped).
 *
 * What stays with each channel: commit (memory waits for space; file writes its WAL),
 * and the hooks below: `staged` (a put was accepted), `loadForTake` (make the head
 * takeable; the file channel reads on-disk pieces back), `bodyOf` (a taken piece's
 * events), `took` (a take was recorded), `clearTakes` and `closed` (left the open set).
 *
 * States: open → committed, or open → rolledBack; a channel may pass through
 * 'committing'. Any call on a transaction that is no longer open throws ChannelError;
 * rollback() of a finished transaction is a no-op. With `requireRunning`, calls on a
 * stopped channel throw ChannelClosedError and a take interrupted by stop() returns null.
 * Counters (Flume's names): EventPutAttemptCount += batch.count per put();
 * EventTakeAttemptCount += events taken, or += 1 for a take that got none or overflowed.
 * Ownership: a transaction belongs to the one caller that began it; it mutates the
 * channel only through the channel's methods. Single event loop.
 */
import type { ChannelTransaction } from '../agent/component.js';
import { EventBatch } from '../agent/event-batch.js';
import type { CounterGroup } from '../agent/metrics.js';
import { ChannelClosedError, ChannelError, TransactionCapacityError } from './channel-errors.js';
import type { QueuePiece, WaitSet } from './channel-queue.js';

/** What a transaction needs from its channel. */
export interface TransactionChannel<P extends QueuePiece> {
  readonly name: string;
  readonly counters: CounterGroup;
  readonly transactionCapacity: number;
  readonly keepAliveMs: number;
  readonly isRunning: boolean;
  size(): number;
  waitUntil(set: WaitSet, ready: () => boolean, timeoutMs: number): Promise<boolean>;
  dequeue(max: number): P[];
  requeue(pieces: readonly P[], events: number): void;
}

export type TxState = 'open' | 'committing' | 'committed' | 'rolledBack';

export abstract class BaseChannelTransaction<P extends QueuePiece, C extends TransactionChannel<P>> implements ChannelTransaction {
  protected readonly ch: C;
  protected state: TxState = 'open';
  protected readonly puts: EventBatch[] = [];
  protected putEvents = 0;
  protected takes: P[] = [];
  protected takeEvents = 0;
  /** Flume's transaction class name, quoted in the capacity errors. */
  private readonly flumeName: string;
  private readonly requireRunning: boolean;

  constructor(ch: C, flumeName: string, requireRunning: boolean) {
    this.ch = ch;
    this.flumeName = flumeName;
    this.requireRunning = requireRunning;
  }

  abstract commit(): Promise<void>;

  /** The events a taken piece holds (it is in memory once loadForTake has run). */
  protected abstract bodyOf(piece: P): EventBatch;

  /** A non-empty put was staged. */
  protected staged(_batch: EventBatch): void {}

  /** Work to do before a take dequeues `allowed` events; undefined = none (no await). */
  protected loadForTake(_allowed: number): Promise<void> | undefined {
    return undefined;
  }

  /** A take of `batch` was recorded in the take list. */
  protected took(_batch: EventBatch): void {}

  /** The transaction left the open state through rollback. */
  protected closed(): void {}

  protected clearTakes(): void {
    this.takes = [];
    this.takeEvents = 0;
  }

  protected checkOpen(op: string): void {
    if (this.state !== 'open') throw new ChannelError(this.ch.name, `${op}() on a transaction that is already ${this.state === 'rolledBack' ? 'rolled back' : 'committed'}`);
    if (this.requireRunning && !this.ch.isRunning) throw new ChannelClosedError(this.ch.name);
  }

  private stillOpen(): boolean {
    return this.state === 'open' && (!this.requireRunning || this.ch.isRunning);
  }

  put(batch: EventBatch): void {
    this.checkOpen('put');
    const ch = this.ch;
    ch.counters.increment('EventPutAttemptCount', batch.count);
    if (this.putEvents + batch.count > ch.transactionCapacity) {
      throw new TransactionCapacityError(
        ch.name,
        `Put queue for ${this.flumeName} of capacity ${ch.transactionCapacity} full, consider committing more frequently, increasing capacity or increasing thread count`,
      );
    }
    if (batch.count === 0) return;
    this.puts.push(batch);
    this.putEvents += batch.count;
    this.staged(batch);
  }

  async take(maxEvents: number): Promise<EventBatch | null> {
    this.checkOpen('take');
    const ch = this.ch;
    const allowed = Math.min(maxEvents, ch.transactionCapacity - this.takeEvents);
    if (allowed <= 0) {
      ch.counters.increment('EventTakeAttemptCount');
      throw new TransactionCapacityError(
        ch.name,
        `Take list for ${this.flumeName}, capacity ${ch.transactionCapacity} full, consider committing more frequently, increasing capacity, or increasing thread count`,
      );
    }
    if (ch.size() === 0) await ch.waitUntil('data', () => ch.size() > 0, ch.keepAliveMs);
    if (!this.stillOpen()) return null;
    const loading = this.loadForTake(allowed);
    if (loading) {
      await loading;
      if (!this.stillOpen()) return null;
    }
    const pieces = ch.dequeue(allowed);
    if (pieces.length === 0) {
      ch.counters.increment('EventTakeAttemptCount');
      return null;
    }
    // Nothing awaited since loadForTake: every piece is in memory.
    const batch = pieces.length === 1 ? this.bodyOf(pieces[0]!) : EventBatch.concat(pieces.map((p) => this.bodyOf(p)));
    ch.counters.increment('EventTakeAttemptCount', batch.count);
    this.takes.push(...pieces);
    this.takeEvents += batch.count;
    this.took(batch);
    return batch;
  }

  async rollback(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'rolledBack';
    this.closed();
    if (this.takeEvents > 0) this.ch.requeue(this.takes, this.takeEvents);
    this.clearTakes();
    this.puts.length = 0;
    this.putEvents = 0;
  }
}
