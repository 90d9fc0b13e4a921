/**
 * Integration harness: a real broker listening on 127.0.0.1:0 in a temp log dir, and a
 * kcat runner. `kcatAvailable()` is false only when kcat is missing locally; in CI
 * (process.env.CI set) a missing kcat fails the suite instead of skipping.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../../src/broker/broker.js';
import { parseBrokerConfig } from '../../src/broker/config/server-config.js';

export interface RunningBroker {
  readonly broker: Broker;
  readonly bootstrap: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startListeningBroker(props: string[] = []): Promise<RunningBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-it-'));
  const config = parseBrokerConfig(
    ['listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${join(dir, 'logs')}`, 'num.partitions=1', ...props].join('\n'),
    'it.properties',
  );
  const broker = await Broker.start({ config });
  const port = broker.boundListeners()[0]!.port;
  return {
    broker,
    port,
    bootstrap: `127.0.0.1:${port}`,
    async stop() {
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function kcatAvailable(): boolean {
  const ok = spawnSync('kcat', ['-V'], { stdio: 'ignore' }).status === 0;
  if (!ok && process.env['CI']) throw new Error('kcat is required in CI (installed by .ci/run) but was not found on PATH');
  return ok;
}

export interface KcatResult {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs kcat with `args`, feeding `input` on stdin; rejects after `timeoutMs`. */
export function kcat(args: string[], input?: Buffer | string, timeoutMs = 60_000): Promise<KcatResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kcat ${args.join(' ')} timed out; stderr: ${err}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: err });
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}
