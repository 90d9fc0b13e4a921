// Produce throughput into `sluice broker` (a child process) over loopback.
// A replay client sends pre-encoded Produce v7 requests, each one 1 MiB batch of
// 100-byte records, acks=1, one connection, up to 5 in flight (as Kafka clients do),
// as fast as the broker answers. Beside it: kcat -P's rate on the same records
// (100-byte lines), as the real-client figure. Goal: ≥ 500 MB/s into the page cache.
// SLUICE_BENCH_PRODUCE_MB (default 2048) sets the replay volume; SLUICE_BENCH_KCAT_MB (256) kcat's.
// The broker's own CPU seconds per GiB (from /proc/<pid>/stat) are printed beside the wall
// rate: on a shared, loaded machine they are the steadier figure. A last table times the
// produce-path validation of one 1 MiB batch beside CRC-32C of the same bytes (its floor).
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRequest } from '../dist/protocol/codec.js';
import { encodeRecordBatchFromBodies } from '../dist/protocol/record-batch.js';
import { validateRecordBatches } from '../dist/protocol/record-batch-validate.js';
import { crc32c } from '../dist/protocol/crc32c.js';
import { openConnection, startBrokerChild } from './broker-bench-util.mjs';

const TOTAL_MB = Number(process.env.SLUICE_BENCH_PRODUCE_MB ?? 2048);
const KCAT_MB = Number(process.env.SLUICE_BENCH_KCAT_MB ?? 256);
const RECORD = 100;
const IN_FLIGHT = Number(process.env.SLUICE_BENCH_IN_FLIGHT ?? 5);

/** The largest batch of 100-byte records that fits in 1 MiB (message.max.bytes is 1 MiB + 12). */
function batchOf(count) {
  const data = Buffer.alloc(count * RECORD, 'x');
  const starts = new Uint32Array(count);
  const ends = new Uint32Array(count);
  for (let i = 0; i < count; i++) { starts[i] = i * RECORD; ends[i] = (i + 1) * RECORD; }
  return encodeRecordBatchFromBodies({ data, starts, ends, timestamp: Date.now() });
}
let PER_BATCH = Math.floor((1 << 20) / (RECORD + 12));
while (batchOf(PER_BATCH + 1).length <= 1 << 20) PER_BATCH++;
function oneBatch() {
  return batchOf(PER_BATCH);
}

/** CPU seconds (user + system) used so far by process `pid` (Linux /proc; NaN elsewhere). */
function procCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in USER_HZ (100)
  } catch {
    return NaN;
  }
}

/** Median ms per call of validateRecordBatches and of crc32c over one 1 MiB batch. */
function validationCost() {
  const b = oneBatch();
  const med = (fn) => {
    const t = [];
    for (let r = 0; r < 7; r++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < 100; i++) fn();
      t.push(Number(process.hrtime.bigint() - t0) / 100 / 1e6);
    }
    return t.sort((x, y) => x - y)[3];
  };
  return { bytes: b.length, validate: med(() => validateRecordBatches(b)), crc: med(() => crc32c(b.subarray(21))) };
}

async function replay(port, pid) {
  const batch = oneBatch();
  const req = encodeRequest(0, 7, 0, 'bench', { transactionalId: null, acks: 1, timeoutMs: 30000, topicData: [{ name: 'bench', partitionData: [{ index: 0, records: batch }] }] });
  const tail = req.subarray(12);
  const n = Math.ceil((TOTAL_MB * (1 << 20)) / batch.length);
  let sent = 0, done = 0, errors = 0;
  let resolveDone;
  const finished = new Promise((r) => (resolveDone = r));
  let sock;
  const pump = () => {
    while (sent < n && sent - done < IN_FLIGHT) {
      const head = Buffer.from(req.subarray(0, 12)); // size, apiKey, version, correlation id
      head.writeInt32BE(sent + 1, 8);
      sock.write(head);
      sock.write(tail); // the shared, never-mutated rest of the request
      sent++;
    }
  };
  sock = await openConnection(port, (frame) => {
    // Produce v7 response: corr, [topics], errorCode at a fixed spot for one topic/partition
    const nameLen = frame.readInt16BE(8);
    const err = frame.readInt16BE(4 + 4 + 2 + nameLen + 4 + 4);
    if (err !== 0) errors++;
    done++;
    if (done === n) resolveDone();
    else pump();
  });
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const broker0 = procCpuSeconds(pid);
  pump();
  await finished;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const brokerCpu = procCpuSeconds(pid) - broker0;
  sock.destroy();
  const bytes = n * batch.length;
  return { secs, bytes, records: n * PER_BATCH, errors, clientCpu: (cpu.user + cpu.system) / 1e6, brokerCpu };
}

