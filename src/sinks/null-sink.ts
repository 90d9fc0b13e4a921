/**
 * `null` sink (org.apache.flume.sink.NullSink): takes up to `batchSize` (default 100,
 * > 0) events per transaction and discards them. `logEveryNEvents` (default 10000, > 0)
 * logs the running total at INFO every N events, as Flume does. Counts drained events in
 * the Flume sink counters (EventDrainSuccessCount), unlike Flume, which has no
 * /metrics entry for it.
 */
import type { ComponentContext, SinkFactory } from '../agent/component.js';
import { ChannelSink } from '../agent/channel-sink.js';
import type { EventBatch } from '../agent/event-batch.js';

export class NullSink extends ChannelSink {
  readonly logEveryNEvents: number;
  private total = 0;

  constructor(ctx: ComponentContext) {
    super(ctx, { batchSize: ctx.props.getInt('batchSize', 100, { min: 1 }) });
    this.logEveryNEvents = ctx.props.getInt('logEveryNEvents', 10_000, { min: 1 });
  }

  /** Events discarded since start. */
  get eventsDiscarded(): number {
    return this.total;
  }

  protected override async deliver(batch: EventBatch): Promise<void> {
    const before = this.total;
    this.total += batch.count;
    if (Math.floor(this.total / this.logEveryNEvents) > Math.floor(before / this.logEveryNEvents)) {
      this.logger.info(`Null sink ${this.name} successful processed ${this.total} events.`);
    }
  }
}

export const nullSinkFactory: SinkFactory = {
  kind: 'sink',
  aliases: ['null'],
  classNames: ['org.apache.flume.sink.NullSink'],
  create: (ctx) => new NullSink(ctx),
};
