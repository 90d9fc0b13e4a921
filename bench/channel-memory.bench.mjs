// Memory channel put/take throughput (events/s and MB/s of 100-byte bodies) for batches
// of 100 and 1000 events, beside its peer measured in the same run: a plain JS array
// used as a queue (push the batch, shift it back) — the floor cost of handing a batch
// from one stage to the next with no transactions, capacity accounting or counters.
// Rows:
//   same    — put one batch, commit; take the same size, commit (the common case)
//   x10     — put 10 batches, then take 10× the batch size per transaction (take spans
//             several queued batches: one EventBatch.concat copy per take)
//   byte-cap— as `same`, with byteCapacity accounting on (walks body lengths per batch)
//   node bench/channel-memory.bench.mjs      (SLUICE_BENCH_MS=… per cell, default 500)
import { MemoryChannel } from '../dist/channels/memory-channel.js';
import { EventBatch } from '../dist/agent/event-batch.js';
import { MetricsRegistry } from '../dist/agent/metrics.js';

const MS = Number(process.env.SLUICE_BENCH_MS ?? 500);
const BODY = 100;

function makeBatch(n) {
  const data = Buffer.alloc(n * BODY, 0x61);
  const starts = new Uint32Array(n);
  const ends = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    starts[i] = i * BODY;
    ends[i] = (i + 1) * BODY;
  }
  return new EventBatch({ data, starts, ends });
}

async function measure(step, eventsPerStep) {
  for (let i = 0; i < 50; i++) await step();
  let events = 0;
  const t0 = process.hrtime.bigint();
  let t;
  do {
    for (let i = 0; i < 32; i++) await step();
    events += 32 * eventsPerStep;
    t = Number(process.hrtime.bigint() - t0) / 1e9;
  } while (t * 1000 < MS);
  return events / t;
}

function channel(n, slots) {
  const ch = new MemoryChannel('c1', { capacity: n * 20, transactionCapacity: n * 10, keepAliveMs: 0, byteCapacitySlots: slots }, new MetricsRegistry().group('CHANNEL', 'c1'));
  return ch;
}

const rows = [];
for (const n of [100, 1000]) {
  const batch = makeBatch(n);
  // Peer: a plain array queue of the same batches.
  const arr = [];
  const arrayRate = await measure(async () => {
    arr.push(batch);
    const b = arr.shift();
    if (b.count !== n) throw new Error('bad');
  }, n);

  const ch = channel(n, 0);
  await ch.start();
  const same = await measure(async () => {
    const p = ch.begin();
    p.put(batch);
    await p.commit();
    const t = ch.begin();
    const b = await t.take(n);
    await t.commit();
    if (b.count !== n) throw new Error('bad take');
  }, n);

  const x10 = await measure(async () => {
    for (let k = 0; k < 10; k++) {
      const p = ch.begin();
      p.put(batch);
      await p.commit();
    }
    const t = ch.begin();
    const b = await t.take(10 * n);
    await t.commit();
    if (b.count !== 10 * n) throw new Error('bad take');
  }, 10 * n);
  await ch.stop();

  const cb = channel(n, 1e9);
  await cb.start();
  const byteCap = await measure(async () => {
    const p = cb.begin();
    p.put(batch);
    await p.commit();
    const t = cb.begin();
    await t.take(n);
    await t.commit();
  }, n);
  await cb.stop();

  const fmt = (r) => `${(r / 1e6).toFixed(2)} M (${((r * BODY) / 1e6).toFixed(0)} MB/s)`;
  rows.push({
    'batch (events×100 B)': n,
    'array push/shift (peer)': fmt(arrayRate),
    'memory same-size': fmt(same),
    'same / peer': `${((same / arrayRate) * 100).toFixed(1)} %`,
    'memory take×10 (concat)': fmt(x10),
    'memory byteCapacity on': fmt(byteCap),
  });
}
console.log('events/s through put-commit + take-commit (one channel, one thread)');
console.table(rows);
