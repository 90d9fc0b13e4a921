/**
 * The web monitor's HTTP server (`sluice.monitor.listener`, default
 * http://127.0.0.1:8086): pages, JSON API, Server-Sent Events, Prometheus /metrics,
 * /healthz and /readyz, over one MonitorDataSource.
 *
 * Routes (GET/HEAD only; anything else 405):
 *   /  /topics  /topics/:name[?partition&offset|time&format=text|hex]  /groups
 *   /groups/:id  /agent                                   server-rendered HTML
 *   /api/overview /api/topics /api/topics/:name /api/groups /api/groups/:id
 *   /api/agent /api/browse?topic&partition&offset|time&limit     JSON
 *   /events?page=overview|groups|agent|group&group=ID    text/event-stream, one
 *        `data: {"time":…,"values":{key:text},"svg"?:…}` message per sampler tick
 *   /metrics (Prometheus text 0.0.4) /healthz (200 "ok" while the process serves)
 *   /readyz (200 "ready", or 503 listing what is not started)
 *   /assets/monitor.css /assets/monitor.js               static, served locally
 *
 * Security: binding a non-loopback address needs `allowRemote` (else ConfigError
 * CONFIG_MONITOR_REMOTE_BIND, exit 2). Every request's Host header must name the
 * configured host, a loopback name, or an allowed host (DNS-rebinding defence): others
 * get 421. Responses carry a strict CSP (no inline script), nosniff, frame denial and
 * no-referrer. Every cluster-provided string is escaped by the page templates.
 *
 * Lifecycle: `startMonitorServer` binds, starts the sampler and the event-loop delay
 * histogram; `close()` ends SSE streams, stops both and closes the server. It never
 * stops the data source's broker or agent (their owners do), but closes the source.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { ConfigError, SluiceError, describeError } from '../errors.js';
import { componentLogger } from '../logger.js';
import type { BrowseResult, GroupDetailView, MonitorDataSource } from './data-source.js';
import { MONITOR_CSS, MONITOR_JS, fmtDuration } from './html.js';
import { renderLagChart } from './lag-chart.js';
import { MonitorSampler, type Sample } from './monitor-sampler.js';
import {
  agentLive, agentPage, errorPage, groupLive, groupPage, groupsLive, groupsPage, liveKey, overviewPage, rateTexts, topicPage, topicsPage,
  type BrowseView, type PageContext,
} from './pages.js';
import { PROMETHEUS_CONTENT_TYPE, processState, renderPrometheus } from './prometheus.js';

const log = componentLogger('monitor.http');

// The agent command's hook imports `startMonitor` from this module (embedded broker + agent).
export { startMonitor } from './embedded-monitor.js';

export const DEFAULT_MONITOR_LISTENER = 'http://127.0.0.1:8086';

export interface MonitorListener {
  readonly host: string;
  readonly port: number;
}

/** Parses `http://host:port` (IPv6 in brackets). `where` names the key/flag for errors. */
export function parseMonitorListener(value: string, where = 'sluice.monitor.listener'): MonitorListener {
  const m = /^http:\/\/(\[[^\]]+\]|[^:/\s]+):(\d{1,5})\/?$/.exec(value.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new ConfigError('CONFIG_MONITOR_LISTENER', `${where}=${value}: expected http://host:port`, { key: where });
  const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!;
  return { host, port };
}

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '::1' || h === 'ip6-localhost') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

export interface MonitorServerOptions {
  readonly listener: MonitorListener;
  readonly source: MonitorDataSource;
  /** Bind a non-loopback address (sluice.monitor.allow.remote=true). */
  readonly allowRemote?: boolean;
  /** Extra Host-header names accepted (sluice.monitor.allowed.hosts). */
  readonly allowedHosts?: readonly string[];
  /** Sampler period (rates, lag history, live updates); default 5000 ms. */
  readonly sampleIntervalMs?: number;
}

export interface MonitorServer {
  readonly host: string;
  readonly port: number;
  /** http://host:port/ as a browser would open it. */
  readonly url: string;
  readonly sampler: MonitorSampler;
  close(): Promise<void>;
}

