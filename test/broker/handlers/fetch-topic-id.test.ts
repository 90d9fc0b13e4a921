// Fetch handler v13–v17 (KIP-516; v17 adds KIP-853's tagged ReplicaDirectoryId, ignored here): topics are looked up by id; an unknown or zero id is
// answered per partition with UNKNOWN_TOPIC_ID (100) and the id echoed; a known id with an
// unknown partition gets UNKNOWN_TOPIC_OR_PARTITION (3); v12 and below still go by name.
// Also: ApiVersions advertises Fetch up to 17, and the long poll wakes by id as by name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchOf, recordsOf, startTestBroker, type TestBroker, type TestClient } from '../broker-test-kit.js';

type Body = Record<string, any>;

let tb: TestBroker;
let c: TestClient;
beforeAll(async () => {
  tb = await startTestBroker();
  c = tb.connect();
});
afterAll(async () => {
  c.end();
  await tb.close();
});

function fetchById(topicId: Buffer, partition: number, offset: bigint, maxWaitMs = 0): object {
  return {
    maxWaitMs, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
    topics: [{ topicId, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  };
}

describe('Fetch by topic id', () => {
  it('advertises Fetch 4–17', async () => {
    const r = await c.request<Body>(18, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
    expect(r.apiKeys.find((k: Body) => k.apiKey === 1)).toMatchObject({ minVersion: 4, maxVersion: 17 });
  });

  it.each([13, 14, 15, 16, 17])('v%i reads records by id and echoes the id', async (v) => {
    await tb.broker.logs.createTopic(`v${v}`, 2);
    await tb.broker.appendBatches(`v${v}`, 1, batchOf(['a', 'b', 'c']));
    const id = tb.broker.logs.describeTopic(`v${v}`)!.topicId;
    const r = await c.request<Body>(1, v, fetchById(id, 1, 1n));
    expect(r.errorCode).toBe(0);
    expect(r.responses).toHaveLength(1);
    expect(Buffer.from(r.responses[0].topicId).equals(id)).toBe(true);
    const p = r.responses[0].partitions[0];
    expect(p).toMatchObject({ partitionIndex: 1, errorCode: 0, highWatermark: 3n, lastStableOffset: 3n, logStartOffset: 0n });
    expect(recordsOf(p.records).filter((x) => x.offset >= 1).map((x) => x.value!.toString())).toEqual(['b', 'c']);
  });

  it('v17 with a ReplicaDirectoryId tag (as a follower sends it) is read and answered like v16', async () => {
    await tb.broker.logs.createTopic('dir17', 1);
    await tb.broker.appendBatches('dir17', 0, batchOf(['x', 'y']));
    const id = tb.broker.logs.describeTopic('dir17')!.topicId;
    const body = fetchById(id, 0, 0n) as Body;
    body.topics[0].partitions[0].replicaDirectoryId = Buffer.alloc(16, 9);
    const r = await c.request<Body>(1, 17, body);
    expect(r.responses[0].partitions[0]).toMatchObject({ partitionIndex: 0, errorCode: 0, highWatermark: 2n });
    expect(recordsOf(r.responses[0].partitions[0].records).map((x) => x.value!.toString())).toEqual(['x', 'y']);
  });

  it('unknown and zero ids ⇒ UNKNOWN_TOPIC_ID; known id, unknown partition ⇒ UNKNOWN_TOPIC_OR_PARTITION', async () => {
    await tb.broker.logs.createTopic('unk', 1);
    const id = tb.broker.logs.describeTopic('unk')!.topicId;
    const unknown = Buffer.alloc(16, 7);
    const zero = Buffer.alloc(16);
    const body = fetchById(unknown, 0, 0n) as Body;
    body.topics.push(
      { topicId: zero, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 100 }] },
      { topicId: id, partitions: [{ partition: 5, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 100 }] },
    );
    body.maxWaitMs = 5000; // an error answers at once, without waiting
    const r = await c.request<Body>(1, 16, body);
    expect(r.responses.map((t: Body) => Buffer.from(t.topicId).toString('hex'))).toEqual([unknown, zero, id].map((b) => b.toString('hex')));
    expect(r.responses.map((t: Body) => t.partitions[0].errorCode)).toEqual([100, 100, 3]);
  });

  it('v12 still goes by name: a topic-id string as the name is an unknown topic', async () => {
    await tb.broker.logs.createTopic('byname', 1);
    const id = tb.broker.logs.describeTopic('byname')!.topicId.toString('hex');
    const asText = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
    const body = (topic: string): object => ({
      replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 100 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    expect((await c.request<Body>(1, 12, body('byname'))).responses[0]).toMatchObject({ topic: 'byname', partitions: [{ errorCode: 0 }] });
    expect((await c.request<Body>(1, 12, body(asText))).responses[0]).toMatchObject({ topic: asText, partitions: [{ errorCode: 3 }] });
  });

  it('a long poll by id wakes on append', async () => {
    await tb.broker.logs.createTopic('poll', 1);
    const id = tb.broker.logs.describeTopic('poll')!.topicId;
    const pending = c.request<Body>(1, 16, fetchById(id, 0, 0n, 30_000));
    await tb.broker.appendBatches('poll', 0, batchOf(['late']));
    const r = await pending;
    expect(recordsOf(r.responses[0].partitions[0].records).map((x) => x.value!.toString())).toEqual(['late']);
  });
});
