// Storage benchmarks (issue 2): each figure beside its peer measured in the same run.
//  1. append of 16 KiB batches (100-byte records), page cache hot, vs a plain fs.writeSync loop
//  2. group commit (flush.messages=1): records/s with 1, 4, 16 concurrent appenders vs raw write+fdatasync,
//     and appends covered per fdatasync (the load-independent figure: ideal = appenders)
//  3. recovery of an unclean segment (256 MiB default; SLUICE_BENCH_BIG=1 for 1 GiB) vs a raw read of it
//  4. offset lookup in the middle of a large log: index probes and batch headers read
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PartitionLogImpl } from '../dist/broker/storage/partition-log.js';
import { FileHandleCache } from '../dist/broker/storage/file-handle-cache.js';
import { nodeStorageFs } from '../dist/broker/storage/storage-fs.js';
import { systemClock } from '../dist/broker/storage/clock.js';
import { KAFKA_TOPIC_DEFAULTS, resolveLogConfig } from '../dist/broker/storage/log-config.js';
import { lookupCounters, resetLookupCounters } from '../dist/broker/storage/lookup-counters.js';
import { BATCH } from '../dist/protocol/record-batch-layout.js';
import { encodedBatch } from './broker-bench-util.mjs';

const BIG = process.env.SLUICE_BENCH_BIG === '1';
const root = fs.mkdtempSync(join(tmpdir(), 'sluice-bench-storage-'));
const rows = [];


/** nodeStorageFs with a count of fdatasync calls (group commit: appends per sync is load-independent). */
let syncCalls = 0;
const countingFs = { ...nodeStorageFs, fdatasync: (fd) => { syncCalls++; return nodeStorageFs.fdatasync(fd); } };

async function openLog(name, overrides = {}, clean = true) {
  const dir = join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  return PartitionLogImpl.open({
    dir, topic: name, partition: 0, config: resolveLogConfig({ ...KAFKA_TOPIC_DEFAULTS, ...overrides }),
    fs: countingFs, files: new FileHandleCache(nodeStorageFs, 64), clock: systemClock,
    recoveryPoint: 0, logStartOffset: 0, cleanShutdown: clean,
  });
}

const b16 = await encodedBatch(Math.floor(16384 / 108), 100);
const recsPerBatch = b16.readInt32BE(BATCH.LAST_OFFSET_DELTA) + 1;

// 1. append throughput. Rounds alternate plain / log on fresh files, and each run's dirty
// pages are synced (untimed) before the next starts, so neither side pays for the other's
// writeback; the row reports the median ratio (SLUICE_BENCH_ROUNDS, default 3).
{
  const total = (BIG ? 2048 : 256) * 1024 * 1024;
  const n = Math.floor(total / b16.length);
  const roundsN = Number(process.env.SLUICE_BENCH_ROUNDS ?? 3);
  const runs = [];
  for (let round = 0; round < roundsN; round++) {
    const plainPath = join(root, 'plain.bin');
    const fd = fs.openSync(plainPath, 'w');
    let t = process.hrtime.bigint();
    for (let i = 0, pos = 0; i < n; i++, pos += b16.length) fs.writeSync(fd, b16, 0, b16.length, pos);
    const plainS = Number(process.hrtime.bigint() - t) / 1e9;
    fs.fdatasyncSync(fd);
    fs.closeSync(fd); fs.rmSync(plainPath);
    const pl = await openLog(`append${round}`, { 'segment.bytes': String(1024 * 1024 * 1024) });
    t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await pl.append(b16);
    const logS = Number(process.hrtime.bigint() - t) / 1e9;
    await pl.close();
    fs.rmSync(join(root, `append${round}`), { recursive: true, force: true });
    runs.push({ plainS, logS, ratio: plainS / logS });
  }
  runs.sort((x, y) => x.ratio - y.ratio);
  const { plainS, logS, ratio } = runs[runs.length >> 1];
  const mb = (n * b16.length) / 1e6;
  rows.push([`append 16 KiB batches (median of ${roundsN} rounds; ratios ${runs.map((r) => (r.ratio * 100).toFixed(0)).join('/')} %)`, `${(mb / logS).toFixed(0)} MB/s, ${((n * recsPerBatch) / logS / 1e6).toFixed(2)} M rec/s`, `plain writeSync ${(mb / plainS).toFixed(0)} MB/s`, `${(ratio * 100).toFixed(0)} % (goal ≥ 80 %)`]);
}

