/**
 * ChannelProcessor: the SourceOutput every source writes to (Flume's ChannelProcessor,
 * processEventBatch).
 *
 * send(batch): run the interceptor chain (each returns a new, possibly smaller batch; an
 * empty result ends the send), ask the selector for routes, then:
 * - required channels, in the source's channel order: one put transaction per channel
 *   holding every event routed to it; commits are sequential and not atomic across
 *   channels (as Flume: if c2 fails after c1 committed, a retry duplicates into c1). The
 *   first failure rolls that transaction back and rejects send() with the channel's error
 *   (ChannelFullError is retriable: the source backs off and retries);
 * - optional channels afterwards, best effort: failures are logged, never propagated.
 * Stateless between sends apart from its configuration; concurrent sends are allowed
 * (each uses its own transactions).
 */
import type { Channel, Interceptor, SourceOutput } from './component.js';
import type { ChannelSelector, Route } from './channel-selector.js';
import type { EventBatch } from './event-batch.js';
import type { Logger } from '../logger.js';
import { describeError } from '../errors.js';

export class ChannelProcessor implements SourceOutput {
  readonly interceptors: readonly Interceptor[];
  readonly selector: ChannelSelector;
  private readonly logger: Logger;

  constructor(selector: ChannelSelector, interceptors: readonly Interceptor[], logger: Logger) {
    this.selector = selector;
    this.interceptors = interceptors;
    this.logger = logger;
  }

  async send(input: EventBatch): Promise<void> {
    let batch = input;
    for (const i of this.interceptors) {
      batch = i.intercept(batch);
      if (batch.count === 0) return;
    }
    if (batch.count === 0) return;
    const routes = this.selector.select(batch);
    const required = collect(routes, 'required', this.selector.channels);
    for (const [channel, pieces] of required) await putAll(channel, pieces);
    const optional = collect(routes, 'optional', this.selector.channels);
    for (const [channel, pieces] of optional) {
      try {
        await putAll(channel, pieces);
      } catch (err) {
        this.logger.warn({ channel: channel.name, err: describeError(err) }, 'Unable to put batch on optional channel');
      }
    }
  }

  close(): void {
    for (const i of this.interceptors) {
      try {
        i.close?.();
      } catch (err) {
        this.logger.warn({ err: describeError(err) }, 'interceptor close failed');
      }
    }
  }
}

/** Channel → the route batches it receives, in the selector's channel order. */
function collect(routes: readonly Route[], which: 'required' | 'optional', order: readonly Channel[]): Map<Channel, EventBatch[]> {
  const byChannel = new Map<Channel, EventBatch[]>();
  if (routes.length === 1) {
    const r = routes[0]!;
    for (const c of r[which]) byChannel.set(c, [r.batch]);
    return byChannel;
  }
  for (const c of order) {
    for (const r of routes) {
      if (r.batch.count > 0 && r[which].includes(c)) {
        let list = byChannel.get(c);
        if (!list) byChannel.set(c, (list = []));
        list.push(r.batch);
      }
    }
  }
  return byChannel;
}

async function putAll(channel: Channel, pieces: readonly EventBatch[]): Promise<void> {
  const tx = channel.begin();
  try {
    for (const p of pieces) tx.put(p);
    await tx.commit();
  } catch (err) {
    await tx.rollback().catch(() => undefined);
    throw err;
  }
}
