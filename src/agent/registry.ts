/**
 * ComponentRegistry: maps a Flume `type` value to the factory that builds it.
 *
 * Resolution of a type string (trimmed), per kind:
 *   1. a registered alias, case-insensitively (Flume: Enum.valueOf(type.toUpperCase()));
 *   2. a registered class name, exactly; `X$Builder` and `X` are interchangeable;
 *   3. a Flume type that Sluice does not implement (UNSUPPORTED_FLUME_TYPES) → 'unsupported'
 *      (the component is dropped with a warning, non-fatal);
 *   4. anything else → 'unknown' (Flume: class not found, fatal at start-up).
 * A registry is built once at start (builtin() reads src/agent/builtin-components.ts plus
 * the selectors and processors); tests create their own and register() test doubles.
 * Later registrations of the same name replace earlier ones.
 */
import type { ChannelFactory, InterceptorFactory, SinkFactory, SourceFactory } from './component.js';
import type { ChannelSelectorFactory } from './channel-selector.js';
import type { SinkProcessorFactory } from './sink-processor.js';
import {
  CHANNEL_FACTORIES, INTERCEPTOR_FACTORIES, SINK_FACTORIES, SOURCE_FACTORIES, UNSUPPORTED_FLUME_TYPES,
} from './builtin-components.js';
import { replicatingSelectorFactory } from './replicating-selector.js';
import { multiplexingSelectorFactory } from './multiplexing-selector.js';
import { loadBalancingSelectorFactory } from './load-balancing-selector.js';
import { defaultSinkProcessorFactory } from './default-sink-processor.js';
import { failoverSinkProcessorFactory } from './failover-sink-processor.js';
import { loadBalancingSinkProcessorFactory } from './load-balancing-sink-processor.js';

export type RegistryKind = 'source' | 'channel' | 'sink' | 'interceptor' | 'selector' | 'processor';

export interface FactoryByKind {
  source: SourceFactory;
  channel: ChannelFactory;
  sink: SinkFactory;
  interceptor: InterceptorFactory;
  selector: ChannelSelectorFactory;
  processor: SinkProcessorFactory;
}

export type AnyFactory = FactoryByKind[RegistryKind];

export type Resolution<F> =
  | { readonly status: 'found'; readonly factory: F }
  | { readonly status: 'unsupported' }
  | { readonly status: 'unknown' };

const stripBuilder = (name: string): string => (name.endsWith('$Builder') ? name.slice(0, -'$Builder'.length) : name);

interface KindIndex {
  readonly aliases: Map<string, AnyFactory>;
  readonly classes: Map<string, AnyFactory>;
}

export class ComponentRegistry {
  private readonly index = new Map<RegistryKind, KindIndex>();

  /** A registry with every built-in component, selector and processor. */
  static builtin(): ComponentRegistry {
    const r = new ComponentRegistry();
    for (const f of [
      ...SOURCE_FACTORIES, ...CHANNEL_FACTORIES, ...SINK_FACTORIES, ...INTERCEPTOR_FACTORIES,
      replicatingSelectorFactory, multiplexingSelectorFactory, loadBalancingSelectorFactory,
      defaultSinkProcessorFactory, failoverSinkProcessorFactory, loadBalancingSinkProcessorFactory,
    ]) {
      r.register(f);
    }
    return r;
  }

  private kindIndex(kind: RegistryKind): KindIndex {
    let k = this.index.get(kind);
    if (!k) {
      k = { aliases: new Map(), classes: new Map() };
      this.index.set(kind, k);
    }
    return k;
  }

  /** Adds (or replaces) a factory under all its aliases and class names. Returns this. */
  register(factory: AnyFactory): this {
    const k = this.kindIndex(factory.kind as RegistryKind);
    for (const a of factory.aliases) k.aliases.set(a.toLowerCase(), factory);
    for (const c of factory.classNames) k.classes.set(stripBuilder(c), factory);
    return this;
  }

  resolve<K extends RegistryKind>(kind: K, type: string): Resolution<FactoryByKind[K]> {
    const t = type.trim();
    const k = this.index.get(kind);
    const found = k?.aliases.get(t.toLowerCase()) ?? k?.classes.get(stripBuilder(t));
    if (found) return { status: 'found', factory: found as FactoryByKind[K] };
    const unsupported = UNSUPPORTED_FLUME_TYPES[kind];
    const lower = t.toLowerCase();
    if (unsupported.some((u) => (u.includes('.') ? stripBuilder(u) === stripBuilder(t) : u.toLowerCase() === lower))) {
      return { status: 'unsupported' };
    }
    return { status: 'unknown' };
  }

  /** Every alias of a kind (for "did you mean" hints and docs). */
  aliases(kind: RegistryKind): string[] {
    return [...(this.index.get(kind)?.aliases.keys() ?? [])];
  }
}
