/**
 * Syslog sources: `syslogtcp` (SyslogTcpSource), `multiport_syslogtcp`
 * (MultiportSyslogTCPSource) and `syslogudp` (SyslogUDPSource).
 *
 * Properties (Flume's names and defaults):
 * - all: `host` (bind address; all interfaces when absent), `keepFields` none,
 *   `clientIPHeader`, `clientHostnameHeader` (header names; unset → not added).
 * - syslogtcp / syslogudp: `port` (required), `eventSize` 2500 (min 10).
 * - multiport_syslogtcp: `ports` (space-separated, required), `portHeader`,
 *   `charset.default` UTF-8, `charset.port.<port>`, `batchSize` 100, `readBufferBytes`
 *   1024 (accepted; Node sizes its own reads), `eventSize` 2500, `numProcessors` (ignored).
 * Charsets are validated; bodies are passed on as the bytes received (see syslog-parser.ts).
 *
 * TCP: per connection a SyslogFramer (octet counting or newline framing) → parseSyslog →
 * one batch per read (split at batchSize). The connection is paused while its batch is
 * sent. A retriable channel failure is retried with Flume's runner backoff (1 s doubling
 * to 5 s) while the connection stays paused (TCP back-pressure to the sender); a
 * non-retriable one drops the batch with an error log and ChannelWriteFail. A framing
 * error (bad octet count) closes that connection with a warning; an unterminated last
 * message at close becomes an event. UDP: one datagram → one event (cut at eventSize,
 * Incomplete); datagrams are batched per event-loop turn; a failed batch is dropped and
 * counted (ChannelWriteFail), as Flume's UDP source does.
 * Counters: EventReceivedCount, EventAcceptedCount, AppendBatchReceived/AcceptedCount,
 * ChannelWriteFail, EventReadFail (Invalid/Incomplete events, framing errors),
 * OpenConnectionCount (TCP).
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { reverse } from 'node:dns/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Source, SourceContext, SourceFactory } from '../../agent/component.js';
import { EventBatch, type FlumeEvent, type Headers } from '../../agent/event-batch.js';
import type { ComponentProps } from '../../agent/component-props.js';
import { SluiceError, describeError } from '../../errors.js';
import { nodeEncoding } from '../../interceptors/java-charset.js';
import { parseKeepFields, parseSyslog, splitMessage, STATUS_HEADER, type KeepFields } from './syslog-parser.js';
import { FramingError, SyslogFramer } from './syslog-framing.js';
import { bindOrFail, closeServers, trackConnection } from '../source-listener.js';

export const DEFAULT_EVENT_SIZE = 2500;
const MAX_OCTET_FRAME = 16 * 1024 * 1024;

export interface SyslogSourceConfig {
  readonly host: string | undefined;
  readonly ports: readonly number[];
  readonly eventSize: number;
  readonly keepFields: KeepFields;
  readonly clientIPHeader: string | undefined;
  readonly clientHostnameHeader: string | undefined;
  readonly batchSize: number;
  readonly portHeader: string | undefined;
  readonly readBufferBytes: number;
  /** Java charset name per port (multiport), for the record; bodies are not transcoded. */
  readonly charsets: ReadonlyMap<number, string>;
}

function checkCharset(p: ComponentProps, key: string, value: string): void {
  if (nodeEncoding(value) === undefined && !/^utf-?(16|32)/i.test(value)) throw p.invalid(key, undefined, 'a supported charset (UTF-8, ISO-8859-1, US-ASCII, UTF-16LE)');
}

