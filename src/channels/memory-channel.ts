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
 * EventBatch.concat copies once). The FIFO and keep-alive waits are channel-queue.ts;
 * the put/take lists, capacity checks and rollback are channel-transaction.ts. Taken
 * events stay counted against capacity and bytes until the take commits; a take
 * rollback puts them back at the head, in order.
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
import type { EventBatch } from '../agent/event-batch.js';
import type { CounterGroup } from '../agent/metrics.js';
import type { Logger } from '../logger.js';
import { ChannelFullError } from './channel-errors.js';
import { ChannelQueue, setSizeGauges, type WaitSet } from './channel-queue.js';
import { BaseChannelTransaction, type TransactionChannel } from './channel-transaction.js';

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

export class MemoryChannel implements Channel, TransactionChannel<EventBatch> {
  readonly name: string;
  /** The settings below change only through reconfigure() (a reload). */
  capacity: number;
  transactionCapacity: number;
  keepAliveMs: number;
  byteCapacitySlots: number;
  readonly counters: CounterGroup;
  private readonly logger: Logger | undefined;

  private readonly queue = new ChannelQueue<EventBatch>((b, from, to) => b.slice(from, to), () => this.running);
  private occupied = 0;
  private bytesUsed = 0;
  private running = false;

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
    this.logger?.debug({ size: this.queue.size }, 'memory channel started');
  }

  async stop(): Promise<void> {
    this.running = false;
    this.counters.stop();
    this.queue.wake('data');
    this.queue.wake('space');
  }

  size(): number {
    return this.queue.size;
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

  waitForData(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return this.queue.waitForData(timeoutMs, signal);
  }

  // ---- internals used by MemoryTransaction (same module) ----

  /** Waits until `ready()` or the deadline; returns ready(). */
  waitUntil(set: WaitSet, ready: () => boolean, timeoutMs: number): Promise<boolean> {
    return this.queue.waitUntil(set, ready, timeoutMs);
  }

  hasSpaceFor(events: number, slots: number): boolean {
    return this.capacity - this.occupied >= events && (this.byteCapacitySlots === 0 || this.byteCapacitySlots - this.bytesUsed >= slots);
  }

  hasBytesFor(slots: number): boolean {
    return this.byteCapacitySlots === 0 || this.byteCapacitySlots - this.bytesUsed >= slots;
  }

  enqueue(batches: readonly EventBatch[], events: number, slots: number): void {
    for (const b of batches) this.queue.push(b);
    this.occupied += events;
    this.bytesUsed += slots;
    this.counters.increment('EventPutSuccessCount', events);
    this.updateSize();
    this.queue.wake('data');
  }

  /** Removes up to `max` events from the head; returns the pieces in order. */
  dequeue(max: number): EventBatch[] {
    const pieces = this.queue.dequeue(max);
    this.updateSize();
    return pieces;
  }

  /** Puts taken pieces back at the head, in their original order. */
  requeue(pieces: readonly EventBatch[], events: number): void {
    if (pieces.length === 0) return;
    this.queue.requeue(pieces, events);
    this.updateSize();
    this.queue.wake('data');
  }

  release(events: number, slots: number): void {
    this.occupied -= events;
    this.bytesUsed -= slots;
    this.counters.increment('EventTakeSuccessCount', events);
    this.queue.wake('space');
  }

  get isRunning(): boolean {
    return this.running;
  }

  private updateSize(): void {
    setSizeGauges(this.counters, this.queue.size, this.capacity);
  }
}

class MemoryTransaction extends BaseChannelTransaction<EventBatch, MemoryChannel> {
  private putSlots = 0;
  private takeSlots = 0;

  constructor(ch: MemoryChannel) {
    super(ch, 'MemoryTransaction', false);
  }

  protected bodyOf(piece: EventBatch): EventBatch {
    return piece;
  }

  protected override staged(batch: EventBatch): void {
    if (this.ch.byteCapacitySlots !== 0) this.putSlots += slotsOf(batch);
  }

  protected override took(batch: EventBatch): void {
    if (this.ch.byteCapacitySlots !== 0) this.takeSlots += slotsOf(batch);
  }

  protected override clearTakes(): void {
    super.clearTakes();
    this.takeSlots = 0;
  }

  async commit(): Promise<void> {
    this.checkOpen('commit');
    const ch = this.ch;
    // Takes first: they free space a put in the same transaction may need.
    if (this.takeEvents > 0) {
      ch.release(this.takeEvents, this.takeSlots);
      this.clearTakes();
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
}

export const memoryChannelFactory: ChannelFactory = {
  kind: 'channel',
  aliases: ['memory'],
  classNames: ['org.apache.flume.channel.MemoryChannel'],
  create: (ctx) => new MemoryChannel(ctx.name, memoryChannelOptions(ctx), ctx.metrics, ctx.logger),
};
