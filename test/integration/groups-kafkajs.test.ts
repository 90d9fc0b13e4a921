/**
 * kafkajs consumer groups against a real Sluice broker on 127.0.0.1:
 * - 3 consumers on a 6-partition topic get 2 partitions each;
 * - SIGKILLing one (a child process, so no LeaveGroup) hands its partitions to the
 *   others within the session timeout (plus one rebalance);
 * - every produced record is consumed: duplicates are counted and reported, none missing;
 * - committed offsets survive a broker restart: a new consumer resumes at them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { removeDir, startBroker, tempDir, waitFor, type RunningBroker } from '../broker/groups/group-test-kit.js';

const MEMBER = fileURLToPath(new URL('../broker/groups/fixtures/kafkajs-member.mjs', import.meta.url));
const SESSION_MS = 3000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

function consumerOf(kafka: Kafka, groupId: string): Consumer {
  return kafka.consumer({ groupId, sessionTimeout: SESSION_MS, rebalanceTimeout: 5000, heartbeatInterval: 300, maxWaitTimeInMs: 100 });
}

async function produce(kafka: Kafka, topic: string, from: number, count: number): Promise<void> {
  const p = kafka.producer({ idempotent: true });
  await p.connect();
  for (let i = from; i < from + count; i += 25) {
    const n = Math.min(25, from + count - i);
    await p.send({ topic, messages: Array.from({ length: n }, (_, k) => ({ key: `k${i + k}`, value: `r${i + k}` })) });
  }
  await p.disconnect();
}

describe('kafkajs consumer group', () => {
  it('splits 6 partitions over 3 members, survives a SIGKILLed member, and loses no record', async () => {
    const dir = await tempDir();
    const b = await startBroker(dir);
    cleanups.push(() => removeDir(dir), () => b.stop());
    const kafka = new Kafka({ clientId: 'it', brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    await admin.createTopics({ topics: [{ topic: 'g6', numPartitions: 6 }] });

    const seen = new Map<string, number>();
    const see = (v: string): void => { seen.set(v, (seen.get(v) ?? 0) + 1); };
    const assigned: number[][] = [[], [], []];
    const local: Consumer[] = [];
    for (let i = 0; i < 2; i++) {
      const c = consumerOf(kafka, 'workers');
      c.on(c.events.GROUP_JOIN, (e) => { assigned[i] = [...(e.payload.memberAssignment['g6'] ?? [])].sort(); });
      await c.connect();
      await c.subscribe({ topic: 'g6', fromBeginning: true });
      await c.run({ autoCommitInterval: 100, eachMessage: async ({ message }) => see(message.value!.toString()) });
      local.push(c);
      cleanups.push(() => c.disconnect());
    }
    const child: ChildProcess = spawn(process.execPath, [MEMBER, b.bootstrap, 'workers', 'g6'], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
    let buf = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = JSON.parse(buf.slice(0, nl)) as { assigned?: number[]; v?: string };
        buf = buf.slice(nl + 1);
        if (line.assigned) assigned[2] = [...line.assigned].sort();
        if (line.v !== undefined) see(line.v);
      }
    });
    await waitFor(() => assigned.every((a) => a.length === 2) && new Set(assigned.flat()).size === 6, '3 members with 2 partitions each', 30_000);

    await produce(kafka, 'g6', 0, 300);
    await waitFor(() => seen.size >= 300, 'first 300 records consumed', 30_000);

    const killedAt = Date.now();
    child.kill('SIGKILL');
    await waitFor(() => assigned[0]!.length + assigned[1]!.length === 6 && new Set([...assigned[0]!, ...assigned[1]!]).size === 6,
      'the survivors to own all 6 partitions', SESSION_MS + 15_000);
    const handover = Date.now() - killedAt;
    expect(assigned[0]!.length).toBe(3);
    expect(assigned[1]!.length).toBe(3);

    await produce(kafka, 'g6', 300, 300);
    await waitFor(() => seen.size >= 600, 'all 600 records consumed', 30_000);
    const missing = Array.from({ length: 600 }, (_, i) => `r${i}`).filter((v) => !seen.has(v));
    const duplicates = [...seen.values()].reduce((n, c) => n + (c - 1), 0);
    console.info(`kafkajs group: handover after SIGKILL took ${handover} ms (session timeout ${SESSION_MS} ms); ${duplicates} duplicate deliveries, ${missing.length} missing`);
    expect(missing).toEqual([]);
  }, 90_000);

  it('hands out partitions added to a subscribed topic after the next metadata refresh', async () => {
    const dir = await tempDir();
    const b = await startBroker(dir);
    cleanups.push(() => removeDir(dir), () => b.stop());
    await b.broker.logs.createTopic('grow', 2);
    const kafka = new Kafka({ clientId: 'it', brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
    const owned: number[][] = [[], []];
    for (let i = 0; i < 2; i++) {
      const c = kafka.consumer({ groupId: 'growers', sessionTimeout: SESSION_MS, heartbeatInterval: 300, maxWaitTimeInMs: 100, metadataMaxAge: 300 });
      c.on(c.events.GROUP_JOIN, (e) => { owned[i] = [...(e.payload.memberAssignment['grow'] ?? [])].sort(); });
      await c.connect();
      await c.subscribe({ topic: 'grow', fromBeginning: true });
      await c.run({ eachMessage: async () => undefined });
      cleanups.push(() => c.disconnect());
    }
    await waitFor(() => owned[0]!.length === 1 && owned[1]!.length === 1, 'one partition each', 20_000);
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    await admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 6 }] });
    await waitFor(() => owned[0]!.length === 3 && owned[1]!.length === 3 && new Set([...owned[0]!, ...owned[1]!]).size === 6,
      'the 4 new partitions to be assigned', 20_000);
  }, 60_000);

  it('resumes from committed offsets after a broker restart', async () => {
    const dir = await tempDir();
    let b: RunningBroker = await startBroker(dir);
    cleanups.push(() => removeDir(dir));
    let kafka = new Kafka({ clientId: 'it', brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'resume', numPartitions: 2 }] });
    await admin.disconnect();
    await produce(kafka, 'resume', 0, 50);
    const first = consumerOf(kafka, 'resumers');
    let n = 0;
    await first.connect();
    await first.subscribe({ topic: 'resume', fromBeginning: true });
    await first.run({ autoCommitInterval: 50, eachMessage: async () => { n++; } });
    await waitFor(() => n >= 50, '50 records', 20_000);
    await first.disconnect(); // commits on the way out
    await b.stop();

    b = await startBroker(dir);
    cleanups.push(() => b.stop());
    kafka = new Kafka({ clientId: 'it', brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
    const admin2 = kafka.admin();
    await admin2.connect();
    cleanups.push(() => admin2.disconnect());
    const committed = await admin2.fetchOffsets({ groupId: 'resumers', topics: ['resume'] });
    const total = committed[0]!.partitions.reduce((s, p) => s + Number(p.offset), 0);
    expect(total).toBe(50);
    await produce(kafka, 'resume', 50, 20);
    const second = consumerOf(kafka, 'resumers');
    const got: string[] = [];
    await second.connect();
    cleanups.push(() => second.disconnect());
    await second.subscribe({ topic: 'resume', fromBeginning: true });
    await second.run({ eachMessage: async ({ message }) => { got.push(message.value!.toString()); } });
    await waitFor(() => got.length >= 20, '20 new records', 20_000);
    expect(got.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `r${50 + i}`).sort());
  }, 60_000);
});
