/**
 * One TCP connection to one Kafka broker: length framing, correlation ids, the in-flight
 * map, and ApiVersions negotiation.
 *
 * Contract:
 * - `KafkaConnection.connect` opens the socket and negotiates: ApiVersions v3 first; on
 *   UNSUPPORTED_VERSION (the broker answers with a v0 body) it retries with the highest
 *   version the broker listed, else v0. Afterwards `versionFor(api)` is
 *   min(codec max, broker max), and an API the broker lacks (or with no overlap) throws
 *   UNSUPPORTED_VERSION naming the API.
 * - Requests may be pipelined; responses are matched by correlation id. Each request has
 *   a timeout (REQUEST_TIMED_OUT); a socket error or close rejects every in-flight request
 *   with CLIENT_CONNECTION_CLOSED. `noResponse` (Produce acks=0) resolves once written.
 * - Incoming bytes are kept as a chunk list and concatenated once per complete frame, so a
 *   large Fetch response is not re-copied per TCP chunk.
 * Owned by whoever created it (a KafkaClient); not shared across clients.
 */
import net from 'node:net';
import { SluiceError } from '../errors.js';
import { componentLogger } from '../logger.js';
import { apiName } from '../protocol/api-keys.js';
import {
  SUPPORTED_APIS, decodeResponse, encodeRequest,
  type Encodable, type KnownApiKey, type RequestBodies, type ResponseBodies,
} from '../protocol/codec.js';
import { ErrorCode, KafkaProtocolError } from '../protocol/errors.js';

const log = componentLogger('client.connection');

export interface ConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly clientId?: string;
  /** Per-request timeout (default 30000 ms). */
  readonly requestTimeoutMs?: number;
  /** Connect timeout (default 10000 ms). */
  readonly connectTimeoutMs?: number;
}

export interface RequestOptions {
  /** Exact version to use; default min(codec max, broker max). */
  readonly version?: number;
  /** Lowest acceptable version when negotiating (e.g. Fetch 4 for record batch v2). */
  readonly minVersion?: number;
  readonly timeoutMs?: number;
  /** True for Produce acks=0: the broker sends nothing back. */
  readonly noResponse?: boolean;
}

export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

interface InFlight {
  readonly apiKey: number;
  readonly version: number;
  readonly resolve: (body: unknown) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const OUR_MAX = new Map(SUPPORTED_APIS.map((a) => [a.apiKey, a.maxVersion]));

export class KafkaConnection {
  readonly host: string;
  readonly port: number;
  readonly clientId: string;
  private readonly socket: net.Socket;
  private readonly requestTimeoutMs: number;
  private readonly inFlight = new Map<number, InFlight>();
  private nextCorrelationId = 1;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private frameSize = -1;
  private closedError: Error | null = null;
  /** Broker-advertised ranges, after negotiation. */
  readonly brokerVersions = new Map<number, VersionRange>();

  private constructor(socket: net.Socket, opts: ConnectionOptions) {
    this.socket = socket;
    this.host = opts.host;
    this.port = opts.port;
    this.clientId = opts.clientId ?? 'sluice';
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(new SluiceError('CLIENT_CONNECTION_CLOSED', `connection to ${this.address} failed: ${err.message}`, { retriable: true, cause: err })));
    socket.on('close', () => this.fail(new SluiceError('CLIENT_CONNECTION_CLOSED', `connection to ${this.address} closed`, { retriable: true })));
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get closed(): boolean {
    return this.closedError !== null;
  }

