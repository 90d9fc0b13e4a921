/**
 * Agent lifecycle with test doubles (testsrc → memory → testsink): delivery, rollback on a
 * failing sink, back-pressure, failover and load balancing with real runners, reload
 * (events survive in a reused memory channel), drain on shutdown, --strict, wrong -n.
 */
import { mkdtempSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.js';
import type { FailoverSinkProcessor } from '../../src/agent/failover-sink-processor.js';
import { bodies, sinks, sources, testRegistry, waitFor } from './helpers/test-components.js';

let dir: string;
const agents: Agent[] = [];
let seq = 0;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-agent-'));
});
afterEach(async () => {
  for (const a of agents.splice(0)) await a.shutdown(0);
  rmSync(dir, { recursive: true, force: true });
});

function conf(name: string, lines: string[]): string {
  const f = join(dir, name);
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

function basic(agent: string, extra: string[] = []): string[] {
  return [
    `${agent}.sources = r1`, `${agent}.channels = c1`, `${agent}.sinks = k1`,
    `${agent}.sources.r1.type = testsrc`, `${agent}.sources.r1.batchSize = 50`, `${agent}.sources.r1.channels = c1`,
    `${agent}.channels.c1.type = memory`, `${agent}.channels.c1.capacity = 1000`, `${agent}.channels.c1.transactionCapacity = 100`,
    `${agent}.sinks.k1.type = testsink`, `${agent}.sinks.k1.batchSize = 10`, `${agent}.sinks.k1.channel = c1`,
    ...extra,
  ];
}

async function startAgent(name: string, files: string[], opts: Partial<ConstructorParameters<typeof Agent>[0]> = {}): Promise<Agent> {
  const a = new Agent({
    agentName: name, configFiles: files, registry: testRegistry(), reload: false, env: {},
    runner: { backoffIncrementMs: 10, maxBackoffMs: 50 }, dataRoot: dir, ...opts,
  });
  agents.push(a);
  await a.start();
  return a;
}

const uniq = (): string => `ag${++seq}`;

describe('Agent', () => {
  it('moves events from source to sink through the memory channel', async () => {
    const n = uniq();
    await startAgent(n, [conf('a.conf', basic(n))]);
    await sources.get(`${n}.r1`)!.emit(bodies('e', 35));
    await waitFor(() => sinks.get(`${n}.k1`)!.received.length === 35, 'delivery');
    expect(sinks.get(`${n}.k1`)!.received).toEqual(bodies('e', 35));
  });

  it('a failing sink rolls back; after it recovers every event arrives once, in order', async () => {
    const n = uniq();
    await startAgent(n, [conf('a.conf', basic(n, [`${n}.sinks.k1.fail = true`]))]);
    const sink = sinks.get(`${n}.k1`)!;
    await sources.get(`${n}.r1`)!.emit(bodies('f', 50));
    await waitFor(() => sink.failures >= 3, 'repeated failures');
    expect(sink.received).toEqual([]);
    sink.failing = false;
    await waitFor(() => sink.received.length >= 50, 'delivery after recovery');
    expect(sink.received).toEqual(bodies('f', 50));
  });

  it('a full channel back-pressures the source until the sink drains it', async () => {
    const n = uniq();
    await startAgent(n, [conf('a.conf', basic(n, [
      `${n}.channels.c1.capacity = 100`, `${n}.channels.c1.keep-alive = 30`, `${n}.sinks.k1.fail = true`,
    ]))]);
    const src = sources.get(`${n}.r1`)!;
    const sink = sinks.get(`${n}.k1`)!;
    await src.emit(bodies('a', 50));
    await src.emit(bodies('b', 50));
    let done = false;
    const pending = src.emit(bodies('c', 50)).then(() => { done = true; });
    await waitFor(() => sink.failures >= 2, 'sink failing while the source waits');
    expect(done).toBe(false);
    sink.failing = false;
    await pending;
    await waitFor(() => sink.received.length === 150, 'all delivered');
    expect(sink.received).toEqual([...bodies('a', 50), ...bodies('b', 50), ...bodies('c', 50)]);
  });

  it('with keep-alive 0 a full channel rejects the send with CHANNEL_FULL', async () => {
    const n = uniq();
    await startAgent(n, [conf('a.conf', basic(n, [`${n}.channels.c1.capacity = 100`, `${n}.channels.c1.keep-alive = 0`, `${n}.sinks.k1.fail = true`]))]);
    const src = sources.get(`${n}.r1`)!;
    await src.emit(bodies('a', 50));
    await src.emit(bodies('b', 50));
    await expect(src.emit(bodies('c', 1))).rejects.toMatchObject({ code: 'CHANNEL_FULL', retriable: true });
  });

  it('failover switches to the backup sink and comes back to the primary', async () => {
    const n = uniq();
    const agent = await startAgent(n, [conf('a.conf', [
      ...basic(n).filter((l) => !l.startsWith(`${n}.sinks`)),
      `${n}.sinks = k1 k2`, `${n}.sinkgroups = g1`,
      `${n}.sinks.k1.type = testsink`, `${n}.sinks.k1.channel = c1`, `${n}.sinks.k1.fail = true`,
      `${n}.sinks.k2.type = testsink`, `${n}.sinks.k2.channel = c1`,
      `${n}.sinkgroups.g1.sinks = k1 k2`, `${n}.sinkgroups.g1.processor.type = failover`,
      `${n}.sinkgroups.g1.processor.priority.k1 = 10`, `${n}.sinkgroups.g1.processor.priority.k2 = 5`,
      `${n}.sinkgroups.g1.processor.maxpenalty = 50`,
    ])]);
    const [k1, k2] = [sinks.get(`${n}.k1`)!, sinks.get(`${n}.k2`)!];
    const src = sources.get(`${n}.r1`)!;
    await src.emit(bodies('x', 20));
    await waitFor(() => k2.received.length === 20, 'failover to k2');
    expect(k1.received).toEqual([]);
    k1.failing = false;
    const processor = agent.current!.runners[0]!.processor as FailoverSinkProcessor;
    expect(processor.activeSink()).toBe('k2');
    await waitFor(() => processor.activeSink() === 'k1', 'k1 back in service after its penalty');
    await src.emit(bodies('y', 20));
    await waitFor(() => k1.received.length + k2.received.length === 40, 'all delivered');
    expect(k1.received).toEqual(bodies('y', 20));
  });

  it('load_balance spreads batches over the sinks', async () => {
    const n = uniq();
    await startAgent(n, [conf('a.conf', [
      ...basic(n).filter((l) => !l.startsWith(`${n}.sinks`)),
      `${n}.sinks = k1 k2 k3`, `${n}.sinkgroups = g1`,
      ...['k1', 'k2', 'k3'].flatMap((k) => [`${n}.sinks.${k}.type = testsink`, `${n}.sinks.${k}.channel = c1`, `${n}.sinks.${k}.batchSize = 5`]),
      `${n}.sinkgroups.g1.sinks = k1 k2 k3`, `${n}.sinkgroups.g1.processor.type = load_balance`,
    ])]);
    await sources.get(`${n}.r1`)!.emit(bodies('z', 45));
    const all = ['k1', 'k2', 'k3'].map((k) => sinks.get(`${n}.${k}`)!);
    await waitFor(() => all.reduce((s, k) => s + k.received.length, 0) === 45, 'delivery');
    expect(all.every((k) => k.received.length > 0)).toBe(true);
    expect(all.flatMap((k) => k.received).sort()).toEqual(bodies('z', 45).sort());
  });

  it('reload reuses the memory channel: its events survive and reach the new sink', async () => {
    const n = uniq();
    const file = conf('a.conf', basic(n, [`${n}.sinks.k1.fail = true`]));
    const agent = await startAgent(n, [file]);
    const oldChannel = agent.current!.channels.get('c1')!.channel;
    await sources.get(`${n}.r1`)!.emit(bodies('r', 30));
    await waitFor(() => sinks.get(`${n}.k1`)!.failures >= 1, 'first failure');
    conf('a.conf', basic(n));
    expect(await agent.reload()).toBe(true);
    expect(agent.current!.channels.get('c1')!.channel).toBe(oldChannel);
    const fresh = sinks.get(`${n}.k1`)!;
    await waitFor(() => fresh.received.length === 30, 'delivery after reload');
    expect(fresh.received).toEqual(bodies('r', 30));
  });

  it('reload applies new settings to a reused memory channel and keeps its events', async () => {
    const n = uniq();
    const agent = await startAgent(n, [conf('a.conf', basic(n, [`${n}.sinks.k1.fail = true`]))]);
    await sources.get(`${n}.r1`)!.emit(bodies('s', 20));
    conf('a.conf', basic(n, [`${n}.sinks.k1.fail = true`, `${n}.channels.c1.capacity = 5000`, `${n}.channels.c1.transactionCapacity = 200`]));
    expect(await agent.reload()).toBe(true);
    const ch = agent.current!.channels.get('c1')!.channel;
    expect([ch.capacity, ch.transactionCapacity, ch.size()]).toEqual([5000, 200, 20]);
    expect(agent.metrics.group('CHANNEL', 'c1').get('ChannelCapacity')).toBe(5000);
  });

  it('a reload naming an unknown type keeps the running configuration', async () => {
    const n = uniq();
    const file = conf('a.conf', basic(n));
    const agent = await startAgent(n, [file]);
    const before = agent.current;
    conf('a.conf', basic(n, [`${n}.sinks.k1.type = com.example.Nope`]));
    expect(await agent.reload()).toBe(false);
    expect(agent.current).toBe(before);
    await sources.get(`${n}.r1`)!.emit(bodies('k', 3));
    await waitFor(() => sinks.get(`${n}.k1`)!.received.length === 3, 'still running');
  });

  it('polls the config file mtime and reloads on change', async () => {
    const n = uniq();
    const file = conf('a.conf', basic(n));
    const agent = await startAgent(n, [file], { reload: true, pollIntervalMs: 20 });
    const before = agent.current;
    conf('a.conf', basic(n, [`${n}.sinks.k1.batchSize = 20`]));
    const t = new Date(Date.now() + 5000);
    utimesSync(file, t, t);
    await waitFor(() => agent.current !== before && agent.current !== undefined, 'reload by poll');
    expect(agent.current!.sinks.get('k1')!.batchSize).toBe(20);
  });

  it('shutdown stops the source first and drains the channel into the sink', async () => {
    const n = uniq();
    const agent = await startAgent(n, [conf('a.conf', basic(n, [`${n}.sinks.k1.batchSize = 3`]))]);
    await sources.get(`${n}.r1`)!.emit(bodies('d', 100));
    const report = await agent.shutdown(10_000);
    expect(sources.get(`${n}.r1`)!.stopped).toBe(true);
    expect(report).toEqual({ left: {}, drained: true });
    expect(sinks.get(`${n}.k1`)!.received).toEqual(bodies('d', 100));
  });

  it('shutdown reports what was left when the sink cannot drain in time', async () => {
    const n = uniq();
    const agent = await startAgent(n, [conf('a.conf', basic(n, [`${n}.sinks.k1.fail = true`]))]);
    await sources.get(`${n}.r1`)!.emit(bodies('l', 12));
    const report = await agent.shutdown(50);
    expect(report).toEqual({ left: { c1: 12 }, drained: false });
  });

  it('a wrong -n leaves the agent idle with Flume\'s warning', async () => {
    const n = uniq();
    const agent = await startAgent('other', [conf('a.conf', basic(n))]);
    expect(agent.current).toBeUndefined();
    expect(agent.issues.map((i) => i.message)).toEqual(['No configuration found for this host:other']);
  });

  it('--strict turns warnings into CONFIG_INVALID (also for a wrong -n)', async () => {
    const n = uniq();
    const file = conf('a.conf', basic(n, [`${n}.sinks.k1.batchSiz = 5`]));
    await expect(startAgent(n, [file], { strict: true })).rejects.toMatchObject({
      code: 'CONFIG_INVALID', message: expect.stringMatching(/a\.conf:13: .*batchSiz: unknown property; did you mean "batchSize"\?/),
    });
    await expect(startAgent('nobody', [file], { strict: true })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('an unknown type is fatal: CONFIG_INVALID naming file:line', async () => {
    const n = uniq();
    const file = conf('a.conf', basic(n, [`${n}.channels.c1.type = org.example.NoSuchChannel`]));
    await expect(startAgent(n, [file])).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('a.conf:13') });
  });
});
