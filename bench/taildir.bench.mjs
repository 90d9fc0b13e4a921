#!/usr/bin/env node
// TAILDIR source throughput: tail a pre-written file of N lines of 100 bytes into a
// counting fake channel output, beside the limit measured in the same run:
// `tail -c +1 FILE | wc -l` (the classic `tail -F` line-counting path in C).
// Page cache is hot (the file is read once before timing). Each figure is the median
// of RUNS runs. Env: TAILDIR_BENCH_LINES (default 2000000; 10000000 for the 1 GiB
// case), TAILDIR_BENCH_RUNS (default 3). Needs `npx tsc -p tsconfig.json` first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComponentProps } from '../dist/agent/component-props.js';
import { CounterGroup, SOURCE_COUNTERS } from '../dist/agent/metrics.js';
import { componentLogger } from '../dist/logger.js';
import { parseTaildirConfig } from '../dist/sources/taildir/taildir-config.js';
import { TaildirSource } from '../dist/sources/taildir/taildir-source.js';

const N = Number(process.env.TAILDIR_BENCH_LINES ?? 2_000_000);
const RUNS = Number(process.env.TAILDIR_BENCH_RUNS ?? 3);
const LINE = 100;

function vmHWM() {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const dir = mkdtempSync(join(tmpdir(), 'sluice-taildir-bench-'));
const logDir = join(dir, 'logs');
spawnSync('mkdir', ['-p', logDir]);
const file = join(logDir, 'app.log');
{
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(LINE * 40_000);
  for (let i = 0; i < 40_000; i++) {
    const s = `${String(i).padStart(10, '0')} ${'x'.repeat(LINE - 12)}\n`;
    block.write(s, i * LINE, 'latin1');
  }
  for (let left = N; left > 0; left -= 40_000) writeSync(fd, block, 0, Math.min(left, 40_000) * LINE);
  closeSync(fd);
}
spawnSync('sh', ['-c', `cat '${file}' > /dev/null`]);

async function runSource(batchSize, run) {
  const posFile = join(dir, `pos-${batchSize}-${run}.json`);
  const props = ComponentProps.fromObject('bench.sources.r1', {
    filegroups: 'f1', 'filegroups.f1': join(logDir, 'app\\.log'), positionFile: posFile, batchSize, fsWatch: false,
  });
  let count = 0;
  let resolveDone;
  const done = new Promise((r) => (resolveDone = r));
  const output = {
    send(batch) {
      count += batch.count;
      if (count >= N) resolveDone();
      return Promise.resolve();
    },
  };
  const ctx = {
    agentName: 'bench', name: 'r1', type: 'TAILDIR', props, logger: componentLogger('bench.taildir'),
    metrics: new CounterGroup('SOURCE', 'r1', SOURCE_COUNTERS), dataDir: dir, signal: new AbortController().signal,
    broker: undefined, output,
  };
  const src = new TaildirSource(ctx, parseTaildirConfig(props));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await src.start();
  await done;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  await src.stop();
  if (count !== N) throw new Error(`expected ${N} lines, counted ${count}`);
  return { secs, cpu: (cpu.user + cpu.system) / 1e6 };
}

function runTailLimit() {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('sh', ['-c', `tail -c +1 '${file}' | wc -l`], { encoding: 'utf8' });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (Number(r.stdout.trim()) !== N) throw new Error(`tail|wc counted ${r.stdout.trim()}`);
  return { secs };
}

const rows = [];
for (const bs of [100, 1000]) {
  const res = [];
  for (let i = 0; i < RUNS; i++) {
    globalThis.gc?.();
    res.push(await runSource(bs, i));
  }
  rows.push({ name: `TAILDIR source, batchSize ${bs}`, secs: median(res.map((r) => r.secs)), cpu: median(res.map((r) => r.cpu)) });
}
const rssSource = vmHWM();
const lim = [];
for (let i = 0; i < RUNS; i++) lim.push(runTailLimit());
rows.push({ name: 'limit: tail -c +1 FILE, piped to wc -l', secs: median(lim.map((r) => r.secs)), cpu: NaN });

const mb = (N * LINE) / 1e6;
console.log(`TAILDIR: ${N.toLocaleString()} lines × ${LINE} B (${mb.toFixed(0)} MB), page cache hot, median of ${RUNS}`);
console.log('| path | lines/s | MB/s | CPU s | vs limit |');
console.log('|---|---:|---:|---:|---:|');
const limitRate = N / rows[rows.length - 1].secs;
for (const r of rows) {
  const rate = N / r.secs;
  console.log(`| ${r.name} | ${(rate / 1e6).toFixed(2)} M | ${(mb / r.secs).toFixed(0)} | ${Number.isNaN(r.cpu) ? '–' : r.cpu.toFixed(2)} | ${(rate / limitRate).toFixed(2)}× |`);
}
console.log(`peak RSS of the Node process (VmHWM) after the source runs: ${rssSource.toFixed(0)} MB (goal for the full pipeline ≤ 150 MB)`);
console.log('goal: the full tail → topic pipeline ≥ 2 M lines/s, so the source alone must be well above that');
rmSync(dir, { recursive: true, force: true });
