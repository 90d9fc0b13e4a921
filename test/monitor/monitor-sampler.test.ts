/**
 * The sampler's produce/fetch rates from the embedded source's cumulative BrokerMetrics
 * totals: records out per second beside records in and bytes out, with the clock (Date
 * only) faked so the time base is exact.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BrokerMetrics } from '../../src/broker/broker-metrics.js';
import { EmbeddedDataSource } from '../../src/monitor/embedded-source.js';
import { MonitorSampler } from '../../src/monitor/monitor-sampler.js';
import { rateTexts } from '../../src/monitor/pages.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('MonitorSampler rates', () => {
  it('turns BrokerMetrics recordsOut into a fetch rate in records/s', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_700_000_000_000);
    const metrics = new BrokerMetrics();
    const source = new EmbeddedDataSource({ logs: () => undefined, logDirs: [], listeners: () => [], brokerMetrics: () => metrics.snapshot() });
    expect(await source.throughput()).toEqual({ recordsIn: 0, bytesIn: 0, bytesOut: 0, recordsOut: 0 });
    const sampler = new MonitorSampler(source, 60_000);
    await sampler.tick();
    expect(sampler.current?.rates.recordsOutPerSec).toBeNull(); // no time base yet
    const a = metrics.topic('a');
    const b = metrics.topic('b');
    a.recordsIn += 500;
    a.recordsOut += 300;
    b.recordsOut += 100;
    a.bytesOut += 8000;
    vi.setSystemTime(1_700_000_002_000);
    await sampler.tick();
    const r = sampler.current!.rates;
    expect(r.recordsOutPerSec).toBe(200);
    expect(r.recordsInPerSec).toBe(250);
    expect(r.bytesOutPerSec).toBe(4000);
    expect(Object.values(rateTexts(r))).toContain('200 records/s');
  });

  it('reports no fetch record rate for a source that does not count it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_700_000_000_000);
    const source = new EmbeddedDataSource({ logs: () => undefined, logDirs: [], listeners: () => [] });
    const sampler = new MonitorSampler(source, 60_000);
    await sampler.tick();
    vi.setSystemTime(1_700_000_001_000);
    await sampler.tick();
    expect(sampler.current!.rates.recordsOutPerSec).toBeNull();
  });
});
