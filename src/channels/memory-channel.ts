/**
 * Memory channel (Flume's MemoryChannel), batch-shaped.
 *
 * Properties (Flume's names and defaults):
 *   capacity 100 (≤0 or not a number → WARN and the default), transactionCapacity 100
 *   (must be ≤ capacity, else ConfigError: the channel is removed), keep-alive 3 (seconds:
 *   how long a put commit waits for space and a take waits for events), byteCapacity
 *   (bytes; default 80% of the V8 heap limit, as Flume uses 80% of the JVM heap; 0 means
 *   unlimited), byteCapacityBufferPercentage 20. Bodies only are counted, in 100-byte slots
 *   rounded up (Flume rounds down, which lets sub-100-byte bodies through uncounted).
 *
 * Data structure: a FIFO of committed EventBatches (not events); a take slices the head
 * batch, so bodies are never copied unless one take spans several queued batches (then
 * EventBatch.concat copies once). Taken events stay counted against capacity and bytes
 * until the take commits; a take rollback puts them back at the head, in order.
 *
 * Accounting invariants: 0 ≤ queued ≤ occupied ≤ capacity; occupied = queued + events
 * taken by open transactions; bytesUsed likewise in slots. Everything is mutated only
 * by this module, on the event loop (single-threaded: no locks; waiters are promises).
 *
 * Errors (Flume's texts): a put beyond transactionCapacity → TransactionCapacityError
 * "Put queue for MemoryTransaction of capacity N full, …"; no space within keep-alive →
 * ChannelFullError "Space for commit to queue couldn't be acquired. …" or "Cannot commit
 * transaction. Byte capacity allocated to store event body … reached. …".
 * stop() keeps the events (a reload that reuses the channel keeps them) and wakes waiters.
 */
import { getHeapStatistics } from 'node:v8';
import type { Channel, ChannelFactory, ChannelTransaction, ComponentContext } from '../agent/component.js';
import { EventBatch } from '../agent/event-batch.js';
import type { CounterGroup } from '../agent/metrics.js';
import type { Logger } from '../logger.js';
import { ChannelError, ChannelFullError, TransactionCapacityError } from './channel-errors.js';

export const BYTE_SLOT_SIZE = 100;

export interface MemoryChannelOptions {
  readonly capacity: number;
  readonly transactionCapacity: number;
  readonly keepAliveMs: number;
  /** Byte capacity in 100-byte slots after the buffer percentage; 0 = unlimited. */
  readonly byteCapacitySlots: number;
}

/** Parses Flume's memory channel properties from a context (see the header). */
export function memoryChannelOptions(ctx: Pick<ComponentContext, 'props' | 'logger' | 'configWarning'>): MemoryChannelOptions {
  const p = ctx.props;
  const positive = (key: string, fallback: number): number => {
    const raw = p.getString(key);
    if (raw === undefined) return fallback;
    const n = Number(raw.trim());
    if (!/^[+-]?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n <= 0) {
      const msg = `${p.label}.${key}: invalid value "${raw}" (expected a positive integer), using the default ${fallback}`;
      if (ctx.configWarning) ctx.configWarning(key, msg);
      else {
        const loc = p.located(key);
        ctx.logger.warn({ file: loc?.file, line: loc?.line, key }, msg);
      }
      return fallback;
    }
    return n;
  };
  const capacity = positive('capacity', 100);
  const transactionCapacity = positive('transactionCapacity', 100);
  if (transactionCapacity > capacity) {
    throw p.invalid('transactionCapacity', undefined, `at most capacity (${capacity}): Transaction Capacity of Memory Channel cannot be higher than the capacity`);
  }
  const keepAliveMs = p.getInt('keep-alive', 3, { min: 0 }) * 1000;
  const bufferPct = p.getInt('byteCapacityBufferPercentage', 20, { min: 0, max: 100 });
  const defaultBytes = Math.floor(getHeapStatistics().heap_size_limit * 0.8);
  const byteCapacity = p.getInt('byteCapacity', defaultBytes, { min: 0 });
  let slots = Math.floor((byteCapacity * (1 - bufferPct / 100)) / BYTE_SLOT_SIZE);
  if (byteCapacity === 0 || slots < 1) slots = 0;
  return { capacity, transactionCapacity, keepAliveMs, byteCapacitySlots: slots };
}

/** Body bytes of a batch in 100-byte slots (rounded up per event). */
function slotsOf(batch: EventBatch): number {
  let slots = 0;
  const { starts, ends } = batch;
  for (let i = 0; i < starts.length; i++) slots += Math.ceil((ends[i]! - starts[i]!) / BYTE_SLOT_SIZE);
  return slots;
}

type Waiter = () => void;

