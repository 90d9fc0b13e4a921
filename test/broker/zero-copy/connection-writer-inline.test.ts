// Small FileSlices (≤ INLINE_SLICE_BYTES) go out read at once, corked with the response's
// Buffers into one writev, in both modes; larger ones keep the sendfile / chunked path.
// Bytes are checked exactly, and each slice is released exactly once.
import { describe, expect, it } from 'vitest';
import { INLINE_SLICE_BYTES, createConnectionWriter } from '../../../src/broker/zero-copy/connection-writer.js';
import type { OutboundPart } from '../../../src/broker/zero-copy/types.js';
import { collect, expectedBytes, patternBytes, useWriterFixture } from './zero-copy-kit.js';

const fx = useWriterFixture();

for (const forceCopy of [false, true]) {
  describe(`small slices inline (${forceCopy ? 'copy' : 'sendfile'} mode)`, () => {
    it('sends small slices with their Buffers and large ones by the slice path, byte for byte', async () => {
      const data = patternBytes(INLINE_SLICE_BYTES * 4 + 99, 5);
      const file = fx.segment('inline.log', data);
      const pair = await fx.loopback();
      const writer = createConnectionWriter(pair.serverSocket, { forceCopy });
      const received = collect(pair.client);
      const responses: OutboundPart[][] = [
        [Buffer.from([0, 0, 0, 9]), Buffer.from('head'), file.slice(3, 61), Buffer.from('tag'), file.slice(100, 0)],
        [Buffer.from('h2'), file.slice(0, INLINE_SLICE_BYTES), Buffer.from('t2')],
        [Buffer.from('h3'), file.slice(17, INLINE_SLICE_BYTES + 1), file.slice(5, 7), Buffer.from('t3')],
        [file.slice(INLINE_SLICE_BYTES, INLINE_SLICE_BYTES * 3)],
      ];
      await Promise.all(responses.map((r) => writer.write(r)));
      pair.serverSocket.end();
      const got = await received.done;
      expect(got.equals(Buffer.concat(responses.map((r) => expectedBytes(r, data))))).toBe(true);
      expect(writer.stats.inlineSlices).toBe(4);
      if (!forceCopy && writer.mode === 'sendfile') expect(writer.stats.sendfileCalls).toBeGreaterThanOrEqual(2);
      expect(file.releases).toBe(6);
      expect(file.overReleased).toBe(false);
      file.release();
    });

    it('closes the connection when a small slice comes up short', async () => {
      const data = patternBytes(500, 8);
      const file = fx.segment('short-inline.log', data);
      const pair = await fx.loopback();
      const writer = createConnectionWriter(pair.serverSocket, { forceCopy });
      await expect(writer.write([Buffer.from('x'), file.slice(400, 200), Buffer.from('never')])).rejects.toMatchObject({ code: 'SHORT_FILE_SLICE' });
      expect(pair.serverSocket.destroyed).toBe(true);
      expect(file.releases).toBe(1);
      file.release();
    });
  });
}
