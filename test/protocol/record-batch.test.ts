import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32c } from '../../src/protocol/crc32c.js';
import {
  decodeRecordBatch,
  encodeRecordBatch,
  encodeRecordBatchFromBodies,
  recordBatchSizeFromBodies,
  type RecordInput,
} from '../../src/protocol/record-batch.js';
import { validateRecordBatches } from '../../src/protocol/record-batch-validate.js';

/** Builds a batch by hand: header fields in layout order, then the given record bytes. */
function handBatch(f: {
  baseOffset: bigint;
  leaderEpoch: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTs: bigint;
  maxTs: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  count: number;
  records: number[];
}): Buffer {
  const b = Buffer.alloc(61 + f.records.length);
  b.writeBigInt64BE(f.baseOffset, 0); //            0  baseOffset
  b.writeInt32BE(b.length - 12, 8); //              8  batchLength = total - 12
  b.writeInt32BE(f.leaderEpoch, 12); //             12 partitionLeaderEpoch
  b.writeInt8(2, 16); //                            16 magic
  // 17 crc, filled last
  b.writeInt16BE(f.attributes, 21); //              21 attributes
  b.writeInt32BE(f.lastOffsetDelta, 23); //         23 lastOffsetDelta
  b.writeBigInt64BE(f.baseTs, 27); //               27 baseTimestamp
  b.writeBigInt64BE(f.maxTs, 35); //                35 maxTimestamp
  b.writeBigInt64BE(f.producerId, 43); //           43 producerId
  b.writeInt16BE(f.producerEpoch, 51); //           51 producerEpoch
  b.writeInt32BE(f.baseSequence, 53); //            53 baseSequence
  b.writeInt32BE(f.count, 57); //                   57 recordsCount
  Buffer.from(f.records).copy(b, 61); //            61 records
  b.writeUInt32BE(crc32c(b.subarray(21)), 17); //   CRC-32C over [21, end)
  return b;
}

const x100 = Array.from({ length: 100 }, () => 0x78);

// Record 0: key null, value "a", no headers, timestamp = base.
//   length zz(7)=0e | attr 00 | tsDelta 00 | offDelta 00 | keyLen zz(-1)=01 | valueLen zz(1)=02 'a' | headers 00
const REC0 = [0x0e, 0x00, 0x00, 0x00, 0x01, 0x02, 0x61, 0x00];
// Record 1: key "k", value null, one header {"h": null}, timestamp base-10 (negative delta).
//   length zz(10)=14 | attr 00 | tsDelta zz(-10)=13 | offDelta zz(1)=02 | keyLen 02 'k' | valueLen 01 |
//   headerCount 02 | hKeyLen 02 'h' | hValLen 01
const REC1 = [0x14, 0x00, 0x13, 0x02, 0x02, 0x6b, 0x01, 0x02, 0x02, 0x68, 0x01];
// Record 2: key null, 100-byte value, timestamp base+100000 (multi-byte varints).
//   body = 1 + 3 + 1 + 1 + 2 + 100 + 1 = 109 → length zz(109)=218 = da 01
//   tsDelta zz(100000)=200000 = c0 9a 0c | offDelta 04 | key 01 | valueLen zz(100)=200 = c8 01 | 100×'x' | 00
const REC2 = [0xda, 0x01, 0x00, 0xc0, 0x9a, 0x0c, 0x04, 0x01, 0xc8, 0x01, ...x100, 0x00];

const RECORDS: RecordInput[] = [
  { key: null, value: Buffer.from('a'), timestamp: 1_000 },
  { key: Buffer.from('k'), value: null, headers: [{ key: 'h', value: null }], timestamp: 990 },
  { key: null, value: Buffer.from(x100), timestamp: 101_000 },
];

