// The per-connection writer over real loopback TCP, in both modes (sendfile through the
// native addon, and the fs.read + write fallback), plus an in-memory Duplex. Every test
// checks the received bytes exactly and that each FileSlice was released exactly once.
import { ftruncateSync, openSync, closeSync, unlinkSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadNativeAddon } from '../../../src/broker/zero-copy/addon.js';
import { canSendfile, createConnectionWriter } from '../../../src/broker/zero-copy/connection-writer.js';
import type { OutboundPart } from '../../../src/broker/zero-copy/types.js';
import { SluiceError } from '../../../src/errors.js';
import { collect, expectedBytes, loopTurns, patternBytes, useWriterFixture, waitUntil } from './zero-copy-kit.js';

const MiB = 1 << 20;

const fx = useWriterFixture();

it('the native addon is built and loads (npm install builds it)', () => {
  expect(loadNativeAddon()).not.toBeNull();
});

for (const mode of ['sendfile', 'copy'] as const) {
  const forceCopy = mode === 'copy';

  describe(`TCP, ${mode} mode`, () => {
    it('sends a mix of Buffers and FileSlices from several queued responses byte for byte', async () => {
      const data = patternBytes(5 * MiB + 123);
      const file = fx.segment('00000000000000000000.log', data);
      const pair = await fx.loopback();
      const writer = createConnectionWriter(pair.serverSocket, { forceCopy });
      expect(writer.mode).toBe(mode);
      const received = collect(pair.client);

      const responses: OutboundPart[][] = [
        [Buffer.from([0, 0, 0, 1]), Buffer.from('header'), file.slice(100, MiB + 7), Buffer.from('tag'), file.slice(0, 3 * MiB)],
        [file.slice(5 * MiB, 123), Buffer.from('between'), file.slice(7, 0), file.slice(4 * MiB, 100_000)],
        [Buffer.from('only buffers'), Buffer.alloc(70_000, 0x5a)],
        [file.slice(0, data.length)],
      ];
      const sliceCount = responses.flat().filter((p) => !Buffer.isBuffer(p)).length;
      const writes = responses.map((parts) => writer.write(parts));
      expect(writer.pendingBytes).toBeGreaterThan(0);
      await Promise.all(writes);
      pair.serverSocket.end();
      const got = await received.done;

      expect(got.equals(Buffer.concat(responses.map((parts) => expectedBytes(parts, data))))).toBe(true);
      expect(file.releases).toBe(sliceCount);
      expect(file.refs).toBe(1);
      expect(file.overReleased).toBe(false);
      expect(writer.pendingBytes).toBe(0);
      if (mode === 'sendfile') expect(writer.stats.sendfileCalls).toBeGreaterThan(0);
      else expect(writer.stats.sendfileCalls).toBe(0);
      file.release();
    });

    it('never lets a slice overtake a large Buffer still queued in the socket', async () => {
      const data = patternBytes(6 * MiB, 21);
      const file = fx.segment('overtake.log', data);
      const pair = await fx.loopback();
      pair.client.pause();
      const writer = createConnectionWriter(pair.serverSocket, { forceCopy });
      const received = collect(pair.client);
      pair.client.pause();
      const big = patternBytes(12 * MiB, 23); // far more than the kernel buffers take at once
      const parts: OutboundPart[] = [big, file.slice(0, data.length), Buffer.from('x'), file.slice(10, 20)];
      const done = writer.write(parts);
      await waitUntil(() => pair!.serverSocket.writableLength > 0, 'bytes queued in Node');
      pair.client.resume();
      await done;
      pair.serverSocket.end();
      const got = await received.done;
      expect(got.equals(expectedBytes(parts, data))).toBe(true);
      expect(file.releases).toBe(2);
      file.release();
    });

    it('waits without spinning for a client that reads slowly, then delivers every byte', async () => {
      const data = patternBytes(24 * MiB, 7);
      const file = fx.segment('slow.log', data);
      const pair = await fx.loopback();
      pair.client.pause();
      const writer = createConnectionWriter(pair.serverSocket, { forceCopy });
      const received = collect(pair.client);
      pair.client.pause(); // collect() attached a 'data' listener, which resumes the stream
      const parts: OutboundPart[] = [Buffer.from('head'), file.slice(0, data.length), Buffer.from('tail')];
      const done = writer.write(parts);
      done.catch(() => {}); // awaited below; keeps a failed assertion from also reporting an unhandled rejection

      const progress = (): number => (mode === 'sendfile' ? writer.stats.sendfileCalls : writer.stats.copiedChunks);
      // Wait until the sender is blocked (the first writability wait, or a drain wait).
      await waitUntil(
        () => (mode === 'sendfile' ? writer.stats.writableWaits > 0 : writer.stats.copiedChunks > 1),
        'the sender to block on the paused client',
      );
      const before = progress();
      await loopTurns(500);
      await new Promise((resolve) => setTimeout(resolve, 100)); // an observation window, not a wait for an event
      // The kernel may still grow its buffers a little (a few wake-ups); a retry loop
      // would have made one attempt per loop turn, hundreds in this window.
      expect(progress() - before).toBeLessThan(50);
      expect(writer.pendingBytes).toBeGreaterThan(0);
      if (mode === 'copy') expect(writer.stats.copiedChunks).toBeLessThan(24);

      pair.client.resume();
      await done;
      pair.serverSocket.end();
      const got = await received.done;
      expect(got.equals(expectedBytes(parts, data))).toBe(true);
      expect(file.releases).toBe(1);
      expect(writer.pendingBytes).toBe(0);
      // A setImmediate retry loop would have made thousands of calls while the client slept.
      if (mode === 'sendfile') expect(writer.stats.sendfileCalls).toBeLessThan(2_000);
      file.release();
    });

    it('rejects and releases every slice exactly once when the client disconnects mid-response', async () => {
      const data = patternBytes(16 * MiB, 11);
      const file = fx.segment('disconnect.log', data);
      const pair = await fx.loopback();
      const writer = createConnectionWriter(pair.serverSocket, { forceCopy });
      const received = collect(pair.client);
      const first = writer.write([Buffer.from('h1'), file.slice(0, 16 * MiB), Buffer.from('t1'), file.slice(0, 8 * MiB)]);
      const second = writer.write([file.slice(MiB, 4 * MiB), Buffer.from('t2')]);
      const firstResult = first.then(() => null, (err: unknown) => err);
      const secondResult = second.then(() => null, (err: unknown) => err);

      await waitUntil(() => received.received() >= MiB, 'the first MiB at the client');
      pair.client.destroy();
      expect(await firstResult).toBeInstanceOf(Error);
      expect(await secondResult).toBeInstanceOf(Error);
      await waitUntil(() => file.releases === 3, 'all three slices released');
      expect(file.overReleased).toBe(false);
      expect(file.refs).toBe(1);
      expect(writer.pendingBytes).toBe(0);
      // A write after the failure is refused and still releases its slice.
      const late = file.slice(0, 10);
      await expect(writer.write([late])).rejects.toBeInstanceOf(Error);
      expect(file.releases).toBe(4);
      await waitUntil(() => pair!.serverSocket.destroyed, 'the server side to be destroyed');
      file.release();
    });

    it('cancels the writability wait when the writer is destroyed while blocked', async () => {
      const data = patternBytes(16 * MiB, 3);
      const file = fx.segment('cancel.log', data);
      const pair = await fx.loopback();
      pair.client.pause();
      const writer = createConnectionWriter(pair.serverSocket, { forceCopy });
      const result = writer.write([file.slice(0, data.length)]).then(() => null, (err: unknown) => err);
      if (mode === 'sendfile') await waitUntil(() => writer.stats.writableWaits > 0, 'a writability wait');
      else await waitUntil(() => writer.stats.copiedChunks > 1, 'copy mode to block on drain');
      writer.destroy();
      writer.destroy(); // idempotent
      const err = await result;
      expect(err).toBeInstanceOf(SluiceError);
      expect((err as SluiceError).code).toBe('CONNECTION_WRITER_DESTROYED');
      await waitUntil(() => file.releases === 1, 'the slice released');
      if (mode === 'sendfile') expect(writer.stats.cancelledWaits).toBe(1);
      expect(pair.serverSocket.destroyed).toBe(true);
      expect(file.overReleased).toBe(false);
      file.release();
    });

    it('destroys the connection when a segment is truncated during a send', async () => {
      const data = patternBytes(16 * MiB, 5);
      const file = fx.segment('truncated.log', data);
      const pair = await fx.loopback();
      pair.client.pause();
      const writer = createConnectionWriter(pair.serverSocket, { forceCopy });
      const received = collect(pair.client);
      pair.client.pause();
      const result = writer.write([Buffer.from('prefix'), file.slice(0, data.length)]).then(() => null, (err: unknown) => err);
      if (mode === 'sendfile') await waitUntil(() => writer.stats.writableWaits > 0, 'a writability wait');
      else await waitUntil(() => writer.stats.copiedChunks > 1, 'copy mode to block on drain');

      const fd = openSync(file.path, 'r+');
      ftruncateSync(fd, 2 * MiB);
      closeSync(fd);
      pair.client.resume();

      const err = await result;
      expect(err).toBeInstanceOf(SluiceError);
      expect((err as SluiceError).code).toBe('SHORT_FILE_SLICE');
      expect((err as SluiceError).message).toContain(file.path);
      const got = await received.done; // the server closed the connection
      expect(got.length).toBeLessThan(6 + data.length);
      expect(got.equals(Buffer.concat([Buffer.from('prefix'), data]).subarray(0, got.length))).toBe(true);
      expect(file.releases).toBe(1);
      expect(file.overReleased).toBe(false);
      file.release();
    });

    it('keeps sending a segment unlinked by retention while its fd is held', async () => {
      const data = patternBytes(8 * MiB, 9);
      const file = fx.segment('deleted.log', data);
      const pair = await fx.loopback();
      pair.client.pause();
      const writer = createConnectionWriter(pair.serverSocket, { forceCopy });
      const received = collect(pair.client);
      pair.client.pause();
      const done = writer.write([file.slice(0, data.length), Buffer.from('end')]);
      await waitUntil(() => writer.pendingBytes < data.length + 3, 'the send to start');
      unlinkSync(file.path);
      pair.client.resume();
      await done;
      pair.serverSocket.end();
      const got = await received.done;
      expect(got.equals(Buffer.concat([data, Buffer.from('end')]))).toBe(true);
      expect(file.releases).toBe(1);
      file.release();
    });
  });
}

