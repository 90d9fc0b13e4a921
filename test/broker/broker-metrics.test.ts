// Broker counters: per-topic counters, per-API latency histogram and its quantiles;
// records out counted by Fetch through in-memory broker sessions.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BrokerMetrics, quantileMicros } from '../../src/broker/broker-metrics.js';
import { batchOf, recordsOf, startTestBroker, type TestBroker, type TestClient } from './broker-test-kit.js';

describe('BrokerMetrics', () => {
  it('counts per topic and per API with a log2 latency histogram', () => {
    const m = new BrokerMetrics();
    m.topic('t').bytesIn += 100;
    m.topic('t').recordsIn += 3;
    for (let i = 0; i < 98; i++) m.recordRequest(0, 100, false); // bucket 7: [64, 128)
    m.recordRequest(0, 5000, true); // bucket 13
    m.recordRequest(0, 0, false); // bucket 0
    const a = m.apis.get(0)!;
    expect(a.requests).toBe(100);
    expect(a.errors).toBe(1);
    expect(a.maxMicros).toBe(5000);
    expect(a.histogram[7]).toBe(98);
    expect(a.histogram[13]).toBe(1);
    expect(quantileMicros(a, 0.5)).toBe(128);
    expect(quantileMicros(a, 0.999)).toBe(8192);
    const snap = m.snapshot({ 0: 'Produce' });
    expect(snap.topics['t']).toMatchObject({ bytesIn: 100, recordsIn: 3 });
    expect(snap.apis['Produce']).toMatchObject({ requests: 100, p50Micros: 128 });
    // snapshots are copies
    snap.topics['t']!.bytesIn = 0;
    expect(m.topic('t').bytesIn).toBe(100);
  });
});

type Body = Record<string, any>;

/** Records out through whole in-memory broker sessions: Produce, then Fetch answers of known shape. */
describe('BrokerMetrics records out (Fetch)', () => {
  let tb: TestBroker;
  beforeEach(async () => {
    tb = await startTestBroker();
  });
  afterEach(async () => {
    await tb.close();
  });

  function fetchBody(topic: string, parts: { partition: number; offset: number; maxBytes: number }[], maxBytes = 1 << 20): object {
    return {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
      topics: [{
        topic,
        partitions: parts.map((p) => ({
          partition: p.partition, currentLeaderEpoch: -1, fetchOffset: BigInt(p.offset), lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: p.maxBytes,
        })),
      }],
      forgottenTopicsData: [], rackId: '',
    };
  }

  /** Produces batches of the given record counts to `topic`-`partition`; returns their byte sizes. */
  async function produce(c: TestClient, topic: string, partition: number, counts: readonly number[]): Promise<number[]> {
    const sizes: number[] = [];
    for (const n of counts) {
      const batch = batchOf(Array.from({ length: n }, (_, i) => `value-${n}-${i}`));
      sizes.push(batch.length);
      const r = await c.request<Body>(0, 9, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }] });
      expect(r.responses[0].partitionResponses[0].errorCode).toBe(0);
    }
    return sizes;
  }

  const counters = (topic: string): { recordsOut: number; bytesOut: number; fetchRequests: number } => {
    const t = tb.broker.metricsSnapshot().topics[topic]!;
    return { recordsOut: t.recordsOut, bytesOut: t.bytesOut, fetchRequests: t.fetchRequests };
  };

  it('counts the records of whole batches from the fetch offset, across two fetches', async () => {
    await tb.broker.logs.createTopic('ro', 1);
    const c = tb.connect();
    const sizes = await produce(c, 'ro', 0, [3, 5, 4]); // offsets [0..2] [3..7] [8..11]
    const all = sizes.reduce((a, b) => a + b, 0);
    expect(tb.broker.metricsSnapshot().topics['ro']!.recordsIn).toBe(12);

    const r1 = await c.request<Body>(1, 12, fetchBody('ro', [{ partition: 0, offset: 0, maxBytes: 1 << 20 }]));
    expect(recordsOf(r1.responses[0].partitions[0].records)).toHaveLength(12);
    expect(counters('ro')).toEqual({ recordsOut: 12, bytesOut: all, fetchRequests: 1 });

    // Second fetch from the middle of the second batch: the whole batch is sent (bytes),
    // but only offsets 5..11 are delivered (records).
    await c.request<Body>(1, 12, fetchBody('ro', [{ partition: 0, offset: 5, maxBytes: 1 << 20 }]));
    expect(counters('ro')).toEqual({ recordsOut: 12 + 7, bytesOut: all + sizes[1]! + sizes[2]!, fetchRequests: 2 });

    // At the high watermark: nothing sent, nothing counted but the request.
    await c.request<Body>(1, 12, fetchBody('ro', [{ partition: 0, offset: 12, maxBytes: 1 << 20 }]));
    expect(counters('ro')).toEqual({ recordsOut: 19, bytesOut: all + sizes[1]! + sizes[2]!, fetchRequests: 3 });
  });

  it('does not count a partial trailing batch cut by the size limit (it is counted when fetched again)', async () => {
    await tb.broker.logs.createTopic('cut', 1);
    const c = tb.connect();
    const sizes = await produce(c, 'cut', 0, [3, 5, 4]);
    const limit = sizes[0]! + sizes[1]! + 10; // two whole batches and 10 bytes of the third
    const r = await c.request<Body>(1, 12, fetchBody('cut', [{ partition: 0, offset: 0, maxBytes: limit }]));
    const set = r.responses[0].partitions[0].records as Buffer;
    expect(set.length).toBe(limit);
    expect(recordsOf(set)).toHaveLength(8);
    expect(counters('cut')).toEqual({ recordsOut: 8, bytesOut: limit, fetchRequests: 1 });
    // The consumer refetches from offset 8 and gets the third batch whole.
    await c.request<Body>(1, 12, fetchBody('cut', [{ partition: 0, offset: 8, maxBytes: 1 << 20 }]));
    expect(counters('cut')).toEqual({ recordsOut: 12, bytesOut: limit + sizes[2]!, fetchRequests: 2 });
  });

  it('counts per partition: a later partition cut inside its first batch delivers none', async () => {
    await tb.broker.logs.createTopic('two', 2);
    const c = tb.connect();
    const s0 = await produce(c, 'two', 0, [2, 6]);
    await produce(c, 'two', 1, [9]);
    // Partition 0 takes all it has (KIP-74 first partition); partition 1 gets 20 bytes of
    // its only batch (no minOneBatch for later partitions).
    const r = await c.request<Body>(1, 12, fetchBody('two', [
      { partition: 0, offset: 0, maxBytes: 1 << 20 },
      { partition: 1, offset: 0, maxBytes: 20 },
    ]));
    expect((r.responses[0].partitions[1].records as Buffer).length).toBe(20);
    expect(counters('two')).toEqual({ recordsOut: 8, bytesOut: s0[0]! + s0[1]! + 20, fetchRequests: 1 });
  });
});