describe('encodeRecordBatch', () => {
  it('writes the hand-built golden bytes (null key/value, null header value, multi-byte and negative varints)', () => {
    const expected = handBatch({
      baseOffset: 0n,
      leaderEpoch: -1,
      attributes: 0,
      lastOffsetDelta: 2,
      baseTs: 1000n,
      maxTs: 101000n,
      producerId: -1n,
      producerEpoch: -1,
      baseSequence: -1,
      count: 3,
      records: [...REC0, ...REC1, ...REC2],
    });
    expect(encodeRecordBatch(RECORDS, { baseTimestamp: 1000 })).toEqual(expected);
  });

  it('writes producer fields, offsets and attribute bits', () => {
    const expected = handBatch({
      baseOffset: 0x1_0000_0005n,
      leaderEpoch: 7,
      attributes: 0x08,
      lastOffsetDelta: 0,
      baseTs: 1000n,
      maxTs: 1000n,
      producerId: 123456789012n,
      producerEpoch: 3,
      baseSequence: 42,
      count: 1,
      records: REC0,
    });
    const got = encodeRecordBatch([RECORDS[0]!], {
      baseOffset: 0x1_0000_0005,
      partitionLeaderEpoch: 7,
      producerId: 123456789012,
      producerEpoch: 3,
      baseSequence: 42,
      attributes: 0x08,
    });
    expect(got).toEqual(expected);
  });

  it('is byte-identical to kafkajs RecordBatch for the same input', async () => {
    const require = createRequire(import.meta.url);
    const { RecordBatch: KjsRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch: (o: object) => Promise<{ buffer: Buffer }> };
    const KjsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (o: object) => unknown;
    const kjs = await KjsRecordBatch({
      firstTimestamp: 5000,
      maxTimestamp: 5007,
      partitionLeaderEpoch: 0,
      lastOffsetDelta: 1,
      producerEpoch: 0,
      firstSequence: 0,
      records: [
        KjsRecord({ offsetDelta: 0, timestampDelta: 0, key: Buffer.from('k1'), value: Buffer.from('v1'), headers: { a: Buffer.from('b') } }),
        KjsRecord({ offsetDelta: 1, timestampDelta: 7, key: null, value: Buffer.from('v2') }),
      ],
    });
    const ours = encodeRecordBatch(
      [
        { key: Buffer.from('k1'), value: Buffer.from('v1'), headers: [{ key: 'a', value: Buffer.from('b') }], timestamp: 5000 },
        { key: null, value: Buffer.from('v2'), timestamp: 5007 },
      ],
      { partitionLeaderEpoch: 0, producerEpoch: 0, baseSequence: 0 },
    );
    expect(ours).toEqual(kjs.buffer);
  });

  it('round-trips through decode for every codec it can compress', () => {
    for (const compression of [0, 1, 2, 3]) {
      const batch = encodeRecordBatch(RECORDS, { baseOffset: 10, compression });
      expect(validateRecordBatches(batch)).toHaveLength(1);
      const { header, records } = decodeRecordBatch(batch);
      expect(header.codec).toBe(compression);
      expect(header.recordsCount).toBe(3);
      expect(header.lastOffset).toBe(12);
      expect(header.maxTimestamp).toBe(101_000);
      expect(records.map((r) => r.offset)).toEqual([10, 11, 12]);
      expect(records.map((r) => r.timestamp)).toEqual([1000, 990, 101_000]);
      expect(records[0]!.key).toBeNull();
      expect(records[0]!.value).toEqual(Buffer.from('a'));
      expect(records[1]!.value).toBeNull();
      expect(records[1]!.headers).toEqual([{ key: 'h', value: null }]);
      expect(records[2]!.value).toEqual(Buffer.from(x100));
    }
  });

  it('rejects zstd compression and empty batches', () => {
    expect(() => encodeRecordBatch(RECORDS, { compression: 4 })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_COMPRESSION_TYPE' }));
    expect(() => encodeRecordBatch(RECORDS, { compression: 6 })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_COMPRESSION_TYPE' }));
    expect(() => encodeRecordBatch([])).toThrow(expect.objectContaining({ code: 'INVALID_RECORD' }));
  });

  it('round-trips arbitrary records (property)', () => {
    const rec = fc.record({
      key: fc.option(fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a))),
      value: fc.option(fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a))),
      headers: fc.array(fc.record({ key: fc.string({ maxLength: 10 }), value: fc.option(fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a))) }), { maxLength: 3 }),
      timestamp: fc.integer({ min: 0, max: 2 ** 45 }),
    });
    fc.assert(
      fc.property(fc.array(rec, { minLength: 1, maxLength: 80 }), (recs) => {
        const batch = encodeRecordBatch(recs);
        validateRecordBatches(batch);
        const { records } = decodeRecordBatch(batch);
        expect(records.length).toBe(recs.length);
        records.forEach((r, i) => {
          expect(r.key).toEqual(recs[i]!.key);
          expect(r.value).toEqual(recs[i]!.value);
          expect(r.headers).toEqual(recs[i]!.headers);
          expect(r.timestamp).toBe(recs[i]!.timestamp);
          expect(r.offsetDelta).toBe(i);
        });
      }),
      { numRuns: 60 },
    );
  });
});

