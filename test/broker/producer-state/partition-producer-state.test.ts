/**
 * Sequence and epoch rules per (producer, partition) (kafka.md §5), the 5-batch window,
 * sequence wrap-around, expiry, and the id allocator's never-reuse guarantee.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PartitionProducerState } from '../../../src/broker/producer-state/partition-producer-state.js';
import { ProducerIdAllocator, PRODUCER_ID_FILE } from '../../../src/broker/producer-state/producer-id-allocator.js';
import { removeDir, tempDir } from '../groups/group-test-kit.js';

const b = (baseSequence: number, records = 1, producerEpoch = 0, producerId = 1, maxTimestamp = 1000) =>
  ({ producerId, producerEpoch, baseSequence, lastOffsetDelta: records - 1, maxTimestamp });

describe('PartitionProducerState', () => {
  it('accepts any first sequence, then only lastSeq+1', () => {
    const s = new PartitionProducerState(86_400_000);
    expect(s.check(b(17, 3), 1000)).toEqual({ kind: 'ok' });
    s.record(b(17, 3), 0);
    expect(s.check(b(20), 1000)).toEqual({ kind: 'ok' });
    expect(s.check(b(22), 1000)).toMatchObject({ kind: 'error', code: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(s.check(b(19), 1000)).toMatchObject({ kind: 'error', code: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
  });

  it('recognises a duplicate among the last 5 batches and answers its original offsets', () => {
    const s = new PartitionProducerState(86_400_000);
    for (let i = 0; i < 7; i++) s.record(b(i * 2, 2), 100 + i * 2);
    expect(s.check(b(12, 2), 1000)).toEqual({ kind: 'duplicate', firstOffset: 112, lastOffset: 113 });
    expect(s.check(b(4, 2), 1000)).toEqual({ kind: 'duplicate', firstOffset: 104, lastOffset: 105 });
    // The 6th-newest batch is forgotten: no longer a duplicate, and out of order.
    expect(s.check(b(2, 2), 1000)).toMatchObject({ kind: 'error', code: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
  });

  it('fences old epochs; a new epoch must start at 0', () => {
    const s = new PartitionProducerState(86_400_000);
    s.record(b(0, 1, 3), 0);
    expect(s.check(b(1, 1, 2), 1000)).toMatchObject({ kind: 'error', code: 'INVALID_PRODUCER_EPOCH' });
    expect(s.check(b(5, 1, 4), 1000)).toMatchObject({ kind: 'error', code: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(s.check(b(0, 1, 4), 1000)).toEqual({ kind: 'ok' });
    s.record(b(0, 1, 4), 1);
    expect(s.producers.get(1)!.batches).toHaveLength(1);
  });

  it('wraps sequences at INT32_MAX', () => {
    const s = new PartitionProducerState(86_400_000);
    s.record(b(2147483646, 3), 0); // 2147483646, 2147483647, 0
    expect(s.producers.get(1)!.batches[0]!.lastSeq).toBe(0);
    expect(s.check(b(1), 1000)).toEqual({ kind: 'ok' });
  });

  it('forgets producers idle for producer.id.expiration.ms', () => {
    const s = new PartitionProducerState(10_000);
    s.record(b(0, 1, 0, 1, 1000), 0);
    s.record(b(0, 1, 0, 2, 9000), 1);
    expect(s.expire(12_000)).toBe(1);
    expect([...s.producers.keys()]).toEqual([2]);
    expect(s.check(b(50, 1, 0, 2), 25_000)).toEqual({ kind: 'ok' }); // expired on access: any sequence
  });

  it('snapshot entries restore the last batch of each producer', () => {
    const s = new PartitionProducerState(86_400_000);
    s.record(b(0, 5), 10);
    s.record(b(5, 5), 20);
    const t = new PartitionProducerState(86_400_000);
    t.loadSnapshot(s.snapshotEntries());
    expect(t.check(b(5, 5), 1000)).toEqual({ kind: 'duplicate', firstOffset: 20, lastOffset: 24 });
    expect(t.check(b(10), 1000)).toEqual({ kind: 'ok' });
  });
});

describe('ProducerIdAllocator', () => {
  let dir: string;
  beforeEach(async () => { dir = await tempDir('sluice-pid-'); });
  afterEach(async () => { await removeDir(dir); });

  it('never hands out an id twice across restarts (block high-water mark)', () => {
    const seen = new Set<number>();
    for (let round = 0; round < 3; round++) {
      const a = new ProducerIdAllocator(dir, 10);
      for (let i = 0; i < 4; i++) {
        const id = a.allocate();
        expect(seen.has(id)).toBe(false);
        seen.add(id);
      }
    }
    expect(readFileSync(join(dir, PRODUCER_ID_FILE), 'latin1')).toBe('v1 30\n');
  });
});

describe('ProducerStates', () => {
  let dir: string;
  beforeEach(async () => { dir = await tempDir('sluice-pstates-'); });
  afterEach(async () => { await removeDir(dir); });

  it('forgets the state of partitions whose topic was deleted', async () => {
    const { LogManagerImpl } = await import('../../../src/broker/storage/log-manager.js');
    const { ProducerStates } = await import('../../../src/broker/producer-state/producer-states.js');
    const logs = await LogManagerImpl.open({ logDirs: [join(dir, 'logs')] });
    try {
      await logs.createTopic('gone', 1);
      const states = new ProducerStates({ dir, logs, expirationCheckIntervalMs: 1e9 });
      const pl = logs.partition('gone', 0)!;
      states.forPartition(pl).record(b(0), 0);
      await logs.deleteTopic('gone');
      expect(states.stats()).toEqual({ partitions: 1, producers: 1 });
      states.sweep();
      expect(states.stats()).toEqual({ partitions: 0, producers: 0 });
      states.close();
    } finally {
      await logs.close();
    }
  });
});
