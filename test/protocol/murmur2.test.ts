import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { murmur2, partitionForKey } from '../../src/protocol/murmur2.js';

// kafkajs's DefaultPartitioner hash is Java-compatible (kafka.md §6); used as an oracle.
const kafkajsMurmur2 = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2.js') as (
  k: Buffer | string,
) => number;

describe('murmur2', () => {
  it('matches the Java vectors', () => {
    expect(murmur2(Buffer.from('0'))).toBe(971027396);
    expect(murmur2(Buffer.from('1'))).toBe(-1993445489);
    expect(murmur2(Buffer.from('100:48069'))).toBe(1009543857);
    expect(murmur2(Buffer.alloc(0))).toBe(murmur2(new Uint8Array(0)));
  });

  it('agrees with kafkajs DefaultPartitioner for every tail length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const b = Buffer.from(bytes);
        expect(murmur2(b)).toBe(kafkajsMurmur2(b));
      }),
    );
  });

  it('partitions like BuiltInPartitioner.partitionForKey', () => {
    expect(partitionForKey(Buffer.from('0'), 10)).toBe((971027396 & 0x7fffffff) % 10);
    // a negative hash keeps Java's masking, not an unsigned shift
    expect(partitionForKey(Buffer.from('1'), 7)).toBe((-1993445489 & 0x7fffffff) % 7);
    expect(partitionForKey(Buffer.from('1'), 7)).not.toBe((-1993445489 >>> 0) % 7);
    expect(() => partitionForKey(Buffer.from('x'), 0)).toThrow(/positive/);
  });
});