/** Host names the Host header may carry. */
function allowedHostNames(o: MonitorServerOptions): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '::1', 'ip6-localhost']);
  names.add(o.listener.host.toLowerCase());
  for (const h of o.allowedHosts ?? []) names.add(h.trim().toLowerCase());
  const wildcard = o.listener.host === '0.0.0.0' || o.listener.host === '::' || o.listener.host === '';
  if (wildcard && o.allowRemote) {
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(a.address.toLowerCase());
  }
  return names;
}

/** The host part of a Host header ("[::1]:8086" → "::1"), lower-cased; null when malformed. */
export function hostOfHeader(h: string | undefined): string | null {
  if (!h) return null;
  const v = h.trim().toLowerCase();
  if (v.startsWith('[')) {
    const end = v.indexOf(']');
    if (end < 0) return null;
    const rest = v.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return null;
    return v.slice(1, end);
  }
  const m = /^([^:]+)(?::\d{1,5})?$/.exec(v);
  return m ? m[1]! : null;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'content-type': type, 'content-length': String(buf.length), 'cache-control': 'no-store', ...extra });
  res.end(res.req.method === 'HEAD' ? undefined : buf);
}

const HTML = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

class HttpError extends SluiceError {
  constructor(readonly status: number, message: string) {
    super(status === 404 ? 'MONITOR_NOT_FOUND' : 'MONITOR_BAD_REQUEST', message);
  }
}

function intParam(q: URLSearchParams, name: string, min: number): number | undefined {
  const v = q.get(name);
  if (v === null || v.trim() === '') return undefined;
  if (!/^-?\d+$/.test(v.trim())) throw new HttpError(400, `${name}=${v}: expected an integer`);
  const n = Number(v);
  if (n < min) throw new HttpError(400, `${name}=${v}: must be ≥ ${min}`);
  return n;
}

/** A time as epoch ms or an ISO-8601 date. */
function timeParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name)?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new HttpError(400, `${name}=${v}: expected epoch milliseconds or an ISO-8601 time`);
  return t;
}

function browseJson(r: BrowseResult): unknown {
  const b64 = (b: Buffer | null): string | null => (b === null ? null : b.toString('base64'));
  return {
    ...r,
    encoding: 'base64',
    records: r.records.map((x) => ({ offset: x.offset, timestamp: x.timestamp, key: b64(x.key), value: b64(x.value), headers: x.headers.map((h) => ({ key: h.key, value: b64(h.value) })) })),
  };
}