describe('encodeRecordBatchFromBodies', () => {
  function bodies(lines: string[]): { data: Buffer; starts: Uint32Array; ends: Uint32Array } {
    const data = Buffer.from(lines.join('\n'));
    const starts = new Uint32Array(lines.length);
    const ends = new Uint32Array(lines.length);
    let p = 0;
    lines.forEach((l, i) => {
      starts[i] = p;
      ends[i] = p + Buffer.byteLength(l);
      p = ends[i]! + 1;
    });
    return { data, starts, ends };
  }

  it('is byte-identical to the general encoder (null keys, headers on the last record only)', () => {
    const lines = Array.from({ length: 150 }, (_, i) => 'line ' + 'y'.repeat(i));
    const { data, starts, ends } = bodies(lines);
    const hs = [{ key: 'sluice.src', value: Buffer.from('file:/var/log/x@123') }, { key: 'n', value: null }];
    const general = encodeRecordBatch(
      lines.map((l, i) => ({ key: null, value: Buffer.from(l), ...(i === lines.length - 1 ? { headers: hs } : {}) })),
      { baseTimestamp: 1_700_000_000_000, producerId: 9, producerEpoch: 1, baseSequence: 100 },
    );
    const input = { data, starts, ends, timestamp: 1_700_000_000_000, lastRecordHeaders: hs, producerId: 9, producerEpoch: 1, baseSequence: 100 };
    expect(recordBatchSizeFromBodies(input)).toBe(general.length);
    expect(encodeRecordBatchFromBodies(input)).toEqual(general);
    // into a preallocated buffer at an offset
    const out = Buffer.alloc(general.length + 20, 0xee);
    const view = encodeRecordBatchFromBodies(input, out, 7);
    expect(view).toEqual(general);
    expect(out[6]).toBe(0xee);
    expect(out[7 + general.length]).toBe(0xee);
  });

  it('supports per-record keys, a count below the array length, and compression', () => {
    const { data, starts, ends } = bodies(['a', 'bb', 'ccc', 'unused']);
    const keys = [Buffer.from('k0'), null, Buffer.from('k2')];
    const input = { data, starts, ends, count: 3, keys, timestamp: 77 };
    const general = encodeRecordBatch(
      [
        { key: keys[0]!, value: Buffer.from('a') },
        { key: null, value: Buffer.from('bb') },
        { key: keys[2]!, value: Buffer.from('ccc') },
      ],
      { baseTimestamp: 77 },
    );
    expect(encodeRecordBatchFromBodies(input)).toEqual(general);
    const gz = encodeRecordBatchFromBodies({ ...input, compression: 1 });
    expect(validateRecordBatches(gz)[0]!.codec).toBe(1);
    expect(decodeRecordBatch(gz).records.map((r) => r.value?.toString())).toEqual(['a', 'bb', 'ccc']);
    expect(() => encodeRecordBatchFromBodies(input, Buffer.alloc(10))).toThrow(expect.objectContaining({ code: 'BUFFER_TOO_SMALL' }));
  });
});

describe('decodeRecordBatch', () => {
  it('decodes a kafkajs gzip batch', async () => {
    const require = createRequire(import.meta.url);
    const { RecordBatch: KjsRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch: (o: object) => Promise<{ buffer: Buffer }> };
    const KjsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (o: object) => unknown;
    const recs = Array.from({ length: 20 }, (_, i) => KjsRecord({ offsetDelta: i, timestampDelta: i, key: null, value: Buffer.from(`msg-${i}`) }));
    const kjs = await KjsRecordBatch({ compression: 1, firstTimestamp: 100, maxTimestamp: 119, lastOffsetDelta: 19, records: recs });
    validateRecordBatches(kjs.buffer);
    const { header, records } = decodeRecordBatch(kjs.buffer);
    expect(header.codec).toBe(1);
    expect(records.map((r) => r.value!.toString())).toEqual(Array.from({ length: 20 }, (_, i) => `msg-${i}`));
    expect(records[19]!.timestamp).toBe(119);
  });

  it('uses maxTimestamp for every record under LogAppendTime', () => {
    const b = encodeRecordBatch(RECORDS, { attributes: 0x08 });
    expect(decodeRecordBatch(b).records.map((r) => r.timestamp)).toEqual([101_000, 101_000, 101_000]);
  });
});
