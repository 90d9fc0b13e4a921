#!/usr/bin/env node
// Everyday components, each beside its peer or limit measured in the same run:
// - exec source: `cat FILE` (N lines of 100 B) through ExecSource into a counting output,
//   beside `cat FILE | wc -l` (the C line-counting limit of the same pipe).
// - netcat source: one client streams N lines (ack-every-event=false and true), beside a
//   bare Node TCP server that only counts '\n' (the socket-read limit in Node).
// - file_roll sink deliver path: the text serializer + one writev per batch of 1000,
//   beside one fs.writeSync of the same bytes per batch (the write limit).
// - interceptors on batches of 1000 events: regex_filter, search_replace, timestamp,
//   beside a loop that only decodes each body to a string (the per-event decode floor).
// Env: EVERYDAY_BENCH_LINES (default 1000000), EVERYDAY_BENCH_RUNS (default 3; median).
// Needs `npx tsc -p tsconfig.json` first.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync, writevSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComponentProps } from '../dist/agent/component-props.js';
import { CounterGroup, SOURCE_COUNTERS } from '../dist/agent/metrics.js';
import { EventBatch } from '../dist/agent/event-batch.js';
import { componentLogger } from '../dist/logger.js';
import { ExecSource } from '../dist/sources/exec-source.js';
import { NetcatSource } from '../dist/sources/netcat-source.js';
import { BodyTextSerializer } from '../dist/sinks/serializers/event-serializer.js';
import { regexFilterInterceptorFactory } from '../dist/interceptors/regex-filter-interceptor.js';
import { searchReplaceInterceptorFactory } from '../dist/interceptors/search-replace-interceptor.js';
import { timestampInterceptorFactory } from '../dist/interceptors/timestamp-interceptor.js';

const N = Number(process.env.EVERYDAY_BENCH_LINES ?? 1_000_000);
const RUNS = Number(process.env.EVERYDAY_BENCH_RUNS ?? 3);
const LINE = 100;
const dir = mkdtempSync(join(tmpdir(), 'sluice-everyday-bench-'));
const file = join(dir, 'lines.txt');
const block = Buffer.alloc(LINE * 10_000);
for (let i = 0; i < 10_000; i++) block.write(`${String(i).padStart(10, '0')} INFO ${'x'.repeat(LINE - 17)}\n`, i * LINE, 'latin1');
{
  const fd = openSync(file, 'w');
  for (let left = N; left > 0; left -= 10_000) writeSync(fd, block, 0, Math.min(left, 10_000) * LINE);
  closeSync(fd);
}
spawnSync('sh', ['-c', `cat '${file}' > /dev/null`]);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function timed(fn) {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}
async function med(fn) {
  const xs = [];
  for (let r = 0; r < RUNS; r++) xs.push(await fn());
  return median(xs);
}
function ctxFor(kind, props, output) {
  return {
    agentName: 'bench', name: 'x', type: kind, props: ComponentProps.fromObject(`bench.${kind}`, props),
    logger: componentLogger('bench.everyday'), metrics: new CounterGroup('SOURCE', 'x', SOURCE_COUNTERS),
    dataDir: dir, signal: new AbortController().signal, broker: undefined, output,
  };
}
function countingOutput(target) {
  let count = 0;
  let done;
  const finished = new Promise((r) => (done = r));
  return { output: { send(b) { count += b.count; if (count >= target) done(); return Promise.resolve(); } }, finished, get count() { return count; } };
}

const rows = [];
const row = (what, secs, peerWhat, peerSecs, unit = 'lines/s', n = N) =>
  rows.push([what, `${(n / secs / 1e6).toFixed(2)} M ${unit}`, peerWhat, `${(n / peerSecs / 1e6).toFixed(2)} M ${unit}`, `${(peerSecs / secs * 100).toFixed(0)}%`]);

// exec
{
  const ours = await med(() => timed(async () => {
    const c = countingOutput(N);
    const src = new ExecSource(ctxFor('exec', { command: `cat ${file}`, batchSize: 1000 }, c.output));
    await src.start();
    await src.finished();
    if (c.count !== N) throw new Error(`exec: expected ${N}, got ${c.count}`);
  }));
  const peer = await med(() => timed(async () => { spawnSync('sh', ['-c', `cat '${file}' | wc -l > /dev/null`]); }));
  row('exec source (cat, batchSize 1000)', ours, 'cat | wc -l', peer);
}

