// kcat (librdkafka 2.0.2) against the broker over 127.0.0.1: produce 100,000 lines and
// consume them back identical and in order; -L metadata; consume from a partition and
// offset; consume from an offset found by timestamp (-o s@ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchOf } from '../broker/broker-test-kit.js';
import { kcat, kcatAvailable, startListeningBroker, type RunningBroker } from './broker-harness.js';

const HAVE_KCAT = kcatAvailable();
if (!HAVE_KCAT) console.warn('kcat not found on PATH: skipping the kcat interop tests (CI installs it)');

describe.skipIf(!HAVE_KCAT)('kcat interop', () => {
  let rb: RunningBroker;
  beforeAll(async () => {
    rb = await startListeningBroker(['num.partitions=3']);
  });
  afterAll(async () => {
    await rb?.stop();
  });

  it('produces 100,000 lines and consumes them back identical and in order', async () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`);
    const p = await kcat(['-P', '-b', rb.bootstrap, '-t', 'bulk', '-p', '0', '-X', 'linger.ms=5'], lines.join('\n') + '\n');
    expect(p.code, p.stderr).toBe(0);
    const c = await kcat(['-C', '-b', rb.bootstrap, '-t', 'bulk', '-p', '0', '-o', 'beginning', '-e', '-q']);
    expect(c.code, c.stderr).toBe(0);
    const got = c.stdout.toString().split('\n');
    expect(got.pop()).toBe('');
    expect(got.length).toBe(lines.length);
    expect(got).toEqual(lines);
    expect(rb.broker.logs.partition('bulk', 0)!.highWatermark()).toBe(100_000);
  });

  it('lists metadata with -L, advertising the real port', async () => {
    await rb.broker.logs.createTopic('meta', 4);
    const r = await kcat(['-L', '-b', rb.bootstrap, '-J']);
    expect(r.code, r.stderr).toBe(0);
    const md = JSON.parse(r.stdout.toString()) as { brokers: { id: number; name: string }[]; topics: { topic: string; partitions: { partition: number; leader: number }[] }[] };
    expect(md.brokers).toEqual([{ id: 0, name: `127.0.0.1:${rb.port}` }]);
    const t = md.topics.find((x) => x.topic === 'meta')!;
    expect(t.partitions.map((p) => p.partition).sort()).toEqual([0, 1, 2, 3]);
    expect(t.partitions.every((p) => p.leader === 0)).toBe(true);
  });

  it('consumes from a given partition and offset', async () => {
    await rb.broker.logs.createTopic('po', 3);
    for (let b = 0; b < 10; b++) {
      await rb.broker.appendBatches('po', 2, batchOf(Array.from({ length: 10 }, (_, i) => `p2-${b * 10 + i}`)));
    }
    await rb.broker.appendBatches('po', 1, batchOf(['other']));
    const r = await kcat(['-C', '-b', rb.bootstrap, '-t', 'po', '-p', '2', '-o', '37', '-c', '5', '-e', '-q', '-f', '%o:%s\n']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.toString()).toBe(['37:p2-37', '38:p2-38', '39:p2-39', '40:p2-40', '41:p2-41', ''].join('\n'));
  });

  it('consumes from the offset found by a timestamp (-o s@ts)', async () => {
    await rb.broker.logs.createTopic('ts', 1);
    const t0 = 1_700_000_000_000;
    for (let b = 0; b < 5; b++) {
      await rb.broker.appendBatches('ts', 0, batchOf([`ts-${b}-a`, `ts-${b}-b`], { timestamp: t0 + b * 60_000, compression: b % 2 }));
    }
    const r = await kcat(['-C', '-b', rb.bootstrap, '-t', 'ts', '-p', '0', '-o', `s@${t0 + 2 * 60_000}`, '-e', '-q', '-f', '%o %T %s\n']);
    expect(r.code, r.stderr).toBe(0);
    const got = r.stdout.toString().trim().split('\n');
    expect(got[0]).toBe(`4 ${t0 + 2 * 60_000} ts-2-a`);
    expect(got).toHaveLength(6);
  });
});
