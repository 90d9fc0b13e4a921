/**
 * `cleanup.policy=compact` on a user topic is refused, never silently accepted: Sluice
 * has no general log cleaner (only __consumer_offsets is compacted, by its store), so
 * CreateTopics and (Incremental)AlterConfigs answer INVALID_CONFIG (40) with a message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker, type TestClient } from '../broker-test-kit.js';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let tb: TestBroker;
let c: TestClient;
beforeAll(async () => {
  tb = await startTestBroker();
  c = tb.connect();
});
afterAll(async () => { await tb.close(); });

describe('cleanup.policy=compact', () => {
  it('CreateTopics refuses it with INVALID_CONFIG and says why', async () => {
    for (const policy of ['compact', 'compact,delete']) {
      const r = await c.request<Body>(19, 7, {
        topics: [{ name: 'keyed', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'cleanup.policy', value: policy }] }],
        timeoutMs: 5000, validateOnly: false,
      });
      expect(r.topics[0].errorCode).toBe(40);
      expect(r.topics[0].errorMessage).toMatch(/cleanup\.policy.*compaction is not implemented/);
    }
    expect(tb.broker.logs.describeTopic('keyed')).toBeUndefined();
  });

  it('IncrementalAlterConfigs refuses it on an existing topic', async () => {
    await tb.broker.logs.createTopic('existing', 1);
    const r = await c.request<Body>(44, 1, {
      resources: [{ resourceType: 2, resourceName: 'existing', configs: [{ name: 'cleanup.policy', configOperation: 0, value: 'compact' }] }],
      validateOnly: false,
    });
    expect(r.responses[0].errorCode).toBe(40);
    expect(tb.broker.logs.effectiveTopicConfig('existing')['cleanup.policy']).toBe('delete');
  });
});
