/**
 * Prometheus exposition: exact text for a small input, escaping of label values
 * (backslash, quote, newline), histogram buckets from BrokerMetrics' log2 µs buckets,
 * agent counter renaming, and the strict parser accepting the result.
 */
import { describe, expect, it } from 'vitest';
import { BrokerMetrics } from '../../src/broker/broker-metrics.js';
import { API_NAMES } from '../../src/protocol/api-keys.js';
import { ExpositionWriter, escapeLabelValue, renderPrometheus, type ProcessState } from '../../src/monitor/prometheus.js';
import { parsePrometheusText, sampleValue } from './prometheus-text-parser.js';

const PROCESS: ProcessState = { residentBytes: 100, heapUsedBytes: 50, heapTotalBytes: 80, externalBytes: 5, startTimeSeconds: 1700000000, loopDelay: { p50: 0.01, p90: 0.02, p99: 0.03, max: 0.05, mean: 0.012, count: 10 } };

describe('ExpositionWriter', () => {
  it('writes HELP/TYPE once per family with escaped labels', () => {
    const w = new ExpositionWriter();
    w.sample('m_total', 'counter', 'a\\b\nc', { l: 'x"y\\z\nw' }, 3);
    w.sample('m_total', 'counter', 'ignored', { l: 'b' }, 4);
    expect(w.render()).toBe('# HELP m_total a\\\\b\\nc\n# TYPE m_total counter\nm_total{l="x\\"y\\\\z\\nw"} 3\nm_total{l="b"} 4\n');
    const fams = parsePrometheusText(w.render());
    expect(sampleValue(fams, 'm_total', { l: 'x"y\\z\nw' })).toBe(3);
  });

  it('escapeLabelValue leaves plain text alone', () => {
    expect(escapeLabelValue('events-1')).toBe('events-1');
  });
});

describe('renderPrometheus', () => {
  it('renders broker histograms cumulatively and renames agent counters', () => {
    const m = new BrokerMetrics();
    m.recordRequest(0, 100, false); // 100 µs → bucket 7 (< 128 µs)
    m.recordRequest(0, 3000, true); // bucket 12
    m.recordRequest(0, 10, false); // below the first exported bucket
    const t = m.topic('a"b');
    t.bytesIn = 500;
    t.recordsIn = 7;
    t.recordsOut = 4;
    const text = renderPrometheus({
      broker: m.snapshot(API_NAMES),
      topics: [{ name: 'a"b', internal: false, partitions: [{ partition: 0, leader: 0, logStartOffset: 0, logEndOffset: 7, highWatermark: 7, sizeBytes: 500, segmentCount: 1 }] }],
      groups: [{ groupId: 'g\n1', state: 'Stable', protocolType: 'consumer', protocol: 'range', members: [], partitions: [{ topic: 'a"b', partition: 0, committedOffset: 2, logEndOffset: 7, lag: 5, memberId: null }] }],
      agent: {
        name: 'a1', sources: [], channels: [], sinks: [],
        components: [
          { kind: 'SOURCE', name: 'r1', counters: { EventReceivedCount: 9, EventAcceptedCount: 8, Custom: 1 }, startTime: 0 },
          { kind: 'CHANNEL', name: 'c1', counters: { ChannelSize: 3, ChannelFillPercentage: 30 }, startTime: 0 },
          { kind: 'SINK', name: 'k1', counters: { EventDrainSuccessCount: 8 }, startTime: 0 },
        ],
      },
      process: PROCESS,
    });
    const fams = parsePrometheusText(text);
    expect(sampleValue(fams, 'sluice_broker_request_duration_seconds_bucket', { api: 'Produce', le: '0.000064' })).toBe(1);
    expect(sampleValue(fams, 'sluice_broker_request_duration_seconds_bucket', { api: 'Produce', le: '0.000128' })).toBe(2);
    expect(sampleValue(fams, 'sluice_broker_request_duration_seconds_bucket', { api: 'Produce', le: '+Inf' })).toBe(3);
    expect(sampleValue(fams, 'sluice_broker_request_duration_seconds_sum', { api: 'Produce' })).toBeCloseTo(0.00311, 8);
    expect(sampleValue(fams, 'sluice_broker_request_errors_total', { api: 'Produce' })).toBe(1);
    expect(sampleValue(fams, 'sluice_broker_records_in_total', { topic: 'a"b' })).toBe(7);
    expect(sampleValue(fams, 'sluice_broker_records_out_total', { topic: 'a"b' })).toBe(4);
    expect(fams.get('sluice_broker_records_out_total')!.type).toBe('counter');
    expect(text).toContain('# TYPE sluice_broker_records_out_total counter\nsluice_broker_records_out_total{topic="a\\"b"} 4\n');
    expect(sampleValue(fams, 'sluice_consumer_group_lag', { group: 'g\n1', topic: 'a"b', partition: '0' })).toBe(5);
    expect(sampleValue(fams, 'sluice_agent_source_events_received_total', { component: 'r1' })).toBe(9);
    expect(sampleValue(fams, 'sluice_agent_channel_fill_ratio', { component: 'c1' })).toBe(0.3);
    expect(sampleValue(fams, 'sluice_agent_sink_events_drained_total', { component: 'k1' })).toBe(8);
    expect(sampleValue(fams, 'sluice_agent_counter', { kind: 'source', component: 'r1', counter: 'Custom' })).toBe(1);
    expect(sampleValue(fams, 'sluice_event_loop_delay_seconds', { quantile: '0.99' })).toBe(0.03);
    expect(fams.get('sluice_agent_channel_size')!.type).toBe('gauge');
    expect(text).toContain('sluice_log_end_offset{topic="a\\"b",partition="0"} 7\n');
  });
});

