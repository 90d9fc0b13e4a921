/**
 * Harness for the tail → topic process tests: a copy of conf/ in a temp dir with the
 * embedded broker on a free 127.0.0.1 port, an agent child process (`npm start`'s
 * command line with --override for the ports), and a reader that decodes the topic's
 * segment files (the log as stored; valid while the agent runs or after it stopped).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeRecordBatch } from '../../src/protocol/record-batch.js';
import { readRecordBatchHeader } from '../../src/protocol/record-batch-header.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const MAIN = join(REPO, 'dist/cli/main.js');

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

export interface Scenario {
  readonly dir: string;
  readonly port: number;
  readonly bootstrap: string;
  readonly args: string[];
}

/** conf/ copied into a temp dir, ports rewritten; `edit` may change flume-kafka.conf's text. */
export async function makeScenario(edit: (conf: string) => string = (c) => c): Promise<Scenario> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-t2t-'));
  cpSync(join(REPO, 'conf'), join(dir, 'conf'), { recursive: true });
  const port = await freePort();
  const f = join(dir, 'conf/flume-kafka.conf');
  writeFileSync(f, edit(readFileSync(f, 'utf8').replaceAll('127.0.0.1:9092', `127.0.0.1:${port}`)));
  return {
    dir, port, bootstrap: `127.0.0.1:${port}`,
    args: [
      MAIN, 'agent', '-n', 'a1', '-c', 'conf', '-f', 'conf/flume-kafka.conf', '--broker', 'conf/server.properties', '--no-reload-conf',
      '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      '--override', 'sluice.monitor.listener=', '--override', 'offsets.topic.num.partitions=1',
    ],
  };
}

/** Deletes a scenario's temp dir (call after a passing test; a failing one keeps it for a look). */
export function removeScenario(s: Scenario): void {
  rmSync(s.dir, { recursive: true, force: true });
}

export interface AgentProc {
  readonly child: ChildProcess;
  /** Resolves when the start hints are printed (the agent runs). */
  readonly ready: Promise<void>;
  readonly exited: Promise<number | null>;
  output(): string;
}

export function startAgent(s: Scenario, extraEnv: Record<string, string> = {}): AgentProc {
  const child = spawn(process.execPath, s.args, { cwd: s.dir, env: { ...process.env, SLUICE_LOG_LEVEL: 'info', ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let readyFn!: () => void;
  let failFn!: (e: Error) => void;
  const ready = new Promise<void>((r, j) => {
    readyFn = r;
    failFn = j;
  });
  const onData = (c: Buffer): void => {
    out += c.toString();
    if (out.includes('Sluice is running')) readyFn();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => {
    failFn(new Error(`agent exited (${code}) before it was ready:\n${out.slice(-3000)}`));
    r(code);
  }));
  ready.catch(() => undefined);
  return { child, ready, exited, output: () => out };
}

/** Every record value of topic-partition, decoded from the segment files in offset order. */
export function readTopic(dir: string, topic = 'fromflume', partition = 0): Buffer[] {
  return readTopicFrom(join(dir, 'data/kafka-logs'), topic, partition);
}

/** Same, for a broker whose log.dirs is `logDirs`. */
export function readTopicFrom(logDirs: string, topic = 'fromflume', partition = 0): Buffer[] {
  const pdir = join(logDirs, `${topic}-${partition}`);
  if (!existsSync(pdir)) return [];
  const out: Buffer[] = [];
  for (const f of readdirSync(pdir).filter((n) => n.endsWith('.log')).sort()) {
    const buf = readFileSync(join(pdir, f));
    let pos = 0;
    while (buf.length - pos >= 61) {
      const h = readRecordBatchHeader(buf, pos);
      if (h.size < 61 || pos + h.size > buf.length) break;
      for (const r of decodeRecordBatch(buf, pos).records) out.push(Buffer.from(r.value ?? Buffer.alloc(0)));
      pos += h.size;
    }
  }
  return out;
}

/** Polls `check` until it returns true or the deadline passes. */
export async function waitFor(check: () => boolean, timeoutMs: number, what: string, stepMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
