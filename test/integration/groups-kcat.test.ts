/**
 * librdkafka's balanced consumer (kcat -G) against Sluice: two members of one group
 * share a 4-partition topic with no overlap (each partition owned by one member, each
 * record printed once) and together see every record.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import { removeDir, startBroker, tempDir, waitFor } from '../broker/groups/group-test-kit.js';

const hasKcat = spawnSync('kcat', ['-V'], { stdio: 'ignore' }).status === 0;
if (!hasKcat && process.env['CI']) throw new Error('kcat is required in CI but was not found on PATH');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

interface Member {
  readonly proc: ChildProcess;
  assigned: number[];
  readonly records: { p: number; o: number; v: string }[];
}

function member(bootstrap: string, group: string, topic: string): Member {
  const proc = spawn('kcat', ['-u', '-b', bootstrap, '-G', group, '-X', 'session.timeout.ms=6000', '-o', 'beginning', '-f', '%p %o %s\\n', topic], { stdio: ['ignore', 'pipe', 'pipe'] });
  const m: Member = { proc, assigned: [], records: [] };
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    let nl;
    while ((nl = out.indexOf('\n')) >= 0) {
      const [p, o, v] = out.slice(0, nl).split(' ');
      out = out.slice(nl + 1);
      m.records.push({ p: Number(p), o: Number(o), v: v! });
    }
  });
  proc.stderr!.on('data', (c: Buffer) => {
    for (const line of c.toString().split('\n')) {
      const a = /rebalanced .*: assigned: (.*)$/.exec(line);
      if (a) m.assigned = [...a[1]!.matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1])).sort();
      else if (/rebalanced .*: revoked/.test(line)) m.assigned = [];
    }
  });
  cleanups.push(() => { if (proc.exitCode === null) proc.kill('SIGKILL'); });
  return m;
}

describe.skipIf(!hasKcat)('kcat -G', () => {
  it('two balanced members share a topic with no overlap', async () => {
    const dir = await tempDir();
    const b = await startBroker(dir);
    cleanups.push(() => removeDir(dir), () => b.stop());
    await b.broker.logs.createTopic('kt', 4);
    const a = member(b.bootstrap, 'kg', 'kt');
    const c = member(b.bootstrap, 'kg', 'kt');
    await waitFor(() => a.assigned.length === 2 && c.assigned.length === 2 && new Set([...a.assigned, ...c.assigned]).size === 4,
      'both kcat members to own 2 partitions each', 30_000);
    const kafka = new Kafka({ clientId: 'it', brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
    const p = kafka.producer();
    await p.connect();
    for (let part = 0; part < 4; part++) {
      await p.send({ topic: 'kt', messages: Array.from({ length: 50 }, (_, i) => ({ partition: part, value: `p${part}-${i}` })) });
    }
    await p.disconnect();
    await waitFor(() => a.records.length + c.records.length >= 200, '200 records across both members', 30_000).catch((e: unknown) => {
      throw new Error(`${(e as Error).message}: got ${a.records.length}+${c.records.length}, owners ${a.assigned}/${c.assigned}`);
    });
    for (const m of [a, c]) for (const r of m.records) expect(m.assigned).toContain(r.p);
    const keys = [...a.records, ...c.records].map((r) => `${r.p}:${r.o}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set([...a.records, ...c.records].map((r) => r.v)).size).toBe(200);
  }, 60_000);
});