describe('renderPrometheus through an independent parser (parse-prometheus-text-format)', () => {
  it('parses and agrees with the broker state', async () => {
    const { default: parse } = await import('parse-prometheus-text-format');
    const m = new BrokerMetrics();
    m.recordRequest(1, 200, false);
    m.recordRequest(1, 900, false);
    const t = m.topic('events');
    t.bytesIn = 1234;
    t.recordsIn = 10;
    t.bytesOut = 987;
    t.recordsOut = 6;
    const text = renderPrometheus({
      broker: m.snapshot(API_NAMES),
      topics: [{ name: 'events', internal: false, partitions: [{ partition: 0, leader: 0, logStartOffset: 0, logEndOffset: 10, highWatermark: 10, sizeBytes: 1234, segmentCount: 1 }] }],
      groups: [],
      agent: undefined,
      process: PROCESS,
    });
    const families = new Map(parse(text).map((f) => [f.name, f]));
    const recordsIn = families.get('sluice_broker_records_in_total');
    expect(recordsIn?.type).toBe('COUNTER');
    expect(recordsIn?.metrics.find((x) => x.labels?.['topic'] === 'events')?.value).toBe('10');
    const recordsOut = families.get('sluice_broker_records_out_total');
    expect(recordsOut?.type).toBe('COUNTER');
    expect(recordsOut?.metrics.find((x) => x.labels?.['topic'] === 'events')?.value).toBe('6');
    expect(families.get('sluice_broker_bytes_out_total')?.metrics.find((x) => x.labels?.['topic'] === 'events')?.value).toBe('987');
    const leo = families.get('sluice_log_end_offset');
    expect(leo?.metrics.find((x) => x.labels?.['partition'] === '0')?.value).toBe('10');
    const hist = families.get('sluice_broker_request_duration_seconds');
    expect(hist?.type).toBe('HISTOGRAM');
    // This parser keeps a labelled histogram's buckets but drops its labels, sum and
    // count; only Fetch has requests here, so the one series is Fetch's.
    expect(hist?.metrics).toHaveLength(1);
    expect(hist?.metrics[0]?.buckets?.['0.000256']).toBe('1');
    expect(hist?.metrics[0]?.buckets?.['+Inf']).toBe('2');
  });
});
