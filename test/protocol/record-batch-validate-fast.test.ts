// The fast record walk must agree with the checked walk: whatever the fast walk accepts the
// checked walk accepts, and for everyday shapes (short varints) they accept the same inputs.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeRecordBatch } from '../../src/protocol/record-batch.js';
import { walkRecords, walkRecordsFast } from '../../src/protocol/record-batch-validate.js';
import { BATCH } from '../../src/protocol/record-batch-layout.js';

function checkedAccepts(data: Buffer, count: number): boolean {
  try {
    walkRecords(data, BATCH.RECORDS, data.length, count, 0);
    return true;
  } catch {
    return false;
  }
}

const recordArb = fc.record({
  key: fc.option(fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)), { nil: null }),
  value: fc.option(fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), { nil: null }),
  timestamp: fc.integer({ min: 1_000_000, max: 1_000_000 + 2 ** 40 }),
  headers: fc.array(
    fc.record({
      key: fc.string({ maxLength: 20 }),
      value: fc.option(fc.uint8Array({ maxLength: 50 }).map((a) => Buffer.from(a)), { nil: null }),
    }),
    { maxLength: 4 },
  ),
});

describe('walkRecordsFast', () => {
  it('accepts every valid batch the encoder writes, as the checked walk does', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 30 }), (recs) => {
        const b = encodeRecordBatch(recs, {});
        const count = b.readInt32BE(BATCH.RECORDS_COUNT);
        expect(checkedAccepts(b, count)).toBe(true);
        expect(walkRecordsFast(b, BATCH.RECORDS, b.length, count)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never accepts what the checked walk rejects (random byte mutations and counts)', () => {
    const base = encodeRecordBatch(
      Array.from({ length: 6 }, (_, i) => ({ key: i % 2 ? null : Buffer.from(`k${i}`), value: Buffer.alloc(70 + i, 0x61), timestamp: 5000 + i, headers: i === 3 ? [{ key: 'h', value: null }] : [] })),
      {},
    );
    fc.assert(
      fc.property(
        fc.integer({ min: BATCH.RECORDS, max: base.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 8 }),
        (pos, byte, count) => {
          const m = Buffer.from(base);
          m[pos] = byte;
          const fast = walkRecordsFast(m, BATCH.RECORDS, m.length, count);
          if (fast) expect(checkedAccepts(m, count)).toBe(true);
          if (count === 6 && checkedAccepts(m, count)) expect(fast).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('rejects a count that does not match and trailing bytes', () => {
    const b = encodeRecordBatch([{ key: null, value: Buffer.from('a'), timestamp: 1 }, { key: null, value: Buffer.from('b'), timestamp: 2 }], {});
    expect(walkRecordsFast(b, BATCH.RECORDS, b.length, 2)).toBe(true);
    expect(walkRecordsFast(b, BATCH.RECORDS, b.length, 1)).toBe(false);
    expect(walkRecordsFast(b, BATCH.RECORDS, b.length, 3)).toBe(false);
    expect(walkRecordsFast(b, BATCH.RECORDS, b.length - 1, 2)).toBe(false);
  });
});
