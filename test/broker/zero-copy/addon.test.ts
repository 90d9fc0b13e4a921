// The native addon's own contract (native/sendfile.c): sendfile return values, the
// one-shot writability watcher, and cancellation. Real sockets on 127.0.0.1.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addonPath, loadNativeAddon, type NativeAddon } from '../../../src/broker/zero-copy/addon.js';
import { collect, loopbackPair, makeTempDir, patternBytes, waitUntil, type LoopbackPair } from './zero-copy-kit.js';

const { EAGAIN, EBADF } = osConstants.errno;

let dir: string;
let cleanup: () => Promise<void>;
let pair: LoopbackPair | undefined;
const fds: number[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
});

afterEach(async () => {
  for (const fd of fds.splice(0)) closeSync(fd);
  await pair?.close();
  pair = undefined;
  await cleanup();
});

function addon(): NativeAddon {
  const loaded = loadNativeAddon();
  if (!loaded) throw new Error(`native addon missing at ${addonPath()}: run npm run build:native`);
  return loaded;
}

function fdOf(socket: unknown): number {
  return (socket as { _handle: { fd: number } })._handle.fd;
}

function tempFile(name: string, data: Buffer): number {
  const path = join(dir, name);
  writeFileSync(path, data);
  const fd = openSync(path, 'r');
  fds.push(fd);
  return fd;
}

describe('sendfile', () => {
  it('sends exactly the requested range', async () => {
    const data = patternBytes(100_000, 1);
    const inFd = tempFile('range.dat', data);
    pair = await loopbackPair();
    const received = collect(pair.client);
    expect(addon().sendfile(fdOf(pair.serverSocket), inFd, 1234, 50_000)).toBe(50_000);
    pair.serverSocket.end();
    expect((await received.done).equals(data.subarray(1234, 51_234))).toBe(true);
  });

  it('returns a partial count, then -EAGAIN, when the socket is full', async () => {
    const data = patternBytes(64 << 20, 2);
    const inFd = tempFile('big.dat', data);
    pair = await loopbackPair();
    pair.client.pause();
    const out = fdOf(pair.serverSocket);
    const first = addon().sendfile(out, inFd, 0, data.length);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(data.length);
    expect(addon().sendfile(out, inFd, first, data.length - first)).toBe(-EAGAIN);
  });

  it('returns 0 at end of file and -errno for a bad descriptor', async () => {
    const inFd = tempFile('small.dat', Buffer.from('abc'));
    pair = await loopbackPair();
    expect(addon().sendfile(fdOf(pair.serverSocket), inFd, 3, 10)).toBe(0);
    expect(addon().sendfile(fdOf(pair.serverSocket), 999_999, 0, 10)).toBe(-EBADF);
  });

  it('rejects arguments of the wrong type', () => {
    const a = addon() as unknown as Record<string, (...args: unknown[]) => unknown>;
    expect(() => a['sendfile']!(1, 2, 'x', 4)).toThrow(TypeError);
    expect(() => a['sendfile']!(1, 2, -1, 4)).toThrow(TypeError);
    expect(() => a['waitWritable']!(1, 'not a function')).toThrow(TypeError);
  });
});

describe('waitWritable / cancelWait', () => {
  it('calls back once when a full socket drains', async () => {
    const data = patternBytes(64 << 20, 3);
    const inFd = tempFile('drain.dat', data);
    pair = await loopbackPair();
    pair.client.pause();
    const out = fdOf(pair.serverSocket);
    const sent = addon().sendfile(out, inFd, 0, data.length);
    expect(addon().sendfile(out, inFd, sent, data.length - sent)).toBe(-EAGAIN);
    const statuses: number[] = [];
    const id = addon().waitWritable(out, (status) => statuses.push(status));
    expect(id).toBeGreaterThan(0);
    pair.client.resume();
    await waitUntil(() => statuses.length > 0, 'the writability callback');
    expect(statuses).toEqual([0]);
    expect(addon().cancelWait(id)).toBe(false); // already fired and closed
  });

  it('cancel stops a pending wait without calling back', async () => {
    const data = patternBytes(64 << 20, 4);
    const inFd = tempFile('cancel.dat', data);
    pair = await loopbackPair();
    pair.client.pause();
    const out = fdOf(pair.serverSocket);
    const sent = addon().sendfile(out, inFd, 0, data.length);
    expect(addon().sendfile(out, inFd, sent, data.length - sent)).toBe(-EAGAIN);
    let called = 0;
    const id = addon().waitWritable(out, () => called++);
    expect(addon().cancelWait(id)).toBe(true);
    expect(addon().cancelWait(id)).toBe(false);
    pair.client.resume();
    const received = collect(pair.client);
    await waitUntil(() => received.received() >= sent, 'the client to read what was sent');
    expect(called).toBe(0);
  });

  it('a cancelled watcher does not keep the process alive', () => {
    // If cancel left the uv_poll handle open, this child would never exit.
    const script = `
      const net = require('node:net');
      const a = require(${JSON.stringify(addonPath())});
      const srv = net.createServer((s) => {
        const id = a.waitWritable(s._handle.fd, () => { process.exitCode = 3; });
        if (!a.cancelWait(id)) process.exitCode = 4;
        s.destroy(); srv.close();
      });
      srv.listen(0, '127.0.0.1', () => { const c = net.connect(srv.address().port, '127.0.0.1'); c.on('error', () => {}); c.on('close', () => {}); });
    `;
    const r = spawnSync(process.execPath, ['-e', script], { timeout: 20_000, encoding: 'utf8' });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
  });

  it('throws for a descriptor that is not open', () => {
    expect(() => addon().waitWritable(999_999, () => {})).toThrow(/EBADF/);
  });
});

describe('loader without the addon', () => {
  it('returns null, logs one line, and writers use copy mode', async () => {
    vi.resetModules();
    process.env['SLUICE_DISABLE_NATIVE'] = '1';
    try {
      const lines: string[] = [];
      const logger = await import('../../../src/logger.js');
      const { pino } = await import('pino');
      logger.setRootLogger(pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }));
      const fresh = await import('../../../src/broker/zero-copy/addon.js');
      expect(fresh.loadNativeAddon()).toBeNull();
      expect(fresh.loadNativeAddon()).toBeNull();
      expect(lines.filter((l) => l.includes('native sendfile addon not available, using read+write fallback'))).toHaveLength(1);
      const writers = await import('../../../src/broker/zero-copy/connection-writer.js');
      pair = await loopbackPair();
      expect(writers.canSendfile(pair.serverSocket)).toBe(true);
      expect(writers.createConnectionWriter(pair.serverSocket).mode).toBe('copy');
    } finally {
      delete process.env['SLUICE_DISABLE_NATIVE'];
      vi.resetModules();
    }
  });
});
