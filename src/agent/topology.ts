/**
 * Topology: the running shape of one agent configuration, built from a validated
 * AgentPlan (src/config/flume-validate.ts) and a ComponentRegistry.
 *
 * buildTopology() instantiates channels → sinks → sources (with interceptors, selector and
 * ChannelProcessor) → sink processors and runners, applying Flume's component-level rules:
 * - create() throwing (missing/invalid key) → "X has been removed due to an error during
 *   configuration" warning naming file:line, the component is dropped, the rest runs;
 * - keys nobody read → UNKNOWN_KEY warning with the nearest valid name;
 * - a source or sink batchSize above a channel's transactionCapacity → removed (FLUME-3246);
 * - sources/sinks left without a channel are removed, then channels left without a
 *   component, then sink groups left without sinks;
 * - `reuse`: channels of a previous topology with the same name and the same factory are
 *   kept (reload keeps a memory channel's events).
 * start()/stop() follow Flume's order: channels → sink runners → sources; stop reversed.
 * A Topology is owned by the Agent; nothing else starts or stops its parts.
 */
import type {
  Channel, ChannelFactory, ComponentKind, EmbeddedBrokerHandle, Interceptor, Sink, Source,
} from './component.js';
import { ComponentProps, type LocatedValue } from './component-props.js';
import type { ComponentRegistry } from './registry.js';
import { ChannelProcessor } from './channel-processor.js';
import { SinkRunner, type SinkRunnerOptions } from './sink-runner.js';
import { DefaultSinkProcessor } from './default-sink-processor.js';
import type { SinkProcessor } from './sink-processor.js';
import { createComponentContext, createSourceContext } from './component-context.js';
import type { MetricsRegistry } from './metrics.js';
import { nearestName } from './nearest-name.js';
import type { AgentPlan, PlannedComponent } from '../config/flume-validate.js';
import { checkRunnable } from '../config/flume-validate.js';
import type { ConfigIssue } from '../config/flume-config.js';
import { componentLogger, type Logger } from '../logger.js';
import { describeError } from '../errors.js';

export interface RunningChannel {
  readonly name: string;
  readonly factory: ChannelFactory;
  readonly channel: Channel;
}

export interface RunningSource {
  readonly name: string;
  readonly source: Source;
  readonly processor: ChannelProcessor;
}

export interface TopologyOptions {
  readonly agentName: string;
  readonly registry: ComponentRegistry;
  readonly metrics: MetricsRegistry;
  readonly dataRoot?: string;
  readonly broker?: EmbeddedBrokerHandle;
  /** Channels of the previous topology that may be reused (same name and factory). */
  readonly reuse?: ReadonlyMap<string, RunningChannel>;
  readonly runner?: Omit<SinkRunnerOptions, 'channels'>;
}

export class Topology {
  readonly channels = new Map<string, RunningChannel>();
  readonly sinks = new Map<string, Sink>();
  readonly sources: RunningSource[] = [];
  readonly runners: SinkRunner[] = [];
  /** sink name → channel name */
  readonly sinkChannel = new Map<string, string>();
  /** group name → sink names */
  readonly groups = new Map<string, readonly string[]>();
  readonly issues: ConfigIssue[];
  private readonly abort = new AbortController();
  private readonly logger: Logger;
  private startedChannels: Channel[] = [];
  private startedRunners: SinkRunner[] = [];
  private startedSources: Source[] = [];

