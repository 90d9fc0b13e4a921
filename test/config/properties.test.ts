import { describe, expect, it } from 'vitest';
import { parseProperties, toMap } from '../../src/config/properties.js';

describe('parseProperties (java.util.Properties.load semantics)', () => {
  it('accepts =, : and whitespace separators and keeps file:line', () => {
    const e = parseProperties('a=1\nb : 2\nc 3\n  d\t=\t4\n', 'x.conf');
    expect(e.map((x) => [x.key, x.value, x.line])).toEqual([
      ['a', '1', 1], ['b', '2', 2], ['c', '3', 3], ['d', '4', 4],
    ]);
    expect(e[0]!.file).toBe('x.conf');
  });

  it('skips # and ! comments and blank lines', () => {
    const e = parseProperties('# c\n! c2\n\n   \nk=v\n');
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({ key: 'k', value: 'v', line: 5 });
  });

  it('joins continuation lines and strips leading blanks of the next line', () => {
    const e = parseProperties('k = one \\\n    two\\\n\tthree\nz=1');
    expect(e[0]).toMatchObject({ key: 'k', value: 'one twothree', line: 1 });
    expect(e[1]).toMatchObject({ key: 'z', line: 4 });
  });

  it('an even number of trailing backslashes does not continue', () => {
    const e = parseProperties('k=a\\\\\nz=1');
    expect(e.map((x) => x.value)).toEqual(['a\\', '1']);
  });

  it('decodes escapes, including \\uXXXX and escaped separators in keys', () => {
    const e = parseProperties('a\\=b\\ c=x\\ty\\u0041\\n\\q');
    expect(e[0]).toMatchObject({ key: 'a=b c', value: 'x\tyA\nq' });
  });

  it('rejects a malformed \\u escape naming file:line', () => {
    expect(() => parseProperties('\n\nk=\\u12G4', 'f.properties')).toThrow(/f\.properties:3/);
  });

  it('handles CRLF and CR line endings', () => {
    const e = parseProperties('a=1\r\nb=2\rc=3');
    expect(e.map((x) => [x.key, x.line])).toEqual([['a', 1], ['b', 2], ['c', 3]]);
  });

  it('a key with no value has an empty value; last duplicate wins in toMap', () => {
    const e = parseProperties('k\nk=2\nk=3');
    expect(e[0]).toMatchObject({ key: 'k', value: '' });
    expect(toMap(e).get('k')).toMatchObject({ value: '3', line: 3 });
  });

  it('a comment line ending with a backslash is not continued', () => {
    const e = parseProperties('# c \\\nk=v');
    expect(e).toHaveLength(1);
    expect(e[0]!.key).toBe('k');
  });
});
