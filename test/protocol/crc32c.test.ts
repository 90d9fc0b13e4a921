import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { crc32c } from '../../src/protocol/crc32c.js';

describe('crc32c', () => {
  it('has the Castagnoli check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });

  it('continues a running CRC across chunks', () => {
    const data = randomBytes(100_003);
    const whole = crc32c(data);
    let running = 0;
    for (let i = 0; i < data.length; i += 4096) running = crc32c(data.subarray(i, i + 4096), running);
    expect(running).toBe(whole);
    expect(crc32c(data.subarray(5), crc32c(data.subarray(0, 5)))).toBe(whole);
  });

  it('honours a Uint8Array view offset', () => {
    const backing = Buffer.from('xx123456789yy');
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 2, 9);
    expect(crc32c(view)).toBe(0xe3069283);
  });
});