  constructor(issues: ConfigIssue[], logger: Logger) {
    this.issues = issues;
    this.logger = logger;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Starts channels → sink runners → sources. A failing component is logged and skipped. */
  async start(): Promise<void> {
    for (const { name, channel } of this.channels.values()) {
      try {
        await channel.start();
        this.startedChannels.push(channel);
      } catch (err) {
        this.logger.error({ channel: name, err: describeError(err) }, 'channel failed to start');
      }
    }
    for (const r of this.runners) {
      try {
        await r.start();
        this.startedRunners.push(r);
      } catch (err) {
        this.logger.error({ runner: r.name, err: describeError(err) }, 'sink failed to start');
      }
    }
    for (const s of this.sources) {
      try {
        await s.source.start();
        this.startedSources.push(s.source);
      } catch (err) {
        this.logger.error({ source: s.name, err: describeError(err) }, 'source failed to start');
      }
    }
  }

  async stopSources(): Promise<void> {
    this.abort.abort();
    for (const s of this.startedSources.reverse()) {
      try {
        await s.stop();
      } catch (err) {
        this.logger.error({ source: s.name, err: describeError(err) }, 'error while stopping source');
      }
    }
    this.startedSources = [];
    for (const s of this.sources) s.processor.close();
  }

  async stopSinks(): Promise<void> {
    for (const r of this.startedRunners.reverse()) await r.stop();
    this.startedRunners = [];
  }

  async stopChannels(): Promise<void> {
    for (const c of this.startedChannels.reverse()) {
      try {
        await c.stop();
      } catch (err) {
        this.logger.error({ channel: c.name, err: describeError(err) }, 'error while stopping channel');
      }
    }
    this.startedChannels = [];
  }

  async stop(): Promise<void> {
    await this.stopSources();
    await this.stopSinks();
    await this.stopChannels();
  }

  /** True when every channel is empty and no sink has a transaction in flight. */
  drained(): boolean {
    for (const { channel } of this.channels.values()) if (channel.size() > 0) return false;
    return this.runners.every((r) => !r.busy);
  }
}

function propsOf(label: string, keys: ReadonlyMap<string, LocatedValue>): ComponentProps {
  return new ComponentProps(label, keys);
}

function firstLocation(c: PlannedComponent): { file: string; line: number } {
  return { file: c.type.file, line: c.type.line };
}

export function buildTopology(plan: AgentPlan, opts: TopologyOptions): Topology {
  const a = plan.agentName;
  const logger = componentLogger('agent.topology', { agent: a });
  const issues = plan.issues;
  const topo = new Topology(issues, logger);
  const { registry, metrics } = opts;
  const warn = (code: string, at: { file: string; line: number } | undefined, message: string, component: string, key?: string): void => {
    issues.push({
      severity: 'warning', code, message: at ? `${at.file}:${at.line}: ${message}` : message,
      ...(at ? { file: at.file, line: at.line } : {}), ...(key ? { key } : {}), component,
    });
  };
  const removed = (kind: ComponentKind, name: string, at: { file: string; line: number }, err: unknown, component: string): void => {
    const e = err as { file?: string; line?: number; key?: string };
    const where = e.file !== undefined ? { file: e.file, line: e.line ?? 0 } : at;
    // ConfigError messages already start with file:line; avoid printing it twice.
    const msg = describeError(err).replace(/^[^\s:]+:\d+: /, '');
    warn('COMPONENT_CONFIG_ERROR', where, `${kind} ${name} has been removed due to an error during configuration: ${msg}`, component, e.key);
    metrics.remove(kind === 'source' ? 'SOURCE' : kind === 'channel' ? 'CHANNEL' : 'SINK', name);
  };
  const checkUnknownKeys = (props: ComponentProps, label: string, component: string, structural: readonly string[] = []): void => {
    const known = [...props.readKeys(), ...structural];
    for (const k of props.unusedKeys()) {
      const loc = props.located(k);
      const near = nearestName(k, known);
      warn('UNKNOWN_KEY', loc, `${label}.${k}: unknown property${near ? `; did you mean "${near}"?` : ''}`, component, `${label}.${k}`);
    }
  };
  const ctxBase = (kind: ComponentKind, name: string, type: string, props: ComponentProps) => ({
    agentName: a, kind, name, type, props, metrics,
    signal: topo.signal,
    configWarning: (key: string, message: string): void => {
      const loc = props.located(key);
      warn('COMPONENT_CONFIG_WARNING', loc, message, `${kind}s.${name}`, `${props.label}.${key}`);
    },
    ...(opts.dataRoot !== undefined ? { dataRoot: opts.dataRoot } : {}),
    ...(opts.broker !== undefined ? { broker: opts.broker } : {}),
  });

  // Channels.
  for (const pc of plan.channels) {
    const label = `${a}.channels.${pc.name}`;
    const res = registry.resolve('channel', pc.type.value);
    if (res.status !== 'found') continue; // validation already reported it
    const prev = opts.reuse?.get(pc.name);
    const props = propsOf(label, pc.keys);
    if (prev && prev.factory === res.factory) {
      if (prev.channel.reconfigure) {
        try {
          prev.channel.reconfigure(createComponentContext(ctxBase('channel', pc.name, pc.type.value, props)));
          checkUnknownKeys(props, label, `channels.${pc.name}`, ['type']);
        } catch (err) {
          warn('COMPONENT_CONFIG_ERROR', firstLocation(pc), `channel ${pc.name} keeps its previous settings: ${describeError(err).replace(/^[^\s:]+:\d+: /, '')}`, `channels.${pc.name}`);
        }
      }
      topo.channels.set(pc.name, prev);
      continue;
    }
    try {
      const channel = res.factory.create(createComponentContext(ctxBase('channel', pc.name, pc.type.value, props)));
      checkUnknownKeys(props, label, `channels.${pc.name}`, ['type']);
      topo.channels.set(pc.name, { name: pc.name, factory: res.factory, channel });
    } catch (err) {
      removed('channel', pc.name, firstLocation(pc), err, `channels.${pc.name}`);
    }
  }

  // Sinks.
  for (const ps of plan.sinks) {
    const label = `${a}.sinks.${ps.name}`;
    const comp = `sinks.${ps.name}`;
    const rc = topo.channels.get(ps.channel);
    if (!rc) {
      warn('CHANNEL_NOT_ACTIVE', firstLocation(ps), `${label}.channel: Channel ${ps.channel} not in active set; sink removed`, comp);
      continue;
    }
    const res = registry.resolve('sink', ps.type.value);
    if (res.status !== 'found') continue;
    const props = propsOf(label, ps.keys);
    let sink: Sink;
    try {
      sink = res.factory.create(createComponentContext(ctxBase('sink', ps.name, ps.type.value, props)));
    } catch (err) {
      removed('sink', ps.name, firstLocation(ps), err, comp);
      continue;
    }
    checkUnknownKeys(props, label, comp, ['type', 'channel']);
    if (sink.batchSize !== undefined && sink.batchSize > rc.channel.transactionCapacity) {
      warn('BATCH_EXCEEDS_TRANSACTION_CAPACITY', firstLocation(ps),
        `${label}: batch size ${sink.batchSize} is greater than channel ${ps.channel}'s transactionCapacity ${rc.channel.transactionCapacity}; sink removed`, comp);
      metrics.remove('SINK', ps.name);
      continue;
    }
    sink.setChannel(rc.channel);
    topo.sinks.set(ps.name, sink);
    topo.sinkChannel.set(ps.name, ps.channel);
  }

  // Sources.
  for (const ps of plan.sources) {
    const label = `${a}.sources.${ps.name}`;
    const comp = `sources.${ps.name}`;
    const channels = ps.channels.map((c) => topo.channels.get(c)?.channel).filter((c): c is Channel => c !== undefined);
    if (channels.length === 0) {
      warn('SOURCE_NO_CHANNELS', firstLocation(ps), `${label}.channels: none of the channels is active; source removed`, comp);
      continue;
    }
    const res = registry.resolve('source', ps.type.value);
    if (res.status !== 'found') continue;
    const srcLogger = componentLogger('agent.source', { agent: a, source: ps.name });
    try {
      const interceptors: Interceptor[] = [];
      for (const pi of ps.interceptors) {
        const ir = registry.resolve('interceptor', pi.type);
        if (ir.status !== 'found') throw new Error(`interceptor ${pi.name}: type "${pi.type}" is not available`);
        const ikeys = new Map(pi.keys);
        ikeys.delete('type');
        const ip = propsOf(`${label}.interceptors.${pi.name}`, ikeys);
        interceptors.push(ir.factory.create(createComponentContext(ctxBase('interceptor', `${ps.name}.${pi.name}`, pi.type, ip))));
        checkUnknownKeys(ip, `${label}.interceptors.${pi.name}`, comp);
      }
      const sr = registry.resolve('selector', ps.selector.type);
      if (sr.status !== 'found') throw new Error(`selector type "${ps.selector.type}" is not available`);
      const skeys = new Map(ps.selector.keys);
      skeys.delete('type');
      const sprops = propsOf(`${label}.selector`, skeys);
      const selector = sr.factory.create({ label: `${label}.selector`, props: sprops, channels, logger: srcLogger });
      checkUnknownKeys(sprops, `${label}.selector`, comp);
      const processor = new ChannelProcessor(selector, interceptors, srcLogger);
      const props = propsOf(label, ps.keys);
      const source = res.factory.create(createSourceContext(ctxBase('source', ps.name, ps.type.value, props), processor));
      checkUnknownKeys(props, label, comp, ['type', 'channels', 'interceptors', 'selector.type']);
      const tooSmall = channels.find((c) => source.batchSize !== undefined && source.batchSize > c.transactionCapacity);
      if (tooSmall) {
        warn('BATCH_EXCEEDS_TRANSACTION_CAPACITY', firstLocation(ps),
          `${label}: batch size ${source.batchSize} is greater than channel ${tooSmall.name}'s transactionCapacity ${tooSmall.transactionCapacity}; source removed`, comp);
        metrics.remove('SOURCE', ps.name);
        continue;
      }
      topo.sources.push({ name: ps.name, source, processor });
    } catch (err) {
      removed('source', ps.name, firstLocation(ps), err, comp);
    }
  }

  // Sink groups and runners.
  const grouped = new Set<string>();
  for (const pg of plan.sinkgroups) {
    const label = `${a}.sinkgroups.${pg.name}`;
    const sinks = pg.sinks.map((n) => topo.sinks.get(n)).filter((s): s is Sink => s !== undefined);
    if (sinks.length === 0) {
      warn('GROUP_EMPTY', undefined, `${label}: sink group has no valid sinks; removed`, `sinkgroups.${pg.name}`);
      continue;
    }
    const pr = registry.resolve('processor', pg.processor.type);
    if (pr.status !== 'found') continue;
    const pkeys = new Map(pg.processor.keys);
    pkeys.delete('type');
    const pprops = propsOf(`${label}.processor`, pkeys);
    let processor: SinkProcessor;
    try {
      processor = pr.factory.create({ label: `${label}.processor`, props: pprops, sinks, logger: componentLogger('agent.sinkgroup', { agent: a, group: pg.name }) });
    } catch (err) {
      const at = pg.processor.keys.get('type') ?? [...pg.processor.keys.values()][0];
      warn('COMPONENT_CONFIG_ERROR', at, `sink group ${pg.name} has been removed due to an error during configuration: ${describeError(err).replace(/^[^\s:]+:\d+: /, '')}; its sinks run alone`, `sinkgroups.${pg.name}`);
      continue;
    }
    checkUnknownKeys(pprops, `${label}.processor`, `sinkgroups.${pg.name}`);
    for (const s of processor.sinks) grouped.add(s.name);
    // Sinks the processor left out (duplicate failover priority) do not run.
    for (const s of sinks) if (!processor.sinks.includes(s)) grouped.add(s.name);
    topo.groups.set(pg.name, processor.sinks.map((s) => s.name));
    const chans = [...new Set(processor.sinks.map((s) => topo.channels.get(topo.sinkChannel.get(s.name)!)!.channel))];
    topo.runners.push(new SinkRunner(pg.name, processor, componentLogger('agent.runner', { agent: a, runner: pg.name }), { ...opts.runner, channels: chans }));
  }
  for (const [name, sink] of topo.sinks) {
    if (grouped.has(name)) continue;
    const ch = topo.channels.get(topo.sinkChannel.get(name)!)!.channel;
    topo.runners.push(new SinkRunner(name, new DefaultSinkProcessor([sink]), componentLogger('agent.runner', { agent: a, runner: name }), { ...opts.runner, channels: [ch] }));
  }

  // Channels nobody uses any more.
  const used = new Set<string>();
  for (const s of topo.sources) for (const c of s.processor.selector.channels) used.add(c.name);
  for (const c of topo.sinkChannel.values()) used.add(c);
  for (const [name, rc] of topo.channels) {
    if (used.has(name)) continue;
    const pc = plan.channels.find((c) => c.name === name);
    warn('CHANNEL_UNCONNECTED', pc ? firstLocation(pc) : undefined, `${a}.channels.${name}: Channel ${name} has no components connected and has been removed`, `channels.${name}`);
    topo.channels.delete(name);
    if (opts.reuse?.get(name) !== rc) metrics.remove('CHANNEL', name);
  }
  plan.sources = plan.sources.filter((s) => topo.sources.some((r) => r.name === s.name));
  plan.sinks = plan.sinks.filter((s) => topo.sinks.has(s.name));
  plan.channels = plan.channels.filter((c) => topo.channels.has(c.name));
  checkRunnable(plan);
  return topo;
}
