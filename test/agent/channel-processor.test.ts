import { describe, expect, it } from 'vitest';
import { ChannelProcessor } from '../../src/agent/channel-processor.js';
import { ReplicatingSelector } from '../../src/agent/replicating-selector.js';
import { MultiplexingSelector } from '../../src/agent/multiplexing-selector.js';
import { ComponentProps } from '../../src/agent/component-props.js';
import { EventBatch } from '../../src/agent/event-batch.js';
import { MetricsRegistry } from '../../src/agent/metrics.js';
import { MemoryChannel } from '../../src/channels/memory-channel.js';
import type { Channel, Interceptor } from '../../src/agent/component.js';
import { componentLogger } from '../../src/logger.js';

const logger = componentLogger('test');

async function channel(name: string, capacity = 100): Promise<MemoryChannel> {
  const c = new MemoryChannel(name, { capacity, transactionCapacity: capacity, keepAliveMs: 0, byteCapacitySlots: 0 }, new MetricsRegistry().group('CHANNEL', name));
  await c.start();
  return c;
}

async function drain(c: Channel): Promise<string[]> {
  const tx = c.begin();
  const b = await tx.take(1000);
  await tx.commit();
  return b ? Array.from({ length: b.count }, (_, i) => b.body(i).toString()) : [];
}

const events = (spec: [string, Record<string, string>][]) => EventBatch.fromEvents(spec.map(([b, h]) => ({ headers: h, body: Buffer.from(b) })));
const props = (o: Record<string, string>) => ComponentProps.fromObject('a1.sources.r1.selector', o);

describe('ChannelProcessor with the replicating selector', () => {
  it('puts every event on every channel', async () => {
    const [c1, c2] = [await channel('c1'), await channel('c2')];
    const cp = new ChannelProcessor(new ReplicatingSelector({ label: 's', props: props({}), channels: [c1, c2], logger }), [], logger);
    await cp.send(events([['a', {}], ['b', {}]]));
    expect(await drain(c1)).toEqual(['a', 'b']);
    expect(await drain(c2)).toEqual(['a', 'b']);
  });

  it('a required channel failure rejects the send; earlier required channels keep their commit (Flume order)', async () => {
    const [c1, c2] = [await channel('c1', 10), await channel('c2', 1)];
    const cp = new ChannelProcessor(new ReplicatingSelector({ label: 's', props: props({}), channels: [c1, c2], logger }), [], logger);
    await expect(cp.send(events([['a', {}], ['b', {}]]))).rejects.toMatchObject({ code: 'CHANNEL_TRANSACTION_CAPACITY' });
    expect(c1.size()).toBe(2);
    expect(c2.size()).toBe(0);
  });

  it('optional channel failures are not propagated', async () => {
    const [c1, c2] = [await channel('c1', 10), await channel('c2', 1)];
    const cp = new ChannelProcessor(new ReplicatingSelector({ label: 's', props: props({ optional: 'c2' }), channels: [c1, c2], logger }), [], logger);
    await cp.send(events([['a', {}], ['b', {}]]));
    expect(await drain(c1)).toEqual(['a', 'b']);
    expect(c2.size()).toBe(0);
  });

  it('runs interceptors in order before selection; an empty result sends nothing', async () => {
    const c1 = await channel('c1');
    const tag = (v: string): Interceptor => ({
      intercept: (b) => EventBatch.fromEvents(b.toEvents().map((e) => ({ headers: e.headers, body: Buffer.concat([e.body, Buffer.from(v)]) }))),
    });
    const dropAll: Interceptor = { intercept: () => EventBatch.empty() };
    const cp = new ChannelProcessor(new ReplicatingSelector({ label: 's', props: props({}), channels: [c1], logger }), [tag('1'), tag('2')], logger);
    await cp.send(events([['x', {}]]));
    expect(await drain(c1)).toEqual(['x12']);
    const cp2 = new ChannelProcessor(new ReplicatingSelector({ label: 's', props: props({}), channels: [c1], logger }), [dropAll, tag('never')], logger);
    await cp2.send(events([['y', {}]]));
    expect(c1.size()).toBe(0);
  });
});

describe('multiplexing selector', () => {
  it('splits a batch by header value, keeps order, routes unmapped and missing values to default', async () => {
    const cs = await Promise.all(['c1', 'c2', 'c3', 'c4'].map((n) => channel(n)));
    const sel = new MultiplexingSelector({
      label: 's', logger, channels: cs,
      props: props({ header: 'state', 'mapping.CZ': 'c1', 'mapping.US': 'c2 c3', 'optional.CZ': 'c4 c1', default: 'c4' }),
    });
    const cp = new ChannelProcessor(sel, [], logger);
    await cp.send(events([['cz1', { state: 'CZ' }], ['us1', { state: 'US' }], ['none', {}], ['cz2', { state: 'CZ' }], ['fr', { state: 'FR' }], ['blank', { state: ' ' }]]));
    expect(await drain(cs[0]!)).toEqual(['cz1', 'cz2']);
    expect(await drain(cs[1]!)).toEqual(['us1']);
    expect(await drain(cs[2]!)).toEqual(['us1']);
    // c4: default for none/fr/blank, plus optional for CZ (c1 is required for CZ, so only c4 is optional).
    expect((await drain(cs[3]!)).sort()).toEqual(['blank', 'cz1', 'cz2', 'fr', 'none']);
  });

  it('uses one route without copying when all events share the header', () => {
    const c1 = { name: 'c1' } as Channel;
    const sel = new MultiplexingSelector({ label: 's', logger, channels: [c1], props: props({ 'mapping.a': 'c1' }) });
    const b = new EventBatch({ data: Buffer.from('xy'), starts: Uint32Array.of(0, 1), ends: Uint32Array.of(1, 2), sharedHeaders: { 'flume.selector.header': 'a' } });
    const routes = sel.select(b);
    expect(routes).toHaveLength(1);
    expect(routes[0]!.batch).toBe(b);
    expect(routes[0]!.required).toEqual([c1]);
  });

  it('rejects a mapping to a channel the source does not write to, naming the key', () => {
    const c1 = { name: 'c1' } as Channel;
    const p = new ComponentProps('a1.sources.r1.selector', new Map([['mapping.x', { value: 'c1 c9', file: 'f.conf', line: 7 }]]));
    expect(() => new MultiplexingSelector({ label: 'a1.sources.r1.selector', logger, channels: [c1], props: p })).toThrow(/f\.conf:7: .*mapping\.x: channel "c9"/);
  });
});

describe('load_balancing selector', () => {
  it('round robin sends each batch to one channel in turn', async () => {
    const { LoadBalancingSelector } = await import('../../src/agent/load-balancing-selector.js');
    const cs = await Promise.all(['c1', 'c2'].map((n) => channel(n)));
    const cp = new ChannelProcessor(new LoadBalancingSelector({ label: 's', props: props({}), channels: cs, logger }), [], logger);
    for (const b of ['a', 'b', 'c', 'd']) await cp.send(events([[b, {}]]));
    expect(await drain(cs[0]!)).toEqual(['a', 'c']);
    expect(await drain(cs[1]!)).toEqual(['b', 'd']);
  });
});
