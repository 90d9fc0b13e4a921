import { describe, expect, it } from 'vitest';
import { sinkContract } from '../sinks/sink-contract.js';
import { TestSink } from './helpers/test-components.js';
import { ComponentProps } from '../../src/agent/component-props.js';
import { createComponentContext } from '../../src/agent/component-context.js';
import { MetricsRegistry } from '../../src/agent/metrics.js';
import { EventBatch } from '../../src/agent/event-batch.js';
import { MemoryChannel } from '../../src/channels/memory-channel.js';

sinkContract('ChannelSink (test sink)', 'testsink', {}, (ctx) => {
  const sink = new TestSink(ctx);
  return { sink, delivered: () => sink.received };
});

describe('ChannelSink failure handling', () => {
  it('rolls back and throws EventDeliveryError when deliver fails; nothing is lost', async () => {
    const metrics = new MetricsRegistry();
    const channel = new MemoryChannel('c1', { capacity: 100, transactionCapacity: 100, keepAliveMs: 10, byteCapacitySlots: 0 }, metrics.group('CHANNEL', 'c1'));
    await channel.start();
    const sink = new TestSink(createComponentContext({ agentName: 'cs', kind: 'sink', name: 'k1', type: 'testsink', props: ComponentProps.fromObject('x', { batchSize: 5 }), metrics }));
    sink.setChannel(channel);
    await sink.start();
    const tx = channel.begin();
    tx.put(EventBatch.fromEvents(['a', 'b', 'c'].map((s) => ({ headers: {}, body: Buffer.from(s) }))));
    await tx.commit();
    sink.failing = true;
    await expect(sink.process()).rejects.toMatchObject({ code: 'EVENT_DELIVERY', retriable: true });
    expect(channel.size()).toBe(3);
    expect(metrics.group('SINK', 'k1').get('EventWriteFail')).toBe(1);
    sink.failing = false;
    expect(await sink.process()).toBe('READY');
    expect(sink.received).toEqual(['a', 'b', 'c']);
    expect(channel.size()).toBe(0);
    await sink.stop();
    await channel.stop();
  });
});
