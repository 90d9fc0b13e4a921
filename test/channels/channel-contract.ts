/**
 * Channel contract suite: every channel implementation runs these tests with its own
 * factory. `make({capacity, transactionCapacity, keepAliveMs})` returns a fresh channel
 * (not started); `cleanup` (optional) removes its files.
 * Covers put/take/commit/rollback, ordering, capacity, transactionCapacity, keep-alive
 * waits on a full channel (back-pressure) and on an empty one, and the take-rollback
 * at-least-once guarantee.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../src/agent/component.js';
import { EventBatch } from '../../src/agent/event-batch.js';

export interface ChannelContractOptions {
  readonly capacity: number;
  readonly transactionCapacity: number;
  readonly keepAliveMs: number;
}

export type ChannelMaker = (opts: ChannelContractOptions) => Promise<Channel> | Channel;

const batchOf = (prefix: string, n: number, from = 0): EventBatch =>
  EventBatch.fromEvents(Array.from({ length: n }, (_, i) => ({ headers: { n: String(from + i) }, body: Buffer.from(`${prefix}${from + i}`) })));

const texts = (b: EventBatch | null): string[] => (b ? Array.from({ length: b.count }, (_, i) => b.body(i).toString()) : []);

async function putCommit(ch: Channel, batch: EventBatch): Promise<void> {
  const tx = ch.begin();
  tx.put(batch);
  await tx.commit();
}

async function takeCommit(ch: Channel, n: number): Promise<string[]> {
  const tx = ch.begin();
  const b = await tx.take(n);
  await tx.commit();
  return texts(b);
}

export function channelContract(name: string, make: ChannelMaker, cleanup?: () => Promise<void>): void {
  describe(`channel contract: ${name}`, () => {
    const open: Channel[] = [];
    const create = async (o: Partial<ChannelContractOptions> = {}): Promise<Channel> => {
      const ch = await make({ capacity: 100, transactionCapacity: 10, keepAliveMs: 50, ...o });
      await ch.start();
      open.push(ch);
      return ch;
    };
    afterEach(async () => {
      for (const c of open.splice(0)) await c.stop();
      await cleanup?.();
    });

    it('commits puts and takes them back in order, headers and bodies intact', async () => {
      const ch = await create();
      await putCommit(ch, batchOf('a', 5));
      await putCommit(ch, batchOf('b', 3));
      expect(ch.size()).toBe(8);
      const tx = ch.begin();
      const b = await tx.take(6);
      await tx.commit();
      expect(texts(b)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'b0']);
      expect(b!.headers(5)).toEqual({ n: '0' });
      expect(await takeCommit(ch, 10)).toEqual(['b1', 'b2']);
      expect(ch.size()).toBe(0);
    });

    it('does not show uncommitted puts and drops them on rollback', async () => {
      const ch = await create();
      const tx = ch.begin();
      tx.put(batchOf('x', 4));
      expect(ch.size()).toBe(0);
      await tx.rollback();
      expect(ch.size()).toBe(0);
      const t2 = ch.begin();
      expect(await t2.take(10)).toBeNull();
      await t2.commit();
    });

    it('returns taken events to the head on rollback (nothing lost, order kept)', async () => {
      const ch = await create();
      await putCommit(ch, batchOf('e', 6));
      const tx = ch.begin();
      expect(texts(await tx.take(4))).toEqual(['e0', 'e1', 'e2', 'e3']);
      await tx.rollback();
      expect(ch.size()).toBe(6);
      expect(await takeCommit(ch, 10)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5']);
    });

    it('rejects a put beyond transactionCapacity', async () => {
      const ch = await create({ transactionCapacity: 5 });
      const tx = ch.begin();
      tx.put(batchOf('p', 3));
      expect(() => tx.put(batchOf('q', 3))).toThrow(/capacity 5/);
      await tx.rollback();
    });

    it('takes at most transactionCapacity events per transaction', async () => {
      const ch = await create({ transactionCapacity: 4 });
      await putCommit(ch, batchOf('t', 4));
      await putCommit(ch, batchOf('u', 4));
      const tx = ch.begin();
      const b = await tx.take(100);
      expect(b!.count).toBe(4);
      await expect(tx.take(1)).rejects.toThrow(/capacity 4/);
      await tx.commit();
      expect(ch.size()).toBe(4);
    });

    it('returns null from take on an empty channel after keep-alive', async () => {
      const ch = await create({ keepAliveMs: 30 });
      const tx = ch.begin();
      expect(await tx.take(5)).toBeNull();
      await tx.commit();
    });

    it('a waiting take gets events committed meanwhile', async () => {
      const ch = await create({ keepAliveMs: 5000 });
      const tx = ch.begin();
      const pending = tx.take(5);
      await putCommit(ch, batchOf('w', 2));
      expect(texts(await pending)).toEqual(['w0', 'w1']);
      await tx.commit();
    });

    it('a full channel refuses a commit after keep-alive with a retriable CHANNEL_FULL error', async () => {
      const ch = await create({ capacity: 10, transactionCapacity: 10, keepAliveMs: 30 });
      await putCommit(ch, batchOf('f', 10));
      const tx = ch.begin();
      tx.put(batchOf('g', 1));
      await expect(tx.commit()).rejects.toMatchObject({ code: 'CHANNEL_FULL', retriable: true });
      expect(ch.size()).toBe(10);
    });

    it('a commit waiting for space succeeds once a take commits (back-pressure, not loss)', async () => {
      const ch = await create({ capacity: 10, transactionCapacity: 10, keepAliveMs: 5000 });
      await putCommit(ch, batchOf('f', 10));
      const tx = ch.begin();
      tx.put(batchOf('g', 3));
      const committing = tx.commit();
      expect(await takeCommit(ch, 5)).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
      await committing;
      expect(ch.size()).toBe(8);
    });

    it('taken but uncommitted events still count against capacity', async () => {
      const ch = await create({ capacity: 5, transactionCapacity: 5, keepAliveMs: 30 });
      await putCommit(ch, batchOf('c', 5));
      const take = ch.begin();
      await take.take(5);
      const put = ch.begin();
      put.put(batchOf('d', 1));
      await expect(put.commit()).rejects.toMatchObject({ code: 'CHANNEL_FULL' });
      await take.rollback();
      expect(ch.size()).toBe(5);
    });

    it('keeps events across stop and start', async () => {
      const ch = await create();
      await putCommit(ch, batchOf('s', 3));
      await ch.stop();
      await ch.start();
      expect(await takeCommit(ch, 10)).toEqual(['s0', 's1', 's2']);
    });
  });
}
