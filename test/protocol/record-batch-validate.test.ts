import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32c } from '../../src/protocol/crc32c.js';
import { encodeRecordBatch, encodeRecordBatchFromBodies } from '../../src/protocol/record-batch.js';
import { scanBatchHeaders, validateRecordBatches } from '../../src/protocol/record-batch-validate.js';
import { writeVarint } from '../../src/protocol/varint.js';

function batchOf(n: number, opts: { compression?: number; baseOffset?: number; ts?: number } = {}): Buffer {
  return encodeRecordBatch(
    Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`value-${i}`), timestamp: (opts.ts ?? 1000) + i })),
    { baseOffset: opts.baseOffset ?? 0, ...(opts.compression === undefined ? {} : { compression: opts.compression }) },
  );
}

/** Re-seals the CRC after a test tampered with covered bytes (simulates a lying client, not corruption). */
function reseal(b: Buffer, pos = 0): Buffer {
  const size = b.readInt32BE(pos + 8) + 12;
  b.writeUInt32BE(crc32c(b.subarray(pos + 21, pos + size)), pos + 17);
  return b;
}

const code = (c: string) => expect.objectContaining({ code: c });

describe('validateRecordBatches', () => {
  it('accepts concatenated batches and summarizes each', () => {
    const a = batchOf(3, { ts: 50 });
    const b = batchOf(5, { compression: 1 });
    const s = validateRecordBatches(Buffer.concat([a, b]));
    expect(s.map((x) => [x.position, x.size, x.recordsCount, x.lastOffsetDelta, x.codec])).toEqual([
      [0, a.length, 3, 2, 0],
      [a.length, b.length, 5, 4, 1],
    ]);
    expect(s[0]!.baseTimestamp).toBe(50);
    expect(s[0]!.maxTimestamp).toBe(52);
    expect(s[0]!.producerId).toBe(-1);
    expect(s[0]!.isTransactional).toBe(false);
  });

  it('accepts the hot-path encoder output, compressed or not', () => {
    const data = Buffer.from('aaa\nbbbb\n');
    const input = { data, starts: Uint32Array.of(0, 4), ends: Uint32Array.of(3, 8), timestamp: 1, lastRecordHeaders: [{ key: 'p', value: Buffer.from('x') }] };
    for (const compression of [0, 2, 3]) expect(validateRecordBatches(encodeRecordBatchFromBodies({ ...input, compression }))).toHaveLength(1);
  });

  it('rejects a bad CRC, a short buffer and a lying batchLength as CORRUPT_MESSAGE', () => {
    const b = batchOf(3);
    const flipped = Buffer.from(b);
    flipped[flipped.length - 2]! ^= 0x01;
    expect(() => validateRecordBatches(flipped)).toThrow(code('CORRUPT_MESSAGE'));
    expect(() => validateRecordBatches(flipped)).toThrow(/batch at byte 0: CRC mismatch/);
    expect(() => validateRecordBatches(b.subarray(0, 40))).toThrow(code('CORRUPT_MESSAGE'));
    expect(() => validateRecordBatches(b.subarray(0, b.length - 1))).toThrow(code('CORRUPT_MESSAGE'));
    const longer = Buffer.from(b);
    longer.writeInt32BE(b.length, 8);
    expect(() => validateRecordBatches(longer)).toThrow(code('CORRUPT_MESSAGE'));
    expect(() => validateRecordBatches(Buffer.alloc(0))).toThrow(code('CORRUPT_MESSAGE'));
  });

  it('rejects magic 0/1 as UNSUPPORTED_FOR_MESSAGE_FORMAT', () => {
    const b = Buffer.from(batchOf(1));
    b.writeInt8(1, 16);
    expect(() => validateRecordBatches(b)).toThrow(code('UNSUPPORTED_FOR_MESSAGE_FORMAT'));
  });

  it('rejects a count that disagrees with lastOffsetDelta, even with a valid CRC', () => {
    const b = Buffer.from(batchOf(3));
    b.writeInt32BE(9, 23); // lastOffsetDelta 9: would claim offsets the records do not have
    expect(() => validateRecordBatches(reseal(b))).toThrow(code('INVALID_RECORD'));
    const c = Buffer.from(batchOf(3));
    c.writeInt32BE(4, 23);
    c.writeInt32BE(5, 57); // consistent header, but only 3 records follow
    expect(() => validateRecordBatches(reseal(c))).toThrow(/records end after 3 of 5/);
    const d = Buffer.from(batchOf(3));
    d.writeInt32BE(1, 23);
    d.writeInt32BE(2, 57); // 2 claimed, 3 present: bytes left over
    expect(() => validateRecordBatches(reseal(d))).toThrow(/bytes follow the last of 2 records/);
  });

  it('rejects bad record framing: offsetDelta out of order, length overrun', () => {
    const b = Buffer.from(batchOf(2));
    // record 0 starts at 61: length varint (1 byte), attributes, tsDelta (1 byte), offsetDelta
    writeVarint(b, 61 + 3, 1);
    expect(() => validateRecordBatches(reseal(b))).toThrow(/record 0: offsetDelta 1, expected 0/);
    const c = Buffer.from(batchOf(2));
    writeVarint(c, 61, 60); // record 0 length claims more than the batch holds
    expect(() => validateRecordBatches(reseal(c))).toThrow(code('INVALID_RECORD'));
  });

  it('rejects transactional/control batches and unknown codecs', () => {
    const t = Buffer.from(batchOf(1));
    t.writeInt16BE(0x10, 21);
    expect(() => validateRecordBatches(reseal(t))).toThrow(code('INVALID_RECORD'));
    const u = Buffer.from(batchOf(1));
    u.writeInt16BE(0x05, 21);
    expect(() => validateRecordBatches(reseal(u))).toThrow(code('UNSUPPORTED_COMPRESSION_TYPE'));
  });

  it('rejects a compressed batch whose blob does not decompress', () => {
    const g = Buffer.from(batchOf(4, { compression: 1 }));
    g[g.length - 6] = g[g.length - 6]! ^ 0xff; // inside the gzip CRC-32 trailer
    expect(() => validateRecordBatches(reseal(g))).toThrow(code('CORRUPT_MESSAGE'));
  });

  it('never throws anything but a SluiceError on random mutations', () => {
    const base = Buffer.concat([batchOf(4), batchOf(3, { compression: 3 })]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: base.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.boolean(), (pos, byte, fix) => {
        const m = Buffer.from(base);
        m[pos] = byte;
        if (fix) {
          reseal(m, 0);
        }
        try {
          validateRecordBatches(m);
        } catch (err) {
          expect((err as { code?: unknown }).code).toMatch(/^(CORRUPT_MESSAGE|INVALID_RECORD|UNSUPPORTED_FOR_MESSAGE_FORMAT|UNSUPPORTED_COMPRESSION_TYPE)$/);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('scanBatchHeaders', () => {
  const log = Buffer.concat([batchOf(2, { baseOffset: 0 }), batchOf(3, { baseOffset: 2, compression: 2 }), batchOf(1, { baseOffset: 5 })]);
  const sizes = validateRecordBatches(log).map((s) => s.size);

  it('walks a whole log', () => {
    const s = scanBatchHeaders(log);
    expect(s.stop).toBe('end');
    expect(s.validEnd).toBe(log.length);
    expect(s.batches.map((b) => [b.baseOffset, b.lastOffset])).toEqual([[0, 1], [2, 4], [5, 5]]);
  });

  it('honours start/end and reports a partial tail with its size', () => {
    const s = scanBatchHeaders(log, sizes[0]!, log.length - 5);
    expect(s.batches.map((b) => b.position)).toEqual([sizes[0]]);
    expect(s.stop).toBe('partial');
    expect(s.validEnd).toBe(sizes[0]! + sizes[1]!);
    expect(s.partialSize).toBe(sizes[2]);
    expect(scanBatchHeaders(log, 0, 5).stop).toBe('partial');
  });

  it('keeps the valid prefix when garbage is written at random points', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: log.length - 1 }), fc.uint8Array({ minLength: 1, maxLength: 40 }), (pos, junk) => {
        const m = Buffer.from(log);
        Buffer.from(junk).copy(m, pos);
        const s = scanBatchHeaders(m);
        let firstDiff = 0;
        while (firstDiff < m.length && m[firstDiff] === log[firstDiff]) firstDiff++;
        // every batch that ends before the damage survives
        let keep = 0;
        let end = 0;
        for (const size of sizes) {
          if (end + size <= firstDiff) {
            keep++;
            end += size;
          } else break;
        }
        expect(s.batches.length).toBeGreaterThanOrEqual(keep);
        expect(s.validEnd).toBeGreaterThanOrEqual(end);
        const rel = firstDiff - end;
        // baseOffset and partitionLeaderEpoch are outside the CRC (Kafka's format): damage there is undetectable.
        const detectable = firstDiff < m.length && !(rel < 8 || (rel >= 12 && rel < 16));
        if (detectable) {
          // nothing past the damaged batch is served
          expect(s.validEnd).toBe(end);
          expect(s.stop).not.toBe('end');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reports garbage sizes and magic as corrupt', () => {
    const g = Buffer.from(log);
    g.writeInt32BE(3, sizes[0]! + 8);
    const s = scanBatchHeaders(g);
    expect(s).toMatchObject({ stop: 'corrupt', validEnd: sizes[0] });
    expect(s.reason).toMatch(/batchLength 3/);
    const h = Buffer.from(log);
    h.writeInt8(0, sizes[0]! + 16);
    expect(scanBatchHeaders(h).reason).toMatch(/magic 0/);
    expect(scanBatchHeaders(log, 0, log.length, { maxBatchSize: 64 })).toMatchObject({ stop: 'corrupt', validEnd: 0 });
  });
});
