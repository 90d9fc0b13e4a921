/**
 * Which __consumer_offsets partition owns a group: Kafka's
 * `Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions`.
 *
 * Java's String.hashCode runs over UTF-16 code units (`s[0]*31^(n-1) + … + s[n-1]`,
 * int32 overflow), which is exactly what JS `charCodeAt` yields. Kafka's Utils.abs maps
 * Integer.MIN_VALUE to 0 (not to itself as Math.abs would). Pure functions.
 */

/** Java's String.hashCode (int32). */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's Utils.abs: Integer.MIN_VALUE → 0, else |n|. */
export function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n);
}

/** The __consumer_offsets partition for `groupId`. */
export function offsetsPartitionFor(groupId: string, partitions: number): number {
  return kafkaAbs(javaStringHashCode(groupId)) % partitions;
}
