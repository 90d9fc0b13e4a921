/**
 * Multiplexing channel selector (Flume's MultiplexingChannelSelector).
 *
 * Keys (under `selector.`): `header` (default `flume.selector.header`), `mapping.<value>`
 * = required channels for that header value, `default` = required channels when the
 * header is missing, blank or unmapped, `optional.<value>` = optional channels for that
 * value (a channel both required and optional for a value counts as required).
 * A mapping naming a channel the source does not write to, or an empty mapping, is a
 * ConfigError (the source is removed), as in Flume.
 *
 * select() groups events by header value without a closure per event: one pass assigns
 * each event a route index, a second pass builds one sub-batch per route (shared buffer).
 * When the batch has no per-event headers every event shares one value: one route.
 */
import type { Channel } from './component.js';
import type { ChannelSelector, ChannelSelectorFactory, Route, SelectorContext } from './channel-selector.js';
import type { EventBatch } from './event-batch.js';
import { pickEvents } from './batch-pick.js';
import { ConfigError } from '../errors.js';

interface Target {
  readonly required: readonly Channel[];
  readonly optional: readonly Channel[];
}

export class MultiplexingSelector implements ChannelSelector {
  readonly channels: readonly Channel[];
  readonly header: string;
  private readonly mapping = new Map<string, Target>();
  private readonly defaultTarget: Target;

  constructor(ctx: SelectorContext) {
    this.channels = ctx.channels;
    const byName = new Map(ctx.channels.map((c) => [c.name, c] as const));
    const p = ctx.props;
    this.header = p.getString('header', 'flume.selector.header');
    const resolve = (key: string): Channel[] => {
      const names = p.getList(key);
      const loc = p.located(key);
      if (names.length === 0) {
        throw new ConfigError('CONFIG_SELECTOR_EMPTY_MAPPING', `${ctx.label}.${key}: no channels listed`, loc ? { file: loc.file, line: loc.line, key } : { key });
      }
      return names.map((n) => {
        const c = byName.get(n);
        if (!c) {
          throw new ConfigError(
            'CONFIG_SELECTOR_UNKNOWN_CHANNEL',
            `${ctx.label}.${key}: channel "${n}" is not one of the source's channels (${[...byName.keys()].join(' ')})`,
            loc ? { file: loc.file, line: loc.line, key } : { key },
          );
        }
        return c;
      });
    };
    const required = new Map<string, Channel[]>();
    const optional = new Map<string, Channel[]>();
    for (const key of p.keys()) {
      if (key.startsWith('mapping.')) required.set(key.slice('mapping.'.length), resolve(key));
      else if (key.startsWith('optional.')) optional.set(key.slice('optional.'.length), resolve(key));
    }
    const defaults = p.has('default') ? resolve('default') : [];
    for (const v of new Set([...required.keys(), ...optional.keys()])) {
      const req = required.get(v) ?? defaults;
      const opt = (optional.get(v) ?? []).filter((c) => !req.includes(c));
      this.mapping.set(v, { required: req, optional: opt });
    }
    this.defaultTarget = { required: defaults, optional: [] };
  }

  private targetFor(value: string | undefined): Target {
    if (value === undefined || value.trim() === '') return this.defaultTarget;
    return this.mapping.get(value) ?? this.defaultTarget;
  }

  select(batch: EventBatch): Route[] {
    if (!batch.eventHeaders) {
      return [{ batch, ...this.targetFor(batch.sharedHeaders[this.header]) }];
    }
    const n = batch.count;
    const routeOf = new Uint16Array(n);
    const targets: Target[] = [];
    const counts: number[] = [];
    const shared = batch.sharedHeaders[this.header];
    for (let i = 0; i < n; i++) {
      const own = batch.eventHeaders[i];
      const value = own !== undefined && this.header in own ? own[this.header] : shared;
      const t = this.targetFor(value);
      let r = targets.indexOf(t);
      if (r < 0) {
        r = targets.length;
        targets.push(t);
        counts.push(0);
      }
      routeOf[i] = r;
      counts[r]!++;
    }
    if (targets.length === 1) return [{ batch, ...targets[0]! }];
    const picks = counts.map((c) => new Uint32Array(c));
    const fill = new Array<number>(targets.length).fill(0);
    for (let i = 0; i < n; i++) {
      const r = routeOf[i]!;
      picks[r]![fill[r]!++] = i;
    }
    return targets.map((t, r) => ({ batch: pickEvents(batch, picks[r]!), ...t }));
  }
}

export const multiplexingSelectorFactory: ChannelSelectorFactory = {
  kind: 'selector',
  aliases: ['multiplexing'],
  classNames: ['org.apache.flume.channel.MultiplexingChannelSelector'],
  create: (ctx) => new MultiplexingSelector(ctx),
};
