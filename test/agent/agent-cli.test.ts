/**
 * `sluice agent` as a real process (needs `npx tsc -p tsconfig.json` first; skipped when
 * dist/ is absent): exit codes and messages for invalid configs, the idle wrong -n case,
 * -D handling (log level, /metrics on a port chosen by the OS), SIGTERM shutdown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ComponentRegistry } from '../../src/agent/registry.js';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const main = resolve('dist/cli/main.js');
let dir: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-agent-cli-'));
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function runAgent(args: string[], level = 'info'): Run {
  const child = spawn(process.execPath, [main, 'agent', ...args], { cwd: dir, env: { ...process.env, SLUICE_LOG_LEVEL: level } });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function until(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function getJson(port: number, path: string): Promise<Record<string, Record<string, string>>> {
  return new Promise((res, rej) => {
    request({ host: '127.0.0.1', port, path }, (r) => {
      let body = '';
      r.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => res(JSON.parse(body) as Record<string, Record<string, string>>));
    }).on('error', rej).end();
  });
}

const write = (name: string, lines: string[]): string => {
  writeFileSync(join(dir, name), lines.join('\n') + '\n');
  return name;
};

const seqToMemory = ['a1.sources = r1', 'a1.channels = c1', 'a1.sources.r1.type = seq', 'a1.sources.r1.channels = c1', 'a1.channels.c1.type = memory', 'a1.channels.c1.keep-alive = 0'];

describe.runIf(existsSync(main))('sluice agent (process)', () => {
  it('exits 2 naming file:line for an unknown class name', async () => {
    const f = write('bad.conf', [...seqToMemory, 'a1.channels.c1.type = org.example.Missing']);
    const r = runAgent(['-n', 'a1', '-f', f], 'silent');
    expect(await r.exited).toBe(2);
    expect(r.stderr()).toContain(`${f}:7`);
    expect(r.stderr()).toContain('org.example.Missing');
  });

  it('exits 2 under --strict when there is a warning', async () => {
    const f = write('warn.conf', [...seqToMemory, 'a1.channels.c1.capacit = 5']);
    const r = runAgent(['-n', 'a1', '-f', f, '--strict'], 'silent');
    expect(await r.exited).toBe(2);
    expect(r.stderr()).toMatch(/warn\.conf:7: .*capacit: unknown property; did you mean "capacity"\?/);
  });

  it('exits 2 on a missing -f file', async () => {
    const r = runAgent(['-n', 'a1', '-f', 'nope.conf'], 'silent');
    expect(await r.exited).toBe(2);
    expect(r.stderr()).toContain('nope.conf');
  });

  it('a wrong -n stays up idle with Flume\'s warning; SIGTERM exits 0', async () => {
    const f = write('a.conf', seqToMemory);
    const r = runAgent(['-n', 'zz', '-f', f, '--no-reload-conf']);
    await until(() => r.stdout().includes('No configuration found for this host:zz'), 'the warning');
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
  });

  it('serves /metrics with -Dflume.monitoring.*, honours -Dflume.root.logger, stops on SIGTERM', async () => {
    const f = write('a.conf', seqToMemory);
    const r = runAgent(['-n', 'a1', '-f', f, '-Dflume.monitoring.type=http', '-Dflume.monitoring.port=0', '-Dsluice.shutdown.timeout.ms=0', '-Dflume.root.logger=INFO,console']);
    await until(() => r.stdout().includes('Flume /metrics server listening'), 'the metrics server');
    const line = r.stdout().split('\n').find((l) => l.includes('Flume /metrics server listening'))!;
    const port = (JSON.parse(line) as { port: number }).port;
    await until(() => r.stdout().includes('agent started'), 'start');
    let doc = await getJson(port, '/metrics');
    const deadline = Date.now() + 15_000;
    while (Number(doc['CHANNEL.c1']?.['ChannelSize'] ?? 0) === 0) {
      if (Date.now() > deadline) throw new Error('no events reached the channel');
      await new Promise((res) => setTimeout(res, 20));
      doc = await getJson(port, '/metrics');
    }
    expect(doc['SOURCE.r1']).toMatchObject({ Type: 'SOURCE', StopTime: '0' });
    expect(doc['CHANNEL.c1']).toMatchObject({ Type: 'CHANNEL', ChannelCapacity: '100' });
    expect(Number(doc['CHANNEL.c1']!['ChannelSize'])).toBeGreaterThan(0);
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
    expect(r.stdout()).toContain('events left in channels');
  });

  it('-Dflume.root.logger=WARN,console hides info logs', async () => {
    const f = write('a.conf', [...seqToMemory, 'a1.channels.c1.capacit = 5']);
    const r = runAgent(['-n', 'a1', '-f', f, '-Dflume.root.logger=WARN,console', '-Dsluice.shutdown.timeout.ms=0']);
    await until(() => r.stdout().includes('unknown property'), 'the start-up warning');
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
    expect(r.stdout()).not.toContain('"level":30');
    expect(r.stdout()).toContain('events left in channels');
  });

  // Needs the seq source and the file_roll sink (written in parallel): runs once both are registered.
  const reg = ComponentRegistry.builtin();
  const haveComponents = reg.resolve('source', 'seq').status === 'found' && reg.resolve('sink', 'file_roll').status === 'found';
  it.runIf(haveComponents)('SIGTERM stops the source and drains the channel into the sink: a gap-free prefix is written', async () => {
    const out = join(dir, 'out');
    const f = write('drain.conf', [
      'a1.sources = r1', 'a1.channels = c1', 'a1.sinks = k1',
      'a1.sources.r1.type = seq', 'a1.sources.r1.batchSize = 100', 'a1.sources.r1.channels = c1',
      'a1.channels.c1.type = memory', 'a1.channels.c1.capacity = 100000', 'a1.channels.c1.transactionCapacity = 1000',
      'a1.sinks.k1.type = file_roll', `a1.sinks.k1.sink.directory = ${out}`, 'a1.sinks.k1.sink.rollInterval = 0',
      'a1.sinks.k1.sink.batchSize = 1000', 'a1.sinks.k1.channel = c1',
    ]);
    require_mkdir(out);
    const r = runAgent(['-n', 'a1', '-f', f, '--no-reload-conf']);
    await until(() => r.stdout().includes('agent started'), 'start');
    await until(() => readdirSync(out).some((n) => readFileSync(join(out, n)).length > 0), 'first output');
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
    expect(r.stdout()).toContain('all channels drained');
    const lines = readdirSync(out).sort().flatMap((n) => readFileSync(join(out, n), 'utf8').split('\n').filter((l) => l !== ''));
    expect(lines.length).toBeGreaterThan(0);
    lines.forEach((l, i) => expect(l).toBe(String(i)));
  });
});

function require_mkdir(path: string): void {
  mkdirSync(path, { recursive: true });
}
