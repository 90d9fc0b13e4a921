/**
 * Channel selector contract (Flume's ChannelSelector, batch-shaped).
 *
 * A selector is built once per source from `<agent>.sources.<src>.selector.*` and the
 * source's channel list. `select(batch)` partitions the batch into routes: each route is
 * a sub-batch plus the channels it must reach (`required`, committed in order, a failure
 * rejects the send) and may reach (`optional`, best effort). Routes never overlap in
 * events and keep the events' relative order. Selectors are immutable after create().
 */
import type { Channel } from './component.js';
import type { ComponentProps } from './component-props.js';
import type { EventBatch } from './event-batch.js';
import type { Logger } from '../logger.js';

export interface Route {
  readonly batch: EventBatch;
  readonly required: readonly Channel[];
  readonly optional: readonly Channel[];
}

export interface ChannelSelector {
  /** All channels this selector may write to, in the source's configured order. */
  readonly channels: readonly Channel[];
  select(batch: EventBatch): Route[];
}

export interface SelectorContext {
  /** e.g. `a1.sources.r1.selector`, for messages. */
  readonly label: string;
  /** The `selector.*` keys with the prefix removed (`type` included). */
  readonly props: ComponentProps;
  /** The source's active channels, in the order of its `channels` list. */
  readonly channels: readonly Channel[];
  readonly logger: Logger;
}

export interface ChannelSelectorFactory {
  readonly kind: 'selector';
  readonly aliases: readonly string[];
  readonly classNames: readonly string[];
  create(ctx: SelectorContext): ChannelSelector;
}