  /** Connects and negotiates API versions. */
  static async connect(opts: ConnectionOptions): Promise<KafkaConnection> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: opts.host, port: opts.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new SluiceError('CLIENT_CONNECT_FAILED', `connecting to ${opts.host}:${opts.port} timed out`, { retriable: true }));
      }, opts.connectTimeoutMs ?? 10_000);
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(new SluiceError('CLIENT_CONNECT_FAILED', `cannot connect to ${opts.host}:${opts.port}: ${err.message}`, { retriable: true, cause: err }));
      });
    });
    socket.setNoDelay(true);
    const conn = new KafkaConnection(socket, opts);
    try {
      await conn.negotiate();
    } catch (err) {
      conn.close();
      throw err;
    }
    return conn;
  }

  private async negotiate(): Promise<void> {
    let version = 3;
    for (let attempt = 0; attempt < 4; attempt++) {
      const body = await this.request(18, { clientSoftwareName: 'sluice', clientSoftwareVersion: '0.1.0' }, { version });
      if (body.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
        const advertised = body.apiKeys.find((k) => k.apiKey === 18);
        const next = advertised ? Math.min(version - 1, advertised.maxVersion) : 0;
        if (next < 0 || next === version) break;
        version = next;
        continue;
      }
      if (body.errorCode !== 0) throw new KafkaProtocolError(body.errorCode, `ApiVersions to ${this.address} failed`);
      for (const k of body.apiKeys) this.brokerVersions.set(k.apiKey, { min: k.minVersion, max: k.maxVersion });
      log.debug({ broker: this.address, apis: body.apiKeys.length, version }, 'negotiated api versions');
      return;
    }
    throw new KafkaProtocolError(ErrorCode.UNSUPPORTED_VERSION, `broker ${this.address} accepts no ApiVersions version we speak`);
  }

  /** The version to use for `apiKey`: min(codec max, broker max), at least `minVersion`. */
  versionFor(apiKey: number, minVersion = 0): number {
    const ours = OUR_MAX.get(apiKey);
    const theirs = this.brokerVersions.get(apiKey);
    if (ours === undefined) throw new KafkaProtocolError(ErrorCode.UNSUPPORTED_VERSION, `${apiName(apiKey)} is not implemented by the client codec`);
    if (!theirs) throw new KafkaProtocolError(ErrorCode.UNSUPPORTED_VERSION, `broker ${this.address} does not support ${apiName(apiKey)}`);
    const v = Math.min(ours, theirs.max);
    if (v < theirs.min || v < minVersion) {
      throw new KafkaProtocolError(
        ErrorCode.UNSUPPORTED_VERSION,
        `broker ${this.address} supports ${apiName(apiKey)} ${theirs.min}-${theirs.max}; the client needs ${minVersion}-${ours}`,
      );
    }
    return v;
  }

  /** Sends one request; resolves with the decoded response body. */
  request<K extends KnownApiKey>(apiKey: K, body: Encodable<RequestBodies[K]>, opts: RequestOptions = {}): Promise<ResponseBodies[K]> {
    if (this.closedError) return Promise.reject(this.closedError);
    const version = opts.version ?? this.versionFor(apiKey, opts.minVersion);
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = (this.nextCorrelationId + 1) & 0x7fffffff;
    const frame = encodeRequest(apiKey, version, correlationId, this.clientId, body);
    if (opts.noResponse) {
      return new Promise((resolve, reject) => {
        this.socket.write(frame, (err) => (err ? reject(err) : resolve({} as ResponseBodies[K])));
      });
    }
    return new Promise<ResponseBodies[K]>((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? this.requestTimeoutMs;
      const timer = setTimeout(() => {
        this.inFlight.delete(correlationId);
        reject(new KafkaProtocolError(ErrorCode.REQUEST_TIMED_OUT, `${apiName(apiKey)} v${version} to ${this.address} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.inFlight.set(correlationId, { apiKey, version, resolve: resolve as (b: unknown) => void, reject, timer });
      this.socket.write(frame);
    });
  }

  close(): void {
    this.fail(new SluiceError('CLIENT_CONNECTION_CLOSED', `connection to ${this.address} closed by the client`));
    this.socket.destroy();
  }

  private fail(err: Error): void {
    if (!this.closedError) this.closedError = err;
    for (const [id, f] of this.inFlight) {
      clearTimeout(f.timer);
      this.inFlight.delete(id);
      f.reject(err);
    }
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.frameSize < 0) {
        if (this.buffered < 4) return;
        if (this.chunks[0]!.length < 4) this.chunks = [Buffer.concat(this.chunks)];
        this.frameSize = this.chunks[0]!.readInt32BE(0);
        if (this.frameSize < 4) {
          this.fail(new SluiceError('CLIENT_BAD_FRAME', `broker ${this.address} sent a frame of ${this.frameSize} bytes`));
          this.socket.destroy();
          return;
        }
      }
      if (this.buffered < 4 + this.frameSize) return;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      const frame = all.subarray(4, 4 + this.frameSize);
      const rest = all.subarray(4 + this.frameSize);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      this.frameSize = -1;
      this.dispatch(frame);
    }
  }

  private dispatch(frame: Buffer): void {
    const correlationId = frame.readInt32BE(0);
    const f = this.inFlight.get(correlationId);
    if (!f) {
      log.warn({ broker: this.address, correlationId }, 'response with an unknown correlation id; dropped');
      return;
    }
    this.inFlight.delete(correlationId);
    clearTimeout(f.timer);
    try {
      // A broker that rejects our ApiVersions version answers with a v0 body (KIP-511).
      const version = f.apiKey === 18 && frame.length >= 6 && frame.readInt16BE(4) === ErrorCode.UNSUPPORTED_VERSION ? 0 : f.version;
      f.resolve(decodeResponse(f.apiKey, version, frame).body);
    } catch (err) {
      f.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
