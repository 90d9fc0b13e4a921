// File append → long-polling consumer latency through the whole agent (issue 7): the agent
// runs as a child process with npm start's configuration (TAILDIR → memory channel → Kafka
// sink → embedded broker; ports rewritten to free ones, monitor off). This process appends
// 100-byte lines to ./logs/flume.log at a steady RATE (default 10,000 lines/s; one write per
// 1 ms tick holding the lines due by then) and, on a second path, long-polls the topic with
// the thin client (src/client/kafka-client.ts: Fetch, maxWaitMs 500, minBytes 1,
// read_uncommitted). Each line carries its sequence number and the hrtime (ns) of the write
// that appended it; latency = hrtime when its Fetch response is decoded − that send time.
// The first WARMUP_SECONDS (1 s) of lines warm the JIT and are not counted; then
// SLUICE_BENCH_LATENCY_SECONDS (default 10) are measured.
//
// Rows (SLUICE_BENCH_ROWS, default all): how TAILDIR learns that the file grew is what the
// latency is about. `pollInterval` (Sluice key, default 1000 ms) is the stat poll that is the
// safety net; `fsWatch` (default true) lets chokidar's fs.watch wake the reader early.
//   watch     defaults: fsWatch true, pollInterval 1000
//   watch10   fsWatch true, pollInterval 10
//   poll      fsWatch false, pollInterval 1000 (what a filesystem without inotify gets)
//   poll10    fsWatch false, pollInterval 10
//   file      defaults, but the FILE channel (fdatasync per commit) instead of memory
// Beside them, in the same run: broker-latency.bench.mjs (produce → long-poll fetch through
// `sluice broker`, no file and no agent; SLUICE_BENCH_BASELINE=0 skips it) and this process's
// own event-loop delay during each row (the noise floor of the measurement itself).
// Also printed: the agent's CPU µs per line over the measured window (/proc/PID/stat).
import { spawn } from 'node:child_process';
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { KafkaClient } from '../dist/client/kafka-client.js';
import { percentile } from './broker-bench-util.mjs';

const REPO = resolve(import.meta.dirname, '..');
const RATE = Number(process.env.SLUICE_BENCH_LATENCY_RATE ?? 10_000);
const SECONDS = Number(process.env.SLUICE_BENCH_LATENCY_SECONDS ?? 10);
const WARMUP_SECONDS = 1;
const LINE = 100;
const TOPIC = 'fromflume';

const ROWS = {
  watch: { label: 'TAILDIR defaults (fsWatch true, pollInterval 1000 ms)', props: [] },
  watch10: { label: 'fsWatch true, pollInterval 10 ms', props: ['pollInterval = 10'] },
  poll: { label: 'fsWatch false, pollInterval 1000 ms (poll only)', props: ['fsWatch = false'] },
  poll10: { label: 'fsWatch false, pollInterval 10 ms (poll only)', props: ['fsWatch = false', 'pollInterval = 10'] },
  file: { label: 'defaults, FILE channel (fdatasync per commit)', props: [], fileChannel: true },
};

const freePort = () => new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** utime + stime of a process in seconds (/proc/PID/stat fields 14 and 15), NaN once gone. */
function cpuSecs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // USER_HZ is 100 on Linux
  } catch { return NaN; }
}

