/**
 * `sluice broker [server.properties] [--override k=v]...`: a standalone broker in the
 * foreground. Logs (pino, stdout) where it listens; SIGTERM and SIGINT stop it cleanly
 * (listeners closed, sessions ended, logs closed with the clean-shutdown marker) and the
 * process exits 0. A bad configuration exits 2 (ConfigError), a runtime failure 1.
 */
import type { Command } from 'commander';
import { Broker } from '../broker/broker.js';
import { loadBrokerConfig } from '../broker/config/server-config.js';
import { formatListener } from '../broker/listeners.js';
import { componentLogger } from '../logger.js';
import { startEmbeddedMonitor } from '../monitor/embedded-monitor.js';

const log = componentLogger('cli.broker');

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export interface BrokerCommandOptions {
  readonly override: string[];
}

/** Runs until SIGTERM/SIGINT; resolves after a clean stop. */
export async function runBroker(file: string | undefined, opts: BrokerCommandOptions): Promise<void> {
  const config = loadBrokerConfig(file, opts.override);
  const broker = await Broker.start({ config });
  const where = broker.boundListeners().map((b) => formatListener({ name: b.spec.name, host: b.host, port: b.port }));
  log.info({ listeners: where, logDirs: config.logDirs }, `sluice broker ${config.nodeId} started on ${where.join(', ')}`);
  // HOOK (monitor): the web monitor on sluice.monitor.listener; stopped before the broker.
  const monitor = await startEmbeddedMonitor({ broker, config }).catch(async (err: unknown) => {
    await broker.stop();
    throw err;
  });
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      log.info({ signal }, `received ${signal}, stopping`);
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  await monitor?.close();
  await broker.stop();
}

export function register(program: Command): void {
  program
    .command('broker')
    .description('run a standalone Kafka-compatible broker in the foreground')
    .argument('[server.properties]', "Kafka server.properties file (defaults: PLAINTEXT://127.0.0.1:9092, ./data/kafka-logs)")
    .option('--override <key=value>', 'override a server.properties key (repeatable)', collect, [] as string[])
    .action(async (file: string | undefined, opts: BrokerCommandOptions) => {
      await runBroker(file, opts);
      process.exitCode = 0;
    });
}
