// Shared helpers for the broker benchmarks (not a benchmark itself): start the broker
// (what `sluice broker` runs) as a child process on 127.0.0.1:0 and learn its real port from its "listening on" log
// line; a minimal pipelined protocol connection; percentiles; test batches built with the
// project's own record-batch encoder.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function startBrokerChild(overrides = []) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
  // The broker alone (dist/cli/broker.js's runBroker), without the rest of the CLI.
  const script = `import { runBroker } from ${JSON.stringify(join(root, 'dist/cli/broker.js'))};
await runBroker(undefined, { override: JSON.parse(process.argv[1]) });`;
  const args = ['--input-type=module', '-e', script,
    JSON.stringify(['listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${join(dir, 'logs')}`, ...overrides])];
  const child = spawn(process.execPath, [...(process.env.SLUICE_BENCH_BROKER_NODE_ARGS ?? '').split(' ').filter(Boolean), ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SLUICE_LOG_LEVEL: 'info' } });
  const port = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (c) => {
      buf += c.toString();
      const m = /listening on PLAINTEXT:\/\/127\.0\.0\.1:(\d+)/.exec(buf);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => {
      rmSync(dir, { recursive: true, force: true });
      reject(new Error(`broker exited early (${code})`));
    });
  });
  child.stdout.resume();
  return {
    port,
    pid: child.pid,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A connection that writes request buffers and calls onFrame(frame) for each response frame. */
export function openConnection(port, onFrame) {
  const s = connect(port, '127.0.0.1');
  s.setNoDelay(true);
  let pending = [];
  let have = 0;
  s.on('data', (c) => {
    pending.push(c);
    have += c.length;
    while (have >= 4) {
      let head = pending[0];
      if (head.length < 4) { head = Buffer.concat(pending); pending = [head]; }
      const size = head.readInt32BE(0);
      if (have < 4 + size) break;
      const all = pending.length === 1 ? head : Buffer.concat(pending);
      onFrame(all.subarray(4, 4 + size));
      const rest = all.subarray(4 + size);
      pending = rest.length ? [rest] : [];
      have = rest.length;
    }
  });
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

export function percentile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * One uncompressed record batch v2 of `records` records with `valueSize`-byte values and
 * null keys, encoded by Sluice's hot-path encoder (valid CRC, baseOffset 0).
 */
export async function encodedBatch(records, valueSize) {
  const { encodeRecordBatchFromBodies } = await import('../dist/protocol/record-batch.js');
  const data = Buffer.alloc(records * valueSize, 0x61);
  const starts = Uint32Array.from({ length: records }, (_, i) => i * valueSize);
  const ends = Uint32Array.from({ length: records }, (_, i) => (i + 1) * valueSize);
  return encodeRecordBatchFromBodies({ data, starts, ends, timestamp: Date.now() });
}
