import { describe, expect, it } from 'vitest';
import { channelContract } from './channel-contract.js';
import { MemoryChannel, memoryChannelFactory, memoryChannelOptions } from '../../src/channels/memory-channel.js';
import { ComponentProps } from '../../src/agent/component-props.js';
import { createComponentContext } from '../../src/agent/component-context.js';
import { MetricsRegistry } from '../../src/agent/metrics.js';
import { EventBatch } from '../../src/agent/event-batch.js';

function ctxFor(props: Record<string, string>, metrics = new MetricsRegistry()) {
  return createComponentContext({ agentName: 'a1', kind: 'channel', name: 'c1', type: 'memory', props: ComponentProps.fromObject('a1.channels.c1', props), metrics });
}

channelContract('memory', ({ capacity, transactionCapacity, keepAliveMs }) =>
  new MemoryChannel('c1', { capacity, transactionCapacity, keepAliveMs, byteCapacitySlots: 0 }, new MetricsRegistry().group('CHANNEL', 'c1')));

describe('memory channel properties', () => {
  it('uses Flume defaults', () => {
    const o = memoryChannelOptions(ctxFor({}));
    expect(o.capacity).toBe(100);
    expect(o.transactionCapacity).toBe(100);
    expect(o.keepAliveMs).toBe(3000);
    expect(o.byteCapacitySlots).toBeGreaterThan(0);
  });

  it('falls back to the default on a non-positive or non-numeric capacity', () => {
    expect(memoryChannelOptions(ctxFor({ capacity: '-5' })).capacity).toBe(100);
    expect(memoryChannelOptions(ctxFor({ capacity: 'lots' })).capacity).toBe(100);
  });

  it('rejects transactionCapacity above capacity', () => {
    expect(() => memoryChannelFactory.create(ctxFor({ capacity: '10', transactionCapacity: '20' }))).toThrow(/cannot be higher than the capacity/);
  });

  it('byteCapacity 0 is unlimited; otherwise slots of 100 bytes after the buffer percentage', () => {
    expect(memoryChannelOptions(ctxFor({ byteCapacity: '0' })).byteCapacitySlots).toBe(0);
    expect(memoryChannelOptions(ctxFor({ byteCapacity: '1000', byteCapacityBufferPercentage: '20' })).byteCapacitySlots).toBe(8);
  });

  it('refuses a commit beyond byteCapacity with Flume\'s text', async () => {
    const ch = memoryChannelFactory.create(ctxFor({ byteCapacity: '1000', byteCapacityBufferPercentage: '0', 'keep-alive': '0' }));
    await ch.start();
    const tx = ch.begin();
    tx.put(EventBatch.fromEvents(Array.from({ length: 11 }, () => ({ headers: {}, body: Buffer.alloc(100) }))));
    await expect(tx.commit()).rejects.toThrow(/Byte capacity allocated to store event body 1000 reached/);
    const tx2 = ch.begin();
    tx2.put(EventBatch.fromEvents(Array.from({ length: 10 }, () => ({ headers: {}, body: Buffer.alloc(100) }))));
    await tx2.commit();
    expect(ch.size()).toBe(10);
    await ch.stop();
  });

  it('uses Flume\'s error texts for a full put list and a full channel', async () => {
    const ch = memoryChannelFactory.create(ctxFor({ capacity: '2', transactionCapacity: '2', 'keep-alive': '0' }));
    await ch.start();
    const tx = ch.begin();
    expect(() => tx.put(EventBatch.fromEvents([1, 2, 3].map(() => ({ headers: {}, body: Buffer.from('x') }))))).toThrow(
      'Put queue for MemoryTransaction of capacity 2 full, consider committing more frequently, increasing capacity or increasing thread count',
    );
    await tx.rollback();
    const a = ch.begin();
    a.put(EventBatch.fromEvents([1, 2].map(() => ({ headers: {}, body: Buffer.from('x') }))));
    await a.commit();
    const b = ch.begin();
    b.put(EventBatch.fromEvents([{ headers: {}, body: Buffer.from('y') }]));
    await expect(b.commit()).rejects.toThrow(
      "Space for commit to queue couldn't be acquired. Sinks are likely not keeping up with sources, or the buffer size is too tight",
    );
    await ch.stop();
  });

  it('maintains Flume channel counters', async () => {
    const metrics = new MetricsRegistry();
    const ch = memoryChannelFactory.create(ctxFor({ capacity: '10', transactionCapacity: '10' }, metrics));
    await ch.start();
    const tx = ch.begin();
    tx.put(EventBatch.fromEvents([1, 2, 3, 4].map(() => ({ headers: {}, body: Buffer.from('x') }))));
    await tx.commit();
    const t2 = ch.begin();
    await t2.take(3);
    await t2.commit();
    const g = metrics.group('CHANNEL', 'c1').snapshot();
    expect(g).toMatchObject({
      ChannelSize: 1, ChannelCapacity: 10, EventPutAttemptCount: 4, EventPutSuccessCount: 4,
      EventTakeAttemptCount: 3, EventTakeSuccessCount: 3, ChannelFillPercentage: 10,
    });
    await ch.stop();
  });

  it('waitForData resolves when events are committed', async () => {
    const ch = memoryChannelFactory.create(ctxFor({}));
    await ch.start();
    const waiting = ch.waitForData!(5000);
    const tx = ch.begin();
    tx.put(EventBatch.fromEvents([{ headers: {}, body: Buffer.from('z') }]));
    await tx.commit();
    expect(await waiting).toBe(true);
    await ch.stop();
  });
});

