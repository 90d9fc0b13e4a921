// The broker over real TCP on 127.0.0.1:0: large fetches (FileSlices through the
// connection writer) arrive byte-exact; many clients at once; the in-process append path
// and isLocalAddress; stop() ends long polls and closes cleanly.
import { connect } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker } from '../../src/broker/broker.js';
import { parseBrokerConfig } from '../../src/broker/config/server-config.js';
import { batchOf, recordsOf, TestClient, waitFor } from './broker-test-kit.js';

type Body = Record<string, any>;

let broker: Broker;
let dir: string;
let port: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-tcp-'));
  const config = parseBrokerConfig(['listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${join(dir, 'logs')}`, 'log.segment.bytes=1048576'].join('\n'), 'tcp.properties');
  broker = await Broker.start({ config });
  port = broker.boundListeners()[0]!.port;
});
afterAll(async () => {
  await broker.stop();
  await rm(dir, { recursive: true, force: true });
});

async function client(): Promise<TestClient> {
  const s = connect(port, '127.0.0.1');
  await new Promise<void>((r) => s.once('connect', () => r()));
  return new TestClient(s);
}

function fetchBody(topic: string, partition: number, offset: bigint, maxBytes: number, maxWaitMs = 0): object {
  return {
    replicaId: -1, maxWaitMs, minBytes: 1, maxBytes, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: maxBytes }] }],
    forgottenTopicsData: [], rackId: '',
  };
}

describe('broker over TCP', () => {
  it('serves multi-megabyte fetches across segments byte-exact', async () => {
    const values: string[] = [];
    for (let b = 0; b < 40; b++) {
      const batch = Array.from({ length: 100 }, (_, i) => `${b}-${i}-${'v'.repeat(1000 + ((b * 7 + i) % 50))}`);
      values.push(...batch);
      await broker.appendBatches('big', 0, batchOf(batch, { compression: b % 3 === 0 ? 1 : 0 }));
    }
    expect(broker.logs.partition('big', 0)!.segmentCount()).toBeGreaterThan(1);
    const c = await client();
    const got: string[] = [];
    let offset = 0n;
    while (got.length < values.length) {
      const r = await c.request<Body>(1, 12, fetchBody('big', 0, offset, 3 << 20));
      const recs = recordsOf(r.responses[0].partitions[0].records).filter((x) => BigInt(x.offset) >= offset);
      expect(recs.length).toBeGreaterThan(0);
      got.push(...recs.map((x) => x.value!.toString()));
      offset = BigInt(recs[recs.length - 1]!.offset) + 1n;
    }
    expect(got).toEqual(values);
    c.end();
  });

  it('serves many clients at once, each with its own produce and fetch', async () => {
    const clients = await Promise.all(Array.from({ length: 20 }, () => client()));
    await Promise.all(
      clients.map(async (c, i) => {
        const topic = `many-${i}`;
        for (let k = 0; k < 5; k++) {
          const r = await c.request<Body>(0, 9, { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batchOf([`${i}:${k}`]) }] }] });
          expect(r.responses[0].partitionResponses[0].errorCode).toBe(0);
        }
        const f = await c.request<Body>(1, 12, fetchBody(topic, 0, 0n, 1 << 20));
        expect(recordsOf(f.responses[0].partitions[0].records).map((x) => x.value!.toString())).toEqual([0, 1, 2, 3, 4].map((k) => `${i}:${k}`));
        c.end();
      }),
    );
  });

  it('a client that never reads does not stall the others', async () => {
    const values = Array.from({ length: 200 }, (_, i) => `${i}-${'s'.repeat(5000)}`);
    for (let b = 0; b < 10; b++) await broker.appendBatches('slow', 0, batchOf(values.slice(b * 20, b * 20 + 20)));
    const slow = connect(port, '127.0.0.1');
    await new Promise<void>((r) => slow.once('connect', () => r()));
    slow.pause(); // never read: responses pile up in the kernel and the broker's writer
    const { encodeRequest } = await import('../../src/protocol/codec.js');
    for (let i = 0; i < 200; i++) slow.write(encodeRequest(1, 11, i + 1, 'slow', fetchBody('slow', 0, 0n, 1 << 20)));
    const other = await client();
    for (let k = 0; k < 20; k++) {
      const r = await other.request<Body>(1, 11, fetchBody('slow', 0, BigInt(k * 10), 1 << 20));
      expect(recordsOf(r.responses[0].partitions[0].records).length).toBeGreaterThan(0);
    }
    const before = broker.metrics.openConnections;
    slow.destroy();
    await waitFor(() => broker.metrics.openConnections === before - 1, 10_000, 'slow session to close');
    other.end();
  });

  it('names the listener when it cannot bind', async () => {
    const d = await mkdtemp(join(tmpdir(), 'sluice-busy-'));
    const config = parseBrokerConfig([`listeners=PLAINTEXT://127.0.0.1:${port}`, `log.dirs=${join(d, 'logs')}`].join('\n'), 'busy.properties');
    await expect(Broker.start({ config })).rejects.toMatchObject({ code: 'BROKER_LISTEN_FAILED', message: expect.stringContaining(`PLAINTEXT://127.0.0.1:${port}: EADDRINUSE`) });
    await rm(d, { recursive: true, force: true });
  });

  it('knows its own addresses', () => {
    expect(broker.isLocalAddress('127.0.0.1', port)).toBe(true);
    expect(broker.isLocalAddress('localhost', port)).toBe(true);
    expect(broker.isLocalAddress('localhost', port === 1 ? 2 : 1)).toBe(false);
    expect(broker.isLocalAddress('192.0.2.10', port)).toBe(false);
  });

  it('appendBatches validates, auto-creates and counts', async () => {
    const r = await broker.appendBatches('inproc', 0, batchOf(['a', 'b', 'c']));
    expect(r.baseOffset).toBe(0);
    await expect(broker.appendBatches('inproc', 5, batchOf(['x']))).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC_OR_PARTITION' });
    const bad = Buffer.from(batchOf(['x']));
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
    await expect(broker.appendBatches('inproc', 0, bad)).rejects.toMatchObject({ code: 'CORRUPT_MESSAGE' });
    expect(broker.metricsSnapshot().topics['inproc']).toMatchObject({ recordsIn: 3 });
  });
});

