import { describe, expect, it } from 'vitest';
import { newScanOut, scanLines } from '../../../src/sources/taildir/line-scanner.js';

function scan(input: string | Buffer, opts: { max?: number; skip?: boolean; batch?: number; base?: number } = {}) {
  const buf = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const n = opts.batch ?? 16;
  const starts = new Uint32Array(n);
  const ends = new Uint32Array(n);
  const offs = new Float64Array(n);
  const out = newScanOut();
  scanLines(buf, 0, opts.base ?? 0, n, opts.max ?? 100, opts.skip ?? false, starts, ends, offs, out);
  const bodies = Array.from({ length: out.count }, (_, i) => buf.subarray(starts[i]!, ends[i]!).toString('latin1'));
  return { bodies, offs: Array.from(offs.subarray(0, out.count)), ...out };
}

describe('scanLines', () => {
  it('splits on \\n, strips one \\r, reports end offsets and the unterminated tail', () => {
    const r = scan('a\r\n\nbc\r\r\npart', { base: 1000 });
    expect(r.bodies).toEqual(['a', '', 'bc\r']);
    expect(r.offs).toEqual([1003, 1004, 1009]);
    expect(r.next).toBe(9);
  });

  it('skips NUL runs at line starts (copytruncate holes)', () => {
    const r = scan(Buffer.concat([Buffer.alloc(5), Buffer.from('x\n'), Buffer.alloc(3)]));
    expect(r.bodies).toEqual(['x']);
    expect(r.offs).toEqual([7]);
    expect(r.next).toBe(10);
  });

  it('truncates or skips long lines and flags an unterminated one', () => {
    expect(scan('abcdef\nxy\n', { max: 3 }).bodies).toEqual(['abc', 'xy']);
    const s = scan('abcdef\nxy\n', { max: 3, skip: true });
    expect([s.bodies, s.skipped, s.offs]).toEqual([['xy'], 1, [10]]);
    expect(scan('abcdefgh', { max: 3 }).longLineAt).toBe(0);
    expect(scan('ab\nabcdefgh', { max: 3 }).longLineAt).toBe(-1); // reported on the next call, count 0
    expect(scan('abcd', { max: 3 }).longLineAt).toBe(-1); // could still be "abc\r\n"
  });

  it('stops at maxLines', () => {
    const r = scan('1\n2\n3\n', { batch: 2 });
    expect([r.bodies, r.next]).toEqual([['1', '2'], 4]);
  });
});
