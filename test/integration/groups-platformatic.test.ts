/**
 * @platformatic/kafka ~1.35 consumer group against Sluice: it uses the flexible
 * versions (FindCoordinator 4+ batched, JoinGroup 6+, SyncGroup 4+, OffsetCommit and
 * OffsetFetch 8+). Two members split a 4-partition topic; their commits are read back
 * through platformatic (OffsetFetch 8+) and through another client (kafkajs admin).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Consumer, stringDeserializers, type MessagesStream } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
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
      // Records are not read here: @platformatic/kafka 1.35 sends topic ids as names in
      // Fetch v12 (the broker's newest Fetch), so fetching needs Fetch v13+ (see report).
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
});