export async function startMonitorServer(opts: MonitorServerOptions): Promise<MonitorServer> {
  const { listener, source } = opts;
  if (!isLoopbackHost(listener.host) && !opts.allowRemote) {
    throw new ConfigError(
      'CONFIG_MONITOR_REMOTE_BIND',
      `sluice.monitor.listener binds ${listener.host}, which is not a loopback address; the monitor has no authentication. Set sluice.monitor.allow.remote=true (or --allow-remote) to serve it on other interfaces`,
      { key: 'sluice.monitor.listener' },
    );
  }
  const allowed = allowedHostNames(opts);
  const sampler = new MonitorSampler(source, opts.sampleIntervalMs ?? 5000);
  const loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  const startedAt = Date.now();
  const streams = new Set<ServerResponse>();
  const hasAgent = (): boolean => source.agent() !== undefined;
  const ctx = (): PageContext => ({ mode: source.mode === 'embedded' ? 'embedded broker' : 'remote cluster', hasAgent: hasAgent(), startedAt, now: Date.now() });

  const groupDetails = async (): Promise<GroupDetailView[]> => {
    const out: GroupDetailView[] = [];
    for (const g of await source.groups()) {
      const d = await source.group(g.groupId);
      if (d) out.push(d);
    }
    return out;
  };

  const livePayload = async (q: URLSearchParams, s: Sample | undefined): Promise<unknown> => {
    const page = q.get('page');
    const values: Record<string, string> = { ...rateTexts(s?.rates), [liveKey('uptime')]: fmtDuration(process.uptime() * 1000) };
    let svg: string | undefined;
    if (page === 'groups' && s) Object.assign(values, groupsLive(s.groups));
    else if (page === 'agent') {
      const a = source.agent();
      if (a) Object.assign(values, agentLive(a));
    } else if (page === 'group') {
      const id = q.get('group') ?? '';
      const d = await source.group(id);
      if (d) Object.assign(values, groupLive(d));
      svg = renderLagChart(id, sampler.history.points(id), Date.now(), sampler.history.windowMs);
    }
    return { time: s?.time ?? Date.now(), values, ...(svg !== undefined ? { svg } : {}) };
  };

  const openEvents = (req: IncomingMessage, res: ServerResponse, q: URLSearchParams): void => {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no', ...SECURITY_HEADERS });
    res.write('retry: 3000\n\n');
    streams.add(res);
    let sending = false;
    const push = (s: Sample | undefined): void => {
      if (sending) return;
      sending = true;
      livePayload(q, s)
        .then((p) => { if (!res.writableEnded) res.write(`data: ${JSON.stringify(p)}\n\n`); })
        .catch((err: unknown) => log.warn({ err: describeError(err) }, 'live update failed'))
        .finally(() => { sending = false; });
    };
    const off = sampler.onSample(push);
    push(sampler.current);
    req.on('close', () => {
      off();
      streams.delete(res);
    });
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const u = new URL(req.url ?? '/', 'http://monitor.invalid');
    const q = u.searchParams;
    let segs: string[];
    try {
      segs = u.pathname.split('/').filter((s) => s.length > 0).map((s) => decodeURIComponent(s));
    } catch {
      throw new HttpError(400, `bad path ${u.pathname}`);
    }
    const [a, b, c] = segs;
    const json = (v: unknown, status = 200): void => send(res, status, JSON_TYPE, JSON.stringify(v));
    const html = (body: string, status = 200): void => send(res, status, HTML, body, SECURITY_HEADERS);
    if (segs.length === 0) return html(overviewPage(ctx(), await source.overview(), sampler.current?.rates));
    switch (a) {
      case 'healthz':
        return send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
      case 'readyz': {
        const problems = await source.readiness();
        return problems.length === 0
          ? send(res, 200, 'text/plain; charset=utf-8', 'ready\n')
          : send(res, 503, 'text/plain; charset=utf-8', `not ready:\n${problems.map((p) => `- ${p}`).join('\n')}\n`);
      }
      case 'metrics': {
        const [topics, groups] = await Promise.all([source.topics(), groupDetails()]);
        const text = renderPrometheus({ broker: source.brokerMetrics(), topics, groups, agent: source.agent(), process: processState(loop) });
        return send(res, 200, PROMETHEUS_CONTENT_TYPE, text);
      }
      case 'assets':
        if (b === 'monitor.css') return send(res, 200, 'text/css; charset=utf-8', MONITOR_CSS, { 'cache-control': 'max-age=300' });
        if (b === 'monitor.js') return send(res, 200, 'text/javascript; charset=utf-8', MONITOR_JS, { 'cache-control': 'max-age=300' });
        throw new HttpError(404, `no asset ${b ?? ''}`);
      case 'events':
        return openEvents(req, res, q);
      case 'topics': {
        if (b === undefined) return html(topicsPage(ctx(), await source.topics()));
        const t = await source.topic(b);
        if (!t) throw new HttpError(404, `no topic '${b}'`);
        const partition = intParam(q, 'partition', 0);
        const view: BrowseView = { partition: partition ?? 0, offset: q.get('offset') ?? '', time: q.get('time') ?? '', format: q.get('format') === 'hex' ? 'hex' : 'text', result: undefined, error: undefined };
        if (partition !== undefined || q.has('offset') || q.has('time')) {
          try {
            const offset = intParam(q, 'offset', 0);
            const timestamp = timeParam(q, 'time');
            const result = await source.browse({ topic: b, partition: view.partition, ...(offset !== undefined ? { offset } : {}), ...(timestamp !== undefined ? { timestamp } : {}) });
            return html(topicPage(ctx(), t, { ...view, result }));
          } catch (err) {
            return html(topicPage(ctx(), t, { ...view, error: describeError(err) }), err instanceof HttpError ? err.status : 500);
          }
        }
        return html(topicPage(ctx(), t, view));
      }
      case 'groups': {
        if (b === undefined) return html(groupsPage(ctx(), await source.groups()));
        const d = await source.group(b);
        if (!d) throw new HttpError(404, `no consumer group '${b}'`);
        return html(groupPage(ctx(), d, sampler.history.points(b), sampler.history.windowMs));
      }
      case 'agent': {
        const ag = source.agent();
        if (!ag) throw new HttpError(404, 'no agent runs in this process');
        return html(agentPage(ctx(), ag, sampler.current?.rates));
      }
      case 'api':
        switch (b) {
          case 'overview': return json({ ...(await source.overview()), uptimeMs: Date.now() - startedAt, rates: sampler.current?.rates ?? null });
          case 'topics': {
            if (c === undefined) return json(await source.topics());
            const t = await source.topic(c);
            return t ? json(t) : json({ error: `no topic '${c}'` }, 404);
          }
          case 'groups': {
            if (c === undefined) return json(await source.groups());
            const d = await source.group(c);
            return d ? json({ ...d, lagHistory: sampler.history.points(c) }) : json({ error: `no consumer group '${c}'` }, 404);
          }
          case 'agent': {
            const ag = source.agent();
            return ag ? json(ag) : json({ error: 'no agent runs in this process' }, 404);
          }
          case 'browse': {
            const topic = q.get('topic');
            if (!topic) throw new HttpError(400, 'topic= is required');
            const offset = intParam(q, 'offset', 0);
            const timestamp = timeParam(q, 'time');
            const limit = intParam(q, 'limit', 1);
            const r = await source.browse({ topic, partition: intParam(q, 'partition', 0) ?? 0, ...(offset !== undefined ? { offset } : {}), ...(timestamp !== undefined ? { timestamp } : {}), ...(limit !== undefined ? { limit } : {}) });
            return json(browseJson(r));
          }
          default:
            throw new HttpError(404, `no API /api/${b ?? ''}`);
        }
      default:
        throw new HttpError(404, `no page ${u.pathname}`);
    }
  };

  const server: Server = createServer((req, res) => {
    const host = hostOfHeader(req.headers.host);
    if (host === null || !allowed.has(host)) {
      log.warn({ host: req.headers.host ?? null, url: req.url }, 'request refused: Host header does not name this monitor');
      send(res, 421, 'text/plain; charset=utf-8', `Host ${req.headers.host ?? '(none)'} is not served here (allowed: ${[...allowed].join(', ')})\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'text/plain; charset=utf-8', `${req.method ?? '?'} not allowed\n`, { allow: 'GET, HEAD' });
      return;
    }
    route(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (status === 500) log.error({ err: describeError(err), url: req.url }, 'monitor request failed');
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const wantsJson = (req.url ?? '').startsWith('/api/') || req.url === '/metrics';
      if (wantsJson) send(res, status, JSON_TYPE, JSON.stringify({ error: describeError(err) }));
      else send(res, status, HTML, errorPage(ctx(), status, describeError(err)), SECURITY_HEADERS);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new SluiceError('MONITOR_LISTEN_FAILED', `cannot listen on http://${listener.host}:${listener.port} (sluice.monitor.listener): ${err.message}`, { cause: err })));
    server.listen(listener.port, listener.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  sampler.start();
  const shownHost = addr.address.includes(':') ? `[${addr.address}]` : addr.address;
  const url = `http://${listener.host === 'localhost' ? 'localhost' : shownHost}:${addr.port}/`;
  log.info({ url }, `web monitor on ${url}`);
  let closing: Promise<void> | undefined;
  return {
    host: addr.address,
    port: addr.port,
    url,
    sampler,
    close: () => {
      closing ??= (async () => {
        sampler.stop();
        loop.disable();
        for (const s of streams) s.end();
        streams.clear();
        await new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        });
        await source.close();
      })();
      return closing;
    },
  };
}
