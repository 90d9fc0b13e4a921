import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  readUnsignedVarint,
  readVarint,
  readVarlong,
  sizeOfUnsignedVarint,
  sizeOfVarint,
  sizeOfVarlong,
  varintCursor,
  writeUnsignedVarint,
  writeVarint,
  writeVarlong,
} from '../../src/protocol/varint.js';

function enc(write: (b: Buffer, o: number, v: number) => number, v: number): Buffer {
  const b = Buffer.alloc(16);
  return b.subarray(0, write(b, 0, v));
}

describe('zig-zag varint', () => {
  it('encodes the DefaultRecord examples byte for byte', () => {
    expect(enc(writeVarint, 0)).toEqual(Buffer.from([0x00]));
    expect(enc(writeVarint, -1)).toEqual(Buffer.from([0x01]));
    expect(enc(writeVarint, 1)).toEqual(Buffer.from([0x02]));
    expect(enc(writeVarint, -64)).toEqual(Buffer.from([0x7f]));
    expect(enc(writeVarint, 64)).toEqual(Buffer.from([0x80, 0x01]));
    expect(enc(writeVarint, 300)).toEqual(Buffer.from([0xd8, 0x04]));
    expect(enc(writeVarint, 2147483647)).toEqual(Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x0f]));
    expect(enc(writeVarint, -2147483648)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
  });

  it('round-trips every int32 and reports the size and end position', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2147483648, max: 2147483647 }), (v) => {
        const b = Buffer.alloc(8, 0xaa);
        const end = writeVarint(b, 1, v);
        expect(end - 1).toBe(sizeOfVarint(v));
        expect(readVarint(b, 1)).toBe(v);
        expect(varintCursor.next).toBe(end);
      }),
    );
  });

  it('rejects truncated and over-long varints', () => {
    expect(() => readVarint(Buffer.from([0x80, 0x80]), 0)).toThrow(/truncated/);
    expect(() => readVarint(Buffer.from([0x80, 0x01]), 0, 1)).toThrow(/truncated/);
    expect(() => readVarint(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f]), 0)).toThrow(/too long/);
  });
});

describe('zig-zag varlong', () => {
  it('encodes 64-bit values byte for byte', () => {
    // 2^40 → zz 2^41 → 7-bit groups: 41 bits → 6 bytes.
    expect(enc(writeVarlong, 2 ** 40)).toEqual(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x40]));
    expect(enc(writeVarlong, -(2 ** 40))).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x3f]));
    expect(enc(writeVarlong, 1_700_000_000_000)).toHaveLength(sizeOfVarlong(1_700_000_000_000));
  });

  it('round-trips safe integers up to 2^51', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 51), max: 2 ** 51 }), (v) => {
        const b = Buffer.alloc(12);
        const end = writeVarlong(b, 0, v);
        expect(end).toBe(sizeOfVarlong(v));
        expect(readVarlong(b, 0)).toBe(v);
        expect(varintCursor.next).toBe(end);
      }),
    );
  });

  it('reads a Long.MIN-style 10-byte value as an error, not a rounded number', () => {
    const max = Buffer.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(() => readVarlong(max, 0)).toThrow(/2\^53/);
    expect(() => readVarlong(Buffer.alloc(11, 0x80), 0)).toThrow(/too long|truncated/);
  });
});

describe('unsigned varint', () => {
  it('encodes the protocol compact-length examples', () => {
    expect(enc(writeUnsignedVarint, 0)).toEqual(Buffer.from([0x00]));
    expect(enc(writeUnsignedVarint, 127)).toEqual(Buffer.from([0x7f]));
    expect(enc(writeUnsignedVarint, 128)).toEqual(Buffer.from([0x80, 0x01]));
    expect(enc(writeUnsignedVarint, 0xffffffff)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
  });

  it('round-trips uint32', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
        const b = Buffer.alloc(6);
        const end = writeUnsignedVarint(b, 0, v);
        expect(end).toBe(sizeOfUnsignedVarint(v));
        expect(readUnsignedVarint(b, 0)).toBe(v);
      }),
    );
  });
});
