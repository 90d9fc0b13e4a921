// CRC-32C throughput: @node-rs/crc32 (SIMD, what src/protocol/crc32c.ts uses) beside a
// slicing-by-8 table implementation in plain JS, and beside a memory-bandwidth ceiling
// (Buffer.copy of the same bytes) measured in the same run. Requirement: ≥ 1 GB/s.
//   node bench/crc32c.bench.mjs            (SLUICE_BENCH_MS=… per cell, default 400)
import { randomBytes } from 'node:crypto';
import { crc32c } from '../dist/protocol/crc32c.js';

const POLY = 0x82f63b78;
const T = Array.from({ length: 8 }, () => new Int32Array(256));
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  T[0][n] = c;
}
for (let n = 0; n < 256; n++) for (let t = 1; t < 8; t++) T[t][n] = (T[t - 1][n] >>> 8) ^ T[0][T[t - 1][n] & 0xff];
const [T0, T1, T2, T3, T4, T5, T6, T7] = T;

function crc32cSlicing8(buf, initial = 0) {
  let crc = ~initial;
  let i = 0;
  const n = buf.length;
  const end8 = n - (n & 7);
  for (; i < end8; i += 8) {
    const a = (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24)) ^ crc;
    crc =
      T7[a & 0xff] ^ T6[(a >>> 8) & 0xff] ^ T5[(a >>> 16) & 0xff] ^ T4[a >>> 24] ^
      T3[buf[i + 4]] ^ T2[buf[i + 5]] ^ T1[buf[i + 6]] ^ T0[buf[i + 7]];
  }
  for (; i < n; i++) crc = T0[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

const check = Buffer.from('123456789');
if (crc32cSlicing8(check) !== 0xe3069283 || crc32c(check) !== 0xe3069283) throw new Error('check value mismatch');

const MS = Number(process.env.SLUICE_BENCH_MS ?? 400);
function gbps(fn, buf) {
  for (let i = 0; i < 3; i++) fn(buf);
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  let t;
  do {
    for (let i = 0; i < 16; i++) fn(buf);
    bytes += 16 * buf.length;
    t = Number(process.hrtime.bigint() - t0) / 1e9;
  } while (t * 1000 < MS);
  return bytes / t / 1e9;
}

const rows = [];
for (const [label, size] of [['1 MiB', 1 << 20], ['16 KiB', 16 << 10]]) {
  const buf = randomBytes(size);
  const dst = Buffer.allocUnsafe(size);
  const native = gbps((b) => crc32c(b), buf);
  const sliced = gbps((b) => crc32cSlicing8(b), buf);
  const copy = gbps((b) => b.copy(dst), buf);
  rows.push({ buffer: label, '@node-rs/crc32 GB/s': native.toFixed(2), 'slicing-by-8 JS GB/s': sliced.toFixed(2), 'native/sliced': (native / sliced).toFixed(1) + '×', 'memcpy ceiling GB/s': copy.toFixed(2), 'goal ≥1 GB/s': native >= 1 ? 'met' : 'MISSED' });
}
console.table(rows);
