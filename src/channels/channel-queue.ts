/**
 * The in-memory queue every channel hands to takers: a FIFO of committed pieces (an
 * EventBatch, or the file channel's pointer into its log) with the keep-alive waits on
 * it. Shared by the memory and file channels so that take slicing and waiting are
 * written once.
 *
 * Data structure: an array plus a head index. A take removes whole pieces from the head
 * and slices the one it splits (the piece type's `slice(from, to)` callback), so bodies
 * are never copied here. The array is compacted once more than 1024 dead slots make up
 * over half of it. A rollback puts taken pieces back at the head, in their order.
 *
 * Invariants: `size` is the sum of `count` over the queued pieces (push, dequeue and
 * requeue keep it so); pieces are never empty when pushed by the channels.
 * Ownership: only the owning channel mutates its queue (its transactions go through the
 * channel); the piece objects themselves stay the channel's.
 *
 * Keep-alive waits: `waitFor('data' | 'space', …)` parks a taker or a committer until the
 * owner calls `wake` on that set, a timeout or an abort. `waitUntil` re-checks its
 * predicate after every wake until a deadline, and gives up early once the owner reports
 * it is no longer running. Single event loop: no locks; waiters are promise resolvers.
 */
import type { CounterGroup } from '../agent/metrics.js';

/** What a queued piece must expose: its event count. */
export interface QueuePiece {
  readonly count: number;
}

/** Returns events [from, to) of a piece as a new piece (no body copy). */
export type SlicePiece<P> = (piece: P, from: number, to: number) => P;

type Waiter = () => void;
export type WaitSet = 'data' | 'space';

/** Flume's size gauges for a channel holding `queued` of `capacity` events. */
export function setSizeGauges(counters: CounterGroup, queued: number, capacity: number): void {
  counters.set('ChannelSize', queued);
  counters.set('ChannelFillPercentage', capacity === 0 ? Number.MAX_VALUE : (queued * 100) / capacity);
}

export class ChannelQueue<P extends QueuePiece> {
  private items: P[] = [];
  private head = 0;
  private events = 0;
  private readonly slice: SlicePiece<P>;
  private readonly isRunning: () => boolean;
  private readonly dataWaiters = new Set<Waiter>();
  private readonly spaceWaiters = new Set<Waiter>();

  constructor(slice: SlicePiece<P>, isRunning: () => boolean) {
    this.slice = slice;
    this.isRunning = isRunning;
  }

  /** Events queued (committed, not taken). */
  get size(): number {
    return this.events;
  }

  /** Number of queued pieces; `at(i)` for i in [0, length) reads them from the head. */
  get length(): number {
    return this.items.length - this.head;
  }

  at(i: number): P {
    return this.items[this.head + i]!;
  }

  /** Appends a committed piece at the tail (no wake: the owner wakes takers when it is visible). */
  push(piece: P): void {
    this.items.push(piece);
    this.events += piece.count;
  }

  /** Forgets every queued piece (the owner rebuilds its state elsewhere). */
  clear(): void {
    this.items = [];
    this.head = 0;
    this.events = 0;
  }

  /** Removes up to `max` events from the head; returns the pieces in order. */
  dequeue(max: number): P[] {
    const pieces: P[] = [];
    let want = max;
    while (want > 0 && this.head < this.items.length) {
      const p = this.items[this.head]!;
      if (p.count <= want) {
        pieces.push(p);
        want -= p.count;
        this.items[this.head] = undefined as unknown as P;
        this.head++;
      } else {
        pieces.push(this.slice(p, 0, want));
        this.items[this.head] = this.slice(p, want, p.count);
        want = 0;
      }
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.events -= max - want;
    return pieces;
  }

  /** Puts taken pieces (holding `events` events) back at the head, in their original order. */
  requeue(pieces: readonly P[], events: number): void {
    if (pieces.length === 0) return;
    if (this.head >= pieces.length) {
      this.head -= pieces.length;
      for (let i = 0; i < pieces.length; i++) this.items[this.head + i] = pieces[i]!;
    } else {
      this.items = [...pieces, ...this.items.slice(this.head)];
      this.head = 0;
    }
    this.events += events;
  }

  // ---- keep-alive waits ----

  /** Resolves when the set is woken, after `timeoutMs`, or on abort (whichever is first). */
  waitFor(set: WaitSet, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const waiters = set === 'data' ? this.dataWaiters : this.spaceWaiters;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Waits until `ready()` or the deadline (or the owner stops); returns ready(). */
  async waitUntil(set: WaitSet, ready: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      const left = deadline - Date.now();
      if (left <= 0 || !this.isRunning()) return ready();
      await this.waitFor(set, left);
    }
    return true;
  }

  /** Channel.waitForData: true at once when events are queued, else after a wake or the timeout. */
  async waitForData(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.events > 0) return true;
    await this.waitFor('data', timeoutMs, signal);
    return this.events > 0;
  }

  wake(set: WaitSet): void {
    for (const w of [...(set === 'data' ? this.dataWaiters : this.spaceWaiters)]) w();
  }
}