/** Starts the agent on a copy of conf/ in a temp dir; resolves once it prints that it runs. */
async function startAgent(row) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-latency-'));
  cpSync(join(REPO, 'conf'), join(dir, 'conf'), { recursive: true });
  const port = await freePort();
  const cf = join(dir, 'conf/flume-kafka.conf');
  let conf = readFileSync(cf, 'utf8').replaceAll('127.0.0.1:9092', `127.0.0.1:${port}`);
  if (row.fileChannel) {
    const edited = conf.replace(/^a1\.channels\.c1\.type = memory$/m, [
      'a1.channels.c1.type = file',
      `a1.channels.c1.checkpointDir = ${join(dir, 'data/file-channel/checkpoint')}`,
      `a1.channels.c1.dataDirs = ${join(dir, 'data/file-channel/data')}`,
    ].join('\n'));
    if (edited === conf) throw new Error('conf/flume-kafka.conf: no line "a1.channels.c1.type = memory" to turn into a file channel');
    conf = edited;
  }
  conf += '\n' + row.props.map((p) => `a1.sources.r1.${p}\n`).join('');
  writeFileSync(cf, conf);
  mkdirSync(join(dir, 'logs'));
  const log = join(dir, 'logs/flume.log');
  writeFileSync(log, '');
  const nodeArgs = (process.env.SLUICE_BENCH_AGENT_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(REPO, 'dist/cli/main.js'), 'agent', '-n', 'a1', '-c', 'conf', '-f', 'conf/flume-kafka.conf', '--broker', 'conf/server.properties', '--no-reload-conf',
    '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', 'sluice.monitor.listener=',
    '--override', 'offsets.topic.num.partitions=1'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SLUICE_LOG_LEVEL: 'warn' } });
  let out = '';
  await new Promise((res, rej) => {
    child.stdout.on('data', (c) => { out += c; if (out.includes('Sluice is running')) res(); });
    child.on('exit', (c) => rej(new Error(`agent exited ${c} before it ran: ${out.slice(-2000)}`)));
  });
  child.stdout.resume();
  return { child, dir, port, log };
}

