/**
 * Flume's HTTP metrics endpoint (instrumentation/http/HTTPMetricsServer.java), enabled by
 * `-Dflume.monitoring.type=http -Dflume.monitoring.port=P` (default port 41414).
 *
 *   GET /metrics → 200 application/json;charset=utf-8
 *     {"SOURCE.r1":{"Type":"SOURCE","StartTime":"1700000000000","StopTime":"0",
 *                   "EventReceivedCount":"12",…},
 *      "CHANNEL.c1":{…,"ChannelFillPercentage":"0.0"},"SINK.k1":{…}}
 *     Every value is a string; doubles are printed as Java does ("0.0", "12.5").
 *   GET /        → a small HTML page linking /metrics
 *   TRACE, OPTIONS → 403; any other path → 404.
 * Unlike Flume, every component of the agent appears (netcat, logger, null included),
 * because every component gets a counter group. Binds 127.0.0.1 by default (Flume binds
 * 0.0.0.0); `-Dflume.monitoring.host=0.0.0.0` opts in to all interfaces.
 * Reads counter snapshots only; never mutates them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CounterGroup, MetricsRegistry } from '../agent/metrics.js';
import { componentLogger } from '../logger.js';
import { SluiceError } from '../errors.js';

export const DEFAULT_FLUME_MONITORING_PORT = 41414;

/** Counters Flume reports as doubles. */
const DOUBLE_COUNTERS = new Set(['ChannelFillPercentage']);

function javaDouble(n: number): string {
  if (n === Number.MAX_VALUE) return '1.7976931348623157E308';
  return Number.isInteger(n) ? n.toFixed(1) : String(n);
}

export function groupToJson(g: CounterGroup): Record<string, string> {
  const out: Record<string, string> = { Type: g.type, StartTime: String(g.startTime), StopTime: String(g.stopTime) };
  for (const [k, v] of Object.entries(g.snapshot())) out[k] = DOUBLE_COUNTERS.has(k) ? javaDouble(v) : String(Math.trunc(v));
  return out;
}

/** The /metrics document for a registry (only SOURCE, CHANNEL and SINK groups, as Flume). */
export function flumeMetricsJson(metrics: MetricsRegistry): Record<string, Record<string, string>> {
  const doc: Record<string, Record<string, string>> = {};
  for (const g of metrics.all()) {
    if (g.type !== 'SOURCE' && g.type !== 'CHANNEL' && g.type !== 'SINK') continue;
    doc[`${g.type}.${g.name}`] = groupToJson(g);
  }
  return doc;
}

export interface FlumeMetricsServer {
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

export async function startFlumeMetricsServer(metrics: MetricsRegistry, opts: { port?: number; host?: string } = {}): Promise<FlumeMetricsServer> {
  const logger = componentLogger('monitor.flume-metrics');
  const host = opts.host ?? '127.0.0.1';
  const server: Server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    if (method === 'TRACE' || method === 'OPTIONS') {
      res.writeHead(403).end();
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      const body = JSON.stringify(flumeMetricsJson(metrics));
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } else if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html;charset=utf-8' });
      res.end('<html><body><a href="/metrics">Metrics</a></body></html>');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new SluiceError('MONITOR_LISTEN_FAILED', `cannot listen on ${host}:${opts.port ?? DEFAULT_FLUME_MONITORING_PORT} for /metrics: ${err.message}`, { cause: err })));
    server.listen(opts.port ?? DEFAULT_FLUME_MONITORING_PORT, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  logger.info({ host, port: addr.port }, 'Flume /metrics server listening');
  return {
    port: addr.port,
    host,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
