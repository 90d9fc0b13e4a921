import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { compileJavaRegex, fullMatch, javaGroup, javaReplacer, translateJavaRegex } from '../../src/config/java-regex.js';

/** [java pattern, input, expected find() result] */
const FIND_TABLE: ReadonlyArray<readonly [string, string, boolean]> = [
  ['(?i)error', 'An ERROR here', true],
  ['error', 'An ERROR here', false],
  ['a(?i)b', 'aB', true],
  ['a(?i)b', 'AB', false],
  ['(?i:b)c', 'Bc', true],
  ['(?i:b)c', 'BC', false],
  ['(?i)[a-c]+x', 'ABCX', true],
  ['x(?i)[^a]', 'xA', false],
  ['(?s)a.b', 'a\nb', true],
  ['a.b', 'a\nb', false],
  ['a.b', 'a\rb', false],
  ['a.b', 'a\u2028b', false],
  ['(?m)^b$', 'a\nb\nc', true],
  ['^b$', 'a\nb\nc', false],
  ['abc$', 'abc\n', true], // Java's $ matches before a final line terminator
  ['abc$', 'abc\nx', false],
  ['abc\\z', 'abc\n', false],
  ['abc\\Z', 'abc\n', true],
  ['\\Aabc', 'abc', true],
  ['x\\Aabc', 'xabc', false],
  ['a++b', 'aaab', true],
  ['a*+a', 'aaaa', false], // possessive: never gives back
  ['(?>a|ab)c', 'abc', false], // atomic: commits to the first alternative
  ['(?>ab|a)c', 'abc', true],
  ['\\Q.*+\\E', 'a.*+b', true],
  ['\\Q.*+\\E', 'abc', false],
  ['\\Qab\\E+', 'abbb', true], // quantifier applies to the last quoted char
  ['\\p{Alpha}+\\p{Digit}', 'abc1', true],
  ['^\\p{Alnum}+$', 'ab_c', false],
  ['\\p{Punct}', 'a!', true],
  ['^\\p{Upper}\\p{Lower}+$', 'Hello', true],
  ['^\\p{XDigit}+$', 'DEADbeef', true],
  ['^\\p{Space}$', '\u00a0', false], // POSIX Space is ASCII-only
  ['^\\P{Alpha}$', '1', true],
  ['^\\p{L}+$', 'héllo', true],
  ['^\\pL+$', 'héllo', true],
  ['^\\p{IsLatin}+$', 'abc', true],
  ['^\\p{IsAlphabetic}+$', 'abc', true],
  ['^\\p{javaLowerCase}+$', 'abc', true],
  ['^\\s$', '\u00a0', false], // Java \s is ASCII
  ['^\\s$', '\u000b', true],
  ['^\\h$', '\u00a0', true],
  ['^\\v$', '\u2028', true],
  ['^a\\Rb$', 'a\r\nb', true],
  ['^[a-z&&[^aeiou]]+$', 'bcd', true],
  ['^[a-z&&[^aeiou]]+$', 'bad', false],
  ['^[a-d[m-p]]+$', 'amp', true],
  ['^[\\w.-]+@', 'a.b-c@x', true],
  ['^[^\\s]+$', 'abc', true],
  ['(\\d+)-\\1', '12-12', true],
  ['(\\d+)-\\1', '12-13', false],
  ['(?<year>\\d{4})-\\k<year>', '2024-2024', true],
  ['(?x) a b  # comment\n c', 'abc', true],
  ['\\x41\\x{42}\\u0043\\0104', 'ABCD', true],
  ['a{2,3}', 'aa', true],
  ['a{2}', 'a', false],
  ['"quoted"\\s\\#', '"quoted" #', true],
  ['a]b}', 'a]b}', true],
  ['^.*$', '', true],
  ['(?i)é', 'É', true],
  ['\\bERROR\\b', 'an ERROR!', true],
  ['\\bERROR\\b', 'xERROR', false],
  ['caf\\b', 'café', false], // é is a word char for Java's \b
  ['a\\Bb', 'ab', true],
];

