/**
 * The web monitor against a real in-process broker (port 0) and a real group
 * coordinator: pages show escaped user strings, /metrics parses strictly and matches the
 * broker's state, the Host header and non-loopback binds are refused, /readyz reflects
 * readiness, SSE pushes lag + the chart, browsing by offset and by time, and the remote
 * (thin-client) source reports the same offsets as the embedded one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker } from '../../src/broker/broker.js';
import { loadBrokerConfig } from '../../src/broker/config/server-config.js';
import { GroupCoordinator } from '../../src/broker/groups/group-coordinator.js';
import { encodeRecordBatch } from '../../src/protocol/record-batch.js';
import { EmbeddedDataSource } from '../../src/monitor/embedded-source.js';
import { RemoteDataSource } from '../../src/monitor/remote-source.js';
import { startMonitorServer, type MonitorServer } from '../../src/monitor/monitor-server.js';
import { ConfigError } from '../../src/errors.js';
import { parsePrometheusText, sampleValue } from './prometheus-text-parser.js';

const EVIL = '<script>alert(1)</script>';
const GROUP = `g-${EVIL}`;
const T0 = 1_700_000_000_000;

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

function get(port: number, path: string, host = `127.0.0.1:${port}`): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

let dir: string;
let broker: Broker;
let groups: GroupCoordinator;
let monitor: MonitorServer;
let ready = true;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-monitor-'));
  const config = loadBrokerConfig(undefined, ['listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${join(dir, 'logs')}`, 'num.partitions=2', 'offsets.topic.num.partitions=1']);
  broker = await Broker.start({ config });
  groups = await GroupCoordinator.open({ logs: broker.logs, offsetsPartitions: 1 });
  await broker.logs.createTopic('events', 2);
  // partition 0: 10 records, timestamps T0 + i*1000; one with <script> key/value/header
  const recs = Array.from({ length: 10 }, (_, i) => ({
    key: i === 4 ? Buffer.from(EVIL) : Buffer.from(`k${i}`),
    value: i === 4 ? Buffer.from(EVIL) : Buffer.from(`value ${i}`),
    headers: i === 4 ? [{ key: EVIL, value: Buffer.from(EVIL) }] : [],
    timestamp: T0 + i * 1000,
  }));
  await broker.appendBatches('events', 0, encodeRecordBatch(recs.slice(0, 5)));
  await broker.appendBatches('events', 0, encodeRecordBatch(recs.slice(5)));
  await broker.appendBatches('events', 1, encodeRecordBatch([{ key: null, value: Buffer.from([0, 1, 2, 255]) }]));
  await groups.commitOffsets({
    groupId: GROUP, generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1,
    topics: [{ name: 'events', partitions: [{ partitionIndex: 0, committedOffset: 3, committedLeaderEpoch: -1, committedMetadata: null }] }],
  });
  const bound = broker.boundListeners();
  const source = new EmbeddedDataSource({
    logs: () => broker.logs,
    logDirs: config.logDirs,
    listeners: () => bound.map((b) => ({ name: 'PLAINTEXT', host: b.host, port: b.port })),
    brokerMetrics: () => broker.metricsSnapshot(),
    groups: () => groups,
    readiness: () => (ready ? [] : ['agent: starting']),
  });
  monitor = await startMonitorServer({ listener: { host: '127.0.0.1', port: 0 }, source, sampleIntervalMs: 60_000 });
});

afterAll(async () => {
  await monitor?.close();
  groups?.close();
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('monitor pages', () => {
  it('overview names the listener and disk use; topics list end offsets', async () => {
    const o = await get(monitor.port, '/');
    expect(o.status).toBe(200);
    expect(o.headers['content-security-policy']).toContain("script-src 'self'");
    expect(o.body).toContain(`${broker.boundListeners()[0]!.port}`);
    expect(o.body).toContain(join(dir, 'logs'));
    const t = await get(monitor.port, '/topics');
    expect(t.body).toMatch(/<span data-topic-end="events">11<\/span>/);
    const api = JSON.parse((await get(monitor.port, '/api/topics/events')).body) as { partitions: { logEndOffset: number; segmentCount: number }[]; configs: Record<string, string> };
    expect(api.partitions.map((p) => p.logEndOffset)).toEqual([10, 1]);
    expect(api.partitions[0]!.segmentCount).toBe(1);
    expect(api.configs['retention.ms']).toBeDefined();
  });

  it('escapes keys, headers and values when browsing; never emits a raw <script>', async () => {
    const r = await get(monitor.port, '/topics/events?partition=0&offset=3');
    expect(r.status).toBe(200);
    expect(r.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(r.body).not.toContain(EVIL);
    expect(r.body.match(/<script/g)?.length).toBe(1); // only /assets/monitor.js
    expect(r.body).toContain('value 3');
    expect(r.body).not.toContain('value 2');
    const hex = await get(monitor.port, '/topics/events?partition=1&offset=0&format=hex');
    expect(hex.body).toContain('00 01 02 ff');
  });

  it('browses from a timestamp and pages with a byte budget', async () => {
    const byTime = JSON.parse((await get(monitor.port, `/api/browse?topic=events&partition=0&time=${T0 + 6500}&limit=2`)).body) as { startOffset: number; records: { offset: number }[]; nextOffset: number };
    expect(byTime.startOffset).toBe(7);
    expect(byTime.records.map((x) => x.offset)).toEqual([7, 8]);
    expect(byTime.nextOffset).toBe(9);
    const iso = await get(monitor.port, `/topics/events?partition=0&time=${encodeURIComponent(new Date(T0 + 9000).toISOString())}`);
    expect(iso.body).toContain('value 9');
    const bad = await get(monitor.port, '/topics/events?partition=0&offset=abc');
    expect(bad.status).toBe(400);
  });

  it('group page: committed offset, end offset, lag, escaped group id and an SVG chart', async () => {
    await monitor.sampler.tick();
    const list = await get(monitor.port, '/groups');
    expect(list.body).toContain(`data-group-lag="g-&lt;script&gt;alert(1)&lt;/script&gt;">7</span>`);
    expect(list.body).not.toContain(EVIL);
    const r = await get(monitor.port, `/groups/${encodeURIComponent(GROUP)}`);
    expect(r.status).toBe(200);
    expect(r.body).toContain('data-lag="events:0">7</span>');
    expect(r.body).toMatch(/<svg[^>]*data-points="[1-9]/);
    expect(r.body).toContain("<polyline");
    expect(r.body).not.toContain(EVIL);
  });

  it('unknown pages are 404 with the name escaped', async () => {
    const r = await get(monitor.port, `/topics/${encodeURIComponent('no<b>such')}`);
    expect(r.status).toBe(404);
    expect(r.body).toContain('no&lt;b&gt;such');
  });
});

describe('monitor security', () => {
  it('refuses a foreign Host header (DNS rebinding) and accepts loopback names', async () => {
    expect((await get(monitor.port, '/', 'evil.example:80')).status).toBe(421);
    expect((await get(monitor.port, '/metrics', 'attacker.test')).status).toBe(421);
    expect((await get(monitor.port, '/healthz', `localhost:${monitor.port}`)).status).toBe(200);
    expect((await get(monitor.port, '/healthz', `[::1]:${monitor.port}`)).status).toBe(200);
  });

  it('refuses a non-loopback bind unless allowed', async () => {
    const source = new EmbeddedDataSource({ logs: () => broker.logs, logDirs: [], listeners: () => [] });
    const err = await startMonitorServer({ listener: { host: '0.0.0.0', port: 0 }, source }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('CONFIG_MONITOR_REMOTE_BIND');
    const ok = await startMonitorServer({ listener: { host: '0.0.0.0', port: 0 }, source, allowRemote: true });
    expect((await get(ok.port, '/healthz', `localhost:${ok.port}`)).status).toBe(200);
    await ok.close();
  });

  it('/readyz is 503 until every part started', async () => {
    ready = false;
    const r = await get(monitor.port, '/readyz');
    expect(r.status).toBe(503);
    expect(r.body).toContain('agent: starting');
    ready = true;
    expect((await get(monitor.port, '/readyz')).status).toBe(200);
  });
});

describe('Prometheus /metrics', () => {
  it('parses strictly and matches the broker state', async () => {
    await get(monitor.port, '/api/overview');
    const r = await get(monitor.port, '/metrics');
    expect(r.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const fams = parsePrometheusText(r.body);
    expect(sampleValue(fams, 'sluice_log_end_offset', { topic: 'events', partition: '0' })).toBe(10);
    expect(sampleValue(fams, 'sluice_log_end_offset', { topic: 'events', partition: '1' })).toBe(1);
    expect(sampleValue(fams, 'sluice_log_segments', { topic: 'events', partition: '0' })).toBe(1);
    expect(sampleValue(fams, 'sluice_log_size_bytes', { topic: 'events', partition: '0' })).toBe(broker.logs.partition('events', 0)!.sizeInBytes());
    expect(sampleValue(fams, 'sluice_broker_records_in_total', { topic: 'events' })).toBe(11);
    expect(sampleValue(fams, 'sluice_broker_bytes_in_total', { topic: 'events' })).toBe(broker.metricsSnapshot().topics['events']!.bytesIn);
    expect(sampleValue(fams, 'sluice_consumer_group_lag', { group: GROUP, topic: 'events', partition: '0' })).toBe(7);
    expect(sampleValue(fams, 'sluice_consumer_group_committed_offset', { group: GROUP, topic: 'events', partition: '0' })).toBe(3);
    expect(fams.get('sluice_log_end_offset')!.type).toBe('gauge');
    expect(sampleValue(fams, 'sluice_process_resident_memory_bytes', {})).toBeGreaterThan(0);
    expect(fams.get('sluice_event_loop_delay_seconds')?.type ?? 'summary').toBe('summary');
  });

  it('exports request latency histograms per API after Kafka requests', async () => {
    const remote = new RemoteDataSource({ bootstrapServers: `127.0.0.1:${broker.boundListeners()[0]!.port}` });
    try {
      await remote.topics();
    } finally {
      await remote.close();
    }
    const fams = parsePrometheusText((await get(monitor.port, '/metrics')).body);
    const h = fams.get('sluice_broker_request_duration_seconds');
    expect(h?.type).toBe('histogram');
    expect(sampleValue(fams, 'sluice_broker_request_duration_seconds_count', { api: 'Metadata' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(fams, 'sluice_broker_requests_total', { api: 'ListOffsets' })).toBeGreaterThanOrEqual(1);
  });
});

describe('live updates over Server-Sent Events', () => {
  it('pushes lag values and the chart SVG on each sample', async () => {
    const got = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: monitor.port, path: `/events?page=group&group=${encodeURIComponent(GROUP)}`, headers: { host: `localhost:${monitor.port}` } }, (res) => {
        expect(res.headers['content-type']).toContain('text/event-stream');
        let buf = '';
        res.on('data', (c: Buffer) => {
          buf += c.toString('utf8');
          const m = /data: (.*)\n\n/.exec(buf);
          if (m) {
            req.destroy();
            resolve(m[1]!);
          }
        });
      });
      req.on('error', reject);
      req.end();
      void monitor.sampler.tick();
    });
    const msg = JSON.parse(got) as { values: Record<string, string>; svg: string };
    expect(msg.values[JSON.stringify(['lag', 'events', '0'])]).toBe('7');
    expect(msg.svg).toMatch(/^<svg /);
    expect(msg.svg).not.toContain(EVIL);
  });
});

describe('remote data source (thin client)', () => {
  it('reports the same offsets, configs and records as the embedded source', async () => {
    const remote = new RemoteDataSource({ bootstrapServers: `127.0.0.1:${broker.boundListeners()[0]!.port}` });
    try {
      const t = (await remote.topics()).find((x) => x.name === 'events')!;
      expect(t.partitions.map((p) => [p.logStartOffset, p.logEndOffset])).toEqual([[0, 10], [0, 1]]);
      const d = await remote.topic('events');
      expect(d?.configs['retention.ms']).toBeDefined();
      const b = await remote.browse({ topic: 'events', partition: 0, offset: 4, limit: 3, maxBytes: 1024 });
      expect(b.records.map((r) => r.offset)).toEqual([4, 5, 6]);
      expect(b.records[0]!.key!.toString()).toBe(EVIL);
      expect(b.records[0]!.headers[0]!.key).toBe(EVIL);
      const byTime = await remote.browse({ topic: 'events', partition: 0, timestamp: T0 + 8000, limit: 5 });
      expect(byTime.startOffset).toBe(8);
      expect((await remote.readiness())).toEqual([]);
    } finally {
      await remote.close();
    }
  });
});