// netcat
async function netcatRun(ack) {
  const c = countingOutput(N);
  const src = new NetcatSource(ctxFor('netcat', { bind: '127.0.0.1', port: 0, 'ack-every-event': ack }, c.output));
  await src.start();
  const secs = await timed(async () => {
    const sock = connect(src.address().port, '127.0.0.1');
    sock.on('data', () => {});
    for (let left = N; left > 0; left -= 10_000) {
      if (!sock.write(block.subarray(0, Math.min(left, 10_000) * LINE))) await new Promise((r) => sock.once('drain', r));
    }
    await c.finished;
    sock.destroy();
  });
  await src.stop();
  return secs;
}
async function rawTcpRun() {
  let lines = 0;
  let done;
  const finished = new Promise((r) => (done = r));
  const server = createServer((s) => s.on('data', (d) => {
    let i = -1;
    while ((i = d.indexOf(10, i + 1)) !== -1) lines++;
    if (lines >= N) done();
  }));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const secs = await timed(async () => {
    const sock = connect(server.address().port, '127.0.0.1');
    for (let left = N; left > 0; left -= 10_000) {
      if (!sock.write(block.subarray(0, Math.min(left, 10_000) * LINE))) await new Promise((r) => sock.once('drain', r));
    }
    await finished;
    sock.destroy();
  });
  await new Promise((r) => server.close(r));
  return secs;
}
{
  const raw = await med(rawTcpRun);
  row('netcat source, ack-every-event=false', await med(() => netcatRun(false)), 'Node TCP newline count', raw);
  row('netcat source, ack-every-event=true', await med(() => netcatRun(true)), 'Node TCP newline count', raw);
}

// file_roll deliver path
{
  const events = 1000;
  const batch = new EventBatch({ data: block.subarray(0, events * LINE), starts: Uint32Array.from({ length: events }, (_, i) => i * LINE), ends: Uint32Array.from({ length: events }, (_, i) => i * LINE + LINE - 1) });
  const ser = new BodyTextSerializer(true);
  const out = join(dir, 'out');
  const ours = await med(() => timed(async () => {
    const fd = openSync(out, 'w');
    for (let n = 0; n < N; n += events) writevSync(fd, ser.serialize(batch));
    closeSync(fd);
  }));
  const peer = await med(() => timed(async () => {
    const fd = openSync(out, 'w');
    const same = block.subarray(0, events * LINE);
    for (let n = 0; n < N; n += events) writeSync(fd, same);
    closeSync(fd);
  }));
  row('file_roll text serializer + writev', ours, 'writeSync of the same bytes', peer, 'events/s');
}

// interceptors
{
  const events = 1000;
  const batch = new EventBatch({ data: block.subarray(0, events * LINE), starts: Uint32Array.from({ length: events }, (_, i) => i * LINE), ends: Uint32Array.from({ length: events }, (_, i) => i * LINE + LINE - 1) });
  const rounds = Math.max(1, Math.floor(N / events / 4));
  const total = rounds * events;
  const make = (f, props) => f.create({ ...ctxFor('interceptor', props), metrics: new CounterGroup('OTHER', 'i') });
  const run = (i) => timed(async () => { for (let r = 0; r < rounds; r++) i.intercept(batch); });
  const floor = await med(() => timed(async () => {
    let x = 0;
    for (let r = 0; r < rounds; r++) for (let k = 0; k < events; k++) x += batch.data.toString('utf8', batch.starts[k], batch.ends[k]).length;
    if (x < 0) throw new Error();
  }));
  row('regex_filter (ERROR|WARN)', await med(() => run(make(regexFilterInterceptorFactory, { regex: 'ERROR|WARN' }))), 'decode each body', floor, 'events/s', total);
  row('search_replace (\\d+ → #)', await med(() => run(make(searchReplaceInterceptorFactory, { searchPattern: '^\\d+', replaceString: '#' }))), 'decode each body', floor, 'events/s', total);
  row('timestamp (shared header)', await med(() => run(make(timestampInterceptorFactory, {}))), 'decode each body', floor, 'events/s', total);
}

rmSync(dir, { recursive: true, force: true });
const head = ['component', 'Sluice', 'peer / limit (same run)', 'peer', 'Sluice/peer'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const fmt = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(`N=${N} lines of ${LINE} B, median of ${RUNS} runs\n`);
console.log(fmt(head));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(fmt(r));