export function syslogSourceConfig(ctx: Pick<SourceContext, 'props'>, kind: 'tcp' | 'udp' | 'multiport'): SyslogSourceConfig {
  const p = ctx.props;
  const port = (key: string, v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) > 65535) throw p.invalid(key, undefined, 'a port number (0-65535)');
    return Number(v);
  };
  let ports: number[];
  const charsets = new Map<number, string>();
  if (kind === 'multiport') {
    p.requireString('ports');
    ports = p.getList('ports').map((v) => port('ports', v));
    const def = p.getString('charset.default', 'UTF-8');
    checkCharset(p, 'charset.default', def);
    const per = p.sub('charset.port');
    for (const pt of ports) charsets.set(pt, def);
    for (const k of per.keys()) {
      const v = per.getString(k)!;
      checkCharset(p, `charset.port.${k}`, v);
      charsets.set(port(`charset.port.${k}`, k), v);
    }
    p.getString('numProcessors');
  } else {
    p.requireString('port');
    ports = [p.getInt('port', 0, { min: 0, max: 65535 })];
  }
  return {
    host: p.getString('host'),
    ports,
    eventSize: p.getInt('eventSize', DEFAULT_EVENT_SIZE, { min: 1 }),
    keepFields: parseKeepFields(p.getString('keepFields')),
    clientIPHeader: p.getString('clientIPHeader'),
    clientHostnameHeader: p.getString('clientHostnameHeader'),
    batchSize: kind === 'multiport' ? p.getInt('batchSize', 100, { min: 1 }) : Number.MAX_SAFE_INTEGER,
    portHeader: kind === 'multiport' ? p.getString('portHeader') : undefined,
    readBufferBytes: kind === 'multiport' ? p.getInt('readBufferBytes', 1024, { min: 1 }) : 1024,
    charsets,
  };
}

/** Shared parsing/sending for the three sources. */
abstract class SyslogSourceBase implements Source {
  readonly name: string;
  readonly config: SyslogSourceConfig;
  protected readonly ctx: SourceContext;
  protected running = false;
  private readonly hostnames = new Map<string, Promise<string>>();

