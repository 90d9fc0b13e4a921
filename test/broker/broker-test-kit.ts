/**
 * Test kit for broker tests: an in-memory duplex pair, a tiny protocol client that
 * speaks through any Duplex with the codec, and helpers to build record batches and
 * decode fetched record sets. Not a test file itself.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { decodeResponse, encodeRequest } from '../../src/protocol/codec.js';
import { decodeRecordBatch, encodeRecordBatch, type DecodedRecord } from '../../src/protocol/record-batch.js';
import { scanBatchHeaders } from '../../src/protocol/record-batch-validate.js';
import { Broker, type BrokerOptions } from '../../src/broker/broker.js';
import { parseBrokerConfig } from '../../src/broker/config/server-config.js';

/** Two connected in-memory Duplex ends; destroying or ending one ends the other. */
export function duplexPair(): [Duplex, Duplex] {
  const make = (): Duplex & { peer?: Duplex } => {
    const d: Duplex & { peer?: Duplex } = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        const p = d.peer!;
        if (!p.destroyed) p.push(chunk);
        cb();
      },
      final(cb) {
        const p = d.peer!;
        if (!p.destroyed) p.push(null);
        cb();
      },
      destroy(err, cb) {
        const p = d.peer!;
        if (!p.destroyed) {
          p.push(null);
          setImmediate(() => p.destroy());
        }
        cb(err);
      },
    });
    return d;
  };
  const a = make();
  const b = make();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** A request/response client over any Duplex (one frame per request, in order). */
export class TestClient {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly waiting: { resolve: (f: Buffer) => void; reject: (e: Error) => void }[] = [];
  private correlation = 1;
  closed = false;
  readonly closedPromise: Promise<void>;

  constructor(readonly stream: Duplex) {
    stream.on('data', (c: Buffer) => this.onData(c));
    this.closedPromise = new Promise((resolve) => {
      const done = (): void => {
        this.closed = true;
        for (const w of this.waiting.splice(0)) w.reject(new Error('connection closed'));
        resolve();
      };
      stream.once('close', done);
      stream.once('end', done);
    });
    stream.on('error', () => undefined);
  }

  private onData(c: Buffer): void {
    this.chunks.push(c);
    this.buffered += c.length;
    for (;;) {
      if (this.buffered < 4) return;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      this.chunks = [all];
      const size = all.readInt32BE(0);
      if (all.length < 4 + size) return;
      const frame = all.subarray(4, 4 + size);
      const rest = all.subarray(4 + size);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
      const w = this.waiting.shift();
      if (w) w.resolve(Buffer.from(frame));
    }
  }

  nextFrame(): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  sendRaw(buf: Buffer): void {
    this.stream.write(buf);
  }

  /** Sends a request; resolves with the decoded response body. */
  async request<T = Record<string, unknown>>(apiKey: number, version: number, body: object, clientId = 'test'): Promise<T> {
    const corr = this.correlation++;
    const p = this.nextFrame();
    this.stream.write(encodeRequest(apiKey, version, corr, clientId, body));
    const frame = await p;
    const r = decodeResponse(apiKey, version, frame);
    if (r.correlationId !== corr) throw new Error(`correlation id ${r.correlationId}, expected ${corr}`);
    return r.body as T;
  }

  /** Sends a request that gets no response (Produce acks=0). */
  send(apiKey: number, version: number, body: object): void {
    this.stream.write(encodeRequest(apiKey, version, this.correlation++, 'test', body));
  }

  end(): void {
    this.stream.end();
  }
}

export interface TestBroker {
  readonly broker: Broker;
  readonly dir: string;
  connect(): TestClient;
  close(): Promise<void>;
}

/** A broker on a temp log dir, without listeners unless `listen`. */
export async function startTestBroker(props: string[] = [], options: Partial<BrokerOptions> = {}): Promise<TestBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-broker-'));
  const config = parseBrokerConfig(
    ['listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${join(dir, 'logs')}`, 'num.partitions=1', ...props].join('\n'),
    'test.properties',
  );
  const broker = await Broker.start({ config, listen: false, ...options });
  return {
    broker,
    dir,
    connect(): TestClient {
      const [a, b] = duplexPair();
      broker.handleConnection(a, 'memory-client');
      return new TestClient(b);
    },
    async close(): Promise<void> {
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function batchOf(values: readonly string[], options: { keys?: readonly (string | null)[]; timestamp?: number; compression?: number } = {}): Buffer {
  return encodeRecordBatch(
    values.map((v, i) => ({
      key: options.keys?.[i] != null ? Buffer.from(options.keys[i]!) : null,
      value: Buffer.from(v),
      timestamp: options.timestamp,
    })),
    { compression: options.compression ?? 0, baseTimestamp: options.timestamp },
  );
}

/** Decodes every whole batch in a fetched record set (a trailing partial batch is skipped). */
export function recordsOf(set: Buffer | null | undefined): DecodedRecord[] {
  if (!set || set.length === 0) return [];
  const scan = scanBatchHeaders(set, 0, set.length);
  const out: DecodedRecord[] = [];
  let pos = 0;
  while (pos < scan.validEnd) {
    const b = decodeRecordBatch(set, pos);
    out.push(...b.records);
    pos += b.header.size;
  }
  return out;
}

/** Polls `check` until it is truthy or the deadline passes. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
