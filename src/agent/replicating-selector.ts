/**
 * Replicating channel selector (Flume's default): every event goes to every channel of
 * the source. `selector.optional = c2 c3` names channels whose failures are only logged.
 * Names in `optional` that are not among the source's channels are ignored, as in Flume.
 * One route per batch: the batch itself, no copy.
 */
import type { Channel } from './component.js';
import type { ChannelSelector, ChannelSelectorFactory, Route, SelectorContext } from './channel-selector.js';
import type { EventBatch } from './event-batch.js';

export class ReplicatingSelector implements ChannelSelector {
  readonly channels: readonly Channel[];
  private readonly required: readonly Channel[];
  private readonly optional: readonly Channel[];

  constructor(ctx: SelectorContext) {
    this.channels = ctx.channels;
    const optionalNames = new Set(ctx.props.getList('optional'));
    this.optional = ctx.channels.filter((c) => optionalNames.has(c.name));
    this.required = ctx.channels.filter((c) => !optionalNames.has(c.name));
  }

  select(batch: EventBatch): Route[] {
    return [{ batch, required: this.required, optional: this.optional }];
  }
}

export const replicatingSelectorFactory: ChannelSelectorFactory = {
  kind: 'selector',
  aliases: ['replicating'],
  classNames: ['org.apache.flume.channel.ReplicatingChannelSelector'],
  create: (ctx) => new ReplicatingSelector(ctx),
};
