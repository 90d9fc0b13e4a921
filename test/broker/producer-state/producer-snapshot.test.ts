/**
 * Snapshot file format (kafka.md §5): exact bytes of a one-entry snapshot, round trip,
 * and rejection of a flipped bit, a bad version and a torn file.
 */
import { describe, expect, it } from 'vitest';
import { decodeProducerSnapshot, encodeProducerSnapshot, snapshotFileName } from '../../../src/broker/producer-state/producer-snapshot.js';
import { crc32c } from '../../../src/protocol/crc32c.js';

const entry = { producerId: 7, producerEpoch: 2, lastSequence: 41, lastOffset: 1000, offsetDelta: 9, timestamp: 1_700_000_000_000 };

describe('producer snapshot', () => {
  it('encodes version, CRC-32C over the rest, count and 46-byte entries', () => {
    const buf = encodeProducerSnapshot([entry]);
    const body = Buffer.from(
      '00000001' + // count
      '0000000000000007' + '0002' + '00000029' + '00000000000003e8' + '00000009' +
      '0000018bcfe56800' + 'ffffffff' + 'ffffffffffffffff',
      'hex',
    );
    expect(buf.length).toBe(10 + 46);
    expect(buf.readInt16BE(0)).toBe(1);
    expect(buf.subarray(6).equals(body)).toBe(true);
    expect(buf.readUInt32BE(2)).toBe(crc32c(body));
    expect(decodeProducerSnapshot(buf)).toEqual([entry]);
    expect(snapshotFileName(1000)).toBe('00000000000000001000.snapshot');
  });

  it('round-trips many entries and an empty snapshot', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ ...entry, producerId: i, lastOffset: i * 10 }));
    expect(decodeProducerSnapshot(encodeProducerSnapshot(many))).toEqual(many);
    expect(decodeProducerSnapshot(encodeProducerSnapshot([]))).toEqual([]);
  });

  it('rejects a flipped bit, another version and a torn file', () => {
    const buf = encodeProducerSnapshot([entry]);
    const flipped = Buffer.from(buf);
    flipped[20]! ^= 1;
    expect(() => decodeProducerSnapshot(flipped, 'x.snapshot')).toThrow(/x.snapshot: CRC mismatch/);
    const v2 = Buffer.from(buf);
    v2.writeInt16BE(2, 0);
    expect(() => decodeProducerSnapshot(v2)).toThrow(/version 2/);
    expect(() => decodeProducerSnapshot(buf.subarray(0, 30))).toThrow(/PRODUCER_SNAPSHOT_CORRUPT|CRC|fit/);
  });
});
