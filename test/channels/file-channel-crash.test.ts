/**
 * Crash test: a child process (compiled code from dist/) puts and takes in a loop and is
 * SIGKILLed at random moments. Each put batch is recorded in `puts.ack` (fsynced) after
 * its commit; each taken batch is delivered to `takes.ack` (fsynced) before its take
 * commit, as a sink does (recording after the commit could not tell a channel loss from
 * a kill between the commit and the record). After the last kill
 * the test opens the channel itself: every acknowledged put must be taken-and-acked or
 * still in the channel; duplicates (taken-acked and still present, or acked twice) stay
 * within one take batch per kill (the documented at-least-once bound).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FileChannel } from '../../src/channels/file-channel/file-channel.js';
import { MetricsRegistry } from '../../src/agent/metrics.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const TAKE_BATCH = 50;

const child = (distUrl: string): string => `
import { FileChannel } from ${JSON.stringify(distUrl)};
import { EventBatch } from ${JSON.stringify(distUrl.replace('channels/file-channel/file-channel.js', 'agent/event-batch.js'))};
import { MetricsRegistry } from ${JSON.stringify(distUrl.replace('channels/file-channel/file-channel.js', 'agent/metrics.js'))};
import { openSync, writeSync, fdatasyncSync } from 'node:fs';
import { join } from 'node:path';
const [root, round] = process.argv.slice(2);
const ch = new FileChannel('c1', {
  checkpointDir: join(root, 'ck'), dataDirs: [join(root, 'd1'), join(root, 'd2')], useDualCheckpoints: true,
  backupCheckpointDir: join(root, 'bk'), capacity: 100000, transactionCapacity: 1000, checkpointIntervalMs: 1000,
  maxFileSize: 64 * 1024, minimumRequiredSpace: 0, keepAliveMs: 20, checkpointOnClose: true, inMemoryBytes: Number(round) % 2 === 0 ? 2048 : 64 << 20,
}, new MetricsRegistry().group('CHANNEL', 'c1'));
await ch.start();
const putAck = openSync(join(root, 'puts.ack'), 'a');
const takeAck = openSync(join(root, 'takes.ack'), 'a');
let seq = 0;
async function putter(id) {
  for (;;) {
    const n = 1 + (seq % 37);
    const bodies = [];
    for (let i = 0; i < n; i++) bodies.push('r' + round + 'p' + id + '-' + (seq++));
    const tx = ch.begin();
    tx.put(EventBatch.fromEvents(bodies.map((b) => ({ headers: { k: 'v' }, body: Buffer.from(b) }))));
    await tx.commit();
    writeSync(putAck, bodies.join('\\n') + '\\n');
    fdatasyncSync(putAck);
  }
}
async function taker() {
  for (;;) {
    const tx = ch.begin();
    const b = await tx.take(${TAKE_BATCH});
    if (Math.random() < 0.1) { await tx.rollback(); continue; }
    if (b) {
      // Deliver (fsynced), then commit: the sink protocol of at-least-once delivery.
      const out = [];
      for (let i = 0; i < b.count; i++) out.push(b.body(i).toString());
      writeSync(takeAck, out.join('\\n') + '\\n');
      fdatasyncSync(takeAck);
    }
    await tx.commit();
  }
}
process.stdout.write('ready\\n');
putter(0); putter(1); taker(); taker();
`;

beforeAll(() => {
  spawnSync('npx', ['tsc', '-p', 'tsconfig.json', '--noEmitOnError', 'false'], { cwd: repo, stdio: 'ignore' });
}, 120_000);

const lines = (p: string): string[] => (existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter((l) => l !== '') : []);

describe('file channel SIGKILL', () => {
  it('loses no acknowledged put across random kills; duplicates stay within the bound', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sluice-fc-kill-'));
    try {
      const script = join(root, 'child.mjs');
      writeFileSync(script, child(pathToFileURL(join(repo, 'dist', 'channels', 'file-channel', 'file-channel.js')).href));
      const kills = 6;
      let seed = 7;
      const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
      for (let round = 0; round < kills; round++) {
        const before = lines(join(root, 'puts.ack')).length;
        const proc = spawn(process.execPath, [script, root, String(round)], { env: { ...process.env, SLUICE_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'inherit'] });
        await new Promise<void>((resolve, reject) => {
          proc.stdout.once('data', () => resolve());
          proc.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
        });
        // Let it work until it acknowledged some more puts, plus a random extra, then kill.
        const deadline = Date.now() + 20_000;
        // Odd rounds run past the 1 s checkpoint interval, so replay starts from a checkpoint.
        const extra = 50 + rnd(400);
        const minUntil = Date.now() + (round % 2 === 1 ? 1100 + rnd(600) : 0);
        while ((lines(join(root, 'puts.ack')).length < before + extra || Date.now() < minUntil) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 5));
        }
        proc.kill('SIGKILL');
        await new Promise((r) => proc.once('exit', r));
      }
      const ch = new FileChannel('c1', {
        checkpointDir: join(root, 'ck'), dataDirs: [join(root, 'd1'), join(root, 'd2')], useDualCheckpoints: true,
        backupCheckpointDir: join(root, 'bk'), capacity: 100000, transactionCapacity: 1000, checkpointIntervalMs: 60_000,
        maxFileSize: 64 * 1024, minimumRequiredSpace: 0, keepAliveMs: 10, checkpointOnClose: false, inMemoryBytes: 64 << 20,
      }, new MetricsRegistry().group('CHANNEL', 'c1'));
      await ch.start();
      const remaining: string[] = [];
      for (;;) {
        const tx = ch.begin();
        const b = await tx.take(1000);
        await tx.commit();
        if (!b) break;
        for (let i = 0; i < b.count; i++) remaining.push(b.body(i).toString());
      }
      await ch.stop();
      const acked = lines(join(root, 'puts.ack'));
      const taken = lines(join(root, 'takes.ack'));
      expect(acked.length).toBeGreaterThan(kills * 50);
      const seen = new Map<string, number>();
      for (const t of [...taken, ...remaining]) seen.set(t, (seen.get(t) ?? 0) + 1);
      const lost = acked.filter((a) => !seen.has(a));
      expect(lost).toEqual([]);
      let dups = 0;
      for (const n of seen.values()) dups += n - 1;
      expect(dups).toBeLessThanOrEqual(kills * 2 * TAKE_BATCH);
      // Nothing invented: everything seen was put by some child.
      for (const k of seen.keys()) expect(k).toMatch(/^r\d+p[01]-\d+$/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
