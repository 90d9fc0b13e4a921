import { describe, expect, it } from 'vitest';
import { NullSink, nullSinkFactory } from '../../src/sinks/null-sink.js';
import { batchOf, context } from '../interceptors/test-context.js';
import { memoryChannel, put } from './sink-test-helpers.js';

describe('null sink', () => {
  it('defaults to batchSize 100 and rejects non-positive sizes', () => {
    expect((nullSinkFactory.create(context('sink', {})) as NullSink).batchSize).toBe(100);
    expect(() => nullSinkFactory.create(context('sink', { batchSize: 0 }))).toThrow(/batchSize/);
    expect(() => nullSinkFactory.create(context('sink', { logEveryNEvents: 0 }))).toThrow(/logEveryNEvents/);
  });

  it('drains the channel in batches and counts the events', async () => {
    const ctx = context('sink', { batchSize: 100 });
    const sink = nullSinkFactory.create(ctx) as NullSink;
    const ch = memoryChannel();
    sink.setChannel(ch);
    await sink.start();
    await put(ch, batchOf(Array.from({ length: 250 }, (_, i) => `e${i}`)));
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await sink.process());
    expect(statuses).toEqual(['READY', 'READY', 'READY', 'BACKOFF']);
    expect(sink.eventsDiscarded).toBe(250);
    expect(ctx.metrics.get('EventDrainSuccessCount')).toBe(250);
    expect(ctx.metrics.get('BatchCompleteCount')).toBe(2);
    expect(ctx.metrics.get('BatchUnderflowCount')).toBe(1);
    expect(ctx.metrics.get('BatchEmptyCount')).toBe(1);
    expect(ch.size()).toBe(0);
    await sink.stop();
  });
});
