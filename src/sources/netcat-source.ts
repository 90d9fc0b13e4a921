/**
 * `netcat` source (org.apache.flume.source.NetcatSource): a TCP server where each line
 * a client sends (terminated by `\n`) is one event.
 *
 * Properties: `bind` and `port` (both required), `max-line-length` 512, `ack-every-event`
 * true, `encoding` utf-8 (ISO-8859-1 / US-ASCII also accepted).
 *
 * Wire behaviour, as Flume's:
 * - The body is the line without its `\n` (a `\r` is kept), in UTF-8 (text read in
 *   another `encoding` is transcoded, as Flume re-encodes with UTF-8).
 * - After each accepted event the reply is `OK\n` (only with ack-every-event=true); a
 *   failed event gets `FAILED: <error message>\n` in both modes.
 * - A line of max-line-length characters or more (the newline must fit in the
 *   512-char buffer) gets `FAILED: Event exceeds the maximum length (512 chars,
 *   including newline)\n` and the connection is closed; earlier lines are handled first.
 * - An unterminated last line when the client closes is discarded.
 * Deviations (documented): bytes that are not valid UTF-8 get
 * `FAILED: Malformed input for charset utf-8\n` and a close (Flume's decoder throws and
 * closes without a reply). Flume commits one transaction per event; Sluice sends all
 * complete lines of one read as one batch and answers each of them: `OK\n` for all if
 * the batch committed, otherwise `FAILED: …\n` for all (a client that re-sends
 * FAILED lines loses nothing; none of them were committed). A batch never exceeds the
 * channel's transactionCapacity (see netcat-batch-limit.ts).
 *
 * Backpressure: a connection is not read while its batch is being sent, nor while more
 * than 64 KiB of replies wait for the client to read them. Connections are independent.
 * Counters: OpenConnectionCount (current), EventReceivedCount, EventAcceptedCount,
 * AppendBatchReceivedCount/AcceptedCount, ChannelWriteFail, EventReadFail (over-long or
 * malformed lines).
 */
import { isUtf8 } from 'node:buffer';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Source, SourceContext, SourceFactory } from '../agent/component.js';
import { EventBatch } from '../agent/event-batch.js';
import { describeError } from '../errors.js';
import { isAsciiCompatible, nodeEncoding } from '../interceptors/java-charset.js';
import { BatchLimit } from './netcat-batch-limit.js';
import { bindOrFail, boundAddress, closeServers, trackConnection } from './source-listener.js';

const OK = Buffer.from('OK\n');
const MAX_PENDING_REPLIES = 64 * 1024;

export interface NetcatSourceConfig {
  readonly bind: string;
  readonly port: number;
  readonly maxLineLength: number;
  readonly ackEveryEvent: boolean;
  readonly encoding: BufferEncoding;
  readonly encodingName: string;
}

export function netcatSourceConfig(ctx: Pick<SourceContext, 'props'>): NetcatSourceConfig {
  const p = ctx.props;
  const bind = p.requireString('bind');
  p.requireString('port');
  const port = p.getInt('port', 0, { min: 0, max: 65535 });
  const encodingName = p.getString('encoding', 'utf-8');
  const encoding = nodeEncoding(encodingName);
  if (encoding === undefined || !isAsciiCompatible(encoding)) throw p.invalid('encoding', undefined, 'an ASCII-compatible charset (utf-8, ISO-8859-1, US-ASCII)');
  return {
    bind,
    port,
    maxLineLength: p.getInt('max-line-length', 512, { min: 1 }),
    ackEveryEvent: p.getBoolean('ack-every-event', true),
    encoding,
    encodingName,
  };
}

/** Java chars (UTF-16 units) in a UTF-8 byte range; ASCII-only ranges count bytes. */
function utf16Length(buf: Buffer, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if ((b & 0xc0) !== 0x80) n += b >= 0xf0 ? 2 : 1;
  }
  return n;
}

export class NetcatSource implements Source {
  readonly name: string;
  readonly config: NetcatSourceConfig;
  private readonly ctx: SourceContext;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly tooLong: Buffer;
  private readonly batchLimit = new BatchLimit();

