import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startFlumeMetricsServer, type FlumeMetricsServer } from '../../src/monitor/flume-metrics-server.js';
import { CHANNEL_COUNTERS, MetricsRegistry, SINK_COUNTERS, SOURCE_COUNTERS } from '../../src/agent/metrics.js';

function get(port: number, path: string, method = 'GET'): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let server: FlumeMetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('Flume /metrics server', () => {
  it('serves every component as TYPE.name with string values and Flume attribute names', async () => {
    const m = new MetricsRegistry();
    const src = m.group('SOURCE', 'r1', SOURCE_COUNTERS);
    const ch = m.group('CHANNEL', 'c1', CHANNEL_COUNTERS);
    const sink = m.group('SINK', 'k1', SINK_COUNTERS);
    m.group('OTHER', 'x');
    src.start(1344882209413);
    ch.start(1344882209414);
    sink.start(1344882209415);
    src.increment('EventAcceptedCount', 22948908);
    ch.set('ChannelCapacity', 100);
    ch.set('ChannelSize', 5);
    ch.set('ChannelFillPercentage', 5);
    sink.stop(1344882300000);
    server = await startFlumeMetricsServer(m, { port: 0 });
    const res = await get(server.port, '/metrics');
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json;charset=utf-8');
    const doc = JSON.parse(res.body) as Record<string, Record<string, string>>;
    expect(Object.keys(doc).sort()).toEqual(['CHANNEL.c1', 'SINK.k1', 'SOURCE.r1']);
    expect(doc['SOURCE.r1']).toMatchObject({ Type: 'SOURCE', StartTime: '1344882209413', StopTime: '0', EventAcceptedCount: '22948908', EventReceivedCount: '0' });
    expect(doc['CHANNEL.c1']).toMatchObject({ Type: 'CHANNEL', ChannelSize: '5', ChannelCapacity: '100', ChannelFillPercentage: '5.0' });
    expect(doc['SINK.k1']).toMatchObject({ Type: 'SINK', StopTime: '1344882300000', BatchEmptyCount: '0' });
    for (const g of Object.values(doc)) for (const v of Object.values(g)) expect(typeof v).toBe('string');
    for (const c of SINK_COUNTERS) expect(doc['SINK.k1']).toHaveProperty(c);
  });

  it('answers / with a link, other paths with 404, TRACE and OPTIONS with 403', async () => {
    server = await startFlumeMetricsServer(new MetricsRegistry(), { port: 0 });
    expect((await get(server.port, '/')).body).toContain('/metrics');
    expect((await get(server.port, '/nope')).status).toBe(404);
    expect((await get(server.port, '/metrics', 'OPTIONS')).status).toBe(403);
    expect((await get(server.port, '/metrics', 'TRACE')).status).toBe(403);
    expect(JSON.parse((await get(server.port, '/metrics')).body)).toEqual({});
  });
});
