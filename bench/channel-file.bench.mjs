// File channel throughput: events/s through put-commit + take-commit with 100-byte
// events in batches of 1,000, beside the memory channel (no durability) and a raw
// write+fdatasync loop of the same bytes (the disk's limit for one sync per batch),
// measured in the same run on the same temp filesystem. Goal (issue 6): ≥ 300,000
// events/s for the file channel.
//   BENCH_EVENTS (default 2,000,000)  BENCH_BATCH (1000)  BENCH_BODY (100)  BENCH_WRITERS (4)
import { mkdtempSync, rmSync, openSync, writeSync, fdatasyncSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileChannel } from '../dist/channels/file-channel/file-channel.js';
import { MemoryChannel } from '../dist/channels/memory-channel.js';
import { EventBatch } from '../dist/agent/event-batch.js';
import { MetricsRegistry } from '../dist/agent/metrics.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2_000_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const BODY = Number(process.env.BENCH_BODY ?? 100);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 4);
const batches = Math.ceil(EVENTS / BATCH);
const root = mkdtempSync(join(tmpdir(), 'sluice-bench-fc-'));

function makeBatch(seed) {
  const data = Buffer.alloc(BATCH * BODY, 97 + (seed % 26));
  const starts = new Uint32Array(BATCH);
  const ends = new Uint32Array(BATCH);
  for (let i = 0; i < BATCH; i++) { starts[i] = i * BODY; ends[i] = (i + 1) * BODY; }
  return new EventBatch({ data, starts, ends, sharedHeaders: { host: 'bench' } });
}
const template = [makeBatch(0), makeBatch(1), makeBatch(2), makeBatch(3)];

/** Puts `batches` batches from `writers` concurrent sources while as many sinks take them. */
async function pipeline(ch, writers) {
  let next = 0;
  let taken = 0;
  let fulls = 0;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const put = async () => {
    while (next < batches) {
      const i = next++;
      for (;;) {
        const tx = ch.begin();
        tx.put(template[i % 4]);
        try {
          await tx.commit();
          break;
        } catch (err) {
          if (err.code !== 'CHANNEL_FULL') throw err;
          fulls++;
        }
      }
    }
  };
  const take = async () => {
    while (taken < batches * BATCH) {
      const tx = ch.begin();
      const b = await tx.take(BATCH);
      await tx.commit();
      if (b) taken += b.count;
    }
  };
  await Promise.all([...Array.from({ length: writers }, put), ...Array.from({ length: writers }, take)]);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { s, cpu: (cpu.user + cpu.system) / 1e6, fulls };
}

function rawSyncLoop() {
  const fd = openSync(join(root, 'raw'), 'w');
  const buf = Buffer.alloc(BATCH * (BODY + 4) + 64, 120);
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let pos = 0;
  for (let i = 0; i < batches; i++) {
    pos += writeSync(fd, buf, 0, buf.length, pos);
    fdatasyncSync(fd);
  }
  closeSync(fd);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { s, cpu: (cpu.user + cpu.system) / 1e6 };
}

const rows = [];
const row = (name, r, syncs) => rows.push({ name, events: batches * BATCH, s: r.s, cpu: r.cpu, syncs, fulls: r.fulls ?? 0 });

const counters = () => new MetricsRegistry().group('CHANNEL', 'c');
const fileOpts = (dir, inMemoryBytes = 64 << 20) => ({
  checkpointDir: join(dir, 'ck'), dataDirs: [join(dir, 'data')], useDualCheckpoints: false, backupCheckpointDir: undefined,
  capacity: 1_000_000, transactionCapacity: BATCH, checkpointIntervalMs: 30_000, maxFileSize: 2_146_435_071,
  minimumRequiredSpace: 0, keepAliveMs: 3000, checkpointOnClose: true, inMemoryBytes,
});

try {
  const mem = new MemoryChannel('m', { capacity: 1_000_000, transactionCapacity: BATCH, keepAliveMs: 3000, byteCapacitySlots: 0 }, counters());
  await mem.start();
  row('memory channel (1 writer, 1 taker)', await pipeline(mem, 1), 0);
  await mem.stop();

  for (const w of [1, WRITERS]) {
    const fc = new FileChannel('f', fileOpts(join(root, `fc${w}`)), counters());
    await fc.start();
    const before = fc.syncCount;
    const r = await pipeline(fc, w);
    row(`file channel (${w} writer${w > 1 ? 's' : ''}, ${w} taker${w > 1 ? 's' : ''})`, r, fc.syncCount - before);
    await fc.stop();
  }
  {
    // Bodies kept only on disk: every take reads its batch back (pread + decode).
    const fc = new FileChannel('f', fileOpts(join(root, 'fc-disk'), 0), counters());
    await fc.start();
    const before = fc.syncCount;
    const r = await pipeline(fc, WRITERS);
    row(`file channel, inMemoryBytes 0 (${WRITERS}+${WRITERS})`, r, fc.syncCount - before);
    await fc.stop();
  }
  row('raw write+fdatasync per batch', rawSyncLoop(), batches);

  console.log(`events ${batches * BATCH}, batch ${BATCH}, body ${BODY} B, dir ${tmpdir()}`);
  console.log('| run | events/s | MB/s (bodies) | fdatasyncs | CPU s | full retries | vs raw sync loop |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  const raw = rows.find((r) => r.name.startsWith('raw'));
  for (const r of rows) {
    const eps = r.events / r.s;
    console.log(`| ${r.name} | ${Math.round(eps).toLocaleString('en')} | ${((eps * BODY) / 1e6).toFixed(1)} | ${r.syncs} | ${r.cpu.toFixed(2)} | ${r.fulls} | ${(r.s > 0 ? raw.s / r.s : 0).toFixed(2)}× |`);
  }
  const best = Math.max(...rows.filter((r) => r.name.startsWith('file')).map((r) => r.events / r.s));
  console.log(`goal ≥ 300,000 events/s: ${best >= 300_000 ? 'met' : 'NOT met'} (${Math.round(best).toLocaleString('en')})`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
