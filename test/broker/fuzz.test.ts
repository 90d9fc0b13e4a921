// Fuzz: ≥ 100,000 mutated valid frames through in-memory sessions (seeded, fast).
// The broker must not crash, must keep memory bounded, must close every session it
// opened, and must leave committed data intact and every log readable.
import { Duplex } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeRequest } from '../../src/protocol/codec.js';
import { scanBatchHeaders } from '../../src/protocol/record-batch-validate.js';
import { batchOf, duplexPair, recordsOf, startTestBroker, TestClient, type TestBroker } from './broker-test-kit.js';

const FRAMES = Number(process.env['SLUICE_FUZZ_FRAMES'] ?? 100_000);
const LANES = 32;
const SEED = Number(process.env['SLUICE_FUZZ_SEED'] ?? 0x5eed);

/** mulberry32: small seeded PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let tb: TestBroker;
const committed = Array.from({ length: 50 }, (_, i) => `committed-${i}`);

beforeAll(async () => {
  tb = await startTestBroker(['auto.create.topics.enable=false', 'socket.request.max.bytes=65536', 'log.segment.bytes=262144']);
  await tb.broker.logs.createTopic('fuzz', 2);
  await tb.broker.logs.createTopic('keep', 1);
  await tb.broker.appendBatches('keep', 0, batchOf(committed.slice(0, 25)));
  await tb.broker.appendBatches('keep', 0, batchOf(committed.slice(25), { compression: 1 }));
});
afterAll(async () => {
  await tb?.close();
});

function corpus(): Buffer[] {
  const fetch = (v: number): Buffer =>
    encodeRequest(1, v, 1, 'fz', {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 65536, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'fuzz', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 4096 }] }],
      forgottenTopicsData: [], rackId: '',
    });
  const produce = (v: number, acks: number): Buffer =>
    encodeRequest(0, v, 1, 'fz', { transactionalId: null, acks, timeoutMs: 1000, topicData: [{ name: 'fuzz', partitionData: [{ index: v % 2, records: batchOf(['fuzz-a', 'fuzz-b'], { keys: ['k', null] }) }] }] });
  return [
    encodeRequest(18, 0, 1, 'fz', {}),
    encodeRequest(18, 3, 1, 'fz', { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1.0' }),
    encodeRequest(3, 1, 1, 'fz', { topics: [{ name: 'fuzz' }] }),
    encodeRequest(3, 9, 1, 'fz', { topics: [{ name: 'fuzz' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false }),
    encodeRequest(3, 12, 1, 'fz', { topics: [{ topicId: Buffer.alloc(16, 1), name: null }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: true }),
    produce(3, 1), produce(7, -1), produce(8, 0), produce(9, 1),
    fetch(4), fetch(11), fetch(12),
    encodeRequest(2, 1, 1, 'fz', { replicaId: -1, topics: [{ name: 'fuzz', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] }),
    encodeRequest(2, 7, 1, 'fz', { replicaId: -1, isolationLevel: 0, topics: [{ name: 'fuzz', partitions: [{ partitionIndex: 1, currentLeaderEpoch: -1, timestamp: 0n }] }] }),
    encodeRequest(32, 4, 1, 'fz', { resources: [{ resourceType: 2, resourceName: 'fuzz', configurationKeys: null }], includeSynonyms: true, includeDocumentation: false }),
    encodeRequest(32, 1, 1, 'fz', { resources: [{ resourceType: 4, resourceName: '0', configurationKeys: ['num.partitions'] }], includeSynonyms: false }),
  ];
}

const BOUNDARY = [0, 1, -1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0x7fffffff, -0x80000000];

function mutate(frame: Buffer, r: () => number): Buffer {
  let body: Buffer = Buffer.from(frame.subarray(4));
  const ops = 1 + Math.floor(r() * 3);
  let badPrefix: number | null = null;
  for (let k = 0; k < ops; k++) {
    const op = Math.floor(r() * 7);
    const at = Math.floor(r() * body.length);
    if (op === 0) body[at] = body[at]! ^ (1 << Math.floor(r() * 8));
    else if (op === 1) body[at] = Math.floor(r() * 256);
    else if (op === 2 && at + 2 <= body.length) body.writeInt16BE(((BOUNDARY[Math.floor(r() * BOUNDARY.length)]! << 16) >> 16), at);
    else if (op === 3 && at + 4 <= body.length) body.writeInt32BE(BOUNDARY[Math.floor(r() * BOUNDARY.length)]! | 0, at);
    else if (op === 4) body = body.subarray(0, at);
    else if (op === 5) body = Buffer.concat([body, Buffer.from(Array.from({ length: 1 + Math.floor(r() * 16) }, () => Math.floor(r() * 256)))]);
    else if (op === 6 && r() < 0.2) badPrefix = Math.floor(r() * 0xffffffff) | 0;
  }
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(badPrefix ?? body.length);
  return Buffer.concat([prefix, body]);
}

/** One lane: sends a mutated frame then a sentinel ApiVersions; waits for the sentinel, a close, or a bound. */
interface Stats { sent: number; reconnects: number; held: number; survived: number }

