/**
 * `sluice agent -n NAME -f FILE [-f FILE]… [-c DIR] [--broker server.properties]
 *   [--override k=v]… [--no-reload-conf] [-i S] [--strict] [-Dk=v]…` — flume-ng's flags.
 *
 * - `-Dk=v` (commander's short option with an attached value, repeatable) are Flume's
 *   system properties: `flume.root.logger=LEVEL,console` sets the log level,
 *   `flume.monitoring.type=http` + `flume.monitoring.port` (41414) [+ `flume.monitoring.host`,
 *   default 127.0.0.1] serve /metrics, `sluice.shutdown.timeout.ms` (10000) bounds the drain
 *   on SIGTERM/SIGINT; all of them feed ${sys:X}.
 * - `-c DIR` is accepted for compatibility (Flume uses it for the classpath); relative
 *   -f paths are resolved against the working directory, as flume-ng does.
 * - SIGHUP reloads the configuration; SIGTERM/SIGINT stop sources, drain channels into
 *   sinks, then exit 0.
 * - Exit 2: invalid configuration, nothing can run, or --strict saw a warning (the message
 *   lists each problem with file:line). A wrong -n keeps the process up, idle, with
 *   Flume's warning (exit 2 under --strict).
 * - `--broker`: starts the embedded broker (src/broker/broker.ts, guarded dynamic import) before
 *   the agent; the Kafka sink appends to it in-process; TAILDIR files named by the config are
 *   created when missing and exactly-once recovery is linked (start-hints.ts,
 *   agent/embedded-broker.ts); the web monitor starts on sluice.monitor.listener (default
 *   http://127.0.0.1:8086; guarded hook: an invalid monitor config exits 2, a busy port is
 *   logged and the data path runs on); then the start hints, with the monitor's bound URL,
 *   are printed to stdout.
 */
import { homedir } from 'node:os';
import type { Command } from 'commander';
import { Agent, loadAgentPlan } from '../agent/agent.js';
import { ComponentRegistry } from '../agent/registry.js';
import type { EmbeddedBrokerHandle } from '../agent/component.js';
import { startFlumeMetricsServer, DEFAULT_FLUME_MONITORING_PORT, type FlumeMetricsServer } from '../monitor/flume-metrics-server.js';
import { componentLogger, parseLogLevel, setLogLevel } from '../logger.js';
import { SluiceError, describeError } from '../errors.js';
import { UsageError, exitCodeFor } from './exit.js';
import { linkExactlyOnce } from '../agent/embedded-broker.js';
import type { Topology } from '../agent/topology.js';
import type { AgentPlan } from '../config/flume-validate.js';
import { createTailTargets, formatStartHints, kafkaSinkTopics } from './start-hints.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export interface AgentCommandOptions {
  readonly name?: string;
  readonly confFile: string[];
  readonly conf?: string;
  readonly broker?: string;
  readonly override: string[];
  readonly reloadConf: boolean;
  readonly pollInterval?: string;
  readonly strict?: boolean;
  readonly D: string[];
}

/** Parses `k=v` pairs of -D arguments (a bare `k` means `k=""`). */
export function parseSystemProperties(defs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of defs) {
    const eq = d.indexOf('=');
    if (eq === 0) throw new UsageError(`-D${d}: missing property name`);
    if (eq < 0) out[d] = '';
    else out[d.slice(0, eq)] = d.slice(eq + 1);
  }
  return out;
}

interface RunningBroker {
  readonly handle: EmbeddedBrokerHandle;
  /** host:port of the first bound listener (for the start hints). */
  readonly bootstrap: string;
  /** `sluice.monitor.listener` as parsed (its default http://127.0.0.1:8086 when absent; '' disables). */
  readonly monitorListener: string;
  stop(): Promise<void>;
}

/** HOOK: starts the embedded broker in-process when src/broker is available. */
async function startEmbeddedBroker(file: string, overrides: readonly string[]): Promise<RunningBroker> {
  let brokerMod: typeof import('../broker/broker.js');
  let configMod: typeof import('../broker/config/server-config.js');
  try {
    brokerMod = await import('../broker/broker.js');
    configMod = await import('../broker/config/server-config.js');
  } catch (err) {
    throw new SluiceError('BROKER_UNAVAILABLE', `--broker ${file}: the embedded broker is not available in this build: ${describeError(err)}`, { cause: err });
  }
  const config = configMod.loadBrokerConfig(file, [...overrides]);
  const broker = await brokerMod.Broker.start({ config });
  const l = broker.boundListeners()[0];
  return {
    handle: broker,
    bootstrap: l ? `${l.host.includes(':') ? `[${l.host}]` : l.host}:${l.port}` : '127.0.0.1:9092',
    monitorListener: config.monitorListener.trim(),
    stop: () => broker.stop(),
  };
}