async function runRow(key) {
  const row = ROWS[key];
  const { child, dir, port, log } = await startAgent(row);
  const client = new KafkaClient({ bootstrapServers: `127.0.0.1:${port}` });
  const warmup = WARMUP_SECONDS * RATE;
  const total = warmup + SECONDS * RATE;
  const latencies = [];
  let received = 0;
  let cpuAtWarm = NaN;
  let fetches = 0;
  let fetchesAtWarm = 0;
  let stopping = false;
  const lag = monitorEventLoopDelay({ resolution: 1 });

  // Consumer: one long poll after another on every partition of the topic.
  const consumer = (async () => {
    let targets = null;
    const deadline = Date.now() + 30_000;
    while (!targets && !stopping) {
      try {
        const parts = await client.partitionsOf(TOPIC);
        if (parts.length > 0) targets = parts.map((partition) => ({ topic: TOPIC, partition, offset: 0 }));
      } catch { /* topic not there yet */ }
      if (!targets) {
        if (Date.now() > deadline) throw new Error(`topic ${TOPIC} did not appear within 30 s`);
        await sleep(20);
      }
    }
    while (!stopping && received < total) {
      const res = await client.fetch(targets, { maxWaitMs: 500, minBytes: 1, isolationLevel: 0 });
      const now = process.hrtime.bigint();
      fetches++;
      for (const p of res) {
        for (const r of p.records) {
          const seq = Number(r.value.toString('latin1', 0, 12));
          const sent = BigInt(r.value.toString('latin1', 13, 33));
          if (seq >= warmup) latencies.push(Number(now - sent) / 1e6);
          received++;
          if (received === warmup) { cpuAtWarm = cpuSecs(child.pid); fetchesAtWarm = fetches; }
        }
        targets = targets.map((t) => (t.partition === p.partition ? { ...t, offset: p.nextOffset } : t));
      }
    }
  })();

  // Writer: appends the lines due by now, each stamped with this write's hrtime.
  const fd = openSync(log, 'a');
  const buf = Buffer.alloc(Math.ceil(RATE / 100) * 4 * LINE, 'x');
  let written = 0;
  const start = process.hrtime.bigint();
  let lagStarted = false;
  await new Promise((res) => {
    const tick = () => {
      const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
      const due = Math.min(total, Math.floor((elapsedMs * RATE) / 1000));
      while (written < due) {
        const n = Math.min(due - written, buf.length / LINE);
        const sent = String(process.hrtime.bigint()).padStart(20, '0');
        for (let k = 0; k < n; k++) {
          const o = k * LINE;
          buf.write(String(written + k).padStart(12, '0'), o, 'latin1');
          buf[o + 12] = 32;
          buf.write(sent, o + 13, 'latin1');
          buf[o + 33] = 32;
          buf[o + LINE - 1] = 10;
        }
        writeSync(fd, buf, 0, n * LINE);
        written += n;
      }
      if (!lagStarted && written >= warmup) { lag.enable(); lagStarted = true; }
      if (written >= total) res();
      else setTimeout(tick, 1);
    };
    tick();
  });
  closeSync(fd);
  const deadline = Date.now() + 15_000;
  while (received < total && Date.now() < deadline) await sleep(10);
  lag.disable();
  const cpuAtEnd = cpuSecs(child.pid);
  stopping = true;
  await consumer;
  client.close();
  child.kill('SIGTERM'); // SIGTERM, so `node --cpu-prof` (SLUICE_BENCH_AGENT_NODE_ARGS) can write its profile
  await new Promise((r) => child.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return {
    label: row.label, latencies, lost: total - received,
    cpuUsPerLine: ((cpuAtEnd - cpuAtWarm) * 1e6) / latencies.length,
    fetches: fetches - fetchesAtWarm,
    lag: { p50: lag.percentile(50) / 1e6, p90: lag.percentile(90) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 },
  };
}

/** broker-latency.bench.mjs in a child process; its Sluice row, or null. */
async function runBaseline() {
  const child = spawn(process.execPath, [join(REPO, 'bench/broker-latency.bench.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SLUICE_BENCH_LATENCY_SECONDS: String(Math.min(SECONDS, 5)), SLUICE_LOG_LEVEL: 'silent' },
  });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  const code = await new Promise((r) => child.on('exit', r));
  const line = out.split('\n').find((l) => l.startsWith('| sluice produce → long-poll fetch |'));
  if (code !== 0 || !line) return null;
  const [p50, p99, p999, max] = line.split('|').slice(2, 6).map((s) => Number(s.trim()));
  return { p50, p99, p999, max };
}

const want = (process.env.SLUICE_BENCH_ROWS ?? Object.keys(ROWS).join(',')).split(',').filter((k) => k in ROWS);
const results = [];
for (const k of want) results.push(await runRow(k));
const baseline = process.env.SLUICE_BENCH_BASELINE === '0' ? null : await runBaseline();

const f = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
console.log(`\nfile append → long-poll consumer, ${RATE.toLocaleString()} lines/s × ${LINE} B for ${SECONDS} s after ${WARMUP_SECONDS} s warm-up (load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} CPUs)\n`);
console.log('| path | p50 ms | p90 ms | p99 ms | max ms | lines measured | lost | agent CPU µs/line | Fetch responses | bench event-loop delay p50 / p99 / max ms |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const r of results) {
  const l = r.latencies;
  console.log(`| sluice agent: ${r.label} | ${f(percentile(l, 0.5))} | ${f(percentile(l, 0.9))} | ${f(percentile(l, 0.99))} | ${f(l[l.length - 1])} | ${l.length.toLocaleString()} | ${r.lost} | ${f(r.cpuUsPerLine)} | ${r.fetches.toLocaleString()} | ${f(r.lag.p50)} / ${f(r.lag.p99)} / ${f(r.lag.max)} |`);
}
if (baseline) console.log(`| broker only: produce → long-poll fetch (broker-latency.bench.mjs, ${Math.min(SECONDS, 5)} s) | ${f(baseline.p50)} | – | ${f(baseline.p99)} | ${f(baseline.max)} | | | | | |`);
else if (process.env.SLUICE_BENCH_BASELINE !== '0') console.log('| broker only: broker-latency.bench.mjs failed (see its stderr) | | | | | | | | | |');
const lost = results.reduce((s, r) => s + r.lost, 0);
if (lost > 0) console.log(`\n${lost} lines were never received within 15 s of the last write (see the "lost" column).`);
