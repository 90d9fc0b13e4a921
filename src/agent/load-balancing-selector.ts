/**
 * Load-balancing channel selector (Flume 1.10+ LoadBalancingChannelSelector): each batch
 * goes to ONE of the source's channels, chosen by `selector.policy` round_robin (default)
 * or random. Flume picks per event; Sluice picks per batch, which keeps a batch in one
 * put transaction (the unit of work) and balances the same over many batches.
 * The chosen channel is required (a failure rejects the send); there are no optional ones.
 * The round-robin cursor is the only mutable state, owned by the selector.
 */
import type { Channel } from './component.js';
import type { ChannelSelector, ChannelSelectorFactory, Route, SelectorContext } from './channel-selector.js';
import type { EventBatch } from './event-batch.js';

export class LoadBalancingSelector implements ChannelSelector {
  readonly channels: readonly Channel[];
  readonly policy: 'round_robin' | 'random';
  private next = 0;

  constructor(ctx: SelectorContext) {
    this.channels = ctx.channels;
    const policy = ctx.props.getString('policy', 'round_robin').trim().toLowerCase();
    if (policy !== 'round_robin' && policy !== 'random') throw ctx.props.invalid('policy', undefined, 'round_robin or random');
    this.policy = policy;
  }

  select(batch: EventBatch): Route[] {
    const i = this.policy === 'random' ? Math.floor(Math.random() * this.channels.length) : this.next++ % this.channels.length;
    return [{ batch, required: [this.channels[i]!], optional: [] }];
  }
}

export const loadBalancingSelectorFactory: ChannelSelectorFactory = {
  kind: 'selector',
  aliases: ['load_balancing'],
  classNames: ['org.apache.flume.channel.LoadBalancingChannelSelector'],
  create: (ctx) => new LoadBalancingSelector(ctx),
};
