// kafkajs 2.2.4 against the broker: the admin client creates and lists topics and adds
// partitions; the producer sends keyed records across 6 partitions, which must land
// where Java's murmur2 partitioner puts them; kcat then reads every record back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { partitionForKey } from '../../src/protocol/murmur2.js';
import { kcat, kcatAvailable, startListeningBroker, type RunningBroker } from './broker-harness.js';

const { Kafka, logLevel, Partitioners } = kafkajs;
const HAVE_KCAT = kcatAvailable();

describe('kafkajs 2.2.4 interop', () => {
  let rb: RunningBroker;
  let kafka: InstanceType<typeof Kafka>;
  beforeAll(async () => {
    rb = await startListeningBroker();
    kafka = new Kafka({ clientId: 'it', brokers: [rb.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  });
  afterAll(async () => {
    await rb?.stop();
  });

  it('admin creates and lists topics and adds partitions', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const created = await admin.createTopics({ topics: [{ topic: 'js-a', numPartitions: 2 }, { topic: 'js-b', numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '60000' }] }], waitForLeaders: true });
      expect(created).toBe(true);
      expect((await admin.listTopics()).sort()).toEqual(expect.arrayContaining(['js-a', 'js-b']));
      await admin.createPartitions({ topicPartitions: [{ topic: 'js-a', count: 5 }] });
      const md = await admin.fetchTopicMetadata({ topics: ['js-a'] });
      expect(md.topics[0]!.partitions).toHaveLength(5);
      expect(rb.broker.logs.describeTopic('js-b')?.configs['retention.ms']).toBe('60000');
      await expect(admin.createTopics({ topics: [{ topic: 'js-a', numPartitions: 1 }] })).resolves.toBe(false);
    } finally {
      await admin.disconnect();
    }
  });

  it.skipIf(!HAVE_KCAT)('keyed records land on the murmur2 partition and kcat reads them all back', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'keyed', numPartitions: 6 }] });
    await admin.disconnect();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    const messages = Array.from({ length: 600 }, (_, i) => ({ key: `key-${i}`, value: `value-${i}` }));
    const results = await producer.send({ topic: 'keyed', acks: -1, messages });
    await producer.disconnect();
    expect(results.every((r) => r.errorCode === 0)).toBe(true);
    const seen = new Map<string, number>();
    for (let p = 0; p < 6; p++) {
      const r = await kcat(['-C', '-b', rb.bootstrap, '-t', 'keyed', '-p', String(p), '-o', 'beginning', '-e', '-q', '-f', '%k=%s\n']);
      expect(r.code, r.stderr).toBe(0);
      for (const line of r.stdout.toString().split('\n').filter(Boolean)) {
        const [k, v] = line.split('=');
        expect(v).toBe(k!.replace('key', 'value'));
        seen.set(k!, p);
      }
    }
    expect(seen.size).toBe(600);
    for (const m of messages) expect(seen.get(m.key)).toBe(partitionForKey(Buffer.from(m.key), 6));
    expect(new Set(seen.values()).size).toBe(6);
  });
});
