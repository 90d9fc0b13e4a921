// Per-connection limits: connections.max.idle.ms closes idle connections but not one
// held by a long poll; queued.max.request.bytes pauses reading while requests queue up
// behind a long poll, and reading resumes once they are processed, answers in order.
import { afterEach, expect, it } from 'vitest';
import { batchOf, duplexPair, startTestBroker, TestClient, waitFor, type TestBroker } from './broker-test-kit.js';

type Body = Record<string, any>;
let tb: TestBroker | undefined;
afterEach(async () => {
  await tb?.close();
  tb = undefined;
});

function fetchBody(topic: string, maxWaitMs: number): object {
  return {
    replicaId: -1, maxWaitMs, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  };
}

it('closes an idle connection after connections.max.idle.ms, but not during a long poll', async () => {
  tb = await startTestBroker(['connections.max.idle.ms=100']);
  await tb.broker.logs.createTopic('idle', 1);
  const idle = tb.connect();
  const polling = tb.connect();
  const r = await polling.request<Body>(1, 11, fetchBody('idle', 400));
  expect(r.responses[0].partitions[0].errorCode).toBe(0);
  expect(polling.closed).toBe(false);
  await idle.closedPromise;
  expect(idle.closed).toBe(true);
});

it('pauses reading above queued.max.request.bytes and resumes, answering in order', async () => {
  tb = await startTestBroker(['queued.max.request.bytes=2000']);
  await tb.broker.logs.createTopic('q', 1);
  const [serverSide, clientSide] = duplexPair();
  tb.broker.handleConnection(serverSide, 'queued-client');
  const c = new TestClient(clientSide);
  const answers: number[] = [];
  const poll = c.request<Body>(1, 11, fetchBody('q', 60_000)).then(() => answers.push(0));
  // 40 × ~100-byte Metadata requests queue behind the poll: more than 2000 bytes.
  const queued = Array.from({ length: 40 }, (_, i) =>
    c.request<Body>(3, 4, { topics: [{ name: `q${'x'.repeat(80)}` }], allowAutoTopicCreation: false }).then(() => answers.push(i + 1)),
  );
  await waitFor(() => serverSide.isPaused(), 5000, 'reading to pause');
  await tb.broker.appendBatches('q', 0, batchOf(['wake']));
  await Promise.all([poll, ...queued]);
  expect(answers).toEqual(Array.from({ length: 41 }, (_, i) => i));
  expect(serverSide.isPaused()).toBe(false);
});
