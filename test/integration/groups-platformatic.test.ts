/**
 * @platformatic/kafka ~1.35 consumer group against Sluice: it uses the flexible
 * versions (FindCoordinator 4+ batched, JoinGroup 6+, SyncGroup 4+, OffsetCommit and
 * OffsetFetch 8+, ListOffsets 7, Fetch 16 with topic ids). Two members split a
 * 4-partition topic; their commits are read back through platformatic (OffsetFetch 8+)
 * and through another client (kafkajs admin); records produced by kafkajs are read back
 * by a platformatic group, each exactly once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Consumer, stringDeserializers, type MessagesStream } from '@platformatic/kafka';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { removeDir, startBroker, tempDir, waitFor } from '../broker/groups/group-test-kit.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

describe('@platformatic/kafka consumer group', () => {
  it('two members share a topic and commit offsets that other clients read back', async () => {
    const dir = await tempDir();
    const b = await startBroker(dir);
    cleanups.push(() => removeDir(dir), () => b.stop());
    await b.broker.logs.createTopic('pt', 4);
    const consumers: Consumer<string, string, string, string>[] = [];
    const streams: MessagesStream<string, string, string, string>[] = [];
    for (let i = 0; i < 2; i++) {
      const c = new Consumer({
        clientId: `pc${i}`, groupId: 'plat-group', bootstrapBrokers: [b.bootstrap], deserializers: stringDeserializers,
        sessionTimeout: 3000, rebalanceTimeout: 5000, heartbeatInterval: 300, maxWaitTime: 100,
      });
      consumers.push(c);
      cleanups.push(() => c.close(true));
      // No records are read here (maxFetches 0); the next test reads them.
      const s = await c.consume({ topics: ['pt'], mode: 'committed', fallbackMode: 'earliest', autocommit: false, maxFetches: 0 });
      s.on('error', () => undefined);
      streams.push(s);
    }
    const owned = (c: Consumer<string, string, string, string>): number[] => (c.assignments ?? []).flatMap((a) => a.partitions).sort();
    await waitFor(() => consumers.every((c) => owned(c).length === 2), 'both members to own 2 partitions', 30_000);
    expect(new Set([...owned(consumers[0]!), ...owned(consumers[1]!)]).size).toBe(4);

    for (const [i, c] of consumers.entries()) {
      await c.commit({ offsets: owned(c).map((partition) => ({ topic: 'pt', partition, offset: BigInt(10 + i), leaderEpoch: 0 })) });
    }
    const listed = await consumers[0]!.listCommittedOffsets({ topics: [{ topic: 'pt', partitions: [0, 1, 2, 3] }] });
    const expected = [0, 1, 2, 3].map((p) => BigInt(owned(consumers[0]!).includes(p) ? 10 : 11));
    expect(listed.get('pt')).toEqual(expected);

    const kafka = new Kafka({ clientId: 'check', brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    const o = await admin.fetchOffsets({ groupId: 'plat-group', topics: ['pt'] });
    expect(o[0]!.partitions.sort((x, y) => x.partition - y.partition).map((p) => BigInt(p.offset))).toEqual(expected);
    const described = await admin.describeGroups(['plat-group']);
    expect(described.groups[0]!.state).toBe('Stable');
    expect(described.groups[0]!.members).toHaveLength(2);
  }, 60_000);

  it('a platformatic group reads back every record kafkajs produced, none missing, none twice (Fetch by topic id, v13+)', async () => {
    const dir = await tempDir();
    const b = await startBroker(dir);
    cleanups.push(() => removeDir(dir), () => b.stop());
    await b.broker.logs.createTopic('pr', 4);
    const seen: string[] = [];
    const consumers: Consumer<string, string, string, string>[] = [];
    const streamErrors: Error[] = [];
    for (let i = 0; i < 2; i++) {
      const c = new Consumer({
        clientId: `pr${i}`, groupId: 'plat-read', bootstrapBrokers: [b.bootstrap], deserializers: stringDeserializers,
        sessionTimeout: 3000, rebalanceTimeout: 5000, heartbeatInterval: 300, maxWaitTime: 100,
      });
      consumers.push(c);
      cleanups.push(() => c.close(true));
      const s = await c.consume({ topics: ['pr'], mode: 'committed', fallbackMode: 'earliest', autocommit: 100 });
      s.on('data', (m) => seen.push(`${m.partition}:${m.offset}:${m.key}:${m.value}`));
      s.on('error', (e: Error) => streamErrors.push(e));
    }
    const owned = (c: Consumer<string, string, string, string>): number[] => (c.assignments ?? []).flatMap((a) => a.partitions).sort();
    // Produce only once the group is stable, so no rebalance can hand a partition over mid-read.
    await waitFor(() => consumers.every((c) => owned(c).length === 2), 'both members to own 2 partitions', 30_000);

    const kafka = new Kafka({ clientId: 'prod', brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    const expected = new Map<string, string>(); // key -> value
    for (let round = 0; round < 5; round++) {
      const messages = Array.from({ length: 60 }, (_, j) => ({ key: `k${round}-${j}`, value: `v${round}-${j}-${'x'.repeat(j * 7)}` }));
      for (const m of messages) expected.set(m.key, m.value);
      const acks = await producer.send({ topic: 'pr', messages });
      expect(acks.every((a) => a.errorCode === 0)).toBe(true);
    }
    await waitFor(() => seen.length >= expected.size, `${expected.size} records (have ${seen.length})`, 30_000);
    const ends = [0, 1, 2, 3].map((p) => b.broker.logs.partition('pr', p)!.highWatermark());
    expect(ends.reduce((x, y) => x + y, 0)).toBe(expected.size);
    // Autocommit reaches the log end (read back by kafkajs); by then nothing more can arrive.
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    await waitFor(async () => {
      const o = await admin.fetchOffsets({ groupId: 'plat-read', topics: ['pr'] });
      return o[0]!.partitions.every((x) => Number(x.offset) === ends[x.partition]);
    }, 'committed offsets to reach the log end', 30_000);
    expect(seen.length).toBe(expected.size);
    expect(streamErrors).toEqual([]);

    const got = seen.map((line) => line.split(':'));
    expect(new Set(seen).size).toBe(seen.length); // nothing twice
    expect(new Map(got.map(([, , k, v]) => [k!, v!]))).toEqual(expected); // nothing missing, values intact
    for (let p = 0; p < 4; p++) {
      const offsets = got.filter(([pp]) => Number(pp) === p).map(([, o]) => Number(o));
      expect(offsets).toEqual(Array.from({ length: ends[p]! }, (_, i) => i)); // in order, no gaps, per partition
    }
    expect(new Set(got.map(([pp]) => pp)).size).toBe(4);
  }, 60_000);
});
