/**
 * Test kit for group and idempotence tests: a broker listening on 127.0.0.1:0 over a
 * temp (or given) log dir, restartable on the same dir, plus polling helpers. Not a test file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../../../src/broker/broker.js';
import { parseBrokerConfig } from '../../../src/broker/config/server-config.js';

export const FAST_GROUP_PROPS = [
  'group.initial.rebalance.delay.ms=0',
  'group.min.session.timeout.ms=500',
  'offsets.topic.num.partitions=50',
];

export interface RunningBroker {
  readonly broker: Broker;
  readonly dir: string;
  readonly port: number;
  readonly bootstrap: string;
  stop(): Promise<void>;
}

export async function tempDir(prefix = 'sluice-groups-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Starts a broker on `dir` (log dir `dir/logs`), listening on `port` (0 = any). */
export async function startBroker(dir: string, props: readonly string[] = [], port = 0): Promise<RunningBroker> {
  const config = parseBrokerConfig(
    [`listeners=PLAINTEXT://127.0.0.1:${port}`, `log.dirs=${join(dir, 'logs')}`, 'num.partitions=1', ...FAST_GROUP_PROPS, ...props].join('\n'),
    'test.properties',
  );
  const broker = await Broker.start({ config });
  const bound = broker.boundListeners()[0]!.port;
  return { broker, dir, port: bound, bootstrap: `127.0.0.1:${bound}`, stop: () => broker.stop() };
}

/** Polls `fn` until it returns a truthy value or the deadline passes (then throws with `what`). */
export async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 20_000, everyMs = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