describe('memory channel against a model (fast-check)', () => {
  it('random put/take/commit/rollback sequences never lose, duplicate or reorder events', async () => {
    const fc = await import('fast-check');
    type Op = { t: 'put'; n: number } | { t: 'take'; n: number } | { t: 'commitPut' } | { t: 'rollbackPut' } | { t: 'commitTake' } | { t: 'rollbackTake' };
    const op = fc.oneof(
      fc.record({ t: fc.constant('put' as const), n: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ t: fc.constant('take' as const), n: fc.integer({ min: 1, max: 9 }) }),
      fc.constant({ t: 'commitPut' as const }),
      fc.constant({ t: 'rollbackPut' as const }),
      fc.constant({ t: 'commitTake' as const }),
      fc.constant({ t: 'rollbackTake' as const }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops: Op[]) => {
        const capacity = 20;
        const ch = new MemoryChannel('m', { capacity, transactionCapacity: 10, keepAliveMs: 0, byteCapacitySlots: 0 }, new MetricsRegistry().group('CHANNEL', 'm'));
        await ch.start();
        let next = 0;
        const model: number[] = []; // committed, not taken
        let putTx = ch.begin();
        let staged: number[] = [];
        let takeTx = ch.begin();
        let taken: number[] = [];
        const delivered: number[] = [];
        for (const o of ops) {
          if (o.t === 'put') {
            const ids = Array.from({ length: o.n }, () => next++);
            try {
              putTx.put(EventBatch.fromEvents(ids.map((i) => ({ headers: {}, body: Buffer.from(String(i)) }))));
              staged.push(...ids);
            } catch {
              expect(staged.length + o.n).toBeGreaterThan(10);
            }
          } else if (o.t === 'take') {
            try {
              const b = await takeTx.take(o.n);
              const got = b ? Array.from({ length: b.count }, (_, i) => Number(b.body(i).toString())) : [];
              expect(got).toEqual(model.slice(0, got.length));
              expect(got.length).toBe(Math.min(o.n, 10 - taken.length, model.length));
              model.splice(0, got.length);
              taken.push(...got);
            } catch {
              expect(taken.length).toBe(10);
            }
          } else if (o.t === 'commitPut') {
            const occupied = model.length + taken.length;
            try {
              await putTx.commit();
              model.push(...staged);
            } catch (err) {
              expect((err as { code: string }).code).toBe('CHANNEL_FULL');
              expect(occupied + staged.length).toBeGreaterThan(capacity);
            }
            putTx = ch.begin();
            staged = [];
          } else if (o.t === 'rollbackPut') {
            await putTx.rollback();
            putTx = ch.begin();
            staged = [];
          } else if (o.t === 'commitTake') {
            await takeTx.commit();
            delivered.push(...taken);
            takeTx = ch.begin();
            taken = [];
          } else {
            await takeTx.rollback();
            model.unshift(...taken);
            takeTx = ch.begin();
            taken = [];
          }
          expect(ch.size()).toBe(model.length);
          expect(ch.occupancy()).toBe(model.length + taken.length);
        }
        // Every committed event is either delivered, in flight, or still queued, exactly once.
        const all = [...delivered, ...taken, ...model].sort((x, y) => x - y);
        expect(new Set(all).size).toBe(all.length);
        expect(delivered).toEqual([...delivered].sort((x, y) => x - y));
        await ch.stop();
      }),
      { numRuns: 300 },
    );
  });
});