function kcatRun(port) {
  const lines = Math.floor((KCAT_MB * (1 << 20)) / (RECORD + 1));
  const line = Buffer.alloc(RECORD + 1, 'y');
  line[RECORD] = 10;
  const input = Buffer.alloc(lines * (RECORD + 1));
  for (let i = 0; i < lines; i++) line.copy(input, i * (RECORD + 1));
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn('kcat', ['-P', '-b', `127.0.0.1:${port}`, '-t', 'bench-kcat', '-p', '0', '-X', 'acks=1', '-X', 'linger.ms=5', '-X', 'batch.size=1000000', '-X', 'queue.buffering.max.kbytes=1048576'], { stdio: ['pipe', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`kcat exited ${code}`));
      resolve({ secs: Number(process.hrtime.bigint() - t0) / 1e9, bytes: lines * RECORD, records: lines });
    });
    child.stdin.end(input);
  });
}

/** The limit: the same volume written with writeSync in 1 MiB chunks to a file in the same temp dir. */
function rawWriteLimit() {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-raw-'));
  const fd = openSync(join(dir, 'raw.log'), 'w');
  const chunk = Buffer.alloc(1 << 20, 'x');
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < TOTAL_MB; i++) writeSync(fd, chunk);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
  return { secs, bytes: TOTAL_MB * (1 << 20) };
}

const broker = await startBrokerChild(['num.partitions=1', 'log.segment.bytes=1073741824']);
try {
  const raw = rawWriteLimit();
  const r = await replay(broker.port, broker.pid);
  let k = null;
  try { k = await kcatRun(broker.port); } catch (e) { console.log(`kcat -P: not measured (${e.message})`); }
  const mbs = (b, s) => (b / (1 << 20) / s).toFixed(0);
  const krs = (n, s) => (n / s / 1000).toFixed(0);
  console.log('| path | MiB | seconds | MiB/s | k records/s | goal |');
  console.log('|---|---|---|---|---|---|');
  console.log(`| replay Produce v7, 1 MiB batches, acks=1, ${IN_FLIGHT} in flight | ${(r.bytes / (1 << 20)).toFixed(0)} | ${r.secs.toFixed(2)} | ${mbs(r.bytes, r.secs)} | ${krs(r.records, r.secs)} | ≥ 500 MB/s (${mbs(r.bytes, r.secs) >= 477 ? 'met' : 'not met'}) |`);
  console.log(`| limit: fs.writeSync 1 MiB chunks, same volume, same disk | ${(raw.bytes / (1 << 20)).toFixed(0)} | ${raw.secs.toFixed(2)} | ${mbs(raw.bytes, raw.secs)} | – | replay/limit = ${((r.bytes / r.secs) / (raw.bytes / raw.secs) * 100).toFixed(0)} % |`);
  if (k) console.log(`| kcat -P (librdkafka), 100-byte lines, acks=1 | ${(k.bytes / (1 << 20)).toFixed(0)} | ${k.secs.toFixed(2)} | ${mbs(k.bytes, k.secs)} | ${krs(k.records, k.secs)} | real-client figure |`);
  console.log(`\nreplay errors: ${r.errors}; replay client CPU ${r.clientCpu.toFixed(2)} s; broker CPU ${r.brokerCpu.toFixed(2)} s = ${(r.brokerCpu / (r.bytes / (1 << 30))).toFixed(2)} s/GiB (wall ${(r.secs / (r.bytes / (1 << 30))).toFixed(2)} s/GiB); load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`);
  console.log('published peer: Kafka 1 producer, no replication 78.3 MB/s (Kreps 2014)');
  const v = validationCost();
  console.log(`\n| produce-path validation, one ${(v.bytes / (1 << 20)).toFixed(2)} MiB batch of ${PER_BATCH} records | ms | GB/s |`);
  console.log('|---|---|---|');
  console.log(`| validateRecordBatches (size, magic, CRC, record walk) | ${v.validate.toFixed(3)} | ${(v.bytes / v.validate / 1e6).toFixed(2)} |`);
  console.log(`| floor: crc32c of the same bytes | ${v.crc.toFixed(3)} | ${(v.bytes / v.crc / 1e6).toFixed(2)} |`);
} finally {
  await broker.stop();
}