// 2. group commit
{
  const small = await encodedBatch(100, 100);
  const rawPath = join(root, 'raw.bin');
  const fd = fs.openSync(rawPath, 'w');
  const rawN = 200;
  let t = process.hrtime.bigint();
  for (let i = 0; i < rawN; i++) { fs.writeSync(fd, small, 0, small.length, i * small.length); fs.fdatasyncSync(fd); }
  const rawS = Number(process.hrtime.bigint() - t) / 1e9;
  fs.closeSync(fd);
  const rawRate = (rawN * 100) / rawS;
  for (const conc of [1, 4, 16]) {
    const pl = await openLog(`gc${conc}`, { 'flush.messages': '1' });
    const perWorker = Math.floor(4000 / conc);
    syncCalls = 0;
    t = process.hrtime.bigint();
    await Promise.all(Array.from({ length: conc }, async () => { for (let i = 0; i < perWorker; i++) await pl.append(Buffer.from(small)); }));
    const s = Number(process.hrtime.bigint() - t) / 1e9;
    const perSync = (conc * perWorker) / syncCalls;
    await pl.close();
    rows.push([`group commit, ${conc} appender(s), 100 rec/batch`, `${((conc * perWorker * 100) / s / 1000).toFixed(0)} k rec/s, ${perSync.toFixed(1)} appends per fdatasync (ideal ${conc})`, `raw write+fdatasync ${(rawRate / 1000).toFixed(0)} k rec/s`, conc === 16 ? 'goal ≥ 500 k rec/s' : '']);
  }
}

// 3. recovery
let bigLog;
{
  const size = (BIG ? 1024 : 256) * 1024 * 1024;
  const pl = await openLog('recover', { 'segment.bytes': String(2 ** 31 - 1) });
  const n = Math.floor(size / b16.length);
  for (let i = 0; i < n; i++) await pl.append(b16);
  await pl.close();
  const logPath = join(root, 'recover', '00000000000000000000.log');
  const buf = Buffer.allocUnsafe(8 * 1024 * 1024);
  let t = process.hrtime.bigint();
  const fd = fs.openSync(logPath, 'r');
  let pos = 0, r;
  while ((r = fs.readSync(fd, buf, 0, buf.length, pos)) > 0) pos += r;
  fs.closeSync(fd);
  const rawS = Number(process.hrtime.bigint() - t) / 1e9;
  t = process.hrtime.bigint();
  bigLog = await openLog('recover', { 'segment.bytes': String(2 ** 31 - 1) }, false);
  const recS = Number(process.hrtime.bigint() - t) / 1e9;
  rows.push([`recovery of a ${size >> 20} MiB unclean segment`, `${recS.toFixed(2)} s (${((size / 1e9) / recS).toFixed(2)} GB/s)`, `raw read ${rawS.toFixed(2)} s`, `goal ≤ 2 s per GiB → ${(recS * (1024 * 1024 * 1024) / size).toFixed(2)} s/GiB`]);
}

// 4. lookup in the middle
{
  const mid = Math.floor(bigLog.logEndOffset() / 2) + 7;
  resetLookupCounters();
  const r = bigLog.read(mid, 1, true);
  r.slice.file.release();
  rows.push([`lookup of offset ${mid} in ${(bigLog.sizeInBytes() / 2 ** 20).toFixed(0)} MiB`, `${lookupCounters.indexProbes} index probes, ${lookupCounters.headerReads} headers, ${lookupCounters.headerPreads} preads`, `log2(entries) ≈ ${Math.ceil(Math.log2(bigLog.sizeInBytes() / 4096))}`, `scanned ${lookupCounters.bytesScanned} B (≤ 4096 + 1 batch)`]);
  await bigLog.close();
}

fs.rmSync(root, { recursive: true, force: true });
console.log('| measurement | Sluice | peer / limit | ratio / goal |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
