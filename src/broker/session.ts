/**
 * One client connection: length framing, in-order processing, bad-input handling.
 *
 * Wire format: each request is `int32 size` + frame (header + body); responses come
 * back the same way through the connection's single ConnectionWriter.
 *
 * Invariants:
 * - A size prefix above socket.request.max.bytes (or negative) closes the connection
 *   before any buffer for it is allocated; so does a frame too short for a header.
 * - Requests are PROCESSED one at a time in arrival order (Kafka mutes the channel while
 *   a request is in flight): a long-polling Fetch holds its connection. Responses are
 *   queued on the writer in the same order, so they leave in order.
 * - Produce with acks=0 gets no response (the handler returns null).
 * - Unprocessed complete frames are capped by queued.max.request.bytes: above it the
 *   stream is paused until the queue drains; pending output above the same cap makes
 *   processing wait for the writer.
 * - connections.max.idle.ms: a connection with no traffic and no request in progress
 *   for that long is closed.
 * - Bad input (garbage, a truncated frame, an unknown API key or version, a body that
 *   does not decode, a stream that ends halfway through a request) closes this one
 *   connection with ONE log line naming the client and the reason. An unsupported
 *   ApiVersions version instead gets the v0 error body (KIP-511 / kafka.md §3).
 *
 * Ownership: the session owns its stream and writer; the Broker only calls `close`.
 */
import type { Duplex } from 'node:stream';
import { componentLogger } from '../logger.js';
import {
  decodeRequest, decodeRequestHeader, encodeResponse, isSupported, peekRequestHeader,
} from '../protocol/codec.js';
import { KafkaProtocolError } from '../protocol/errors.js';
import { unsupportedApiVersionsBody, API_VERSIONS_KEY } from './handlers/api-versions.js';
import type { DispatchTable } from './handlers/index.js';
import type { BrokerServices, MessageBody, RequestContext } from './handlers/types.js';
import type { ListenerSpec } from './listeners.js';
import type { FileSlice } from './storage/types.js';
import type { ConnectionWriter } from './zero-copy/types.js';


/** The smallest legal frame: apiKey + apiVersion + correlationId + clientId length. */
const MIN_FRAME = 10;

export interface SessionOptions {
  readonly services: BrokerServices;
  readonly table: DispatchTable;
  /** "host:port" of the peer, or a label for in-memory sessions. */
  readonly client: string;
  readonly listener: ListenerSpec | undefined;
  readonly writer: ConnectionWriter;
  /** Called once when the session has closed. */
  readonly onClose?: (session: Session) => void;
}

export class Session {
  readonly client: string;
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private readonly frames: Buffer[] = [];
  private queuedBytes = 0;
  private busy = false;
  private paused = false;
  private ended = false;
  private closedFlag = false;
  private lastActivity = Date.now();
  private idleTimer: NodeJS.Timeout | null = null;
  private clientId: string | null = null;
  private readonly abort = new AbortController();
  /** Looked up per session so a logger swapped at run time (tests, CLI) is honoured. */
  private readonly log = componentLogger('broker.session');
  /** Settles when the last queued response has been handed to the kernel (or failed). */
  private lastWrite: Promise<void> = Promise.resolve();
  private resolveClosed!: () => void;
  /** Resolves once the session has fully closed. */
  readonly closed: Promise<void> = new Promise((r) => (this.resolveClosed = r));

  constructor(private readonly stream: Duplex, private readonly opts: SessionOptions) {
    this.client = opts.client;
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('end', () => this.onEnd());
    stream.on('error', (err) => {
      this.log.debug({ client: this.client, err }, 'connection error');
      this.close();
    });
    stream.on('close', () => this.close());
    this.armIdleTimer();
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  /** Closes the connection; `reason` (bad input, idle) is logged as the one line for it. */
  close(reason?: string, level: 'warn' | 'info' = 'warn'): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    if (reason !== undefined) this.log[level]({ client: this.client, clientId: this.clientId, reason }, `closing connection from ${this.client}: ${reason}`);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.abort.abort();
    this.frames.length = 0;
    this.chunks.length = 0;
    this.buffered = 0;
    this.queuedBytes = 0;
    this.opts.writer.destroy();
    if (!this.stream.destroyed) this.stream.destroy();
    this.resolveClosed();
    this.opts.onClose?.(this);
  }

