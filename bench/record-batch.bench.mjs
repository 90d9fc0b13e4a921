// Record batch v2 throughput for the agent's hot path: batches of 1000 records with 100-byte
// bodies (one data Buffer + Uint32Array starts/ends). Rows, all measured in the same run:
//   - encodeRecordBatchFromBodies into a reused buffer   (what the Kafka sink calls)
//   - encodeRecordBatch from record objects              (peer: general encoder)
//   - kafkajs 2.2.4 RecordBatch encoder                  (peer: the deployed JS client)
//   - validateRecordBatches / scanBatchHeaders            (broker produce path / recovery)
//   - decodeRecordBatch                                   (consumer-side, materializes records)
//   - copy of the body bytes + CRC-32C of the batch       (limit: what any encoder must at least do)
//   node bench/record-batch.bench.mjs   (SLUICE_BENCH_MS per row, default 700; SLUICE_BENCH_RECORDS=1000)
import { createRequire } from 'node:module';
import { crc32c } from '../dist/protocol/crc32c.js';
import { decodeRecordBatch, encodeRecordBatch, encodeRecordBatchFromBodies, recordBatchSizeFromBodies } from '../dist/protocol/record-batch.js';
import { scanBatchHeaders, validateRecordBatches } from '../dist/protocol/record-batch-validate.js';

const require = createRequire(import.meta.url);
const { RecordBatch: KjsRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
const KjsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');

const N = Number(process.env.SLUICE_BENCH_RECORDS ?? 1000);
const BODY = 100;
const MS = Number(process.env.SLUICE_BENCH_MS ?? 700);

// One data buffer of newline-separated 100-byte lines, as the tailer produces.
const data = Buffer.alloc(N * (BODY + 1));
const starts = new Uint32Array(N);
const ends = new Uint32Array(N);
for (let i = 0; i < N; i++) {
  const s = i * (BODY + 1);
  for (let j = 0; j < BODY; j++) data[s + j] = 0x61 + ((i + j) % 26);
  data[s + BODY] = 0x0a;
  starts[i] = s;
  ends[i] = s + BODY;
}
const ts = Date.now();
const input = { data, starts, ends, timestamp: ts, lastRecordHeaders: [{ key: 'sluice.pos', value: Buffer.from('inode:123@456789') }] };
const out = Buffer.allocUnsafe(recordBatchSizeFromBodies(input));
const recs = Array.from({ length: N }, (_, i) => ({ key: null, value: data.subarray(starts[i], ends[i]), timestamp: ts }));
const batch = encodeRecordBatchFromBodies(input);
const gz = encodeRecordBatchFromBodies({ ...input, compression: 1 });
const lz4 = encodeRecordBatchFromBodies({ ...input, compression: 3 });
const log16 = Buffer.concat(Array.from({ length: 16 }, () => batch));
const scratch = Buffer.allocUnsafe(batch.length);

async function measure(fn, batchesPerCall = 1) {
  for (let i = 0; i < 20; i++) await fn();
  let calls = 0;
  const t0 = process.hrtime.bigint();
  let t;
  do {
    for (let i = 0; i < 10; i++) await fn();
    calls += 10;
    t = Number(process.hrtime.bigint() - t0) / 1e9;
  } while (t * 1000 < MS);
  return (calls * batchesPerCall * N) / t;
}

const rows = [];
async function row(name, fn, batchesPerCall = 1) {
  const rps = await measure(fn, batchesPerCall);
  rows.push({ operation: name, 'records/s': Math.round(rps).toLocaleString('en-US'), 'body MB/s': ((rps * BODY) / 1e6).toFixed(0) });
  return rps;
}

const limit = await row('limit: copy bodies + crc32c(batch)', () => {
  for (let i = 0; i < N; i++) data.copy(scratch, i * 104, starts[i], ends[i]);
  crc32c(scratch);
});
const hot = await row('encodeRecordBatchFromBodies (reused out)', () => encodeRecordBatchFromBodies(input, out));
await row('encodeRecordBatchFromBodies (new buffer)', () => encodeRecordBatchFromBodies(input));
await row('encodeRecordBatch (record objects)', () => encodeRecordBatch(recs, { baseTimestamp: ts }));
const kjs = await row('kafkajs RecordBatch (record objects)', () =>
  KjsRecordBatch({ firstTimestamp: ts, maxTimestamp: ts, lastOffsetDelta: N - 1, records: recs.map((r, i) => KjsRecord({ offsetDelta: i, key: null, value: r.value })) }),
);
await row('encodeRecordBatchFromBodies gzip', () => encodeRecordBatchFromBodies({ ...input, compression: 1 }));
await row('encodeRecordBatchFromBodies lz4', () => encodeRecordBatchFromBodies({ ...input, compression: 3 }));
await row('validateRecordBatches (uncompressed)', () => validateRecordBatches(batch));
await row('validateRecordBatches (gzip)', () => validateRecordBatches(gz));
await row('validateRecordBatches (lz4)', () => validateRecordBatches(lz4));
await row('scanBatchHeaders (16 batches)', () => scanBatchHeaders(log16), 16);
await row('decodeRecordBatch (uncompressed)', () => decodeRecordBatch(batch));

console.log(`batches of ${N} records × ${BODY}-byte bodies; batch = ${batch.length} bytes (gzip ${gz.length}, lz4 ${lz4.length})`);
console.table(rows);
console.log(`hot-path encoder: ${((hot / limit) * 100).toFixed(0)} % of the copy+CRC limit, ${(hot / kjs).toFixed(0)}× kafkajs`);
