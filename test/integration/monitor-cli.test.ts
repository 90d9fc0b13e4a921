/**
 * The monitor from the command line, as real processes (compiled CLI in dist/):
 * - `sluice broker` serves the monitor on sluice.monitor.listener (port 0 here): the
 *   log names its URL, /readyz is 200, /api/topics and /metrics reflect a produce;
 * - `sluice monitor --bootstrap-server` serves the same cluster through the thin client;
 * - a non-loopback --listener without --allow-remote exits 2 and says why;
 * - a foreign Host header is refused (421) by the running process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const main = join(root, 'dist/cli/main.js');
const children: ChildProcess[] = [];
const dirs: string[] = [];

beforeAll(() => {
  if (!existsSync(join(root, 'dist/cli/monitor.js'))) {
    spawnSync('npx', ['tsc', '-p', 'tsconfig.json', '--noEmitOnError', 'false'], { cwd: root, stdio: 'ignore' });
  }
}, 120_000);

afterAll(async () => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await gone;
    }
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function get(url: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, headers: { host: host ?? u.host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Spawns the CLI and resolves with the first match of `pattern` in its output. */
function start(args: string[], pattern: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SLUICE_LOG_LEVEL: 'info' } });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (c: Buffer): void => {
      out += c.toString();
      const m = pattern.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        resolve({ child, match: m });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}: ${out}`)));
  });
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('monitor processes', () => {
  let brokerPort = 0;
  let brokerMonitor = '';

  it('sluice broker serves the monitor on sluice.monitor.listener', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-monitor-cli-'));
    dirs.push(dir);
    const b = await start(
      ['broker', '--override', 'listeners=PLAINTEXT://127.0.0.1:0', '--override', `log.dirs=${join(dir, 'logs')}`, '--override', 'sluice.monitor.listener=http://127.0.0.1:0'],
      /listening on PLAINTEXT:\/\/127\.0\.0\.1:(\d+)[\s\S]*web monitor on (http:\/\/127\.0\.0\.1:\d+\/)/,
    );
    brokerPort = Number(b.match[1]);
    brokerMonitor = b.match[2]!;
    expect((await get(`${brokerMonitor}healthz`)).status).toBe(200);
    expect((await get(`${brokerMonitor}readyz`)).status).toBe(200);
    expect((await get(`${brokerMonitor}`, 'rebind.attacker.example')).status).toBe(421);
    const c = spawnSync(process.execPath, [main, 'topics', '--bootstrap-server', `127.0.0.1:${brokerPort}`, '--create', '--topic', 'cli-topic', '--partitions', '2'], { encoding: 'utf8', env: { ...process.env, SLUICE_LOG_LEVEL: 'silent' } });
    expect(c.status, c.stderr).toBe(0);
    const topics = JSON.parse((await get(`${brokerMonitor}api/topics`)).body) as { name: string; partitions: unknown[] }[];
    expect(topics.find((t) => t.name === 'cli-topic')?.partitions).toHaveLength(2);
    const metrics = (await get(`${brokerMonitor}metrics`)).body;
    expect(metrics).toContain('sluice_log_end_offset{topic="cli-topic",partition="1"} 0');
    expect(metrics).toMatch(/sluice_broker_request_duration_seconds_count\{api="CreateTopics"\} 1\n/);
  });

  it('sluice monitor --bootstrap-server serves the same cluster through the thin client', async () => {
    const m = await start(['monitor', '--bootstrap-server', `127.0.0.1:${brokerPort}`, '--listener', 'http://127.0.0.1:0'], /sluice monitor: serving (http:\/\/127\.0\.0\.1:\d+\/)/);
    const url = m.match[1]!;
    await waitFor('ready', async () => ((await get(`${url}readyz`)).status === 200 ? true : undefined));
    const page = await get(`${url}topics/cli-topic`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<span data-end="1">0</span>');
    expect((await get(`${url}`)).body).toContain('remote cluster');
    if (spawnSync('kcat', ['-V'], { stdio: 'ignore' }).status !== 0) return; // group part needs kcat
    const b = `127.0.0.1:${brokerPort}`;
    expect(spawnSync('kcat', ['-P', '-b', b, '-t', 'cli-topic', '-p', '1'], { input: 'a\nb\nc\nd\ne\n' }).status).toBe(0);
    expect(spawnSync('kcat', ['-b', b, '-G', 'cli-group', '-X', 'auto.offset.reset=earliest', '-c', '3', '-q', '-e', 'cli-topic'], { stdio: 'ignore', timeout: 30_000 }).status).toBe(0);
    const g = await waitFor('group lag over the thin client', async () => {
      const r = await get(`${url}api/groups/cli-group`);
      const d = JSON.parse(r.body) as { partitions?: { partition: number; committedOffset: number; logEndOffset: number; lag: number }[] };
      return d.partitions?.some((p) => p.partition === 1 && p.committedOffset === 3) ? d : undefined;
    });
    expect(g.partitions!.find((p) => p.partition === 1)).toMatchObject({ committedOffset: 3, logEndOffset: 5, lag: 2 });
    expect((await get(`${url}metrics`)).body).toContain('sluice_consumer_group_lag{group="cli-group",topic="cli-topic",partition="1"} 2');
  });

  it('refuses a non-loopback listener without --allow-remote (exit 2)', () => {
    const r = spawnSync(process.execPath, [main, 'monitor', '--bootstrap-server', '127.0.0.1:9', '--listener', 'http://0.0.0.0:0'], { encoding: 'utf8', env: { ...process.env, SLUICE_LOG_LEVEL: 'silent' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('not a loopback address');
    expect(r.stderr).toContain('CONFIG_MONITOR_REMOTE_BIND');
  });
});
