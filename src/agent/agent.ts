/**
 * Agent: the lifecycle of one Flume agent (`sluice agent -n NAME -f FILE…`).
 *
 * - start(): load the -f files (merged in order, later wins), build the Flume model,
 *   validate, build the topology, then start channels → sink runners → sources. Every
 *   warning is logged with its file:line. Errors (unknown type, nothing can run) — and,
 *   with `strict`, any warning — throw ConfigError CONFIG_INVALID listing them (exit 2).
 *   A name with no configuration leaves the agent idle with Flume's WARN
 *   "No configuration found for this host:<name>" (exit 2 only under strict).
 * - reload(): on a newer config mtime (polled every pollIntervalMs unless reload=false)
 *   or SIGHUP (the CLI calls reload()). The new topology is built first; if the new
 *   config has errors, the running one is kept and an error is logged. Otherwise stop
 *   sources → sinks → channels, then start channels → sinks → sources, REUSING channels
 *   with the same name and type (a memory channel keeps its events). Counters of
 *   components that are gone are removed; the others restart from 0, as in Flume.
 * - shutdown(): stop sources, let the sinks drain in-flight transactions and the channels
 *   for up to shutdownTimeoutMs (polling with a deadline), stop sinks, stop channels;
 *   logs and returns what was left per channel.
 * Reloads and shutdown are serialized; the Agent owns its Topology exclusively.
 */
import { statSync } from 'node:fs';
import type { EmbeddedBrokerHandle } from './component.js';
import { ComponentRegistry } from './registry.js';
import { MetricsRegistry } from './metrics.js';
import { buildTopology, Topology, type RunningChannel } from './topology.js';
import type { SinkRunnerOptions } from './sink-runner.js';
import { loadPropertiesFile, type PropertyEntry } from '../config/properties.js';
import { buildFlumeModel, type ConfigIssue } from '../config/flume-config.js';
import { hasErrors, validateFlumeModel, type AgentPlan } from '../config/flume-validate.js';
import { componentLogger, type Logger } from '../logger.js';
import { ConfigError, describeError } from '../errors.js';

export interface AgentOptions {
  readonly agentName: string;
  readonly configFiles: readonly string[];
  /** -Dk=v properties (for ${sys:X}). */
  readonly sys?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly registry?: ComponentRegistry;
  readonly strict?: boolean;
  /** Poll the config files' mtime (default true). */
  readonly reload?: boolean;
  readonly pollIntervalMs?: number;
  readonly shutdownTimeoutMs?: number;
  readonly dataRoot?: string;
  readonly broker?: EmbeddedBrokerHandle;
  readonly metrics?: MetricsRegistry;
  readonly runner?: Omit<SinkRunnerOptions, 'channels'>;
  /**
   * Hook run after a topology is built and before it starts (at start and on each reload),
   * e.g. to link the embedded Kafka sink with TAILDIR sources for exactly-once recovery.
   * A throw makes start() fail / the reload keep the running configuration.
   */
  readonly onTopologyBuilt?: (plan: AgentPlan, topology: Topology) => void;
}

export interface ShutdownReport {
  /** Events still in each channel when the sinks were stopped. */
  readonly left: Readonly<Record<string, number>>;
  readonly drained: boolean;
}

export interface LoadedPlan {
  readonly plan: AgentPlan;
  readonly topology: Topology | undefined;
}

/** Reads and merges the config files and validates them structurally. */
export function loadAgentPlan(options: Pick<AgentOptions, 'agentName' | 'configFiles' | 'sys' | 'env'>, registry: ComponentRegistry): AgentPlan {
  const entries: PropertyEntry[] = [];
  for (const f of options.configFiles) entries.push(...loadPropertiesFile(f));
  const model = buildFlumeModel(options.agentName, entries, { sys: options.sys ?? {}, env: options.env ?? process.env });
  return validateFlumeModel(model, (kind, type) => registry.resolve(kind, type).status);
}

export function formatIssues(issues: readonly ConfigIssue[]): string {
  return issues.map((i) => `${i.severity === 'error' ? 'ERROR' : 'WARN'} ${i.message}`).join('\n');
}

export class Agent {
  readonly name: string;
  readonly metrics: MetricsRegistry;
  readonly registry: ComponentRegistry;
  private readonly options: AgentOptions;
  private readonly logger: Logger;
  private topology: Topology | undefined;
  private lastIssues: ConfigIssue[] = [];
  private mtimes = new Map<string, number>();
  private pollTimer: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(options: AgentOptions) {
    this.options = options;
    this.name = options.agentName;
    this.metrics = options.metrics ?? new MetricsRegistry();
    this.registry = options.registry ?? ComponentRegistry.builtin();
    this.logger = componentLogger('agent', { agent: options.agentName });
  }

  /** Issues of the last load (start or reload). */
  get issues(): readonly ConfigIssue[] {
    return this.lastIssues;
  }

  get current(): Topology | undefined {
    return this.topology;
  }

  /** The running topology as plain data (for logs, the monitor and tools). */
  describe(): { sources: Record<string, string[]>; channels: string[]; sinks: Record<string, string>; sinkgroups: Record<string, readonly string[]> } {
    const t = this.topology;
    if (!t) return { sources: {}, channels: [], sinks: {}, sinkgroups: {} };
    return {
      sources: Object.fromEntries(t.sources.map((s) => [s.name, s.processor.selector.channels.map((c) => c.name)])),
      channels: [...t.channels.keys()],
      sinks: Object.fromEntries(t.sinkChannel),
      sinkgroups: Object.fromEntries(t.groups),
    };
  }