async function lane(id: number, count: number, frames: Buffer[], stats: Stats): Promise<void> {
  const r = rng(SEED + id);
  let stream: Duplex | null = null;
  let chunks: Buffer = Buffer.alloc(0);
  let onSentinel: ((corr: number) => void) | null = null;
  let onClosed: (() => void) | null = null;
  const open = (): Duplex => {
    const [a, b] = duplexPair();
    tb.broker.handleConnection(a, `fuzz-${id}`);
    chunks = Buffer.alloc(0);
    b.on('data', (c: Buffer) => {
      chunks = chunks.length ? Buffer.concat([chunks, c]) : c;
      while (chunks.length >= 4 && chunks.length >= 4 + chunks.readInt32BE(0)) {
        const size = chunks.readInt32BE(0);
        const corr = size >= 4 ? chunks.readInt32BE(4) : 0;
        chunks = chunks.subarray(4 + size);
        onSentinel?.(corr);
      }
    });
    b.on('close', () => onClosed?.());
    b.on('error', () => undefined);
    stats.reconnects++;
    return b;
  };
  for (let i = 0; i < count; i++) {
    if (!stream || stream.destroyed || stream.readableEnded) stream = open();
    const base = frames[Math.floor(r() * frames.length)]!;
    const sentinelCorr = 0x7a000000 + i;
    const sentinel = encodeRequest(18, 2, sentinelCorr, 'sentinel', {});
    const s = stream;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        stats.held++; // a mutated long poll may legitimately hold the connection: drop it
        s.destroy();
        done();
      }, 2000);
      const done = (): void => {
        clearTimeout(timer);
        onSentinel = null;
        onClosed = null;
        resolve();
      };
      onSentinel = (corr) => {
        if (corr === sentinelCorr) {
          stats.survived++; // the mutated frame was processed (or answered) and the connection lived on
          done();
        }
      };
      onClosed = done;
      s.write(Buffer.concat([mutate(base, r), sentinel]));
    });
    stats.sent++;
  }
  stream?.destroy();
}

it(`survives ${FRAMES} mutated frames with data intact`, async () => {
  const frames = corpus();
  const stats: Stats = { sent: 0, reconnects: 0, held: 0, survived: 0 };
  const heapBefore = process.memoryUsage().heapUsed;
  const per = Math.ceil(FRAMES / LANES);
  await Promise.all(Array.from({ length: LANES }, (_, id) => lane(id, per, frames, stats)));
  expect(stats.sent).toBeGreaterThanOrEqual(FRAMES);
  // both paths were exercised: mutated frames that were processed, and ones that closed the connection
  expect(stats.survived).toBeGreaterThan(FRAMES / 20);
  expect(stats.reconnects).toBeGreaterThan(FRAMES / 20);

  // every session ended
  const deadline = Date.now() + 10_000;
  while (tb.broker.metrics.openConnections > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  expect(tb.broker.metrics.openConnections).toBe(0);

  // memory bounded: the heap did not grow by more than a generous margin
  if (global.gc) global.gc();
  expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(256 * 1024 * 1024);

  // the broker still serves, committed data is intact
  const [a, b] = duplexPair();
  tb.broker.handleConnection(a, 'checker');
  const c = new TestClient(b);
  const f = await c.request<Record<string, any>>(1, 11, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 22, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: 'keep', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 22 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  expect(recordsOf(f.responses[0].partitions[0].records).map((x) => x.value!.toString())).toEqual(committed);

  // every partition log of the fuzzed topic reads back as valid batches end to end
  for (const p of [0, 1]) {
    const lg = tb.broker.logs.partition('fuzz', p)!;
    let offset = lg.logStartOffset();
    while (offset < lg.highWatermark()) {
      const res = lg.read(offset, 1 << 20, true);
      const slice = res.slice!;
      const buf = Buffer.alloc(slice.length);
      const { readSync } = await import('node:fs');
      readSync(slice.file.fd, buf, 0, slice.length, slice.position);
      slice.file.release();
      const scan = scanBatchHeaders(buf, 0, buf.length);
      expect(scan.batches.length).toBeGreaterThan(0);
      const last = scan.batches[scan.batches.length - 1]!;
      offset = last.lastOffset + 1;
    }
  }
  c.end();
}, 300_000);