  constructor(ctx: SourceContext) {
    this.ctx = ctx;
    this.name = ctx.name;
    this.config = netcatSourceConfig(ctx);
    this.tooLong = Buffer.from(`FAILED: Event exceeds the maximum length (${this.config.maxLineLength} chars, including newline)\n`);
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  /** The bound address (after start()); tests use it with port 0. */
  address(): AddressInfo {
    return boundAddress(this.server, `netcat source ${this.name}`);
  }

  async start(): Promise<void> {
    this.ctx.metrics.start();
    const server = createServer((socket) => this.handle(socket));
    this.server = server;
    const { port, bind } = this.config;
    await bindOrFail(server, (done) => server.listen(port, bind, done), `netcat source ${this.name}`, `${bind}:${port}`);
    server.on('error', (err) => this.ctx.logger.error({ err: describeError(err) }, 'netcat server error'));
    this.ctx.logger.info({ address: this.address() }, 'netcat source listening');
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await closeServers([server], this.sockets);
    this.ctx.metrics.stop();
  }

  private handle(socket: Socket): void {
    trackConnection(socket, this.sockets, this.ctx.metrics);
    let pending: Buffer = Buffer.alloc(0);
    let busy = false;
    let closed = false;
    const cfg = this.config;
    socket.on('close', () => {
      closed = true;
    });
    socket.on('error', (err) => this.ctx.logger.debug({ err: describeError(err) }, 'netcat connection error'));

    const pump = async (): Promise<void> => {
      busy = true;
      socket.pause();
      try {
        while (!closed) {
          const r = this.scan(pending);
          if (r.count === 0 && r.fail === undefined) break;
          if (r.count > 0) {
            const batch = this.toBatch(pending, r.starts.subarray(0, r.count), r.ends.subarray(0, r.count));
            await this.sendAndReply(socket, batch);
          }
          pending = pending.subarray(r.consumed);
          if (r.fail !== undefined) {
            this.ctx.metrics.increment('EventReadFail');
            this.ctx.logger.warn({ reason: r.fail }, r.fail === 'too-long' ? 'Client sent event exceeding the maximum length' : 'Client sent malformed input');
            socket.end(r.fail === 'too-long' ? this.tooLong : Buffer.from(`FAILED: Malformed input for charset ${cfg.encodingName}\n`));
            closed = true;
            return;
          }
          if (socket.writableLength > MAX_PENDING_REPLIES) {
            await new Promise<void>((resolve) => {
              socket.once('drain', resolve);
              socket.once('close', resolve);
            });
          }
        }
      } finally {
        busy = false;
        if (!closed) socket.resume();
      }
    };

    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (!busy) void pump().catch((err: unknown) => {
        this.ctx.logger.error({ err: describeError(err) }, 'netcat connection handler failed');
        socket.destroy();
      });
    });
  }

  /** Complete lines at the start of `buf`; stops at an over-long or malformed line. */
  private scan(buf: Buffer): { count: number; starts: Uint32Array; ends: Uint32Array; consumed: number; fail?: 'too-long' | 'malformed' } {
    const max = this.config.maxLineLength;
    const utf8 = this.config.encoding === 'utf8';
    let starts = new Uint32Array(64);
    let ends = new Uint32Array(64);
    let count = 0;
    let pos = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, pos);
      const lineEnd = nl === -1 ? buf.length : nl;
      // The line plus its newline must fit in max-line-length chars (Java's CharBuffer).
      if (lineEnd - pos >= max) {
        const chars = utf8 ? utf16Length(buf, pos, lineEnd) : lineEnd - pos;
        if (chars >= max) return { count, starts, ends, consumed: pos, fail: 'too-long' };
      }
      if (nl === -1) return { count, starts, ends, consumed: pos };
      if (utf8 && !isUtf8(buf.subarray(pos, nl))) return { count, starts, ends, consumed: pos, fail: 'malformed' };
      if (count === starts.length) {
        const s2 = new Uint32Array(count * 2);
        s2.set(starts);
        starts = s2;
        const e2 = new Uint32Array(count * 2);
        e2.set(ends);
        ends = e2;
      }
      starts[count] = pos;
      ends[count] = nl;
      count++;
      pos = nl + 1;
    }
  }

  private toBatch(buf: Buffer, starts: Uint32Array, ends: Uint32Array): EventBatch {
    const n = starts.length;
    const last = ends[n - 1]!;
    const first = starts[0]!;
    if (this.config.encoding === 'utf8') {
      // Copy: `buf` is the connection's read buffer and the batch may outlive it.
      const data = Buffer.from(buf.subarray(first, last));
      const s = new Uint32Array(n);
      const e = new Uint32Array(n);
      for (let i = 0; i < n; i++) {
        s[i] = starts[i]! - first;
        e[i] = ends[i]! - first;
      }
      return new EventBatch({ data, starts: s, ends: e });
    }
    // Single-byte charsets: bodies become UTF-8, as Flume re-encodes the decoded line.
    const events = [];
    for (let i = 0; i < n; i++) {
      events.push({ headers: {}, body: Buffer.from(buf.toString(this.config.encoding, starts[i]!, ends[i]!), 'utf8') });
    }
    return EventBatch.fromEvents(events);
  }

  private async sendAndReply(socket: Socket, batch: EventBatch): Promise<void> {
    const m = this.ctx.metrics;
    await this.batchLimit.sendAll(this.ctx.output, batch, this.ctx.logger, (n, err) => {
      m.increment('EventReceivedCount', n);
      m.increment('AppendBatchReceivedCount');
      let reply: Buffer | undefined;
      if (err === undefined) {
        m.increment('EventAcceptedCount', n);
        m.increment('AppendBatchAcceptedCount');
        if (this.config.ackEveryEvent) reply = n === 1 ? OK : Buffer.alloc(3 * n, OK);
      } else {
        m.increment('ChannelWriteFail');
        this.ctx.logger.warn({ err: describeError(err), events: n }, 'Error processing event');
        reply = Buffer.from(`FAILED: ${describeError(err).replace(/\n/g, ' ')}\n`.repeat(n));
      }
      if (reply && !socket.destroyed) socket.write(reply);
    });
  }
}

export const netcatSourceFactory: SourceFactory = {
  kind: 'source',
  aliases: ['netcat'],
  classNames: ['org.apache.flume.source.NetcatSource'],
  create: (ctx) => new NetcatSource(ctx),
};