export class MemoryChannel implements Channel {
  readonly name: string;
  /** The settings below change only through reconfigure() (a reload). */
  capacity: number;
  transactionCapacity: number;
  keepAliveMs: number;
  byteCapacitySlots: number;
  readonly counters: CounterGroup;
  private readonly logger: Logger | undefined;

  private queue: EventBatch[] = [];
  private head = 0;
  private queued = 0;
  private occupied = 0;
  private bytesUsed = 0;
  private running = false;
  private readonly dataWaiters = new Set<Waiter>();
  private readonly spaceWaiters = new Set<Waiter>();

  constructor(name: string, options: MemoryChannelOptions, counters: CounterGroup, logger?: Logger) {
    this.name = name;
    this.capacity = options.capacity;
    this.transactionCapacity = options.transactionCapacity;
    this.keepAliveMs = options.keepAliveMs;
    this.byteCapacitySlots = options.byteCapacitySlots;
    this.counters = counters;
    this.logger = logger;
  }

  async start(): Promise<void> {
    this.counters.start();
    this.counters.set('ChannelCapacity', this.capacity);
    this.running = true;
    this.updateSize();
    this.logger?.debug({ size: this.queued }, 'memory channel started');
  }

  async stop(): Promise<void> {
    this.running = false;
    this.counters.stop();
    this.wake(this.dataWaiters);
    this.wake(this.spaceWaiters);
  }

  size(): number {
    return this.queued;
  }

  /** Reload: new capacities apply; events already queued stay (even above a smaller capacity). */
  reconfigure(ctx: ComponentContext): void {
    const o = memoryChannelOptions(ctx);
    this.capacity = o.capacity;
    this.transactionCapacity = o.transactionCapacity;
    this.keepAliveMs = o.keepAliveMs;
    this.byteCapacitySlots = o.byteCapacitySlots;
  }

  /** Events counted against capacity: queued plus taken by open transactions. */
  occupancy(): number {
    return this.occupied;
  }

  begin(): ChannelTransaction {
    return new MemoryTransaction(this);
  }

