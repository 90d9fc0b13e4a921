/**
 * Test kit for the zero-copy writer: a real reference-counted SegmentFile over a temp
 * file (counts every retain/release and fails loudly on an extra release), a TCP
 * loopback pair on 127.0.0.1:0, and helpers that wait on events or poll with a deadline.
 * `useWriterFixture` gives a test file a fresh temp dir per test and closes the loopback
 * pair and removes the dir after each.
 */
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { FileSlice, SegmentFile } from '../../../src/broker/storage/types.js';
import type { OutboundPart } from '../../../src/broker/zero-copy/types.js';

export class TestSegmentFile implements SegmentFile {
  readonly path: string;
  readonly fd: number;
  /** The opener's reference plus one per outstanding slice. */
  refs = 1;
  releases = 0;
  overReleased = false;
  closed = false;

  constructor(path: string) {
    this.path = path;
    this.fd = openSync(path, 'r');
  }

  retain(): void {
    if (this.closed) throw new Error(`retain after close: ${this.path}`);
    this.refs++;
  }

  release(): void {
    this.releases++;
    if (this.refs <= 0) {
      this.overReleased = true;
      throw new Error(`release without a reference: ${this.path}`);
    }
    this.refs--;
    if (this.refs === 0) {
      this.closed = true;
      closeSync(this.fd);
    }
  }

  /** A slice holding its own reference, as PartitionLog.read returns. */
  slice(position: number, length: number): FileSlice {
    this.retain();
    return { file: this, position, length };
  }
}

export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-zero-copy-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Deterministic pseudo-random bytes (xorshift), so failures are reproducible. */
export function patternBytes(length: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export interface LoopbackPair {
  readonly server: Server;
  /** The accepted (sending) side. */
  readonly serverSocket: Socket;
  /** The connecting (receiving) side. */
  readonly client: Socket;
  close(): Promise<void>;
}

export async function loopbackPair(): Promise<LoopbackPair> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const client = connect(address.port, '127.0.0.1');
  client.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  const serverSocket = await accepted;
  return {
    server,
    serverSocket,
    client,
    close: async () => {
      client.destroy();
      serverSocket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Collects everything `socket` receives; `done` resolves at 'close'. */
export function collect(socket: Socket): { chunks: Buffer[]; received: () => number; done: Promise<Buffer> } {
  const chunks: Buffer[] = [];
  let received = 0;
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  const done = new Promise<Buffer>((resolve) => socket.once('close', () => resolve(Buffer.concat(chunks))));
  return { chunks, received: () => received, done };
}

/** Polls `check` every few ms until it is true; throws after `timeoutMs`. */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Lets the event loop turn `n` times (a spinning sender would make progress each turn). */
export async function loopTurns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** The bytes a sequence of parts must put on the wire (`data` is the sliced file's content). */
export function expectedBytes(parts: readonly OutboundPart[], data: Buffer): Buffer {
  return Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : data.subarray(p.position, p.position + p.length))));
}

export interface WriterFixture {
  /** Writes `data` to a file in this test's temp dir and opens it as a TestSegmentFile. */
  segment(name: string, data: Buffer): TestSegmentFile;
  /** Opens a loopback pair that is closed after the test. */
  loopback(): Promise<LoopbackPair>;
}

/** Registers beforeEach/afterEach hooks: a temp dir per test; the pair and the dir go after it. */
export function useWriterFixture(): WriterFixture {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  let pair: LoopbackPair | undefined;
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
    await cleanup();
  });
  return {
    segment(name, data) {
      const path = join(dir, name);
      writeFileSync(path, data);
      return new TestSegmentFile(path);
    },
    async loopback() {
      pair = await loopbackPair();
      return pair;
    },
  };
}
