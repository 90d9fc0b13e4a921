/**
 * Starts the web monitor next to an in-process broker (`sluice broker`,
 * `sluice agent --broker …`), from the broker's server.properties:
 *   sluice.monitor.listener          http://host:port (default http://127.0.0.1:8086;
 *                                    empty disables the monitor)
 *   sluice.monitor.allow.remote      true to bind a non-loopback address (default false)
 *   sluice.monitor.allowed.hosts     extra Host-header names, comma-separated
 *   sluice.monitor.sample.interval.ms  sampler period (default 5000)
 * The group coordinator is found on the broker as `groups` (read lazily, so it may be
 * attached after start); the agent is passed by the agent command.
 * A bad setting (or a non-loopback bind without allow.remote) throws ConfigError (exit
 * 2). A port that cannot be bound (in use) is logged as an error and the broker runs
 * on without a monitor: the monitor is an add-on and must not take the data path down.
 */
import type { Broker } from '../broker/broker.js';
import type { BrokerConfig } from '../broker/config/server-config.js';
import { formatListener } from '../broker/listeners.js';
import { ConfigError, SluiceError } from '../errors.js';
import { componentLogger } from '../logger.js';
import { EmbeddedDataSource, type AgentHandle, type GroupsView } from './embedded-source.js';
import { parseMonitorListener, startMonitorServer, type MonitorServer } from './monitor-server.js';

export interface EmbeddedMonitorOptions {
  readonly broker: Broker;
  readonly config: BrokerConfig;
  /** The agent, once started (undefined for a bare broker). */
  readonly agent?: () => AgentHandle | undefined;
  /** Problems that keep /readyz at 503 (e.g. "agent: starting"). */
  readonly readiness?: () => string[];
}

function isGroupsView(v: unknown): v is GroupsView {
  const g = v as Partial<GroupsView> | null | undefined;
  return typeof g === 'object' && g !== null && typeof g.list === 'function' && typeof g.describe === 'function' && typeof g.fetchOffsets === 'function';
}

/** The broker's group coordinator, when the broker exposes one as `groups`. */
export function groupsOf(broker: Broker): GroupsView | undefined {
  const g: unknown = (broker as unknown as { groups?: unknown }).groups;
  return isGroupsView(g) ? g : undefined;
}

function rawValue(config: BrokerConfig, key: string): { value: string; file?: string; line?: number } | undefined {
  const e = config.raw.get(key) as { value: string; file?: string; line?: number } | undefined;
  return e ? { ...e, value: e.value.trim() } : undefined;
}

/** Monitor settings from server.properties; ConfigError names file:line of a bad value. */
export function monitorSettings(config: BrokerConfig): { listener: string; allowRemote: boolean; allowedHosts: string[]; sampleIntervalMs: number } {
  const allow = rawValue(config, 'sluice.monitor.allow.remote');
  if (allow && !/^(true|false)$/i.test(allow.value)) {
    throw new ConfigError('CONFIG_MONITOR_ALLOW_REMOTE', `sluice.monitor.allow.remote=${allow.value}: expected true or false`, { ...(allow.file ? { file: allow.file } : {}), ...(allow.line ? { line: allow.line } : {}), key: 'sluice.monitor.allow.remote' });
  }
  const interval = rawValue(config, 'sluice.monitor.sample.interval.ms');
  const ms = interval ? Number(interval.value) : 5000;
  if (!Number.isInteger(ms) || ms < 50) {
    throw new ConfigError('CONFIG_MONITOR_SAMPLE_INTERVAL', `sluice.monitor.sample.interval.ms=${interval?.value ?? ''}: expected an integer ≥ 50`, { ...(interval?.file ? { file: interval.file } : {}), ...(interval?.line ? { line: interval.line } : {}), key: 'sluice.monitor.sample.interval.ms' });
  }
  return {
    listener: config.monitorListener,
    allowRemote: allow?.value.toLowerCase() === 'true',
    allowedHosts: (rawValue(config, 'sluice.monitor.allowed.hosts')?.value ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0),
    sampleIntervalMs: ms,
  };
}

/** Starts the monitor for `broker`; undefined when sluice.monitor.listener is empty. */
export async function startEmbeddedMonitor(o: EmbeddedMonitorOptions): Promise<MonitorServer | undefined> {
  const s = monitorSettings(o.config);
  if (s.listener === '') return undefined;
  const listener = parseMonitorListener(s.listener);
  const { broker, config } = o;
  const source = new EmbeddedDataSource({
    logs: () => broker.logs,
    logDirs: config.logDirs,
    ...(config.clusterId !== undefined ? { clusterId: config.clusterId } : {}),
    nodeId: config.nodeId,
    listeners: () => broker.boundListeners().map((b) => ({ name: formatListener({ name: b.spec.name, host: b.host, port: b.port }), host: b.host, port: b.port })),
    brokerMetrics: () => broker.metricsSnapshot(),
    groups: () => groupsOf(broker),
    ...(o.agent ? { agent: o.agent } : {}),
    ...(o.readiness ? { readiness: o.readiness } : {}),
  });
  try {
    return await startMonitorServer({ listener, source, allowRemote: s.allowRemote, allowedHosts: s.allowedHosts, sampleIntervalMs: s.sampleIntervalMs });
  } catch (err) {
    if (err instanceof SluiceError && err.code === 'MONITOR_LISTEN_FAILED') {
      componentLogger('monitor').error({ err: err.message, listener: s.listener }, `web monitor not started: ${err.message}`);
      return undefined;
    }
    throw err;
  }
}

/**
 * Entry point for `sluice agent --broker …` (the agent command's guarded hook imports
 * it from monitor-server.js): `broker` must be the in-process Broker; `listener` is
 * sluice.monitor.listener as configured. The agent is read through a getter, so the
 * Agent page follows reloads.
 */
export async function startMonitor(o: { listener: string; broker: unknown; agent: AgentHandle }): Promise<MonitorServer> {
  const { Broker: BrokerClass } = await import('../broker/broker.js');
  if (!(o.broker instanceof BrokerClass)) throw new SluiceError('MONITOR_NO_BROKER', 'startMonitor: the handle is not an in-process broker');
  const broker = o.broker;
  const config = { ...broker.config, monitorListener: o.listener.trim() || broker.config.monitorListener };
  const server = await startEmbeddedMonitor({ broker, config, agent: () => o.agent });
  if (!server) throw new SluiceError('MONITOR_LISTEN_FAILED', `web monitor did not start on ${config.monitorListener}`);
  return server;
}
