// The thin client against a fake broker on 127.0.0.1:0 (answers built by our codec):
// negotiation and fallback, admin, produce → fetch round trip, offsets and group describe.
import { afterEach, describe, expect, test } from 'vitest';
import { KafkaClient } from '../../src/client/kafka-client.js';
import { KafkaConnection } from '../../src/client/connection.js';
import { decodeConsumerAssignment } from '../../src/protocol/consumer-protocol.js';
import { startFakeBroker, type FakeBroker } from './fake-broker.js';

let broker: FakeBroker | undefined;
let client: KafkaClient | undefined;
afterEach(async () => {
  client?.close();
  await broker?.close();
  client = undefined;
  broker = undefined;
});

describe('KafkaConnection', () => {
  test('negotiates ApiVersions v3 and picks min(our max, broker max)', async () => {
    broker = await startFakeBroker({ maxVersions: { 3: 6 } });
    const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: broker.port });
    expect(broker.seen[0]).toEqual({ apiKey: 18, version: 3 });
    expect(conn.versionFor(3)).toBe(6);
    expect(conn.versionFor(1)).toBe(17); // codec max; KafkaClient.fetch itself caps Fetch at v12 (topic names)
    conn.close();
  });

  test('falls back when the broker rejects ApiVersions v3 (v0 body, error 35)', async () => {
    broker = await startFakeBroker({ apiVersionsMax: 2 });
    const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: broker.port });
    expect(broker.seen.slice(0, 2)).toEqual([{ apiKey: 18, version: 3 }, { apiKey: 18, version: 2 }]);
    expect(conn.brokerVersions.get(0)).toEqual({ min: 0, max: 9 });
    conn.close();
  });

  test('in-flight requests fail with CLIENT_CONNECTION_CLOSED when the broker goes away', async () => {
    broker = await startFakeBroker();
    const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: broker.port });
    const p = conn.request(3, { topics: null });
    await broker.close();
    broker = undefined;
    await expect(p).rejects.toMatchObject({ code: 'CLIENT_CONNECTION_CLOSED' });
  });

  test('connection refused → CLIENT_CONNECT_FAILED', async () => {
    broker = await startFakeBroker();
    const port = broker.port;
    await broker.close();
    broker = undefined;
    await expect(KafkaConnection.connect({ host: '127.0.0.1', port })).rejects.toMatchObject({ code: 'CLIENT_CONNECT_FAILED' });
  });
});

describe('KafkaClient', () => {
  test('admin: create, describe, add partitions, configs, delete', async () => {
    broker = await startFakeBroker();
    client = new KafkaClient({ bootstrapServers: `127.0.0.1:${broker.port}` });
    await client.createTopics([{ name: 't1', numPartitions: 2, configs: { 'retention.ms': '1000' } }]);
    await expect(client.createTopics([{ name: 't1', numPartitions: 2 }])).rejects.toMatchObject({ code: 'KAFKA_TOPIC_ALREADY_EXISTS' });
    const md = await client.metadata(null);
    expect(md.topics.map((t) => [t.name, t.partitions.length])).toEqual([['t1', 2]]);
    await client.createPartitions('t1', 3);
    expect(await client.partitionsOf('t1')).toEqual([0, 1, 2]);
    expect((await client.describeConfigs(2, 't1')).map((c) => [c.name, c.value])).toEqual([['retention.ms', '1000']]);
    await client.alterConfigs(2, 't1', { 'retention.ms': '5', 'cleanup.policy': null });
    expect(broker.configs.get('t1')).toEqual({ 'retention.ms': '5' });
    await client.deleteTopics(['t1']);
    expect(broker.topics.has('t1')).toBe(false);
  });

  test('produce → listOffsets → fetch round trip', async () => {
    broker = await startFakeBroker();
    client = new KafkaClient({ bootstrapServers: [`127.0.0.1:${broker.port}`] });
    await client.createTopics([{ name: 'logs', numPartitions: 1 }]);
    const values = ['a', 'bb', 'ccc'].map((v) => ({ key: null, value: Buffer.from(v) }));
    expect(await client.produce('logs', 0, values)).toBe(0);
    expect(await client.produce('logs', 0, [{ key: Buffer.from('k'), value: Buffer.from('dddd') }])).toBe(3);
    expect(await client.listOffsets('logs', 'earliest')).toMatchObject([{ partition: 0, offset: 0 }]);
    expect(await client.listOffsets('logs', 'latest')).toMatchObject([{ partition: 0, offset: 4 }]);
    const [p] = await client.fetch([{ topic: 'logs', partition: 0, offset: 1 }]);
    expect(p!.highWatermark).toBe(4);
    expect(p!.records.map((r) => [r.offset, r.key?.toString() ?? null, r.value!.toString()])).toEqual([
      [1, null, 'bb'], [2, null, 'ccc'], [3, 'k', 'dddd'],
    ]);
    expect(p!.nextOffset).toBe(4);
  });

  test('groups: list, describe with decoded assignment, commit and fetch offsets, delete', async () => {
    broker = await startFakeBroker();
    client = new KafkaClient({ bootstrapServers: `127.0.0.1:${broker.port}` });
    expect(await client.listGroups()).toEqual([{ groupId: 'g1', protocolType: 'consumer', state: 'Stable' }]);
    const g = await client.describeGroup('g1');
    expect(g.members[0]!.clientId).toBe('client-a');
    expect(decodeConsumerAssignment(g.members[0]!.memberAssignment).value.assignedPartitions).toEqual([{ topic: 't1', partitions: [0, 1] }]);
    await client.offsetCommit('g1', [{ topic: 't1', partition: 1, offset: 17 }]);
    expect(await client.offsetFetch('g1')).toMatchObject([{ topic: 't1', partition: 1, offset: 17 }]);
    await client.deleteGroups(['g1']);
  });

  test('older brokers: FindCoordinator v2 and OffsetFetch v7 shapes', async () => {
    broker = await startFakeBroker({ maxVersions: { 10: 2, 9: 7 } });
    client = new KafkaClient({ bootstrapServers: `127.0.0.1:${broker.port}` });
    await client.offsetCommit('g1', [{ topic: 't', partition: 0, offset: 5 }]);
    expect(await client.offsetFetch('g1')).toMatchObject([{ topic: 't', partition: 0, offset: 5 }]);
    expect(broker.seen.filter((s) => s.apiKey === 10).every((s) => s.version === 2)).toBe(true);
  });

  test('bad bootstrap string → USAGE_BOOTSTRAP', () => {
    expect(() => new KafkaClient({ bootstrapServers: 'nope' })).toThrow(/bad bootstrap server 'nope'/);
  });
});
