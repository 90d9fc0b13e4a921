// Whole broker sessions in memory through a duplex pair: ApiVersions, Metadata
// auto-create, Produce → Fetch round trips, acks=0, long poll woken by an append,
// per-partition errors, ListOffsets.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../src/protocol/record-batch.js';
import { ATTR, BATCH } from '../../src/protocol/record-batch-layout.js';
import { batchOf, recordsOf, startTestBroker, type TestBroker } from './broker-test-kit.js';

type Body = Record<string, any>;

let tb: TestBroker;
beforeEach(async () => {
  tb = await startTestBroker(['message.max.bytes=4096']);
});
afterEach(async () => {
  await tb.close();
});

function produceBody(topic: string, partitions: { index: number; records: Buffer | null }[], acks = 1): object {
  return { transactionalId: null, acks, timeoutMs: 5000, topicData: [{ name: topic, partitionData: partitions }] };
}

function fetchBody(topic: string, partition: number, offset: bigint, maxWaitMs = 0, minBytes = 1): object {
  return {
    replicaId: -1, maxWaitMs, minBytes, maxBytes: 1 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  };
}

describe('ApiVersions', () => {
  it('advertises the implemented ranges at v0..v3', async () => {
    const c = tb.connect();
    for (const v of [0, 1, 2, 3]) {
      const r = await c.request<Body>(18, v, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
      expect(r.errorCode).toBe(0);
      const byKey = new Map((r.apiKeys as Body[]).map((a) => [a.apiKey, [a.minVersion, a.maxVersion]]));
      expect(byKey.get(0)).toEqual([3, 9]);
      expect(byKey.get(1)).toEqual([4, 17]);
      expect(byKey.get(2)).toEqual([1, 7]);
      expect(byKey.get(3)).toEqual([0, 12]);
      expect(byKey.get(18)).toEqual([0, 3]);
      expect(byKey.get(19)).toEqual([0, 7]);
      expect(byKey.get(20)).toEqual([0, 6]);
      expect(byKey.get(32)).toEqual([0, 4]);
      expect(byKey.get(37)).toEqual([0, 3]);
      // exactly the dispatch table's list: an API is advertised iff its handler is registered
      expect((r.apiKeys as Body[]).map((a) => ({ apiKey: a.apiKey, minVersion: a.minVersion, maxVersion: a.maxVersion }))).toEqual(tb.broker.advertisedApis());
    }
  });

  it('answers an unsupported ApiVersions version with a v0 body and error 35', async () => {
    const c = tb.connect();
    // ApiVersions v9: header v2 (flexible) with clientId "x", then an empty tag buffer and an empty body.
    const frame = Buffer.from([0, 18, 0, 9, 0, 0, 0, 42, 0, 1, 0x78, 0, 0]);
    const size = Buffer.alloc(4);
    size.writeInt32BE(frame.length);
    const p = c.nextFrame();
    c.sendRaw(Buffer.concat([size, frame]));
    const resp = await p;
    // v0 response header (correlation id) + ErrorCode 35 + ApiKeys [{18, 0, 3}]
    expect(resp).toEqual(Buffer.from([0, 0, 0, 42, 0, 35, 0, 0, 0, 1, 0, 18, 0, 0, 0, 3]));
    // the connection stays usable
    const r = await c.request<Body>(18, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
    expect(r.errorCode).toBe(0);
  });
});

describe('Metadata', () => {
  it('auto-creates a requested topic before answering NONE, at every version', async () => {
    const c = tb.connect();
    for (let v = 0; v <= 12; v++) {
      const topic = `auto-v${v}`;
      const topics = v >= 10 ? [{ topicId: Buffer.alloc(16), name: topic }] : [{ name: topic }];
      const r = await c.request<Body>(3, v, { topics, allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
      expect(r.brokers).toHaveLength(1);
      expect(r.brokers[0].nodeId).toBe(0);
      const t = r.topics[0];
      expect(t.errorCode).toBe(0);
      expect(t.name).toBe(topic);
      expect(t.partitions).toHaveLength(1);
      expect(t.partitions[0].leaderId).toBe(0);
      if (v >= 10) expect(Buffer.from(t.topicId).equals(Buffer.alloc(16))).toBe(false);
      if (v >= 2) expect(typeof r.clusterId).toBe('string');
    }
    expect(tb.broker.logs.describeTopic('auto-v0')?.partitions).toBe(1);
  });

  it('does not create when AllowAutoTopicCreation is false; v12 unknown topic id gives 100', async () => {
    const c = tb.connect();
    const r = await c.request<Body>(3, 6, { topics: [{ name: 'nope' }], allowAutoTopicCreation: false });
    expect(r.topics[0].errorCode).toBe(3);
    expect(tb.broker.logs.describeTopic('nope')).toBeUndefined();
    const id = Buffer.alloc(16, 7);
    const r12 = await c.request<Body>(3, 12, { topics: [{ topicId: id, name: null }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    expect(r12.topics[0].errorCode).toBe(100);
    // and a known id resolves to its name
    const d = tb.broker.logs.describeTopic('nope') ?? (await tb.broker.logs.createTopic('byid', 2));
    const r12b = await c.request<Body>(3, 12, { topics: [{ topicId: d.topicId, name: null }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(r12b.topics[0].errorCode).toBe(0);
    expect(r12b.topics[0].name).toBe('byid');
    expect(r12b.topics[0].partitions).toHaveLength(2);
  });

  it('lists all topics for a null (v1+) or empty (v0) list; bad names answer 17', async () => {
    await tb.broker.logs.createTopic('a', 1);
    await tb.broker.logs.createTopic('b', 3);
    const c = tb.connect();
    const r0 = await c.request<Body>(3, 0, { topics: [] });
    expect((r0.topics as Body[]).map((t) => t.name).filter((n) => !n.startsWith('__')).sort()).toEqual(['a', 'b']);
    const r1 = await c.request<Body>(3, 1, { topics: null });
    expect((r1.topics as Body[]).map((t) => t.name).filter((n) => !n.startsWith('__')).sort()).toEqual(['a', 'b']);
    const bad = await c.request<Body>(3, 4, { topics: [{ name: 'bad/name' }], allowAutoTopicCreation: true });
    expect(bad.topics[0].errorCode).toBe(17);
  });
});

describe('Produce and Fetch', () => {
  it('round-trips records at Produce v3..v9 and Fetch v4..v12', async () => {
    const c = tb.connect();
    let expected = 0;
    for (let v = 3; v <= 9; v++) {
      const r = await c.request<Body>(0, v, produceBody('rt', [{ index: 0, records: batchOf([`a${v}`, `b${v}`]) }]));
      const p = r.responses[0].partitionResponses[0];
      expect(p.errorCode).toBe(0);
      expect(Number(p.baseOffset)).toBe(expected);
      expected += 2;
    }
    for (let v = 4; v <= 12; v++) {
      const r = await c.request<Body>(1, v, fetchBody('rt', 0, 0n));
      const p = r.responses[0].partitions[0];
      expect(p.errorCode).toBe(0);
      expect(Number(p.highWatermark)).toBe(14);
      expect(Number(p.lastStableOffset)).toBe(14);
      const recs = recordsOf(p.records);
      expect(recs.map((x) => x.value!.toString())).toEqual(['a3', 'b3', 'a4', 'b4', 'a5', 'b5', 'a6', 'b6', 'a7', 'b7', 'a8', 'b8', 'a9', 'b9']);
      expect(recs.map((x) => x.offset)).toEqual([...Array(14).keys()]);
    }
    const snap = tb.broker.metricsSnapshot();
    expect(snap.topics['rt']!.recordsIn).toBe(14);
    expect(snap.apis['Produce']!.requests).toBe(7);
  });

  it('sends no response to acks=0 but still appends', async () => {
    const c = tb.connect();
    c.send(0, 7, produceBody('quiet', [{ index: 0, records: batchOf(['x']) }], 0));
    // The next response on the wire must be this request's, not a Produce answer.
    const r = await c.request<Body>(3, 1, { topics: [{ name: 'quiet' }] });
    expect(r.topics[0].name).toBe('quiet');
    expect(tb.broker.logs.partition('quiet', 0)!.highWatermark()).toBe(1);
  });

  it('long-polls until an append arrives on another connection', async () => {
    await tb.broker.logs.createTopic('lp', 1);
    const consumer = tb.connect();
    const producer = tb.connect();
    let answered = false;
    const pending = consumer.request<Body>(1, 11, fetchBody('lp', 0, 0n, 30_000, 1)).then((r) => {
      answered = true;
      return r;
    });
    // Processing is in order: a second request on the consumer's connection waits behind the poll.
    await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    const pr = await producer.request<Body>(0, 7, produceBody('lp', [{ index: 0, records: batchOf(['wake']) }]));
    expect(pr.responses[0].partitionResponses[0].errorCode).toBe(0);
    const r = await pending;
    expect(recordsOf(r.responses[0].partitions[0].records).map((x) => x.value!.toString())).toEqual(['wake']);
  });

  it('answers an empty fetch after MaxWaitMs with no data', async () => {
    await tb.broker.logs.createTopic('idle', 1);
    const c = tb.connect();
    const r = await c.request<Body>(1, 12, fetchBody('idle', 0, 0n, 20, 1));
    const p = r.responses[0].partitions[0];
    expect(p.errorCode).toBe(0);
    expect(p.records === null || p.records.length === 0).toBe(true);
  });

  it('gives at least one whole batch even above the size limits (KIP-74)', async () => {
    const c = tb.connect();
    const big = 'x'.repeat(3000);
    await c.request<Body>(0, 7, produceBody('kip74', [{ index: 0, records: batchOf([big]) }]));
    await c.request<Body>(0, 7, produceBody('kip74', [{ index: 0, records: batchOf([big]) }]));
    const body = fetchBody('kip74', 0, 0n) as Body;
    body.maxBytes = 10;
    body.topics[0].partitions[0].partitionMaxBytes = 10;
    const r = await c.request<Body>(1, 11, body);
    const recs = recordsOf(r.responses[0].partitions[0].records);
    expect(recs).toHaveLength(1);
    expect(recs[0]!.value!.toString()).toBe(big);
  });

  it('reports errors per partition without dropping the connection', async () => {
    await tb.broker.logs.createTopic('err', 1);
    const c = tb.connect();
    const good = batchOf(['ok']);
    const badCrc = Buffer.from(batchOf(['bad']));
    badCrc[badCrc.length - 1] = badCrc[badCrc.length - 1]! ^ 0xff;
    const txn = encodeRecordBatch([{ key: null, value: Buffer.from('t') }], { attributes: ATTR.TRANSACTIONAL, producerId: 1, producerEpoch: 0, baseSequence: 0 });
    const tooBig = batchOf(['y'.repeat(5000)]);
    const zstd = Buffer.from(good);
    zstd.writeInt16BE(4, BATCH.ATTRIBUTES); // claims zstd (the CRC no longer matches, but v6 refuses first)
    const cases: [Buffer, number][] = [[badCrc, 2], [txn, 87], [tooBig, 10]];
    for (const [records, code] of cases) {
      const r = await c.request<Body>(0, 7, {
        transactionalId: null, acks: 1, timeoutMs: 1000,
        topicData: [{ name: 'err', partitionData: [{ index: 0, records }, { index: 3, records: good }] }],
      });
      const ps = r.responses[0].partitionResponses;
      expect(ps[0].errorCode).toBe(code);
      expect(ps[1].errorCode).toBe(3);
    }
    const z = await c.request<Body>(0, 6, produceBody('err', [{ index: 0, records: zstd }]));
    expect(z.responses[0].partitionResponses[0].errorCode).toBe(76);
    const ok = await c.request<Body>(0, 8, produceBody('err', [{ index: 0, records: good }]));
    expect(ok.responses[0].partitionResponses[0].errorCode).toBe(0);
    expect(Number(ok.responses[0].partitionResponses[0].baseOffset)).toBe(0);
    const acks = await c.request<Body>(0, 7, produceBody('err', [{ index: 0, records: good }], 2));
    expect(acks.responses[0].partitionResponses[0].errorCode).toBe(21);
  });

  it('answers OFFSET_OUT_OF_RANGE beyond the high watermark and UNKNOWN_TOPIC for a missing topic', async () => {
    const c = tb.connect();
    await c.request<Body>(0, 7, produceBody('oor', [{ index: 0, records: batchOf(['1', '2']) }]));
    const r = await c.request<Body>(1, 11, fetchBody('oor', 0, 5n, 1000));
    expect(r.responses[0].partitions[0].errorCode).toBe(1);
    expect(Number(r.responses[0].partitions[0].highWatermark)).toBe(2);
    const u = await c.request<Body>(1, 11, fetchBody('missing', 0, 0n, 1000));
    expect(u.responses[0].partitions[0].errorCode).toBe(3);
  });
});

describe('ListOffsets', () => {
  it('answers earliest, latest, by timestamp and max timestamp', async () => {
    const c = tb.connect();
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 3; i++) {
      await c.request<Body>(0, 7, produceBody('lo', [{ index: 0, records: batchOf([`r${i}a`, `r${i}b`], { timestamp: t0 + i * 1000, compression: i === 1 ? 1 : 0 }) }]));
    }
    const ask = async (v: number, ts: bigint): Promise<Body> => {
      const r = await c.request<Body>(2, v, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'lo', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: ts }] }] });
      return r.topics[0].partitions[0];
    };
    for (const v of [1, 2, 3, 4, 5, 6, 7]) {
      expect(Number((await ask(v, -2n)).offset)).toBe(0);
      expect(Number((await ask(v, -1n)).offset)).toBe(6);
      const byTs = await ask(v, BigInt(t0 + 1000));
      expect(Number(byTs.offset)).toBe(2);
      expect(Number(byTs.timestamp)).toBe(t0 + 1000);
      expect(Number((await ask(v, BigInt(t0 + 999_999))).offset)).toBe(-1);
    }
    const max = await ask(7, -3n);
    expect(Number(max.timestamp)).toBe(t0 + 2000);
    expect(Number(max.offset)).toBeGreaterThanOrEqual(4);
  });

  it('finds the record inside a compressed batch by its own timestamp', async () => {
    const c = tb.connect();
    const t0 = 1_700_000_100_000;
    const batch = encodeRecordBatch(
      [0, 1, 2, 3].map((i) => ({ key: null, value: Buffer.from(`z${i}`), timestamp: t0 + i * 1000 })),
      { compression: 1, baseTimestamp: t0 },
    );
    await c.request<Body>(0, 7, produceBody('lz', [{ index: 0, records: batchOf(['first'], { timestamp: t0 - 10_000 }) }]));
    await c.request<Body>(0, 7, produceBody('lz', [{ index: 0, records: batch }]));
    const r = await c.request<Body>(2, 5, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'lz', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: BigInt(t0 + 1500) }] }] });
    const p = r.topics[0].partitions[0];
    expect(Number(p.offset)).toBe(1 + 2); // base offset 1, the record with t0+2000 is the third
    expect(Number(p.timestamp)).toBe(t0 + 2000);
  });
});

describe('Produce acks=0 errors', () => {
  it('closes the connection when an acks=0 produce fails, as Kafka does', async () => {
    const c = tb.connect();
    const other = tb.connect();
    c.send(0, 7, produceBody('acks0', [{ index: 7, records: batchOf(['x']) }], 0));
    await c.closedPromise;
    const r = await other.request<Body>(18, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
    expect(r.errorCode).toBe(0);
  });
});

describe('half-close', () => {
  it('answers every request sent before the client ended its side', async () => {
    const c = tb.connect();
    const answers = [
      c.request<Body>(18, 2, {}),
      c.request<Body>(3, 1, { topics: [{ name: 'half' }] }),
      c.request<Body>(18, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' }),
    ];
    c.end();
    const [a, m, b] = await Promise.all(answers);
    expect(a!.errorCode).toBe(0);
    expect(m!.topics[0].name).toBe('half');
    expect(b!.errorCode).toBe(0);
    await c.closedPromise;
  });
});
