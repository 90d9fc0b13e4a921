// Broker counters: per-topic counters, per-API latency histogram and its quantiles.
import { describe, expect, it } from 'vitest';
import { BrokerMetrics, quantileMicros } from '../../src/broker/broker-metrics.js';

describe('BrokerMetrics', () => {
  it('counts per topic and per API with a log2 latency histogram', () => {
    const m = new BrokerMetrics();
    m.topic('t').bytesIn += 100;
    m.topic('t').recordsIn += 3;
    for (let i = 0; i < 98; i++) m.recordRequest(0, 100, false); // bucket 7: [64, 128)
    m.recordRequest(0, 5000, true); // bucket 13
    m.recordRequest(0, 0, false); // bucket 0
    const a = m.apis.get(0)!;
    expect(a.requests).toBe(100);
    expect(a.errors).toBe(1);
    expect(a.maxMicros).toBe(5000);
    expect(a.histogram[7]).toBe(98);
    expect(a.histogram[13]).toBe(1);
    expect(quantileMicros(a, 0.5)).toBe(128);
    expect(quantileMicros(a, 0.999)).toBe(8192);
    const snap = m.snapshot({ 0: 'Produce' });
    expect(snap.topics['t']).toMatchObject({ bytesIn: 100, recordsIn: 3 });
    expect(snap.apis['Produce']).toMatchObject({ requests: 100, p50Micros: 128 });
    // snapshots are copies
    snap.topics['t']!.bytesIn = 0;
    expect(m.topic('t').bytesIn).toBe(100);
  });
});
