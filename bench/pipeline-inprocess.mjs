// In-process tail → embedded topic run, for profiling the glue: the broker and the agent
// (npm start's configuration, ports rewritten) run in THIS process; the clock runs from
// moving the prepared file into ./logs until the partition log's end offset reaches N
// (checked on every event-loop turn via setImmediate, so the check costs no sleeps).
// Prints lines/s, the event-loop utilization over the run (idle = handshake latency,
// not CPU), where the idle went (source waiting for channel space, sink runner asleep on
// an empty channel; prototypes wrapped here, bench only), the sink's take counters, and
// with SLUICE_BENCH_PROFILE=FILE writes a .cpuprofile of just the run (summarize it with
// bench/pipeline-profile-summary.mjs). SLUICE_BENCH_MEM=1 also prints process.memoryUsage().
// Env: SLUICE_BENCH_LINES (default 2,000,000).
import { cpSync, mkdtempSync, openSync, writeSync, closeSync, readFileSync, writeFileSync, renameSync, mkdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

process.env.SLUICE_LOG_LEVEL ??= 'warn';
const { Broker } = await import('../dist/broker/broker.js');
const { loadBrokerConfig } = await import('../dist/broker/config/server-config.js');
const { Agent } = await import('../dist/agent/agent.js');
const { linkExactlyOnce } = await import('../dist/agent/embedded-broker.js');
const { MemoryChannel } = await import('../dist/channels/memory-channel.js');
const { SinkRunner } = await import('../dist/agent/sink-runner.js');

// Handshake accounting (wrapping prototypes, bench only): wall time the source spends
// waiting for channel space, and the sink runner spends asleep (backoff on an empty channel).
const waits = { space: 0, spaceN: 0, data: 0, dataN: 0, sinkSleep: 0, sinkSleepN: 0 };
let counting = false;
const origWaitUntil = MemoryChannel.prototype.waitUntil;
MemoryChannel.prototype.waitUntil = async function (set, ready, timeoutMs) {
  if (!counting || ready()) return origWaitUntil.call(this, set, ready, timeoutMs);
  const t = performance.now();
  try { return await origWaitUntil.call(this, set, ready, timeoutMs); } finally { waits[set] += performance.now() - t; waits[`${set}N`]++; }
};
const origSleep = SinkRunner.prototype.sleep;
SinkRunner.prototype.sleep = async function (...args) {
  if (!counting) return origSleep.apply(this, args);
  const t = performance.now();
  try { return await origSleep.apply(this, args); } finally { waits.sinkSleep += performance.now() - t; waits.sinkSleepN++; }
};

const REPO = resolve(import.meta.dirname, '..');
const N = Number(process.env.SLUICE_BENCH_LINES ?? 2_000_000);
const LINE = 100;

const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-inproc-'));
cpSync(join(REPO, 'conf'), join(dir, 'conf'), { recursive: true });
mkdirSync(join(dir, 'logs'));
const src = join(dir, 'lines.src');
{
  const fd = openSync(src, 'w');
  const chunk = 10_000;
  const buf = Buffer.alloc(chunk * LINE, 'x');
  for (let i = 0; i < chunk; i++) buf[i * LINE + LINE - 1] = 10;
  for (let i = 0; i < N; i += chunk) {
    const n = Math.min(chunk, N - i);
    for (let k = 0; k < n; k++) buf.write(String(i + k).padStart(12, '0'), k * LINE, 'latin1');
    writeSync(fd, buf, 0, n * LINE);
  }
  closeSync(fd);
  spawnSync("cat", [src], { stdio: ["ignore", "ignore", "ignore"] }); // page cache hot
}
process.chdir(dir);
const config = loadBrokerConfig('conf/server.properties', ['listeners=PLAINTEXT://127.0.0.1:0', 'advertised.listeners=PLAINTEXT://127.0.0.1:0', 'sluice.monitor.listener=', 'offsets.topic.num.partitions=1']);
const broker = await Broker.start({ config });
const port = broker.boundListeners()[0].port;
const cf = 'conf/flume-kafka.conf';
writeFileSync(cf, readFileSync(cf, 'utf8').replaceAll('127.0.0.1:9092', `127.0.0.1:${port}`));
const agent = new Agent({ agentName: 'a1', configFiles: [cf], sys: { 'user.dir': dir }, reload: false, broker, onTopologyBuilt: (plan, topo) => linkExactlyOnce(plan, topo) });
await agent.start();

const profileFile = process.env.SLUICE_BENCH_PROFILE;
let session;
if (profileFile) {
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
}
const elu0 = performance.eventLoopUtilization();
const cpu0 = process.cpuUsage();
counting = true;
const t0 = performance.now();
renameSync(src, join(dir, 'logs/flume.log'));
let leo = 0;
await new Promise((res) => {
  const check = () => {
    const lg = broker.logs.partition('fromflume', 0);
    leo = lg ? lg.logEndOffset() : 0;
    if (leo >= N) res();
    else setTimeout(check, 1);
  };
  check();
});
const secs = (performance.now() - t0) / 1000;
counting = false;
const sinkCounters = agent.metrics.all().find((g) => g.type === 'SINK')?.snapshot() ?? {};
const elu = performance.eventLoopUtilization(elu0);
const cpu = process.cpuUsage(cpu0);
if (session) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(profileFile, JSON.stringify(profile));
}
const mem = process.memoryUsage();
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
await agent.shutdown();
await broker.stop();
process.chdir(REPO);
rmSync(dir, { recursive: true, force: true });
console.log(`source waiting for channel space: ${waits.space.toFixed(0)} ms over ${waits.spaceN} waits; sink runner asleep (empty channel): ${waits.sinkSleep.toFixed(0)} ms over ${waits.sinkSleepN} backoffs; takes: ${sinkCounters.BatchCompleteCount ?? 0} full, ${sinkCounters.BatchUnderflowCount ?? 0} partial, ${sinkCounters.BatchEmptyCount ?? 0} empty`);
if (process.env.SLUICE_BENCH_MEM) console.log(Object.fromEntries(Object.entries(mem).map(([k, v]) => [k, `${(v / 2 ** 20).toFixed(0)} MB`])));
console.log(`| lines | seconds | lines/s | event-loop utilization | CPU s (user+sys) | peak RSS MB |`);
console.log(`|---:|---:|---:|---:|---:|---:|`);
console.log(`| ${N.toLocaleString()} | ${secs.toFixed(2)} | ${Math.round(N / secs).toLocaleString()} | ${(elu.utilization * 100).toFixed(0)}% | ${((cpu.user + cpu.system) / 1e6).toFixed(2)} | ${(Number(hwm[1]) / 1024).toFixed(0)} |`);
