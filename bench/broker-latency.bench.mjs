// End-to-end latency through `sluice broker` (a child process) over loopback:
// a producer connection sends one record per Produce v7 request (acks=1) at a steady
// 10,000 records/s while a consumer connection long-polls Fetch v11 (MaxWaitMs 500,
// MinBytes 1). Each record carries its send time (hrtime ns); latency = receive − send.
// Prints p50/p99/p99.9/max beside Kafka's published 2 ms median / 3 ms p99 and our goal
// p99 ≤ 5 ms. SLUICE_BENCH_LATENCY_SECONDS (default 10) sets the measured duration (after 1 s of warm-up).
// Also printed: the broker's CPU µs per record over the measured window (from /proc/<pid>/stat),
// and how many Fetch responses carried the records; on a loaded machine the tail is mostly
// scheduling noise (compare the client's own event-loop delay row), the CPU figure is not.
import { decodeResponse, encodeRequest } from '../dist/protocol/codec.js';
import { decodeRecordBatch, encodeRecordBatch } from '../dist/protocol/record-batch.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { openConnection, percentile, startBrokerChild } from './broker-bench-util.mjs';

const SECONDS = Number(process.env.SLUICE_BENCH_LATENCY_SECONDS ?? 10);
const RATE = 10_000;
const TOPIC = 'latency';
/** The first second's records warm the JIT in both processes and are not counted. */
const WARMUP = RATE;
let warm = 0;

/** CPU seconds (user + system) used so far by process `pid` (Linux /proc; NaN elsewhere). */
function procCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

const broker = await startBrokerChild(['num.partitions=1']);
let cpuAtWarm = NaN;
let cpuAtEnd = NaN;
let fetchResponses = 0;
let fetchAtWarm = 0;
const latencies = [];
let produced = 0;
let acked = 0;
let corr = 1;
try {
  const producer = await openConnection(broker.port, () => acked++);
  // Create the topic first (Metadata auto-create) so the consumer starts at offset 0.
  await new Promise((resolve) => {
    const p = openConnection(broker.port, () => resolve()).then((s) => {
      s.write(encodeRequest(3, 4, 1, 'bench', { topics: [{ name: TOPIC }], allowAutoTopicCreation: true }));
      return s;
    });
    void p;
  });

  let fetchOffset = 0n;
  let stopping = false;
  let consumer;
  const fetchReq = () => encodeRequest(1, 11, corr++, 'bench', {
    replicaId: -1, maxWaitMs: 500, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  consumer = await openConnection(broker.port, (frame) => {
    const now = process.hrtime.bigint();
    fetchResponses++;
    const { body } = decodeResponse(1, 11, frame);
    const rec = body.responses[0].partitions[0].records;
    let pos = 0;
    while (rec && pos + 61 <= rec.length) {
      const size = rec.readInt32BE(pos + 8) + 12;
      if (pos + size > rec.length) break;
      const b = decodeRecordBatch(rec, pos);
      for (const r of b.records) {
        if (BigInt(r.offset) < fetchOffset) continue;
        const ms = Number(now - r.value.readBigUInt64BE(0)) / 1e6;
        if (r.offset >= WARMUP) latencies.push(ms);
        else if (++warm === WARMUP) {
          cpuAtWarm = procCpuSeconds(broker.pid);
          fetchAtWarm = fetchResponses;
        }
        fetchOffset = BigInt(r.offset) + 1n;
      }
      pos += size;
    }
    if (!stopping) consumer.write(fetchReq());
  });
  consumer.write(fetchReq());

  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  globalThis.__lag = lag;
  const value = Buffer.alloc(100);
  const start = process.hrtime.bigint();
  const total = SECONDS * RATE + WARMUP;
  await new Promise((resolve) => {
    const tick = () => {
      const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
      const due = Math.min(total, Math.floor((elapsedMs * RATE) / 1000));
      while (produced < due) {
        value.writeBigUInt64BE(process.hrtime.bigint(), 0);
        const batch = encodeRecordBatch([{ key: null, value }], {});
        producer.write(encodeRequest(0, 7, corr++, 'bench', { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: batch }] }] }));
        produced++;
      }
      if (produced >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  const deadline = Date.now() + 10_000;
  while (latencies.length + warm < produced && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  cpuAtEnd = procCpuSeconds(broker.pid);
  stopping = true;
  producer.destroy();
  consumer.destroy();
} finally {
  await broker.stop();
}

latencies.sort((a, b) => a - b);
const f = (x) => x.toFixed(2);
console.log(`load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs (other processes share them)`);
console.log(`records produced ${produced}, acked ${acked}; measured ${latencies.length} at ${RATE}/s for ${SECONDS} s after ${warm} warm-up records`);
console.log('| measure | p50 ms | p99 ms | p99.9 ms | max ms |');
console.log('|---|---|---|---|---|');
console.log(`| sluice produce → long-poll fetch | ${f(percentile(latencies, 0.5))} | ${f(percentile(latencies, 0.99))} | ${f(percentile(latencies, 0.999))} | ${f(latencies[latencies.length - 1] ?? NaN)} |`);
const lag = globalThis.__lag;
if (lag) console.log(`| this client's own event-loop delay (noise floor) | ${f(lag.percentile(50) / 1e6)} | ${f(lag.percentile(99) / 1e6)} | ${f(lag.percentile(99.9) / 1e6)} | ${f(lag.max / 1e6)} |`);
console.log('| Kafka published (Kreps 2014) | 2 | 3 | 14 | – |');
console.log(`broker CPU over the measured window: ${((cpuAtEnd - cpuAtWarm) * 1e6 / latencies.length).toFixed(1)} µs per record (produce + fetch), ${(fetchResponses - fetchAtWarm)} Fetch responses for ${latencies.length} records`);
console.log(`| goal | – | ≤ 5 (${percentile(latencies, 0.99) <= 5 ? 'met' : 'not met'}) | – | – |`);