  /** Builds a plan and a topology without starting it; throws CONFIG_INVALID when it must not run. */
  private prepare(reuse: ReadonlyMap<string, RunningChannel> | undefined): LoadedPlan {
    const plan = loadAgentPlan(this.options, this.registry);
    if (plan.idle || hasErrors(plan.issues)) return { plan, topology: undefined };
    const topology = buildTopology(plan, {
      agentName: this.name,
      registry: this.registry,
      metrics: this.metrics,
      ...(this.options.dataRoot !== undefined ? { dataRoot: this.options.dataRoot } : {}),
      ...(this.options.broker !== undefined ? { broker: this.options.broker } : {}),
      ...(reuse ? { reuse } : {}),
      ...(this.options.runner ? { runner: this.options.runner } : {}),
    });
    if (!hasErrors(plan.issues)) this.options.onTopologyBuilt?.(plan, topology);
    return { plan, topology };
  }

  private report(issues: readonly ConfigIssue[]): void {
    for (const i of issues) {
      const fields = { code: i.code, file: i.file, line: i.line, key: i.key };
      if (i.severity === 'error') this.logger.error(fields, i.message);
      else this.logger.warn(fields, i.message);
    }
  }

  private rejectIfInvalid(issues: readonly ConfigIssue[]): void {
    const fatal = hasErrors(issues) || (this.options.strict === true && issues.length > 0);
    if (!fatal) return;
    const shown = hasErrors(issues) ? issues.filter((i) => i.severity === 'error') : issues;
    throw new ConfigError(
      'CONFIG_INVALID',
      `invalid configuration for agent ${this.name}${this.options.strict && !hasErrors(issues) ? ' (--strict: warnings are errors)' : ''}:\n${formatIssues(shown)}`,
      {},
      { details: { issues } },
    );
  }

  async start(): Promise<void> {
    this.recordMtimes();
    const { plan, topology } = this.prepare(undefined);
    this.lastIssues = plan.issues;
    this.report(plan.issues);
    this.rejectIfInvalid(plan.issues);
    if (topology) {
      this.topology = topology;
      await topology.start();
      this.logger.info(
        { sources: topology.sources.map((s) => s.name), channels: [...topology.channels.keys()], sinks: [...topology.sinks.keys()] },
        'agent started',
      );
    }
    if (this.options.reload !== false) {
      this.pollTimer = setInterval(() => void this.pollConfig(), this.options.pollIntervalMs ?? 30_000);
    }
  }

  private recordMtimes(): void {
    for (const f of this.options.configFiles) {
      try {
        this.mtimes.set(f, statSync(f).mtimeMs);
      } catch {
        this.mtimes.set(f, -1);
      }
    }
  }

  private changed(): boolean {
    for (const f of this.options.configFiles) {
      let m = -1;
      try {
        m = statSync(f).mtimeMs;
      } catch {
        /* unreadable now: reload will report it */
      }
      if (m !== this.mtimes.get(f)) return true;
    }
    return false;
  }

  private async pollConfig(): Promise<void> {
    if (this.stopped || !this.changed()) return;
    this.logger.info('configuration file changed, reloading');
    await this.reload();
  }

  /** Reloads the configuration (serialized). Resolves true when the new config runs. */
  reload(): Promise<boolean> {
    const next = this.chain.then(() => this.doReload());
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async doReload(): Promise<boolean> {
    if (this.stopped) return false;
    this.recordMtimes();
    const old = this.topology;
    let loaded: LoadedPlan;
    try {
      loaded = this.prepare(old?.channels);
    } catch (err) {
      this.logger.error({ err: describeError(err) }, 'reload failed; keeping the running configuration');
      return false;
    }
    const { plan, topology } = loaded;
    this.report(plan.issues);
    if (hasErrors(plan.issues)) {
      this.logger.error('the new configuration has errors; keeping the running configuration');
      return false;
    }
    this.lastIssues = plan.issues;
    if (old) {
      await old.stop();
      for (const [name, rc] of old.channels) {
        if (topology?.channels.get(name) !== rc && rc.channel.size() > 0) {
          this.logger.warn({ channel: name, events: rc.channel.size() }, 'channel removed by the reload; its events are dropped');
        }
      }
    }
    // Forget counters of components that are gone.
    const keep = new Set<string>();
    if (topology) {
      for (const s of topology.sources) keep.add(`SOURCE.${s.name}`);
      for (const c of topology.channels.keys()) keep.add(`CHANNEL.${c}`);
      for (const k of topology.sinks.keys()) keep.add(`SINK.${k}`);
    }
    for (const g of this.metrics.all()) if (!keep.has(`${g.type}.${g.name}`)) this.metrics.remove(g.type, g.name);
    this.topology = topology;
    if (topology) await topology.start();
    this.logger.info('configuration reloaded');
    return true;
  }

  /** Stops sources, drains channels into sinks (up to the timeout), stops sinks and channels. */
  shutdown(timeoutMs = this.options.shutdownTimeoutMs ?? 10_000): Promise<ShutdownReport> {
    const next = this.chain.then(() => this.doShutdown(timeoutMs));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async doShutdown(timeoutMs: number): Promise<ShutdownReport> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    const topo = this.topology;
    if (!topo) return { left: {}, drained: true };
    await topo.stopSources();
    const deadline = Date.now() + timeoutMs;
    while (!topo.drained() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const left: Record<string, number> = {};
    for (const [name, { channel }] of topo.channels) if (channel.size() > 0) left[name] = channel.size();
    const drained = Object.keys(left).length === 0;
    if (drained) this.logger.info('all channels drained');
    else this.logger.warn({ left }, `shutdown timeout of ${timeoutMs} ms reached; events left in channels`);
    await topo.stopSinks();
    await topo.stopChannels();
    this.topology = undefined;
    this.logger.info('agent stopped');
    return { left, drained };
  }
}
