/**
 * Helpers for the everyday-sink tests: a real memory channel, putting batches in it,
 * and a sink context whose logger writes JSON lines into an array.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Channel, ComponentContext } from '../../src/agent/component.js';
import type { EventBatch } from '../../src/agent/event-batch.js';
import { memoryChannelFactory } from '../../src/channels/memory-channel.js';
import { context } from '../interceptors/test-context.js';

export function memoryChannel(capacity = 1000): Channel {
  return memoryChannelFactory.create(context('channel', { capacity, transactionCapacity: capacity, 'keep-alive': 0 }));
}

export async function put(channel: Channel, batch: EventBatch): Promise<void> {
  const tx = channel.begin();
  tx.put(batch);
  await tx.commit();
}

export function capturingContext(props: Record<string, string | number | boolean>): { ctx: ComponentContext; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const logger = pino({ level: 'info' }, stream);
  return { ctx: { ...context('sink', props), logger }, lines };
}
