/**
 * Idempotent Produce through a broker session: a retried batch is not appended and gets
 * its original base offset; a gap gets 45; an old epoch gets 47; the state survives a
 * clean restart (snapshot at the log end) and a crash (replay of the log after the
 * newest snapshot); snapshots are written on roll.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Broker } from '../../../src/broker/broker.js';
import { parseBrokerConfig } from '../../../src/broker/config/server-config.js';
import { encodeRecordBatch } from '../../../src/protocol/record-batch.js';
import { duplexPair, TestClient, recordsOf } from '../broker-test-kit.js';
import { FAST_GROUP_PROPS, removeDir, tempDir } from '../groups/group-test-kit.js';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let dir: string;
let broker: Broker;

async function start(props: string[] = []): Promise<void> {
  const config = parseBrokerConfig(
    ['listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${join(dir, 'logs')}`, 'num.partitions=1', ...FAST_GROUP_PROPS, 'offsets.topic.num.partitions=1', ...props].join('\n'),
    'test.properties',
  );
  broker = await Broker.start({ config, listen: false });
}

function connect(): TestClient {
  const [a, b] = duplexPair();
  broker.handleConnection(a, 'memory-client');
  return new TestClient(b);
}

function batch(pid: bigint, epoch: number, seq: number, values: string[]): Buffer {
  return encodeRecordBatch(values.map((v) => ({ key: null, value: Buffer.from(v) })), { producerId: Number(pid), producerEpoch: epoch, baseSequence: seq });
}

async function produce(c: TestClient, records: Buffer, topic = 't'): Promise<{ errorCode: number; baseOffset: number }> {
  const r = await c.request<Body>(0, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
  const p = r.responses[0].partitionResponses[0];
  return { errorCode: p.errorCode, baseOffset: Number(p.baseOffset) };
}

async function values(c: TestClient, topic = 't'): Promise<string[]> {
  const r = await c.request<Body>(1, 12, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 10 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 10 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  return recordsOf(r.responses[0].partitions[0].records).map((x) => x.value!.toString());
}

async function initPid(c: TestClient): Promise<bigint> {
  const r = await c.request<Body>(22, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
  expect(r.errorCode).toBe(0);
  return r.producerId as bigint;
}

beforeEach(async () => {
  dir = await tempDir('sluice-idem-');
  await start();
  await broker.logs.createTopic('t', 1);
});
afterEach(async () => {
  await broker.stop();
  await removeDir(dir);
});

describe('idempotent produce', () => {
  it('answers a retried batch with its original offset and appends it once', async () => {
    const c = connect();
    const pid = await initPid(c);
    expect(await produce(c, batch(pid, 0, 0, ['a', 'b']))).toEqual({ errorCode: 0, baseOffset: 0 });
    expect(await produce(c, batch(pid, 0, 2, ['c']))).toEqual({ errorCode: 0, baseOffset: 2 });
    expect(await produce(c, batch(pid, 0, 0, ['a', 'b']))).toEqual({ errorCode: 0, baseOffset: 0 });
    expect(await produce(c, batch(pid, 0, 2, ['c']))).toEqual({ errorCode: 0, baseOffset: 2 });
    expect(await values(c)).toEqual(['a', 'b', 'c']);
  });

  it('answers a sequence gap with 45 and an old epoch with 47, appending nothing', async () => {
    const c = connect();
    const pid = await initPid(c);
    await produce(c, batch(pid, 1, 0, ['a']));
    expect((await produce(c, batch(pid, 1, 5, ['x']))).errorCode).toBe(45);
    expect((await produce(c, batch(pid, 0, 1, ['y']))).errorCode).toBe(47);
    expect((await produce(c, batch(pid, 2, 3, ['z']))).errorCode).toBe(45);
    expect((await produce(c, batch(pid, 2, 0, ['b']))).errorCode).toBe(0);
    expect(await values(c)).toEqual(['a', 'b']);
  });

  it('keeps the state across a clean restart (snapshot at the log end)', async () => {
    let c = connect();
    const pid = await initPid(c);
    await produce(c, batch(pid, 0, 0, ['a']));
    await produce(c, batch(pid, 0, 1, ['b']));
    await broker.stop();
    const pdir = join(dir, 'logs', 't-0');
    expect(readdirSync(pdir)).toContain('00000000000000000002.snapshot');
    await start();
    c = connect();
    expect(await produce(c, batch(pid, 0, 1, ['b']))).toEqual({ errorCode: 0, baseOffset: 1 });
    expect((await produce(c, batch(pid, 0, 3, ['x']))).errorCode).toBe(45);
    expect(await produce(c, batch(pid, 0, 2, ['c']))).toEqual({ errorCode: 0, baseOffset: 2 });
    expect(await values(c)).toEqual(['a', 'b', 'c']);
    expect(await initPid(c)).not.toBe(pid); // ids are never reused after a restart
  });

  it('rebuilds the state by replaying the log when no snapshot covers it (crash), and snapshots on roll', async () => {
    await broker.stop();
    await start(['log.segment.bytes=200']);
    let c = connect();
    const pid = await initPid(c);
    for (let i = 0; i < 6; i++) expect((await produce(c, batch(pid, 0, i, [`v${i}-${'x'.repeat(100)}`]))).errorCode).toBe(0);
    const pdir = join(dir, 'logs', 't-0');
    const snaps = readdirSync(pdir).filter((n) => n.endsWith('.snapshot'));
    expect(snaps.length).toBeGreaterThan(0); // written when appends rolled the segment
    await broker.stop();
    for (const n of readdirSync(pdir)) if (n.endsWith('.snapshot')) rmSync(join(pdir, n));
    rmSync(join(dir, 'logs', '.kafka_cleanshutdown'), { force: true });
    await start(['log.segment.bytes=200']);
    c = connect();
    for (let i = 1; i < 6; i++) expect(await produce(c, batch(pid, 0, i, [`v${i}-${'x'.repeat(100)}`]))).toEqual({ errorCode: 0, baseOffset: i });
    expect((await produce(c, batch(pid, 0, 6, ['last']))).errorCode).toBe(0);
    expect(broker.logs.partition('t', 0)!.logEndOffset()).toBe(7); // one segment per batch: count by the LEO
    expect(existsSync(pdir)).toBe(true);
  });
});
