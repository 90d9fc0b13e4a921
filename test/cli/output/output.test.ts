// Output helpers: the progress line (TTY only, throttled, erased by done), Kafka-style
// fixed-width rows, the console-consumer formatter and the console-producer line parser.
import { describe, expect, it } from 'vitest';
import { createLineRecordParser } from '../../../src/cli/output/line-record-parser.js';
import { startProgress } from '../../../src/cli/output/progress.js';
import { createRecordFormatter } from '../../../src/cli/output/record-formatter.js';
import { formatRow, growWidths } from '../../../src/cli/output/table.js';

describe('progress', () => {
  it('draws on a TTY, erases on done, and is silent elsewhere', () => {
    const tty: string[] = [];
    const p = startProgress('reset', 4, { stream: { isTTY: true, write: (s: string) => tty.push(s) > 0 } });
    p.tick();
    p.tick(); // throttled: within 100 ms of the first draw
    p.done();
    p.done();
    expect(tty).toEqual(['\r\x1b[Kreset: 1/4 (25%)', '\r\x1b[K']);
    const piped: string[] = [];
    const q = startProgress('reset', 4, { stream: { isTTY: false, write: (s: string) => piped.push(s) > 0 } });
    q.tick();
    q.done();
    expect(piped).toEqual([]);
    const bytes: string[] = [];
    startProgress('dump', 3 * 1024 * 1024, { unit: 'bytes', stream: { isTTY: true, write: (s: string) => bytes.push(s) > 0 } }).set(1536);
    expect(bytes).toEqual(['\r\x1b[Kdump: 1.5 KiB/3.0 MiB (0%)']);
  });
});

describe('table', () => {
  it('pads like printf %-Ns, overflows long cells, trims the line end', () => {
    const rows = [['GROUP', 'PARTITION', 'NEW-OFFSET'], ['a-very-long-group-name', '0', '5']];
    const widths = growWidths(rows, [10, 10, 15]);
    expect(rows.map((r) => formatRow(r, widths))).toEqual(['GROUP                  PARTITION  NEW-OFFSET', 'a-very-long-group-name 0          5']);
  });
});

describe('record formatter', () => {
  const rec = { offset: 7, offsetDelta: 0, timestamp: 5, timestampDelta: 0, attributes: 0, key: null, value: Buffer.from('v'), headers: [{ key: 'h', value: null }], sizeInBytes: 0 };
  it('DefaultMessageFormatter order and separators', () => {
    const f = createRecordFormatter('default', { 'print.key': 'true', 'print.headers': 'true', 'key.separator': ' | ', 'null.literal': 'NULL', 'headers.key.separator': '=' });
    expect(f('t', 0, rec)).toBe('h=NULL | NULL | v');
  });
  it('rejects unknown properties and non-boolean flags', () => {
    expect(() => createRecordFormatter('default', { 'print.keys': 'true' })).toThrow(/'print.keys' is not a console-consumer property/);
    expect(() => createRecordFormatter('default', { 'print.key': 'yes' })).toThrow(/print.key must be true or false/);
  });
});

describe('line record parser', () => {
  it('headers, key and null.marker as LineMessageReader', () => {
    const parse = createLineRecordParser({ 'parse.headers': 'true', 'parse.key': 'true', 'key.separator': ':', 'null.marker': '~', 'headers.key.separator': '=' });
    const r = parse('a=1,b=~\tk:~', 1);
    expect(r.headers).toEqual([{ key: 'a', value: Buffer.from('1') }, { key: 'b', value: null }]);
    expect(r.key).toEqual(Buffer.from('k'));
    expect(r.value).toBeNull();
    expect(() => parse('no-delimiter', 9)).toThrow(/input line 9: no headers delimiter/);
    const lenient = createLineRecordParser({ 'parse.key': 'true', 'ignore.error': 'true' });
    expect(lenient('just a value', 1)).toEqual({ key: null, value: Buffer.from('just a value') });
  });
});
