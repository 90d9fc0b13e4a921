/**
 * ChannelSink: the reusable base class for sinks that drain one channel in batches.
 *
 * process() = begin → take(batchSize) → deliver(batch) → commit. On an empty channel it
 * commits the empty transaction and returns 'BACKOFF'. When deliver() (or the take, or the
 * commit) fails it rolls the transaction back — the events stay in the channel, at least
 * once — and throws EventDeliveryError; SinkRunner logs it and backs off. It maintains
 * Flume's sink counters: BatchEmptyCount, BatchUnderflowCount, BatchCompleteCount,
 * EventDrainAttemptCount, EventDrainSuccessCount, EventWriteFail, ChannelReadFail.
 *
 * Concurrency: process() is called by exactly one SinkRunner at a time; a subclass may
 * assume deliver() calls never overlap. The batch handed to deliver() must not be kept
 * after the returned promise settles (it may be a view of the channel's buffers).
 *
 * Example (a sink that counts bytes):
 *
 *   class ByteCountSink extends ChannelSink {
 *     bytes = 0;
 *     constructor(ctx: ComponentContext) {
 *       super(ctx, { batchSize: ctx.props.getInt('batchSize', 100, { min: 1 }) });
 *     }
 *     protected override async deliver(batch: EventBatch): Promise<void> {
 *       this.bytes += batch.byteLength;
 *     }
 *   }
 *   export const byteCountSinkFactory: SinkFactory = {
 *     kind: 'sink', aliases: ['bytecount'], classNames: [],
 *     create: (ctx) => new ByteCountSink(ctx),
 *   };
 *
 * Override onStart()/onStop() for connections or files; they run inside start()/stop().
 */
import type { Channel, ComponentContext, Sink, SinkStatus } from './component.js';
import type { EventBatch } from './event-batch.js';
import type { CounterGroup } from './metrics.js';
import type { Logger } from '../logger.js';
import { EventDeliveryError } from './delivery-errors.js';
import { SluiceError, describeError } from '../errors.js';

export interface ChannelSinkOptions {
  /** Events taken per transaction (Flume's batchSize / flumeBatchSize / sink.batchSize). */
  readonly batchSize: number;
}

export abstract class ChannelSink implements Sink {
  readonly name: string;
  readonly batchSize: number;
  protected readonly ctx: ComponentContext;
  protected readonly counters: CounterGroup;
  protected readonly logger: Logger;
  private channelRef: Channel | undefined;

  constructor(ctx: ComponentContext, options: ChannelSinkOptions) {
    this.ctx = ctx;
    this.name = ctx.name;
    this.batchSize = options.batchSize;
    this.counters = ctx.metrics;
    this.logger = ctx.logger;
  }

  setChannel(channel: Channel): void {
    this.channelRef = channel;
  }

  /** The channel this sink drains; throws if the topology has not wired it yet. */
  protected get channel(): Channel {
    if (!this.channelRef) throw new SluiceError('SINK_NOT_WIRED', `sink ${this.name}: no channel set`);
    return this.channelRef;
  }

  /** Writes one batch to the destination; resolves once the destination acknowledged it. */
  protected abstract deliver(batch: EventBatch): Promise<void>;

  protected async onStart(): Promise<void> {}
  protected async onStop(): Promise<void> {}

  async start(): Promise<void> {
    this.counters.start();
    await this.onStart();
  }

  async stop(): Promise<void> {
    try {
      await this.onStop();
    } finally {
      this.counters.stop();
    }
  }

  async process(): Promise<SinkStatus> {
    const channel = this.channel;
    // A channel that can signal data lets the runner sleep until events arrive, instead of
    // parking in take() for keep-alive (which would also delay stop()).
    if (channel.waitForData !== undefined && channel.size() === 0) {
      this.counters.increment('BatchEmptyCount');
      return 'BACKOFF';
    }
    const tx = channel.begin();
    let batch: EventBatch | null;
    try {
      batch = await tx.take(this.batchSize);
    } catch (err) {
      this.counters.increment('ChannelReadFail');
      await this.safeRollback(tx);
      throw new EventDeliveryError(this.name, err);
    }
    if (batch === null || batch.count === 0) {
      this.counters.increment('BatchEmptyCount');
      await tx.commit();
      return 'BACKOFF';
    }
    const n = batch.count;
    this.counters.increment(n < this.batchSize ? 'BatchUnderflowCount' : 'BatchCompleteCount');
    this.counters.increment('EventDrainAttemptCount', n);
    try {
      await this.deliver(batch);
    } catch (err) {
      this.counters.increment('EventWriteFail');
      await this.safeRollback(tx);
      throw err instanceof EventDeliveryError ? err : new EventDeliveryError(this.name, err);
    }
    try {
      await tx.commit();
    } catch (err) {
      // Delivered but not committed: the events stay in the channel and will be delivered again.
      this.counters.increment('ChannelReadFail');
      await this.safeRollback(tx);
      throw new EventDeliveryError(this.name, err);
    }
    this.counters.increment('EventDrainSuccessCount', n);
    return 'READY';
  }

  private async safeRollback(tx: { rollback(): Promise<void> }): Promise<void> {
    try {
      await tx.rollback();
    } catch (err) {
      this.logger.error({ err: describeError(err) }, 'rollback failed');
    }
  }
}
