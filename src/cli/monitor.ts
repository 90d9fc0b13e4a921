/**
 * `sluice monitor --bootstrap-server H:P [--listener http://127.0.0.1:8086]
 *   [--allow-remote] [--allowed-host NAME]... [--sample-interval-ms N]`
 *
 * Serves the web monitor (pages, /metrics, /healthz, /readyz) for any Kafka-compatible
 * cluster through the thin client (src/monitor/remote-source.ts). Prints one line,
 * `sluice monitor: serving <url> for <bootstrap>`, once listening, then runs until
 * SIGTERM/SIGINT and exits 0. Bad usage (bad listener, non-loopback bind without
 * --allow-remote) exits 2; the cluster being down is not fatal: /readyz reports it.
 */
import type { Command } from 'commander';
import { RemoteDataSource } from '../monitor/remote-source.js';
import { DEFAULT_MONITOR_LISTENER, parseMonitorListener, startMonitorServer } from '../monitor/monitor-server.js';
import { UsageError } from './exit.js';

export interface MonitorCommandOptions {
  readonly bootstrapServer?: string;
  readonly listener: string;
  readonly allowRemote?: boolean;
  readonly allowedHost: string[];
  readonly sampleIntervalMs?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export async function runMonitor(opts: MonitorCommandOptions): Promise<void> {
  if (!opts.bootstrapServer) throw new UsageError('monitor: --bootstrap-server HOST:PORT is required');
  const listener = parseMonitorListener(opts.listener, '--listener');
  const interval = opts.sampleIntervalMs === undefined ? 5000 : Number(opts.sampleIntervalMs);
  if (!Number.isInteger(interval) || interval < 50) throw new UsageError(`--sample-interval-ms ${opts.sampleIntervalMs}: expected an integer ≥ 50`);
  const source = new RemoteDataSource({ bootstrapServers: opts.bootstrapServer });
  let server;
  try {
    server = await startMonitorServer({ listener, source, allowRemote: opts.allowRemote === true, allowedHosts: opts.allowedHost, sampleIntervalMs: interval });
  } catch (err) {
    await source.close();
    throw err;
  }
  console.log(`sluice monitor: serving ${server.url} for ${opts.bootstrapServer}`);
  await new Promise<void>((resolve) => {
    const onSignal = (): void => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  await server.close();
}

export function register(program: Command): void {
  program
    .command('monitor')
    .description('serve the web monitor and Prometheus /metrics for a Kafka-compatible cluster')
    .option('--bootstrap-server <host:port>', 'cluster to monitor (host:port[,host:port…])')
    .option('--listener <url>', 'where to serve the monitor', DEFAULT_MONITOR_LISTENER)
    .option('--allow-remote', 'allow binding a non-loopback address (the monitor has no authentication)')
    .option('--allowed-host <name>', 'extra Host header name to accept (repeatable)', collect, [] as string[])
    .option('--sample-interval-ms <ms>', 'rate / lag sampling period (default 5000)')
    .action(async (opts: MonitorCommandOptions) => {
      await runMonitor(opts);
      process.exitCode = 0;
    });
}