  constructor(ctx: SourceContext, kind: 'tcp' | 'udp' | 'multiport') {
    this.ctx = ctx;
    this.name = ctx.name;
    this.config = syslogSourceConfig(ctx, kind);
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  get batchSize(): number | undefined {
    return this.config.batchSize === Number.MAX_SAFE_INTEGER ? undefined : this.config.batchSize;
  }

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;

  /** Client headers for a peer (hostname resolved once per address, IP on failure). */
  protected async clientHeaders(ip: string | undefined, localPort: number): Promise<Headers> {
    const h: Headers = {};
    const c = this.config;
    if (c.clientIPHeader && ip) h[c.clientIPHeader] = ip;
    if (c.clientHostnameHeader && ip) {
      let p = this.hostnames.get(ip);
      if (!p) {
        p = reverse(ip).then((names) => names[0] ?? ip, () => ip);
        this.hostnames.set(ip, p);
        if (this.hostnames.size > 10_000) this.hostnames.clear();
      }
      h[c.clientHostnameHeader] = await p;
    }
    if (c.portHeader) h[c.portHeader] = String(localPort);
    return h;
  }

  /** Parses framed messages into events (one or more per message). */
  protected toEvents(messages: readonly Buffer[], extra: Headers, udp: boolean): FlumeEvent[] {
    const out: FlumeEvent[] = [];
    const now = Date.now();
    const opts = { keepFields: this.config.keepFields, now };
    const hasExtra = Object.keys(extra).length > 0;
    let bad = 0;
    for (const m of messages) {
      for (const { piece, incomplete } of splitMessage(m, this.config.eventSize, udp)) {
        const ev = parseSyslog(piece, incomplete, opts);
        if (ev.headers[STATUS_HEADER] !== undefined) bad++;
        out.push(hasExtra ? { headers: { ...ev.headers, ...extra }, body: ev.body } : ev);
      }
      if (udp && m.length > Math.max(this.config.eventSize, 10)) {
        this.ctx.logger.debug({ bytes: m.length, eventSize: this.config.eventSize }, 'syslog datagram longer than eventSize: the rest is not read (Flume semantics)');
      }
    }
    if (bad > 0) {
      this.ctx.metrics.increment('EventReadFail', bad);
      this.ctx.logger.debug({ count: bad }, 'syslog events with flume.syslog.status (Invalid or Incomplete)');
    }
    return out;
  }

  /**
   * Sends events in batches of batchSize; retries retriable failures while `retry()` holds.
   * A batch larger than a channel's transactionCapacity (syslogtcp/udp batch per read, and
   * Flume configs size channels for one event per transaction) is split in halves.
   */
  protected async deliver(events: FlumeEvent[], retry: () => boolean): Promise<boolean> {
    for (let i = 0; i < events.length; i += this.config.batchSize) {
      const part = events.slice(i, i + this.config.batchSize);
      if (!(await this.deliverPart(part, retry))) return false;
    }
    return true;
  }

  private async deliverPart(part: FlumeEvent[], retry: () => boolean): Promise<boolean> {
    const m = this.ctx.metrics;
    {
      const batch = EventBatch.fromEvents(part);
      m.increment('EventReceivedCount', part.length);
      m.increment('AppendBatchReceivedCount');
      let backoff = 1000;
      for (;;) {
        try {
          await this.ctx.output.send(batch);
          m.increment('EventAcceptedCount', part.length);
          m.increment('AppendBatchAcceptedCount');
          break;
        } catch (err) {
          m.increment('ChannelWriteFail');
          if (err instanceof SluiceError && err.code === 'CHANNEL_TRANSACTION_CAPACITY' && part.length > 1) {
            m.increment('EventReceivedCount', -part.length);
            m.increment('AppendBatchReceivedCount', -1);
            const half = Math.ceil(part.length / 2);
            return (await this.deliverPart(part.slice(0, half), retry)) && (await this.deliverPart(part.slice(half), retry));
          }
          const retriable = err instanceof SluiceError && err.retriable;
          if (!retriable || !retry() || !this.running) {
            this.ctx.logger.error({ err: describeError(err), events: part.length }, 'Error writing to channel, syslog events dropped');
            return false;
          }
          this.ctx.logger.warn({ err: describeError(err), backoffMs: backoff }, 'channel refused syslog events; retrying');
          await new Promise((r) => setTimeout(r, backoff));
          backoff = Math.min(backoff * 2, 5000);
          if (!retry() || !this.running) return false;
        }
      }
    }
    return true;
  }
}

export class SyslogTcpSource extends SyslogSourceBase {
  private servers: Server[] = [];
  private readonly sockets = new Set<Socket>();

  constructor(ctx: SourceContext, multiport: boolean) {
    super(ctx, multiport ? 'multiport' : 'tcp');
  }

  /** Bound addresses in `ports` order (after start()). */
  addresses(): AddressInfo[] {
    return this.servers.map((s) => s.address() as AddressInfo);
  }

  async start(): Promise<void> {
    this.ctx.metrics.start();
    this.running = true;
    for (const port of this.config.ports) {
      const server = createServer((s) => this.handle(s));
      const host = this.config.host ?? '0.0.0.0';
      try {
        await bindOrFail(server, (done) => server.listen(port, host, done), `syslog source ${this.name}`, `${host}:${port}`);
      } catch (err) {
        await this.stop();
        throw err;
      }
      server.on('error', (err) => this.ctx.logger.error({ err: describeError(err) }, 'syslog server error'));
      this.servers.push(server);
    }
    this.ctx.logger.info({ addresses: this.addresses() }, 'syslog tcp source listening');
  }

  async stop(): Promise<void> {
    this.running = false;
    const servers = this.servers;
    this.servers = [];
    await closeServers(servers, this.sockets);
    this.ctx.metrics.stop();
  }