describe('stop', () => {
  it('ends long polls, closes sessions and writes the clean-shutdown marker', async () => {
    const d = await mkdtemp(join(tmpdir(), 'sluice-stop-'));
    const config = parseBrokerConfig(['listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${join(d, 'logs')}`].join('\n'), 'stop.properties');
    const b = await Broker.start({ config });
    await b.logs.createTopic('s', 1);
    const s = connect(b.boundListeners()[0]!.port, '127.0.0.1');
    await new Promise<void>((r) => s.once('connect', () => r()));
    const c = new TestClient(s);
    const poll = c.request<Body>(1, 11, fetchBody('s', 0, 0n, 1 << 20, 60_000)).catch(() => 'closed');
    await new Promise((r) => setImmediate(r));
    await b.stop();
    await poll;
    await c.closedPromise;
    expect(await readdir(join(d, 'logs'))).toContain('.kafka_cleanshutdown');
    await rm(d, { recursive: true, force: true });
  });
});

describe('several listeners', () => {
  it('binds each one and advertises the endpoint of the listener a client used', async () => {
    const d = await mkdtemp(join(tmpdir(), 'sluice-multi-'));
    const config = parseBrokerConfig(['listeners=PLAINTEXT://127.0.0.1:0,INTERNAL://127.0.0.1:0', `log.dirs=${join(d, 'logs')}`].join('\n'), 'multi.properties');
    const b = await Broker.start({ config });
    try {
      const bound = b.boundListeners();
      expect(bound.map((x) => x.spec.name)).toEqual(['PLAINTEXT', 'INTERNAL']);
      expect(bound[0]!.port).not.toBe(bound[1]!.port);
      for (const l of bound) {
        const s = connect(l.port, '127.0.0.1');
        await new Promise<void>((r) => s.once('connect', () => r()));
        const c = new TestClient(s);
        const md = await c.request<Body>(3, 9, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
        expect(md.brokers).toEqual([expect.objectContaining({ nodeId: 0, host: '127.0.0.1', port: l.port })]);
        c.end();
      }
    } finally {
      await b.stop();
      await rm(d, { recursive: true, force: true });
    }
  });
});
