/**
 * Sink contract suite: every sink built on the agent's Sink interface runs these tests.
 * `make(ctx)` builds the sink from a context whose props are `props` (plus what the
 * sink needs); `delivered()` returns the bodies the destination has received so far.
 * Checks: BACKOFF on an empty channel; a batch is taken, delivered and committed; the
 * channel ends empty; batch size is respected; Flume sink counters move; stop() is
 * idempotent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ComponentContext, Sink } from '../../src/agent/component.js';
import { ComponentProps } from '../../src/agent/component-props.js';
import { createComponentContext } from '../../src/agent/component-context.js';
import { MetricsRegistry } from '../../src/agent/metrics.js';
import { EventBatch } from '../../src/agent/event-batch.js';
import { MemoryChannel } from '../../src/channels/memory-channel.js';

export interface SinkUnderTest {
  readonly sink: Sink;
  /** Bodies delivered so far, in order. */
  delivered(): Promise<string[]> | string[];
  cleanup?(): Promise<void>;
}

export type SinkMaker = (ctx: ComponentContext) => Promise<SinkUnderTest> | SinkUnderTest;

export function sinkContract(name: string, type: string, props: Record<string, string>, make: SinkMaker): void {
  describe(`sink contract: ${name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
    });

    async function setup(batchSize: number) {
      const metrics = new MetricsRegistry();
      const channel = new MemoryChannel('c1', { capacity: 1000, transactionCapacity: 100, keepAliveMs: 50, byteCapacitySlots: 0 }, metrics.group('CHANNEL', 'c1'));
      await channel.start();
      const ctx = createComponentContext({
        agentName: 'a1', kind: 'sink', name: 'k1', type,
        props: ComponentProps.fromObject('a1.sinks.k1', { ...props, batchSize: String(batchSize) }), metrics,
      });
      const sut = await make(ctx);
      sut.sink.setChannel(channel);
      await sut.sink.start();
      cleanups.push(async () => {
        await sut.sink.stop();
        await channel.stop();
        await sut.cleanup?.();
      });
      return { channel, sut, counters: metrics.group('SINK', 'k1') };
    }

    it('returns BACKOFF on an empty channel', async () => {
      const { sut, counters } = await setup(10);
      expect(await sut.sink.process()).toBe('BACKOFF');
      expect(counters.get('BatchEmptyCount')).toBe(1);
    });

    it('delivers a batch in order and commits it', async () => {
      const { channel, sut, counters } = await setup(10);
      const tx = channel.begin();
      tx.put(EventBatch.fromEvents(Array.from({ length: 15 }, (_, i) => ({ headers: {}, body: Buffer.from(`m${i}`) }))));
      await tx.commit();
      expect(await sut.sink.process()).toBe('READY');
      expect(await sut.sink.process()).toBe('READY');
      expect(channel.size()).toBe(0);
      expect(await sut.delivered()).toEqual(Array.from({ length: 15 }, (_, i) => `m${i}`));
      expect(counters.get('BatchCompleteCount')).toBe(1);
      expect(counters.get('BatchUnderflowCount')).toBe(1);
      expect(counters.get('EventDrainSuccessCount')).toBe(15);
    });

    it('stop() is idempotent', async () => {
      const { sut } = await setup(10);
      await sut.sink.stop();
      await sut.sink.stop();
    });
  });
}