  private handle(socket: Socket): void {
    const m = this.ctx.metrics;
    trackConnection(socket, this.sockets, m);
    const framer = new SyslogFramer(Math.max(this.config.eventSize, 10), Math.max(MAX_OCTET_FRAME, this.config.eventSize));
    let chain: Promise<void> = Promise.resolve();
    const extraP = this.clientHeaders(socket.remoteAddress, socket.localPort ?? 0);
    const process = (messages: Buffer[]): void => {
      if (messages.length === 0) return;
      socket.pause();
      chain = chain.then(async () => {
        const events = this.toEvents(messages, await extraP, false);
        // Received data is retried until delivered or the source stops, even if the client left.
        await this.deliver(events, () => this.running);
      }).catch((err: unknown) => this.ctx.logger.error({ err: describeError(err) }, 'syslog connection handler failed'))
        .finally(() => {
          if (!socket.destroyed) socket.resume();
        });
    };
    socket.on('data', (chunk: Buffer) => {
      try {
        process(framer.push(chunk));
      } catch (err) {
        m.increment('EventReadFail');
        this.ctx.logger.warn({ err: describeError(err), remote: socket.remoteAddress }, err instanceof FramingError ? 'syslog framing error; closing the connection' : 'syslog read failed');
        socket.destroy();
      }
    });
    socket.on('end', () => {
      const rest = framer.end();
      if (rest) process([rest]);
    });
    socket.on('error', (err) => this.ctx.logger.debug({ err: describeError(err) }, 'syslog connection error'));
  }
}

export class SyslogUdpSource extends SyslogSourceBase {
  private socket: UdpSocket | undefined;
  private pending: { msg: Buffer; ip: string; port: number }[] = [];
  private scheduled = false;

  constructor(ctx: SourceContext) {
    super(ctx, 'udp');
  }

  address(): AddressInfo {
    const a = this.socket?.address();
    if (!a) throw new SluiceError('SOURCE_NOT_STARTED', `syslog udp source ${this.name} is not listening`);
    return a;
  }

  async start(): Promise<void> {
    this.ctx.metrics.start();
    this.running = true;
    const host = this.config.host ?? '0.0.0.0';
    const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    this.socket = sock;
    const port = this.config.ports[0];
    try {
      await bindOrFail(sock, (done) => sock.bind(port, host, done), `syslog udp source ${this.name}`, `${host}:${port}`);
    } catch (err) {
      this.socket = undefined;
      throw err;
    }
    sock.on('error', (err) => this.ctx.logger.error({ err: describeError(err) }, 'syslog udp socket error'));
    sock.on('message', (msg, rinfo) => {
      this.pending.push({ msg, ip: rinfo.address, port: sock.address().port });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
    this.ctx.logger.info({ address: this.address() }, 'syslog udp source listening');
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const items = this.pending;
    this.pending = [];
    const events: FlumeEvent[] = [];
    for (const it of items) {
      const extra = await this.clientHeaders(it.ip, it.port);
      events.push(...this.toEvents([it.msg], extra, true));
    }
    await this.deliver(events, () => false);
  }

  async stop(): Promise<void> {
    this.running = false;
    const s = this.socket;
    this.socket = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
    this.ctx.metrics.stop();
  }
}

export const syslogTcpSourceFactory: SourceFactory = {
  kind: 'source',
  aliases: ['syslogtcp'],
  classNames: ['org.apache.flume.source.SyslogTcpSource'],
  create: (ctx) => new SyslogTcpSource(ctx, false),
};

export const multiportSyslogTcpSourceFactory: SourceFactory = {
  kind: 'source',
  aliases: ['multiport_syslogtcp'],
  classNames: ['org.apache.flume.source.MultiportSyslogTCPSource'],
  create: (ctx) => new SyslogTcpSource(ctx, true),
};

export const syslogUdpSourceFactory: SourceFactory = {
  kind: 'source',
  aliases: ['syslogudp'],
  classNames: ['org.apache.flume.source.SyslogUDPSource'],
  create: (ctx) => new SyslogUdpSource(ctx),
};