  async waitForData(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.queued > 0) return true;
    await this.waitOn(this.dataWaiters, timeoutMs, signal);
    return this.queued > 0;
  }

  // ---- internals used by MemoryTransaction (same module) ----

  /** Waits until `ready()` or the deadline; returns ready(). */
  async waitUntil(set: 'data' | 'space', ready: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const waiters = set === 'data' ? this.dataWaiters : this.spaceWaiters;
    while (!ready()) {
      const left = deadline - Date.now();
      if (left <= 0 || !this.running) return ready();
      await this.waitOn(waiters, left);
    }
    return true;
  }

  private waitOn(waiters: Set<Waiter>, timeoutMs: number, signal?: AbortSignal): Promise<void> {
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

  private wake(waiters: Set<Waiter>): void {
    for (const w of [...waiters]) w();
  }

  hasSpaceFor(events: number, slots: number): boolean {
    return this.capacity - this.occupied >= events && (this.byteCapacitySlots === 0 || this.byteCapacitySlots - this.bytesUsed >= slots);
  }

  hasBytesFor(slots: number): boolean {
    return this.byteCapacitySlots === 0 || this.byteCapacitySlots - this.bytesUsed >= slots;
  }

  enqueue(batches: readonly EventBatch[], events: number, slots: number): void {
    for (const b of batches) this.queue.push(b);
    this.queued += events;
    this.occupied += events;
    this.bytesUsed += slots;
    this.counters.increment('EventPutSuccessCount', events);
    this.updateSize();
    this.wake(this.dataWaiters);
  }

  /** Removes up to `max` events from the head; returns the pieces in order. */
  dequeue(max: number): EventBatch[] {
    const pieces: EventBatch[] = [];
    let want = max;
    while (want > 0 && this.head < this.queue.length) {
      const b = this.queue[this.head]!;
      if (b.count <= want) {
        pieces.push(b);
        want -= b.count;
        this.queue[this.head] = undefined as unknown as EventBatch;
        this.head++;
      } else {
        pieces.push(b.slice(0, want));
        this.queue[this.head] = b.slice(want, b.count);
        want = 0;
      }
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.queued -= max - want;
    this.updateSize();
    return pieces;
  }

  /** Puts taken pieces back at the head, in their original order. */
  requeue(pieces: readonly EventBatch[], events: number): void {
    if (pieces.length === 0) return;
    if (this.head >= pieces.length) {
      this.head -= pieces.length;
      for (let i = 0; i < pieces.length; i++) this.queue[this.head + i] = pieces[i]!;
    } else {
      this.queue = [...pieces, ...this.queue.slice(this.head)];
      this.head = 0;
    }
    this.queued += events;
    this.updateSize();
    this.wake(this.dataWaiters);
  }

  release(events: number, slots: number): void {
    this.occupied -= events;
    this.bytesUsed -= slots;
    this.counters.increment('EventTakeSuccessCount', events);
    this.wake(this.spaceWaiters);
  }

  get isRunning(): boolean {
    return this.running;
  }

  private updateSize(): void {
    this.counters.set('ChannelSize', this.queued);
    this.counters.set('ChannelFillPercentage', this.capacity === 0 ? Number.MAX_VALUE : (this.queued * 100) / this.capacity);
  }
}

type TxState = 'open' | 'committed' | 'rolledBack';

class MemoryTransaction implements ChannelTransaction {
  private readonly ch: MemoryChannel;
  private state: TxState = 'open';
  private readonly puts: EventBatch[] = [];
  private putEvents = 0;
  private putSlots = 0;
  private takes: EventBatch[] = [];
  private takeEvents = 0;
  private takeSlots = 0;

  constructor(ch: MemoryChannel) {
    this.ch = ch;
  }

  private checkOpen(op: string): void {
    if (this.state !== 'open') throw new ChannelError(this.ch.name, `${op}() on a transaction that is already ${this.state === 'committed' ? 'committed' : 'rolled back'}`);
  }

  put(batch: EventBatch): void {
    this.checkOpen('put');
    const ch = this.ch;
    ch.counters.increment('EventPutAttemptCount', batch.count);
    if (this.putEvents + batch.count > ch.transactionCapacity) {
      throw new TransactionCapacityError(
        ch.name,
        `Put queue for MemoryTransaction of capacity ${ch.transactionCapacity} full, consider committing more frequently, increasing capacity or increasing thread count`,
      );
    }
    if (batch.count === 0) return;
    this.puts.push(batch);
    this.putEvents += batch.count;
    if (ch.byteCapacitySlots !== 0) this.putSlots += slotsOf(batch);
  }

  async take(maxEvents: number): Promise<EventBatch | null> {
    this.checkOpen('take');
    const ch = this.ch;
    const allowed = Math.min(maxEvents, ch.transactionCapacity - this.takeEvents);
    if (allowed <= 0) {
      ch.counters.increment('EventTakeAttemptCount');
      throw new TransactionCapacityError(
        ch.name,
        `Take list for MemoryTransaction, capacity ${ch.transactionCapacity} full, consider committing more frequently, increasing capacity, or increasing thread count`,
      );
    }
    if (ch.size() === 0) await ch.waitUntil('data', () => ch.size() > 0, ch.keepAliveMs);
    if (this.state !== 'open') return null;
    const pieces = ch.dequeue(allowed);
    if (pieces.length === 0) {
      ch.counters.increment('EventTakeAttemptCount');
      return null;
    }
    const batch = pieces.length === 1 ? pieces[0]! : EventBatch.concat(pieces);
    ch.counters.increment('EventTakeAttemptCount', batch.count);
    this.takes.push(...pieces);
    this.takeEvents += batch.count;
    if (ch.byteCapacitySlots !== 0) this.takeSlots += slotsOf(batch);
    return batch;
  }

  async commit(): Promise<void> {
    this.checkOpen('commit');
    const ch = this.ch;
    // Takes first: they free space a put in the same transaction may need.
    if (this.takeEvents > 0) {
      ch.release(this.takeEvents, this.takeSlots);
      this.takes = [];
      this.takeEvents = 0;
      this.takeSlots = 0;
    }
    if (this.putEvents > 0) {
      const events = this.putEvents;
      const slots = this.putSlots;
      const ok = await ch.waitUntil('space', () => ch.hasSpaceFor(events, slots), ch.keepAliveMs);
      if (!ok) {
        this.state = 'rolledBack';
        if (!ch.hasBytesFor(slots)) {
          throw new ChannelFullError(
            ch.name,
            `Cannot commit transaction. Byte capacity allocated to store event body ${ch.byteCapacitySlots * 100} reached. Please increase heap space/byte capacity allocated to the channel as the sinks may not be keeping up with the sources`,
          );
        }
        throw new ChannelFullError(
          ch.name,
          "Space for commit to queue couldn't be acquired. Sinks are likely not keeping up with sources, or the buffer size is too tight",
        );
      }
      ch.enqueue(this.puts, events, slots);
    }
    this.state = 'committed';
  }

  async rollback(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'rolledBack';
    if (this.takeEvents > 0) this.ch.requeue(this.takes, this.takeEvents);
    this.takes = [];
    this.takeEvents = 0;
    this.takeSlots = 0;
    this.puts.length = 0;
    this.putEvents = 0;
  }
}

export const memoryChannelFactory: ChannelFactory = {
  kind: 'channel',
  aliases: ['memory'],
  classNames: ['org.apache.flume.channel.MemoryChannel'],
  create: (ctx) => new MemoryChannel(ctx.name, memoryChannelOptions(ctx), ctx.metrics, ctx.logger),
};
