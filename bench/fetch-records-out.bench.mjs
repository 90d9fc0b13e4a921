// Cost of the records-out count (issue 8): PartitionLog.read's nextOffset (offset after
// the slice's last whole batch), beside the lookup every read already does and the
// bytes a fetch then moves, all measured in the same run on the same log (page cache hot).
//  rows: per batch size (1 KiB and 16 KiB batches of ~100-byte records), a caught-up read
//  (slice to the end: no extra I/O), a size-limited read cut inside a batch (index + header
//  walk), the first-batch lookup alone (read of 1 byte, minOneBatch: the floor of every
//  read), and a pread of the same slice (what the read+write fallback path costs per fetch).
// SLUICE_BENCH_READS=N changes the reads per row (default 20000).
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PartitionLogImpl } from '../dist/broker/storage/partition-log.js';
import { FileHandleCache } from '../dist/broker/storage/file-handle-cache.js';
import { nodeStorageFs } from '../dist/broker/storage/storage-fs.js';
import { systemClock } from '../dist/broker/storage/clock.js';
import { KAFKA_TOPIC_DEFAULTS, resolveLogConfig } from '../dist/broker/storage/log-config.js';
import { lookupCounters, resetLookupCounters } from '../dist/broker/storage/lookup-counters.js';
import { encodedBatch } from './broker-bench-util.mjs';

const READS = Number(process.env.SLUICE_BENCH_READS ?? 20000);
const LOG_BYTES = 64 * 1024 * 1024;
const FETCH_BYTES = 1024 * 1024;
const root = fs.mkdtempSync(join(tmpdir(), 'sluice-bench-records-out-'));


async function buildLog(name, batchBytes) {
  const dir = join(root, name);
  fs.mkdirSync(dir);
  const pl = await PartitionLogImpl.open({
    dir, topic: name, partition: 0, config: resolveLogConfig({ ...KAFKA_TOPIC_DEFAULTS, 'segment.bytes': String(2 ** 30) }),
    fs: nodeStorageFs, files: new FileHandleCache(nodeStorageFs, 16), clock: systemClock,
    recoveryPoint: 0, logStartOffset: 0, cleanShutdown: true,
  });
  const proto = await encodedBatch(Math.floor(batchBytes / 108), 100);
  const perAppend = Math.max(1, Math.floor((256 * 1024) / proto.length));
  const chunk = Buffer.concat(Array.from({ length: perAppend }, () => proto));
  while (pl.sizeInBytes() < LOG_BYTES) await pl.append(Buffer.from(chunk));
  return pl;
}

/** ns per call and extra header preads per call of `fn(offset)` over pseudo-random offsets. */
function measure(pl, fn) {
  const hw = pl.highWatermark();
  const offsets = new Float64Array(READS);
  let x = 12345;
  for (let i = 0; i < READS; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    offsets[i] = Math.floor((x / 2147483648) * hw * 0.9);
  }
  for (let i = 0; i < Math.min(2000, READS); i++) fn(offsets[i]); // warm up
  resetLookupCounters();
  const t = process.hrtime.bigint();
  let records = 0;
  for (let i = 0; i < READS; i++) records += fn(offsets[i]);
  const ns = Number(process.hrtime.bigint() - t) / READS;
  return { ns, preads: lookupCounters.headerPreads / READS, headers: lookupCounters.headerReads / READS, records: records / READS };
}

const rows = [];
const scratch = Buffer.allocUnsafe(FETCH_BYTES);
for (const batchBytes of [1024, 16384]) {
  const pl = await buildLog(`b${batchBytes}`, batchBytes);
  const lookup = measure(pl, (o) => { const r = pl.read(o, 1, true); r.slice.file.release(); return r.nextOffset - o; });
  const cut = measure(pl, (o) => { const r = pl.read(o, FETCH_BYTES, true); r.slice.file.release(); return r.nextOffset - o; });
  // A caught-up consumer: fetch offsets within the last few batches, slice to the HW.
  const tailFrom = (o) => pl.highWatermark() - 1 - (o % (3 * Math.floor(batchBytes / 108)));
  const toEnd = measure(pl, (o) => { const from = tailFrom(o); const r = pl.read(from, 64 * FETCH_BYTES, true); r.slice.file.release(); return r.nextOffset - from; });
  const tailLookup = measure(pl, (o) => { const from = tailFrom(o); const r = pl.read(from, 1, true); r.slice.file.release(); return r.nextOffset - from; });
  const copy = measure(pl, (o) => {
    const r = pl.read(o, FETCH_BYTES, true);
    fs.readSync(r.slice.file.fd, scratch, 0, r.slice.length, r.slice.position);
    r.slice.file.release();
    return 0;
  });
  const label = `${batchBytes / 1024} KiB batches`;
  rows.push([`${label}: read cut at 1 MiB (index + end walk)`, `${(cut.ns / 1000).toFixed(2)} µs, ${cut.preads.toFixed(2)} preads, ${cut.headers.toFixed(1)} headers`,
    `lookup alone ${(lookup.ns / 1000).toFixed(2)} µs, ${lookup.preads.toFixed(2)} preads`, `+${((cut.ns - lookup.ns) / 1000).toFixed(2)} µs for ${cut.records.toFixed(0)} records counted`]);
  rows.push([`${label}: caught-up read (slice to the HW)`, `${(toEnd.ns / 1000).toFixed(2)} µs, ${toEnd.preads.toFixed(2)} preads`,
    `lookup alone ${(tailLookup.ns / 1000).toFixed(2)} µs, ${tailLookup.preads.toFixed(2)} preads`, `${((toEnd.ns - tailLookup.ns) / 1000).toFixed(2)} µs (no end I/O)`]);
  rows.push([`${label}: end walk vs moving the slice`, `+${((cut.ns - lookup.ns) / 1000).toFixed(2)} µs per fetch`,
    `read+pread of 1 MiB ${(copy.ns / 1000).toFixed(1)} µs`, `${(((cut.ns - lookup.ns) / copy.ns) * 100).toFixed(2)} % of the fallback copy`]);
  await pl.close();
}
fs.rmSync(root, { recursive: true, force: true });
console.log(`| measurement (${READS} reads per row, ${LOG_BYTES >> 20} MiB log) | Sluice | peer / limit | ratio |`);
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