/** Patterns Java accepts but we reject (or Java rejects too), with the expected index. */
const REJECT_TABLE: ReadonlyArray<readonly [string, number, RegExp]> = [
  ['ab\\Gc', 2, /\\G/],
  ['\\X', 0, /grapheme/],
  ['(?U)\\w', 2, /UNICODE_CHARACTER_CLASS/],
  ['\\p{InGreek}', 0, /blocks/],
  ['\\p{NoSuchThing}', 0, /Unknown character property/],
  ['a(?i)(b)\\1', 8, /backreference/],
  ['(a', 0, /Unclosed group/],
  ['a)', 1, /Unmatched closing/],
  ['[abc', 0, /Unclosed character class/],
  ['*a', 0, /Dangling meta character/],
  ['a{x}', 1, /Illegal repetition/],
  ['[z-a]', 2, /Illegal character range/],
  ['\\2(a)', 0, /does not exist/],
  ['\\y', 0, /Illegal\/unsupported escape/],
  ['\\N{LATIN SMALL LETTER A}', 0, /not supported/],
];

describe('compileJavaRegex', () => {
  it.each(FIND_TABLE)('%j on %j → %s', (pattern, input, expected) => {
    expect(compileJavaRegex(pattern).test(input)).toBe(expected);
  });

  it.each(REJECT_TABLE)('rejects %j at index %i', (pattern, index, reason) => {
    let err: unknown;
    try {
      compileJavaRegex(pattern, { label: 'a1.sources.r1.interceptors.i1.regex', location: { file: 'f.conf', line: 7, key: 'regex' } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const ce = err as ConfigError;
    expect(ce.code).toBe('CONFIG_INVALID_REGEX');
    expect(ce.message).toContain('f.conf:7');
    expect(ce.message).toContain('a1.sources.r1.interceptors.i1.regex');
    expect(ce.message).toContain(`at index ${index}`);
    expect(ce.message).toMatch(reason);
    expect(ce.details?.['index']).toBe(index);
  });

  it('uses the JS i flag only for a leading (?i)', () => {
    expect(compileJavaRegex('(?i)abc').flags).toContain('i');
    expect(compileJavaRegex('a(?i)bc').flags).not.toContain('i');
    expect(compileJavaRegex('(?i)a(?-i)bc').flags).not.toContain('i');
    expect(compileJavaRegex('(?i)a(?-i)bc').test('Abc')).toBe(true);
    expect(compileJavaRegex('(?i)a(?-i)bc').test('ABc')).toBe(false);
  });
});

describe('fullMatch', () => {
  it('anchors the whole input like Matcher.matches()', () => {
    expect(fullMatch('abc').test('abc')).toBe(true);
    expect(fullMatch('abc').test('xabc')).toBe(false);
    expect(fullMatch('abc').test('abc\n')).toBe(false);
    expect(fullMatch('a|ab').test('ab')).toBe(true);
    expect(fullMatch('(?m)a$').test('a\n')).toBe(false);
    expect(fullMatch('tmp.*').test('tmpHeader')).toBe(true);
  });
});

describe('groups and replacements', () => {
  it('keeps Java group numbers despite helper groups', () => {
    const jr = translateJavaRegex('(?>x)(\\d+)++:(?<w>\\w+)');
    expect(jr.groupCount).toBe(2);
    const m = jr.regex.exec('x12:ab')!;
    expect(javaGroup(jr, m, 1)).toBe('12');
    expect(javaGroup(jr, m, 2)).toBe('ab');
    expect(javaGroup(jr, m, 0)).toBe('x12:ab');
  });

  it('translates $n, ${name} and \\$ in replacements', () => {
    const jr = translateJavaRegex('(\\w+)@(?<host>\\w+)', { extraFlags: 'g' });
    const r = javaReplacer(jr, '$1 at ${host} \\$5 $12');
    // $12 → group 1 followed by "2" (there is no group 12), as in Java
    expect('joe@example x@y'.replace(jr.regex, r)).toBe('joe at example $5 joe2 x at y $5 x2');
  });

  it('rejects references to missing groups at configure time', () => {
    const jr = translateJavaRegex('(a)');
    expect(() => javaReplacer(jr, '$2')).toThrow(/No group 2/);
    expect(() => javaReplacer(jr, '${nope}')).toThrow(/No group with name/);
    expect(() => javaReplacer(jr, 'x\\')).toThrow(/escaped is missing/);
  });
});
