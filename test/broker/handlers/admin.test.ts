// Admin APIs through in-memory sessions: CreateTopics, DeleteTopics, CreatePartitions,
// DescribeConfigs, AlterConfigs, IncrementalAlterConfigs, across their versions.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../broker-test-kit.js';

type Body = Record<string, any>;

let tb: TestBroker;
beforeEach(async () => {
  tb = await startTestBroker(['num.partitions=2']);
});
afterEach(async () => {
  await tb.close();
});

function creatable(name: string, numPartitions = -1, replicationFactor = -1, configs: { name: string; value: string | null }[] = []): Body {
  return { name, numPartitions, replicationFactor, assignments: [], configs };
}

describe('CreateTopics', () => {
  it('creates topics with per-topic configs at v0..v7 and reports per-topic errors', async () => {
    const c = tb.connect();
    for (let v = 0; v <= 7; v++) {
      const r = await c.request<Body>(19, v, {
        topics: [
          creatable(`ct${v}`, 3, 1, [{ name: 'retention.ms', value: '1000' }]),
          creatable(`ct${v}`.replace('ct', 'def')),
          creatable('bad name'),
          creatable(`rf${v}`, 1, 3),
          creatable(`np${v}`, 0, 1),
          creatable(`cfg${v}`, 1, 1, [{ name: 'no.such.config', value: '1' }]),
        ],
        timeoutMs: 1000,
        validateOnly: false,
      });
      const codes = (r.topics as Body[]).map((t) => t.errorCode);
      expect(codes).toEqual([0, 0, 17, 38, 37, 40]);
      if (v >= 5) {
        expect(r.topics[0].numPartitions).toBe(3);
        expect((r.topics[0].configs as Body[]).find((x) => x.name === 'retention.ms')?.value).toBe('1000');
      }
      if (v >= 7) expect(Buffer.from(r.topics[0].topicId).equals(Buffer.alloc(16))).toBe(false);
      expect(tb.broker.logs.describeTopic(`ct${v}`)?.partitions).toBe(3);
      expect(tb.broker.logs.describeTopic(`ct${v}`)?.configs['retention.ms']).toBe('1000');
      expect(tb.broker.logs.describeTopic(`def${v}`)?.partitions).toBe(2);
    }
    const again = await c.request<Body>(19, 4, { topics: [creatable('ct0', 1, 1)], timeoutMs: 1000, validateOnly: false });
    expect(again.topics[0].errorCode).toBe(36);
    const dup = await c.request<Body>(19, 4, { topics: [creatable('dup', 1, 1), creatable('dup', 1, 1)], timeoutMs: 1000, validateOnly: false });
    expect((dup.topics as Body[]).map((t) => t.errorCode)).toEqual([42, 42]);
  });

  it('validateOnly creates nothing', async () => {
    const c = tb.connect();
    const r = await c.request<Body>(19, 7, { topics: [creatable('dry', 4, 1)], timeoutMs: 1000, validateOnly: true });
    expect(r.topics[0].errorCode).toBe(0);
    expect(tb.broker.logs.describeTopic('dry')).toBeUndefined();
  });
});

describe('DeleteTopics and CreatePartitions', () => {
  it('deletes by name (v0..v5) and by id (v6)', async () => {
    const c = tb.connect();
    for (let v = 0; v <= 5; v++) {
      await tb.broker.logs.createTopic(`del${v}`, 1);
      const r = await c.request<Body>(20, v, { topicNames: [`del${v}`, 'missing'], timeoutMs: 1000 });
      expect((r.responses as Body[]).map((x) => x.errorCode)).toEqual([0, 3]);
      expect(tb.broker.logs.describeTopic(`del${v}`)).toBeUndefined();
    }
    const d = await tb.broker.logs.createTopic('del6', 1);
    const r6 = await c.request<Body>(20, 6, { topics: [{ name: null, topicId: d.topicId }, { name: null, topicId: Buffer.alloc(16, 9) }], timeoutMs: 1000 });
    expect((r6.responses as Body[]).map((x) => x.errorCode)).toEqual([0, 100]);
    expect(r6.responses[0].name).toBe('del6');
  });

  it('adds partitions at v0..v3 and refuses shrinking', async () => {
    const c = tb.connect();
    await tb.broker.logs.createTopic('cp', 1);
    for (let v = 0; v <= 3; v++) {
      const r = await c.request<Body>(37, v, { topics: [{ name: 'cp', count: v + 2, assignments: null }, { name: 'nope', count: 2, assignments: null }], timeoutMs: 1000, validateOnly: false });
      expect((r.results as Body[]).map((x) => x.errorCode)).toEqual([0, 3]);
      expect(tb.broker.logs.describeTopic('cp')?.partitions).toBe(v + 2);
    }
    const shrink = await c.request<Body>(37, 1, { topics: [{ name: 'cp', count: 2, assignments: null }], timeoutMs: 1000, validateOnly: false });
    expect(shrink.results[0].errorCode).toBe(37);
  });
});

describe('DescribeConfigs and altering topic configs', () => {
  it('describes topic and broker resources at v0..v4', async () => {
    const c = tb.connect();
    await tb.broker.logs.createTopic('dc', 1, { 'retention.ms': '5000' });
    for (let v = 0; v <= 4; v++) {
      const r = await c.request<Body>(32, v, {
        resources: [
          { resourceType: 2, resourceName: 'dc', configurationKeys: null },
          { resourceType: 4, resourceName: '0', configurationKeys: ['num.partitions'] },
          { resourceType: 2, resourceName: 'none', configurationKeys: null },
        ],
        includeSynonyms: true,
        includeDocumentation: false,
      });
      const [topic, broker, missing] = r.results as Body[];
      expect(topic!.errorCode).toBe(0);
      const ret = (topic!.configs as Body[]).find((x) => x.name === 'retention.ms')!;
      expect(ret.value).toBe('5000');
      if (v >= 1) expect(ret.configSource).toBe(1);
      else expect(ret.isDefault).toBe(false);
      expect(broker!.configs).toEqual([expect.objectContaining({ name: 'num.partitions', value: '2' })]);
      expect(missing!.errorCode).toBe(3);
    }
  });

  it('IncrementalAlterConfigs sets and deletes; AlterConfigs replaces', async () => {
    const c = tb.connect();
    await tb.broker.logs.createTopic('ac', 1, { 'retention.ms': '5000' });
    for (const v of [0, 1]) {
      const r = await c.request<Body>(44, v, {
        resources: [{ resourceType: 2, resourceName: 'ac', configs: [{ name: 'segment.bytes', configOperation: 0, value: '1048576' }, { name: 'retention.ms', configOperation: 1, value: null }] }],
        validateOnly: false,
      });
      expect(r.responses[0].errorCode).toBe(0);
      expect(tb.broker.logs.describeTopic('ac')?.configs).toEqual({ 'segment.bytes': '1048576' });
    }
    const bad = await c.request<Body>(44, 1, { resources: [{ resourceType: 2, resourceName: 'ac', configs: [{ name: 'segment.bytes', configOperation: 0, value: 'lots' }] }], validateOnly: false });
    expect(bad.responses[0].errorCode).toBe(40);
    for (const v of [0, 1, 2]) {
      const r = await c.request<Body>(33, v, { resources: [{ resourceType: 2, resourceName: 'ac', configs: [{ name: 'retention.ms', value: String(1000 + v) }] }], validateOnly: false });
      expect(r.responses[0].errorCode).toBe(0);
      expect(tb.broker.logs.describeTopic('ac')?.configs).toEqual({ 'retention.ms': String(1000 + v) });
    }
  });
});
