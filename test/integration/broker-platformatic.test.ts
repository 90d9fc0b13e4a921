// @platformatic/kafka ~1.35 against the broker: it speaks only recent, mostly flexible
// versions (ApiVersions 3, Metadata ≥ 9, Produce ≥ 7, CreateTopics 7), so this checks
// the flexible codec paths end to end: admin metadata and topic creation, and produce.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';
import { startListeningBroker, type RunningBroker } from './broker-harness.js';
import { recordsOf } from '../broker/broker-test-kit.js';
import { readSync } from 'node:fs';

describe('@platformatic/kafka interop', () => {
  let rb: RunningBroker;
  beforeAll(async () => {
    rb = await startListeningBroker();
  });
  afterAll(async () => {
    await rb?.stop();
  });

  it('creates a topic and reads metadata', async () => {
    const admin = new Admin({ clientId: 'it-admin', bootstrapBrokers: [rb.bootstrap] });
    try {
      await admin.createTopics({ topics: ['plat'], partitions: 3, replicas: 1 });
      const md = await admin.metadata({ topics: ['plat'] });
      const t = md.topics.get('plat')!;
      expect(t.partitionsCount).toBe(3);
      expect([...md.brokers.values()][0]).toMatchObject({ host: '127.0.0.1', port: rb.port });
    } finally {
      await admin.close();
    }
  });

  it('produces records that the log then holds', async () => {
    const producer = new Producer({ clientId: 'it-producer', bootstrapBrokers: [rb.bootstrap], serializers: stringSerializers, autocreateTopics: true });
    try {
      const r = await producer.send({ messages: Array.from({ length: 20 }, (_, i) => ({ topic: 'plat-p', partition: 0, key: `k${i}`, value: `v${i}` })) });
      expect(r.offsets?.[0]?.offset).toBeDefined();
    } finally {
      await producer.close();
    }
    const lg = rb.broker.logs.partition('plat-p', 0)!;
    expect(lg.highWatermark()).toBe(20);
    const res = lg.read(0, 1 << 20, true);
    const buf = Buffer.alloc(res.slice!.length);
    readSync(res.slice!.file.fd, buf, 0, buf.length, res.slice!.position);
    res.slice!.file.release();
    expect(recordsOf(buf).map((x) => x.value!.toString())).toEqual(Array.from({ length: 20 }, (_, i) => `v${i}`));
  });
});
