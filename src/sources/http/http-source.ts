/**
 * `http` source (org.apache.flume.source.http.HTTPSource) with Flume's JSONHandler.
 *
 * Properties: `port` (required), `bind` 0.0.0.0, `handler`
 * (org.apache.flume.source.http.JSONHandler, the only one supported; other handlers are
 * a ConfigError), and Sluice's `maxBodyBytes` (default 67108864 = 64 MiB: a request body
 * larger than this gets 413 as soon as its Content-Length or the bytes read say so).
 * Flume's `handler.*`, Jetty thread-pool and SSL keys are not supported (SSL → ConfigError).
 *
 * Per request (any path; POST, and GET/PUT as Flume's servlet treats them alike):
 * - The charset comes from Content-Type (`charset=`; UTF-8 default; UTF-16/UTF-32 as
 *   Java decodes them, see json-charset.ts); another charset → 415.
 * - The body is decoded and tokenized as it arrives (json-event-reader.ts): the raw body
 *   is never held whole. Bad JSON → 400 "Bad request from client. <why> at or before
 *   character N (line L) of the request body".
 * - Bodies are re-encoded with the request charset (as JSONEvent.getBody does).
 * - All events of a request are sent as one batch: one transaction per channel.
 *   200 on commit (empty body); 503 on a channel error (full, transaction capacity,
 *   disk space, stopped); 500 on anything else.
 * Error replies close the connection (the rest of the body is not read).
 * Counters: EventReceivedCount, EventAcceptedCount, AppendBatchReceivedCount,
 * AppendBatchAcceptedCount, ChannelWriteFail, EventReadFail, OpenConnectionCount.
 * Each request is independent; no state is shared between requests except counters.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Source, SourceContext, SourceFactory } from '../../agent/component.js';
import { EventBatch, type FlumeEvent } from '../../agent/event-batch.js';
import { SluiceError, describeError } from '../../errors.js';
import { ChannelError } from '../../channels/channel-errors.js';
import { charsetOf, createTextDecoder, encodeBody } from './json-charset.js';
import { JsonEventError, JsonEventReader } from './json-event-reader.js';
import { bindOrFail, boundAddress, closeServers, trackConnection } from '../source-listener.js';

export const JSON_HANDLER = 'org.apache.flume.source.http.JSONHandler';
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface HttpSourceConfig {
  readonly bind: string;
  readonly port: number;
  readonly maxBodyBytes: number;
}

export function httpSourceConfig(ctx: Pick<SourceContext, 'props'>): HttpSourceConfig {
  const p = ctx.props;
  p.requireString('port');
  const port = p.getInt('port', 0, { min: 0, max: 65535 });
  const handler = p.getString('handler', JSON_HANDLER);
  if (handler !== JSON_HANDLER && handler.toLowerCase() !== 'json') throw p.invalid('handler', undefined, `${JSON_HANDLER} (the only handler Sluice implements)`);
  if (p.getBoolean('enableSSL', false) || p.getBoolean('ssl', false)) throw p.invalid(p.has('ssl') ? 'ssl' : 'enableSSL', undefined, 'false (SSL is not supported by the Sluice http source)');
  return {
    bind: p.getString('bind', '0.0.0.0'),
    port,
    maxBodyBytes: p.getInt('maxBodyBytes', DEFAULT_MAX_BODY_BYTES, { min: 1 }),
  };
}

export class HttpSource implements Source {
  readonly name: string;
  readonly config: HttpSourceConfig;
  private readonly ctx: SourceContext;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(ctx: SourceContext) {
    this.ctx = ctx;
    this.name = ctx.name;
    this.config = httpSourceConfig(ctx);
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  address(): AddressInfo {
    return boundAddress(this.server, `http source ${this.name}`);
  }

  async start(): Promise<void> {
    this.ctx.metrics.start();
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (s) => trackConnection(s, this.sockets, this.ctx.metrics));
    this.server = server;
    const { port, bind } = this.config;
    try {
      await bindOrFail(server, (done) => server.listen(port, bind, done), `http source ${this.name}`, `${bind}:${port}`);
    } catch (err) {
      this.server = undefined;
      throw err;
    }
    server.on('error', (err) => this.ctx.logger.error({ err: describeError(err) }, 'http server error'));
    this.ctx.logger.info({ address: this.address() }, 'http source listening');
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await closeServers([server], this.sockets);
    this.ctx.metrics.stop();
  }

  private reply(req: IncomingMessage, res: ServerResponse, status: number, message: string, close: boolean): void {
    if (res.headersSent) return;
    const body = message === '' ? '' : `${message}\n`;
    res.statusCode = status;
    if (body !== '') res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    if (close) {
      res.setHeader('Connection', 'close');
      res.end(body, () => req.destroy());
    } else {
      res.end(body);
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const m = req.method ?? 'GET';
    if (m === 'TRACE' || m === 'OPTIONS') {
      this.reply(req, res, 403, `Method ${m} is not allowed`, true);
      return;
    }
    const max = this.config.maxBodyBytes;
    const declared = Number(req.headers['content-length'] ?? -1);
    if (declared > max) {
      this.ctx.metrics.increment('EventReadFail');
      this.reply(req, res, 413, `Request body of ${declared} bytes exceeds maxBodyBytes (${max})`, true);
      return;
    }
    const charset = charsetOf(req.headers['content-type']);
    if (charset === undefined) {
      this.ctx.metrics.increment('EventReadFail');
      this.reply(req, res, 415, `Unsupported charset in Content-Type "${req.headers['content-type']}": JSON handler supports UTF-8, UTF-16 and UTF-32 only.`, true);
      return;
    }
    const decoder = createTextDecoder(charset);
    const reader = new JsonEventReader();
    let bytes = 0;
    let failed = false;
    const fail = (status: number, msg: string): void => {
      if (failed) return;
      failed = true;
      req.removeAllListeners('data');
      this.ctx.metrics.increment('EventReadFail');
      this.ctx.logger.debug({ status, msg, url: req.url }, 'http request rejected');
      this.reply(req, res, status, msg, true);
    };
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      bytes += chunk.length;
      if (bytes > max) {
        fail(413, `Request body exceeds maxBodyBytes (${max})`);
        return;
      }
      try {
        reader.write(decoder.write(chunk));
      } catch (err) {
        fail(400, `Bad request from client. ${describeError(err)}`);
      }
    });
    req.on('error', (err) => this.ctx.logger.debug({ err: describeError(err) }, 'http request stream error'));
    req.on('end', () => {
      if (failed) return;
      let events: FlumeEvent[];
      try {
        reader.write(decoder.end());
        events = reader.end().map((e) => ({ headers: e.headers, body: encodeBody(charset, e.body) }));
      } catch (err) {
        fail(err instanceof JsonEventError || err instanceof SluiceError ? 400 : 500, `${err instanceof JsonEventError ? 'Bad request from client. ' : ''}${describeError(err)}`);
        return;
      }
      void this.deliver(req, res, events);
    });
  }

  private async deliver(req: IncomingMessage, res: ServerResponse, events: FlumeEvent[]): Promise<void> {
    const metrics = this.ctx.metrics;
    metrics.increment('AppendBatchReceivedCount');
    metrics.increment('EventReceivedCount', events.length);
    if (events.length === 0) {
      metrics.increment('AppendBatchAcceptedCount');
      this.reply(req, res, 200, '', false);
      return;
    }
    try {
      await this.ctx.output.send(EventBatch.fromEvents(events));
    } catch (err) {
      metrics.increment('ChannelWriteFail');
      if (err instanceof ChannelError || (err instanceof SluiceError && err.retriable)) {
        this.ctx.logger.warn({ err: describeError(err) }, 'Error appending event to channel. Channel might be full. Consider increasing the channel capacity or make sure the sinks perform faster.');
        this.reply(req, res, 503, `Error appending event to channel. Channel might be full. ${describeError(err)}`, false);
      } else {
        this.ctx.logger.error({ err: describeError(err) }, 'Unexpected error appending events to the channel');
        this.reply(req, res, 500, `Unexpected error while appending events. ${describeError(err)}`, false);
      }
      return;
    }
    metrics.increment('AppendBatchAcceptedCount');
    metrics.increment('EventAcceptedCount', events.length);
    this.reply(req, res, 200, '', false);
  }
}

export const httpSourceFactory: SourceFactory = {
  kind: 'source',
  aliases: ['http'],
  classNames: ['org.apache.flume.source.http.HTTPSource'],
  create: (ctx) => new HttpSource(ctx),
};
