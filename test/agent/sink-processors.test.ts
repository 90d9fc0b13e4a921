import { describe, expect, it } from 'vitest';
import type { Sink, SinkStatus } from '../../src/agent/component.js';
import { ComponentProps } from '../../src/agent/component-props.js';
import { FailoverSinkProcessor } from '../../src/agent/failover-sink-processor.js';
import { LoadBalancingSinkProcessor } from '../../src/agent/load-balancing-sink-processor.js';
import { componentLogger } from '../../src/logger.js';

const logger = componentLogger('test');

class FakeSink implements Sink {
  calls = 0;
  failing = false;
  constructor(readonly name: string) {}
  setChannel(): void {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async process(): Promise<SinkStatus> {
    this.calls++;
    if (this.failing) throw new Error(`${this.name} down`);
    return 'READY';
  }
}

const props = (o: Record<string, string>) => ComponentProps.fromObject('a1.sinkgroups.g1.processor', o);

describe('failover sink processor', () => {
  it('uses the highest priority, fails over, and brings the sink back after its penalty', async () => {
    let now = 1_000_000;
    const [k1, k2] = [new FakeSink('k1'), new FakeSink('k2')];
    const p = new FailoverSinkProcessor({ label: 'g1', logger, sinks: [k2, k1], now: () => now, props: props({ 'priority.k1': '10', 'priority.k2': '5', maxpenalty: '10000' }) });
    expect(p.activeSink()).toBe('k1');
    await p.process();
    expect([k1.calls, k2.calls]).toEqual([1, 0]);
    k1.failing = true;
    expect(await p.process()).toBe('READY'); // k1 throws, k2 delivers
    expect([k1.calls, k2.calls]).toEqual([2, 1]);
    expect(p.activeSink()).toBe('k2');
    await p.process(); // k1 still penalized (2 s)
    expect([k1.calls, k2.calls]).toEqual([2, 2]);
    now += 2000; // penalty over, but k1 still failing: penalty grows to 4 s
    await p.process();
    expect([k1.calls, k2.calls]).toEqual([3, 3]);
    now += 2000;
    await p.process();
    expect(k1.calls).toBe(3);
    k1.failing = false;
    now += 2000;
    await p.process(); // k1 retried and back
    expect(k1.calls).toBe(4);
    expect(p.activeSink()).toBe('k1');
  });

  it('caps the penalty at maxpenalty and throws when every sink fails', async () => {
    let now = 0;
    const [k1, k2] = [new FakeSink('k1'), new FakeSink('k2')];
    k1.failing = k2.failing = true;
    const p = new FailoverSinkProcessor({ label: 'g1', logger, sinks: [k1, k2], now: () => now, props: props({ maxpenalty: '3000' }) });
    await expect(p.process()).rejects.toThrow(/All sinks failed to process/);
    for (let i = 0; i < 5; i++) {
      now += 3000;
      await expect(p.process()).rejects.toThrow();
    }
    const before = k1.calls;
    now += 3000; // never more than maxpenalty between retries
    await expect(p.process()).rejects.toThrow();
    expect(k1.calls).toBe(before + 1);
  });

  it('gives unprioritized sinks -1, -2, … in list order and skips a duplicate priority', () => {
    const sinks = ['k1', 'k2', 'k3'].map((n) => new FakeSink(n));
    const p = new FailoverSinkProcessor({ label: 'g1', logger, sinks, props: props({ 'priority.k3': '-1' }) });
    expect(p.sinks.map((s) => s.name)).toEqual(['k1', 'k2']);
    expect(p.activeSink()).toBe('k1');
  });
});

describe('load balancing sink processor', () => {
  it('round robin distributes evenly', async () => {
    const sinks = ['k1', 'k2', 'k3'].map((n) => new FakeSink(n));
    const p = new LoadBalancingSinkProcessor({ label: 'g1', logger, sinks, props: props({}) });
    for (let i = 0; i < 9; i++) await p.process();
    expect(sinks.map((s) => s.calls)).toEqual([3, 3, 3]);
  });

  it('random reaches every sink', async () => {
    const sinks = ['k1', 'k2'].map((n) => new FakeSink(n));
    const p = new LoadBalancingSinkProcessor({ label: 'g1', logger, sinks, props: props({ selector: 'random' }) });
    for (let i = 0; i < 200; i++) await p.process();
    expect(sinks.every((s) => s.calls > 0)).toBe(true);
  });

  it('tries the next sink on failure; with backoff a failed sink is left out until its time-out', async () => {
    let now = 0;
    const [k1, k2] = [new FakeSink('k1'), new FakeSink('k2')];
    k1.failing = true;
    const p = new LoadBalancingSinkProcessor({ label: 'g1', logger, sinks: [k1, k2], now: () => now, props: props({ backoff: 'true', 'selector.maxTimeOut': '5000' }) });
    for (let i = 0; i < 4; i++) expect(await p.process()).toBe('READY');
    expect(k1.calls).toBe(1);
    expect(k2.calls).toBe(4);
    k1.failing = false;
    now += 2000;
    for (let i = 0; i < 4; i++) await p.process();
    expect(k1.calls).toBe(3);
  });

  it('needs two sinks and a known selector', () => {
    expect(() => new LoadBalancingSinkProcessor({ label: 'g1', logger, sinks: [new FakeSink('k1')], props: props({}) })).toThrow(/at least two sinks/);
    expect(() => new LoadBalancingSinkProcessor({ label: 'g1', logger, sinks: [new FakeSink('a'), new FakeSink('b')], props: props({ selector: 'weighted' }) })).toThrow(/round_robin or random/);
  });
});
