/**
 * The agent's web-monitor hook, as real processes (`node dist/cli/main.js agent … --broker`):
 * - with no sluice.monitor.listener key, the monitor uses the BrokerConfig default
 *   (http://127.0.0.1:8086): it binds there, or, when that port is busy on this machine,
 *   the logged error names it and the agent runs on;
 * - port 0 in the listener → the start hints print the real bound URL, which serves /healthz;
 * - a non-loopback listener without sluice.monitor.allow.remote exits 2 (ConfigError), as
 *   `sluice broker` does;
 * - a port already in use is a logged error: the agent and its broker keep running and stop
 *   cleanly on SIGTERM.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const main = join(root, 'dist/cli/main.js');
const children: ChildProcess[] = [];
const dirs: string[] = [];
const servers: Server[] = [];

beforeAll(() => {
  if (!existsSync(main)) spawnSync('npx', ['tsc', '-p', 'tsconfig.json', '--noEmitOnError', 'false'], { cwd: root, stdio: 'ignore' });
}, 120_000);

afterAll(async () => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await gone;
    }
  }
  for (const s of servers) s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A temp dir with a seq → memory → null agent config and a server.properties of `props`. */
function setup(props: string[]): { dir: string; args: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-agent-monitor-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'agent.conf'), [
    'a1.sources = s1', 'a1.channels = c1', 'a1.sinks = k1',
    'a1.sources.s1.type = seq', 'a1.sources.s1.totalEvents = 10', 'a1.sources.s1.channels = c1',
    'a1.channels.c1.type = memory',
    'a1.sinks.k1.type = null', 'a1.sinks.k1.channel = c1', '',
  ].join('\n'));
  writeFileSync(join(dir, 'server.properties'), ['listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${join(dir, 'logs')}`, ...props, ''].join('\n'));
  return { dir, args: ['agent', '-n', 'a1', '-f', join(dir, 'agent.conf'), '--broker', join(dir, 'server.properties'), '--no-reload-conf'] };
}

/** Spawns the CLI; `until(pattern)` resolves with the first match in stdout+stderr so far. */
function run(args: string[], cwd: string): { child: ChildProcess; output: () => string; until: (p: RegExp, ms?: number) => Promise<RegExpExecArray>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [main, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SLUICE_LOG_LEVEL: 'info' } });
  children.push(child);
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (c: Buffer): void => {
    out += c.toString();
    for (const w of [...waiters]) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    for (const w of [...waiters]) w();
    resolve(code);
  }));
  const until = (p: RegExp, ms = 20_000): Promise<RegExpExecArray> => new Promise((resolve, reject) => {
    const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`timed out waiting for ${p}: ${out}`)); }, ms);
    const check = (): void => {
      const m = p.exec(out);
      if (m) {
        clearTimeout(timer);
        waiters.delete(check);
        resolve(m);
      } else if (child.exitCode !== null || child.signalCode !== null) {
        clearTimeout(timer);
        waiters.delete(check);
        reject(new Error(`exited (${child.exitCode ?? child.signalCode}) before ${p}: ${out}`));
      }
    };
    waiters.add(check);
    check();
  });
  return { child, output: () => out, until, exit };
}

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function stop(p: ReturnType<typeof run>): Promise<number | null> {
  p.child.kill('SIGTERM');
  return p.exit;
}

/** A listening TCP server on 127.0.0.1 (port 0 → any), or null when the port is taken. */
function listen(port: number): Promise<Server | null> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(null));
    s.listen(port, '127.0.0.1', () => { servers.push(s); resolve(s); });
  });
}

describe('sluice agent --broker: web monitor hook', () => {
  it('port 0: the start hints print the bound URL, which serves /healthz', async () => {
    const { dir, args } = setup(['sluice.monitor.listener=http://127.0.0.1:0']);
    const p = run(args, dir);
    const m = await p.until(/Monitor: +(http:\/\/127\.0\.0\.1:(\d+)\/)/);
    expect(Number(m[2])).toBeGreaterThan(0);
    expect(await get(`${m[1]}healthz`)).toBe(200);
    expect(await stop(p)).toBe(0);
  });

  it('uses the default listener http://127.0.0.1:8086 when server.properties has no sluice.monitor.listener', async () => {
    const { dir, args } = setup([]);
    // Hold 8086 ourselves when it is free, so the outcome is deterministic: the agent must try
    // exactly that port, log that it is in use, and run on. (If another process holds it, same.)
    const held = await listen(8086);
    const p = run(args, dir);
    if (held) {
      await p.until(/"level":50[^\n]*web monitor not started[^\n]*http:\/\/127\.0\.0\.1:8086[^\n]*EADDRINUSE/);
      await p.until(/Sluice is running\./);
      expect(p.output()).not.toContain('Monitor:');
    } else {
      await p.until(/web monitor not started[^\n]*http:\/\/127\.0\.0\.1:8086|Monitor: +http:\/\/127\.0\.0\.1:8086\//);
    }
    held?.close();
    expect(await stop(p)).toBe(0);
  });

  it('a port already in use is a logged error; the agent and broker keep running', async () => {
    const busy = (await listen(0))!;
    const port = (busy.address() as { port: number }).port;
    const { dir, args } = setup([`sluice.monitor.listener=http://127.0.0.1:${port}`]);
    const p = run(args, dir);
    await p.until(new RegExp(`"level":50[^\\n]*web monitor not started[^\\n]*127\\.0\\.0\\.1:${port}`));
    await p.until(/Sluice is running\./);
    expect(p.output()).not.toContain('Monitor:');
    // The data path is up: the embedded broker accepts connections on its listener.
    const bport = Number((await p.until(/listening on PLAINTEXT:\/\/127\.0\.0\.1:(\d+)/))[1]);
    await new Promise<void>((resolve, reject) => {
      const sock = connect(bport, '127.0.0.1', () => { sock.destroy(); resolve(); });
      sock.once('error', reject);
    });
    expect(p.child.exitCode).toBeNull();
    expect(await stop(p)).toBe(0);
  });

  it('a non-loopback listener without sluice.monitor.allow.remote exits 2, as sluice broker does', async () => {
    const { dir, args } = setup(['sluice.monitor.listener=http://0.0.0.0:0']);
    const p = run(args, dir);
    expect(await p.exit).toBe(2);
    expect(p.output()).toContain('not a loopback address');
    expect(p.output()).toContain('CONFIG_MONITOR_REMOTE_BIND');
  });
});
