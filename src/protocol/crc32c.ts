/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as used by Kafka's record
 * batch v2 over bytes [21, end). Check value: crc32c("123456789") = 0xE3069283.
 *
 * Backed by @node-rs/crc32 (SIMD, prebuilt N-API binary, no install script).
 * `initial` continues a running CRC (pass the previous result). Returns an unsigned 32-bit value.
 */
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

export function crc32c(data: Uint8Array, initial = 0): number {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return nativeCrc32c(buf, initial) >>> 0;
}