interface WebMonitor {
  /** The bound URL (port 0 in the listener → the port the OS picked). */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * HOOK (monitor): starts the web monitor on `sluice.monitor.listener` (the parsed broker
 * config value, so its default http://127.0.0.1:8086 applies when the key is absent; an
 * empty value disables it) when src/monitor/monitor-server.js exports
 * `startMonitor({ listener, broker, agent })`.
 * - A configuration problem (bad listener, a non-loopback bind without
 *   sluice.monitor.allow.remote) is thrown as ConfigError: the caller stops the agent and
 *   the broker and exits 2, as `sluice broker` does.
 * - A listen failure (port in use: MONITOR_LISTEN_FAILED, already logged as an error by
 *   the monitor) or any other runtime failure leaves the data path running without it.
 */
async function startWebMonitor(broker: RunningBroker, agent: Agent): Promise<WebMonitor | undefined> {
  if (broker.monitorListener === '') return undefined;
  const spec = '../monitor/monitor-server.js';
  let mod: { startMonitor?: (o: { listener: string; broker: EmbeddedBrokerHandle; agent: Agent }) => Promise<{ url?: string; close(): Promise<void> }> };
  try {
    mod = (await import(spec)) as typeof mod;
  } catch {
    return undefined;
  }
  if (typeof mod.startMonitor !== 'function') return undefined;
  const log = componentLogger('cli.agent');
  try {
    const m = await mod.startMonitor({ listener: broker.monitorListener, broker: broker.handle, agent });
    return { url: m.url ?? broker.monitorListener, close: () => m.close() };
  } catch (err) {
    if (exitCodeFor(err) === 2) throw err;
    if (err instanceof SluiceError && err.code === 'MONITOR_LISTEN_FAILED') {
      log.debug({ listener: broker.monitorListener }, 'web monitor not started (the monitor logged why); the agent runs without it');
    } else {
      log.warn({ err: describeError(err), listener: broker.monitorListener }, 'web monitor did not start; the agent runs without it');
    }
    return undefined;
  }
}

export async function runAgent(opts: AgentCommandOptions): Promise<void> {
  const log = componentLogger('cli.agent');
  if (!opts.name) throw new UsageError('agent: -n/--name NAME is required');
  if (opts.confFile.length === 0) throw new UsageError('agent: -f/--conf-file FILE is required');
  // Java's user.dir/user.home are always set, so ${sys:user.dir} works as in Flume (conf/flume-kafka.conf uses it).
  const sys: Record<string, string> = { 'user.dir': process.cwd(), 'user.home': homedir(), ...parseSystemProperties(opts.D) };
  const rootLogger = sys['flume.root.logger'];
  if (rootLogger !== undefined) {
    const level = parseLogLevel(rootLogger.split(',')[0] ?? '');
    if (!level) throw new UsageError(`-Dflume.root.logger=${rootLogger}: unknown level (use TRACE, DEBUG, INFO, WARN, ERROR, FATAL or OFF)`);
    setLogLevel(level);
  }
  let pollIntervalMs = 30_000;
  if (opts.pollInterval !== undefined) {
    const s = Number(opts.pollInterval);
    if (!Number.isFinite(s) || s <= 0) throw new UsageError(`-i/--poll-interval ${opts.pollInterval}: expected a positive number of seconds`);
    pollIntervalMs = s * 1000;
  }
  const timeoutRaw = sys['sluice.shutdown.timeout.ms'];
  const shutdownTimeoutMs = timeoutRaw === undefined ? 10_000 : Number(timeoutRaw);
  if (!Number.isFinite(shutdownTimeoutMs) || shutdownTimeoutMs < 0) throw new UsageError(`-Dsluice.shutdown.timeout.ms=${timeoutRaw}: expected milliseconds`);
  if (opts.override.length > 0 && !opts.broker) throw new UsageError('--override applies to --broker server.properties; no --broker given');

  // Signal handlers first, so a SIGTERM during start-up still shuts down cleanly.
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (s: NodeJS.Signals): void => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(s);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });

  let broker: RunningBroker | undefined;
  if (opts.broker) broker = await startEmbeddedBroker(opts.broker, opts.override);

  // Embedded broker (npm start): make the TAILDIR files the config names before the sources are built.
  let tailed: string[] = [];
  if (broker) {
    try {
      tailed = createTailTargets(loadAgentPlan({ agentName: opts.name, configFiles: opts.confFile, sys }, ComponentRegistry.builtin()));
    } catch (err) {
      log.debug({ err: describeError(err) }, 'tail targets not prepared; the agent reports the configuration problem');
    }
  }
  const agent = new Agent({
    agentName: opts.name,
    configFiles: opts.confFile,
    sys,
    strict: opts.strict === true,
    reload: opts.reloadConf,
    pollIntervalMs,
    shutdownTimeoutMs,
    ...(broker ? { broker: broker.handle } : {}),
    // Embedded broker: create the default scenario's tailed files, link exactly-once recovery.
    ...(broker ? { onTopologyBuilt: (plan: AgentPlan, topology: Topology) => {
      topics = kafkaSinkTopics(plan).map((k) => k.topic);
      linkExactlyOnce(plan, topology);
    } } : {}),
  });
  let topics: string[] = [];
  let monitor: FlumeMetricsServer | undefined;
  try {
    await agent.start();
    if ((sys['org.apache.flume.log.printconfig'] ?? '').toLowerCase() === 'true') {
      for (const i of agent.issues) log.info({ code: i.code }, i.message);
      log.info({ files: opts.confFile, topology: agent.describe() }, 'effective configuration');
    }
    const mtype = sys['flume.monitoring.type'];
    if (mtype !== undefined) {
      if (mtype.toLowerCase() !== 'http' && mtype !== 'org.apache.flume.instrumentation.http.HTTPMetricsServer') {
        log.warn({ type: mtype }, `flume.monitoring.type=${mtype} is not supported by Sluice (only http); monitoring disabled`);
      } else {
        const port = Number(sys['flume.monitoring.port'] ?? DEFAULT_FLUME_MONITORING_PORT);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`-Dflume.monitoring.port=${sys['flume.monitoring.port']}: expected a port number`);
        monitor = await startFlumeMetricsServer(agent.metrics, { port, host: sys['flume.monitoring.host'] ?? '127.0.0.1' });
      }
    }
  } catch (err) {
    await agent.shutdown(0).catch(() => undefined);
    await broker?.stop().catch(() => undefined);
    throw err;
  }
  let webMonitor: WebMonitor | undefined;
  if (broker) {
    try {
      webMonitor = await startWebMonitor(broker, agent);
    } catch (err) {
      // An invalid monitor configuration: stop what started, then exit 2 (ConfigError).
      await agent.shutdown(0).catch(() => undefined);
      await monitor?.close().catch(() => undefined);
      await broker.stop().catch(() => undefined);
      throw err;
    }
    process.stdout.write(formatStartHints({ files: tailed, bootstrap: broker.bootstrap, topics, ...(webMonitor ? { monitorUrl: webMonitor.url } : {}) }) + '\n');
  }
  // Stay up (also when idle) until a stop signal; SIGHUP reloads.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const onHup = (): void => {
    log.info('SIGHUP: reloading configuration');
    void agent.reload();
  };
  process.on('SIGHUP', onHup);
  const signal = await stopSignal;
  log.info({ signal }, `received ${signal}, shutting down`);
  process.off('SIGHUP', onHup);
  const report = await agent.shutdown();
  await monitor?.close();
  await webMonitor?.close().catch(() => undefined);
  await broker?.stop();
  clearInterval(keepAlive);
  log.info({ left: report.left, drained: report.drained }, 'agent exited');
}

export function register(program: Command): void {
  program
    .command('agent')
    .description('run a Flume agent (flume-ng agent flags)')
    .option('-n, --name <name>', 'agent name (the <agent> prefix of the config keys)')
    .option('-f, --conf-file <file>', 'Flume properties file (repeatable; later files win)', collect, [] as string[])
    .option('-c, --conf <dir>', 'configuration directory (accepted for flume-ng compatibility)')
    .option('--broker <server.properties>', 'start the embedded Kafka-compatible broker in-process')
    .option('--override <key=value>', 'override a server.properties key (repeatable)', collect, [] as string[])
    .option('--no-reload-conf', 'do not poll the configuration file for changes')
    .option('-i, --poll-interval <seconds>', 'configuration poll interval in seconds (default 30)')
    .option('--strict', 'treat every configuration warning as an error (exit 2)')
    .option('-D <key=value>', 'system property, e.g. -Dflume.monitoring.type=http (repeatable)', collect, [] as string[])
    .action(async (opts: AgentCommandOptions) => {
      await runAgent(opts);
      process.exitCode = 0;
    });
}