describe('in-memory Duplex', () => {
  it('uses copy mode and delivers the exact bytes', async () => {
    const data = patternBytes(3 * MiB + 5, 13);
    const file = fx.segment('memory.log', data);
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    const writer = createConnectionWriter(stream);
    expect(writer.mode).toBe('copy');
    expect(canSendfile(stream)).toBe(false);
    const parts: OutboundPart[] = [Buffer.from('a'), file.slice(1, 2 * MiB + 3), Buffer.from('b'), file.slice(0, 10), file.slice(3 * MiB, 5)];
    const parts2: OutboundPart[] = [file.slice(0, data.length)];
    await Promise.all([writer.write(parts), writer.write(parts2)]);
    expect(Buffer.concat(chunks).equals(Buffer.concat([expectedBytes(parts, data), expectedBytes(parts2, data)]))).toBe(true);
    expect(file.releases).toBe(4);
    expect(writer.pendingBytes).toBe(0);
    file.release();
  });

  it('destroys the stream on a short slice', async () => {
    const data = patternBytes(1000, 17);
    const file = fx.segment('short.log', data);
    const stream = new PassThrough();
    stream.resume();
    const writer = createConnectionWriter(stream);
    await expect(writer.write([Buffer.from('x'), file.slice(900, 200)])).rejects.toMatchObject({ code: 'SHORT_FILE_SLICE' });
    expect(stream.destroyed).toBe(true);
    expect(file.releases).toBe(1);
    file.release();
  });
});
