// A storage failure (ENOSPC injected through storage's fs interface) fails that
// partition's produce with KAFKA_STORAGE_ERROR (56) and keeps the connection; once the
// disk "has space" again, produce resumes and only acknowledged data is readable.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Broker } from '../../src/broker/broker.js';
import { parseBrokerConfig } from '../../src/broker/config/server-config.js';
import { LogManagerImpl } from '../../src/broker/storage/log-manager.js';
import { nodeStorageFs, type StorageFs } from '../../src/broker/storage/storage-fs.js';
import { batchOf, duplexPair, recordsOf, TestClient } from './broker-test-kit.js';

type Body = Record<string, any>;

let failWrites = false;
const shim: StorageFs = {
  ...nodeStorageFs,
  writeSync(fd, buf, offset, length, position) {
    if (failWrites) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    return nodeStorageFs.writeSync(fd, buf, offset, length, position);
  },
};

let dir: string;
let logs: LogManagerImpl;
let broker: Broker;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-enospc-'));
  const config = parseBrokerConfig(['listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${join(dir, 'logs')}`].join('\n'), 'enospc.properties');
  logs = await LogManagerImpl.fromBrokerConfig(config, { fs: shim });
  broker = await Broker.start({ config, logs, listen: false });
  await logs.createTopic('disk', 2);
});
afterAll(async () => {
  await broker.stop();
  await logs.close();
  await rm(dir, { recursive: true, force: true });
});

const produce = (partition: number, values: string[]): object => ({
  transactionalId: null, acks: 1, timeoutMs: 1000,
  topicData: [{ name: 'disk', partitionData: [{ index: partition, records: batchOf(values) }] }],
});

it('answers KAFKA_STORAGE_ERROR per partition and recovers when space returns', async () => {
  const [a, b] = duplexPair();
  broker.handleConnection(a, 'disk-client');
  const c = new TestClient(b);
  const ok1 = await c.request<Body>(0, 7, produce(0, ['before']));
  expect(ok1.responses[0].partitionResponses[0].errorCode).toBe(0);
  failWrites = true;
  const bad = await c.request<Body>(0, 7, produce(0, ['lost']));
  expect(bad.responses[0].partitionResponses[0].errorCode).toBe(56);
  failWrites = false;
  const ok2 = await c.request<Body>(0, 9, produce(0, ['after']));
  expect(ok2.responses[0].partitionResponses[0].errorCode).toBe(0);
  expect(Number(ok2.responses[0].partitionResponses[0].baseOffset)).toBe(1);
  const f = await c.request<Body>(1, 12, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: 'disk', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  expect(recordsOf(f.responses[0].partitions[0].records).map((r) => r.value!.toString())).toEqual(['before', 'after']);
  c.end();
});
