import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canCompress, canDecompress, codecName, compress, decompress } from '../../src/protocol/compression.js';

const require = createRequire(import.meta.url);
const snappyjs = require('snappyjs') as { compress(b: Buffer): Buffer };

const text = Buffer.from('the quick brown fox jumps over the lazy dog\n'.repeat(3000)); // ~130 KiB: several snappy blocks

describe('compression codecs', () => {
  it('names codecs as Kafka does', () => {
    expect([0, 1, 2, 3, 4, 5].map(codecName)).toEqual(['none', 'gzip', 'snappy', 'lz4', 'zstd', 'unknown(5)']);
    expect(canCompress(4)).toBe(false);
    expect(canDecompress(4)).toBe(true);
  });

  it('round-trips none, gzip, snappy and lz4', () => {
    for (const codec of [0, 1, 2, 3]) {
      for (const data of [text, randomBytes(5000), Buffer.alloc(0)]) {
        expect(decompress(codec, compress(codec, data))).toEqual(data);
      }
    }
  });

  it('writes the xerial snappy framing Kafka Java clients use', () => {
    const framed = compress(2, text);
    expect(framed.subarray(0, 16)).toEqual(Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]));
    // first block: [int32 length][raw snappy of the first 32 KiB]
    const first = snappyjs.compress(text.subarray(0, 32 * 1024));
    expect(framed.readInt32BE(16)).toBe(first.length);
    expect(framed.subarray(20, 20 + first.length)).toEqual(first);
  });

  it('also reads a bare raw-snappy block', () => {
    expect(decompress(2, snappyjs.compress(text))).toEqual(text);
  });

  it('writes an LZ4 frame (magic 0x184D2204)', () => {
    expect(compress(3, text).readUInt32LE(0)).toBe(0x184d2204);
  });

  it('decompresses zstd frames written by the zstd CLI', () => {
    // `printf 'hello, kafka\n' | zstd -c` (raw block, with checksum)
    expect(decompress(4, Buffer.from('28b52ffd045869000068656c6c6f2c206b61666b610a5b96dd6d', 'hex')).toString()).toBe('hello, kafka\n');
    // `python3 -c "print('the quick brown fox '*200)" | zstd -c -19` (compressed block with a repeat match)
    const frame = Buffer.from('28b52ffd0468ed0000a874686520717569636b2062726f776e20666f78200a0100127ffe640241f4f97c', 'hex');
    expect(decompress(4, frame).toString()).toBe('the quick brown fox '.repeat(200) + '\n');
  });

  it('rejects unsupported codecs and corrupt data with stable codes', () => {
    expect(() => compress(4, text)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_COMPRESSION_TYPE' }));
    expect(() => decompress(7, text)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_COMPRESSION_TYPE' }));
    for (const codec of [1, 2, 3, 4]) {
      expect(() => decompress(codec, Buffer.from('definitely not compressed data'))).toThrow(
        expect.objectContaining({ code: 'CORRUPT_MESSAGE' }),
      );
    }
  });
});
