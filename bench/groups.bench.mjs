// Group coordinator and idempotent-producer costs, each beside its limit in the same run:
//  1. idempotent append (sequence check + record + append) vs a bare PartitionLog.append
//     of the same batches (the storage limit);
//  2. OffsetCommit through the coordinator (validation, encode key/value, append to
//     __consumer_offsets, apply) vs a bare append of an equally sized batch;
//  3. start-up replay of __consumer_offsets (records/s) and compaction of one partition.
// Env: GROUPS_BENCH_N (default 20000) batches/commits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogManagerImpl } from '../dist/broker/storage/log-manager.js';
import { GroupCoordinator } from '../dist/broker/groups/group-coordinator.js';
import { offsetsPartitionFor } from '../dist/broker/groups/java-hash.js';
import { ProducerStates } from '../dist/broker/producer-state/producer-states.js';
import { appendIdempotent } from '../dist/broker/producer-state/idempotent-append.js';
import { encodeRecordBatch } from '../dist/protocol/record-batch.js';
import { readRecordBatchHeader } from '../dist/protocol/record-batch-header.js';
import { encodeOffsetCommitKey, encodeOffsetCommitValue } from '../dist/protocol/offsets-records.js';

const N = Number(process.env.GROUPS_BENCH_N ?? 20000);
const dir = mkdtempSync(join(tmpdir(), 'sluice-groups-bench-'));
const rows = [];
const rate = (n, ms) => Math.round((n / ms) * 1000);

try {
  const logs = await LogManagerImpl.open({ logDirs: [join(dir, 'logs')], retentionCheckIntervalMs: 1e9, recoveryCheckpointIntervalMs: 0 });
  await logs.createTopic('plain', 1);
  await logs.createTopic('idem', 1);
  const values = Array.from({ length: 10 }, (_, i) => ({ key: null, value: Buffer.from(`record-${i}-${'x'.repeat(90)}`) }));

  // 1. idempotent vs plain append
  const plainBatches = Array.from({ length: N }, () => encodeRecordBatch(values));
  const idemBatches = Array.from({ length: N }, (_, i) => encodeRecordBatch(values, { producerId: 42, producerEpoch: 0, baseSequence: i * 10 }));
  const plain = logs.partition('plain', 0);
  const states = new ProducerStates({ dir: join(dir, 'logs'), expirationCheckIntervalMs: 1e9 });
  const idem = logs.partition('idem', 0);
  // Interleaved chunks so both paths see the same JIT, page-cache and disk conditions.
  let plainMs = 0;
  let idemMs = 0;
  const CHUNK = 1000;
  for (let from = 0; from < N; from += CHUNK) {
    const to = Math.min(N, from + CHUNK);
    let t0 = performance.now();
    for (let i = from; i < to; i++) await plain.append(plainBatches[i], { leaderEpoch: 0 });
    plainMs += performance.now() - t0;
    t0 = performance.now();
    for (let i = from; i < to; i++) await appendIdempotent(states, idem, idemBatches[i], [readRecordBatchHeader(idemBatches[i], 0)], { leaderEpoch: 0 });
    idemMs += performance.now() - t0;
  }
  let t = performance.now();
  const DUPS = Math.min(N, 5000);
  for (let i = 0; i < DUPS; i++) { const b = idemBatches[N - 1 - (i % 5)]; await appendIdempotent(states, idem, b, [readRecordBatchHeader(b, 0)], { leaderEpoch: 0 }); }
  const dupMs = performance.now() - t;
  rows.push(['append, bare PartitionLog.append (limit)', `${rate(N, plainMs)} batches/s`, '']);
  rows.push(['append with idempotence checks', `${rate(N, idemMs)} batches/s`, `${(idemMs / plainMs).toFixed(2)}x the bare append's time`]);
  rows.push(['duplicate answered (no append)', `${rate(DUPS, dupMs)} batches/s`, `${idem.logEndOffset() === N * 10 ? 'log unchanged' : 'LOG GREW'}`]);
  states.close();

  // 2. OffsetCommit through the coordinator vs bare append of the same records
  const gc = await GroupCoordinator.open({ logs, offsetsPartitions: 50, offsetsRetentionCheckIntervalMs: 1e9, compactAfterBytes: 1 << 30 });
  await logs.createTopic('t', 8);
  t = performance.now();
  for (let i = 0; i < N; i++) {
    await gc.commitOffsets({ groupId: `g${i % 100}`, generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1,
      topics: [{ name: 't', partitions: [{ partitionIndex: i % 8, committedOffset: i, committedLeaderEpoch: -1, committedMetadata: '' }] }] });
  }
  const commitMs = performance.now() - t;
  await logs.createTopic('rawcommit', 1);
  const raw = logs.partition('rawcommit', 0);
  t = performance.now();
  for (let i = 0; i < N; i++) {
    const b = encodeRecordBatch([{ key: encodeOffsetCommitKey({ group: `g${i % 100}`, topic: 't', partition: i % 8 }),
      value: encodeOffsetCommitValue({ offset: BigInt(i), leaderEpoch: -1, metadata: '', commitTimestamp: BigInt(Date.now()) }) }]);
    await raw.append(b, { leaderEpoch: 0 });
  }
  const rawMs = performance.now() - t;
  rows.push(['offset commit, encode + bare append (limit)', `${rate(N, rawMs)} commits/s`, '']);
  rows.push(['OffsetCommit via coordinator', `${rate(N, commitMs)} commits/s`, `${(commitMs / rawMs).toFixed(2)}x the limit's time`]);

  // 3. replay on start-up and compaction
  gc.close();
  await logs.close();
  const logs2 = await LogManagerImpl.open({ logDirs: [join(dir, 'logs')], retentionCheckIntervalMs: 1e9, recoveryCheckpointIntervalMs: 0 });
  t = performance.now();
  const gc2 = await GroupCoordinator.open({ logs: logs2, offsetsPartitions: 50, offsetsRetentionCheckIntervalMs: 1e9 });
  const replayMs = performance.now() - t;
  rows.push(['replay __consumer_offsets on start', `${rate(N, replayMs)} records/s`, `${N} records in ${replayMs.toFixed(0)} ms`]);
  const p = offsetsPartitionFor('g0', 50);
  const pl = logs2.partitionLog('__consumer_offsets', p);
  const before = pl.sizeInBytes();
  t = performance.now();
  await gc2.store.compact(p);
  const compactMs = performance.now() - t;
  rows.push(['compact one __consumer_offsets partition', `${compactMs.toFixed(1)} ms`, `${before} → ${pl.sizeInBytes()} bytes`]);
  gc2.close();
  await logs2.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const w0 = Math.max(...rows.map((r) => r[0].length));
const w1 = Math.max(...rows.map((r) => r[1].length));
console.log(`groups/idempotence (N=${N})`);
for (const r of rows) console.log(`${r[0].padEnd(w0)}  ${r[1].padStart(w1)}  ${r[2]}`);
