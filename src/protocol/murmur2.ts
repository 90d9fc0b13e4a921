/**
 * Java-compatible murmur2 (org.apache.kafka.common.utils.Utils.murmur2, seed 0x9747b28c) and
 * Kafka's key partitioner (BuiltInPartitioner.partitionForKey):
 *   partition = (murmur2(key) & 0x7fffffff) % numPartitions
 * Results are Java int32 semantics (signed). Keys are bytes (UTF-8 for strings, as Java's
 * StringSerializer). Null keys are not hashed: callers pick a sticky/round-robin partition.
 * Pure functions, no allocation.
 */
import { SluiceError } from '../errors.js';

const M = 0x5bd1e995;
const SEED = 0x9747b28c;

/** Java Utils.murmur2 over `data`; returns a signed 32-bit integer. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const blocks = length >> 2;
  for (let i = 0; i < blocks; i++) {
    const o = i << 2;
    let k = data[o]! | (data[o + 1]! << 8) | (data[o + 2]! << 16) | (data[o + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & ~3;
  const rem = length & 3;
  if (rem === 3) h ^= data[tail + 2]! << 16;
  if (rem >= 2) h ^= data[tail + 1]! << 8;
  if (rem >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's default partition for a non-null key among `numPartitions` (≥ 1). */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new SluiceError('INVALID_PARTITIONS', `partition count must be a positive integer, got ${numPartitions}`);
  }
  return (murmur2(key) & 0x7fffffff) % numPartitions;
}