  // ------------------------------------------------------------------ input

  private onData(chunk: Buffer): void {
    if (this.closedFlag) return;
    this.lastActivity = Date.now();
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.parseFrames();
    if (this.closedFlag) return;
    if (!this.paused && this.frames.length > 0 && this.queuedBytes + this.buffered > this.opts.services.settings.queuedMaxRequestBytes) {
      this.paused = true;
      this.stream.pause();
    }
    void this.pump();
  }

  private onEnd(): void {
    this.ended = true;
    if (this.buffered > 0) {
      this.badInput(`connection ended in the middle of a request (${this.buffered} bytes of an incomplete frame)`);
      return;
    }
    if (!this.busy && this.frames.length === 0) this.closeAfterWrites();
  }

  /** The peer finished sending: close once every queued response has gone out. */
  private closeAfterWrites(): void {
    void this.lastWrite.then(() => this.close());
  }

  private peekInt32(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    const b = Buffer.allocUnsafe(4);
    let n = 0;
    for (const c of this.chunks) {
      const k = Math.min(4 - n, c.length);
      c.copy(b, n, 0, k);
      n += k;
      if (n === 4) break;
    }
    return b.readInt32BE(0);
  }

  /** Removes and returns the first `n` buffered bytes (a view when they lie in one chunk). */
  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0]!;
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const k = Math.min(n - filled, c.length);
      c.copy(out, filled, 0, k);
      filled += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    return out;
  }

  private parseFrames(): void {
    const max = this.opts.services.settings.socketRequestMaxBytes;
    while (this.buffered >= 4) {
      const size = this.peekInt32();
      if (size < 0 || size > max) {
        this.badInput(`request size ${size >>> 0} is outside [0, socket.request.max.bytes=${max}]`);
        return;
      }
      if (size < MIN_FRAME) {
        this.badInput(`truncated frame: size ${size} is too small for a request header`);
        return;
      }
      if (this.buffered < 4 + size) return;
      const frame = this.take(4 + size).subarray(4);
      this.frames.push(frame);
      this.queuedBytes += frame.length;
    }
  }

  // ------------------------------------------------------------- processing

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (!this.closedFlag && this.frames.length > 0) {
        const frame = this.frames.shift()!;
        this.queuedBytes -= frame.length;
        if (this.paused && this.queuedBytes + this.buffered <= this.opts.services.settings.queuedMaxRequestBytes) {
          this.paused = false;
          this.stream.resume();
        }
        await this.process(frame);
        this.lastActivity = Date.now();
      }
    } finally {
      this.busy = false;
    }
    if (this.ended && !this.closedFlag) this.closeAfterWrites();
  }

  private async process(frame: Buffer): Promise<void> {
    const started = process.hrtime.bigint();
    let peek: { apiKey: number; apiVersion: number; correlationId: number };
    try {
      peek = peekRequestHeader(frame);
    } catch (err) {
      this.badInput(`garbage request: ${(err as Error).message}`);
      return;
    }
    const { apiKey, apiVersion, correlationId } = peek;
    const metrics = this.opts.services.metrics;
    if (apiKey === API_VERSIONS_KEY && !this.supported(apiKey, apiVersion)) {
      // KIP-511: answer in the v0 layout with UNSUPPORTED_VERSION and our range.
      await this.send(encodeResponse(API_VERSIONS_KEY, 0, correlationId, unsupportedApiVersionsBody()));
      metrics.recordRequest(apiKey, micros(started), true);
      return;
    }
    const handler = this.opts.table.get(apiKey);
    if (!handler || !this.supported(apiKey, apiVersion)) {
      this.badInput(handler ? `unsupported ${handler.name} version ${apiVersion}` : `unknown API key ${apiKey} (version ${apiVersion})`);
      return;
    }
    let body: MessageBody;
    let header: { apiKey: number; apiVersion: number; correlationId: number; clientId: string | null };
    try {
      const h = decodeRequestHeader(frame);
      header = h.header;
      body = decodeRequest(apiKey, apiVersion, frame, h.bodyOffset);
    } catch (err) {
      this.badInput(`malformed ${handler.name} v${apiVersion} request (correlation id ${correlationId}): ${(err as Error).message}`);
      return;
    }
    this.clientId = header.clientId;
    const ctx: RequestContext = {
      services: this.opts.services,
      header,
      client: this.client,
      listener: this.opts.listener,
      signal: this.abort.signal,
      closeConnection: (reason) => this.close(reason, 'info'),
    };
    let response: MessageBody | null;
    try {
      response = await handler.handle(ctx, body);
    } catch (err) {
      metrics.recordRequest(apiKey, micros(started), true);
      if (err instanceof KafkaProtocolError) this.badInput(`invalid ${handler.name} v${apiVersion} request: ${err.message}`);
      else {
        this.log.error({ client: this.client, err, api: handler.name }, 'handler failed');
        this.close(`${handler.name} handler failed: ${(err as Error).message}`);
      }
      return;
    }
    metrics.recordRequest(apiKey, micros(started), false);
    if (response === null) return;
    if (this.closedFlag) {
      releaseSlices(response);
      return;
    }
    let parts;
    try {
      parts = encodeResponse(apiKey, apiVersion, correlationId, response);
    } catch (err) {
      releaseSlices(response);
      this.log.error({ client: this.client, err, api: handler.name }, 'response encoding failed');
      this.close(`could not encode the ${handler.name} v${apiVersion} response: ${(err as Error).message}`);
      return;
    }
    await this.send(parts);
  }

  private supported(apiKey: number, version: number): boolean {
    const h = this.opts.table.get(apiKey);
    if (!h || !isSupported(apiKey, version)) return false;
    const adv = this.opts.table.advertised.find((a) => a.apiKey === apiKey);
    return adv !== undefined && version >= adv.minVersion && version <= adv.maxVersion;
  }

  private async send(parts: Parameters<ConnectionWriter['write']>[0]): Promise<void> {
    const writer = this.opts.writer;
    const done = writer.write(parts).then(
      () => {
        this.lastActivity = Date.now();
      },
      (err: unknown) => {
        this.log.debug({ client: this.client, err }, 'write failed');
        this.close();
      },
    );
    this.lastWrite = done;
    if (writer.pendingBytes > this.opts.services.settings.queuedMaxRequestBytes) await done;
  }

  private badInput(reason: string): void {
    this.opts.services.metrics.closedForBadInput++;
    this.close(reason);
  }

  private armIdleTimer(): void {
    const idle = this.opts.services.settings.connectionsMaxIdleMs;
    if (!(idle > 0)) return;
    const check = (): void => {
      if (this.closedFlag) return;
      const quiet = Date.now() - this.lastActivity;
      if (!this.busy && quiet >= idle) {
        this.close(`idle for ${quiet} ms (connections.max.idle.ms=${idle})`, 'info');
        return;
      }
      this.idleTimer = setTimeout(check, Math.max(10, idle - quiet));
      this.idleTimer.unref();
    };
    this.idleTimer = setTimeout(check, idle);
    this.idleTimer.unref();
  }
}

function micros(started: bigint): number {
  return Number((process.hrtime.bigint() - started) / 1000n);
}

/** Releases every FileSlice inside a response body that will not be sent. */
export function releaseSlices(body: unknown): void {
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    const o = v as Record<string, unknown>;
    if ('file' in o && 'position' in o && 'length' in o) {
      (o as unknown as FileSlice).file.release();
      return;
    }
    for (const k of Object.keys(o)) walk(o[k]);
  };
  walk(body);
}

