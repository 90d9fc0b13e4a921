/**
 * Java → JavaScript regular-expression translation (java.util.regex.Pattern syntax).
 *
 * Flume configs carry Java patterns (regex_filter, regex_extractor, search_replace,
 * remove_header, TAILDIR file names). This module translates one pattern, once, at
 * configure time into a JS RegExp with the `v` flag, so a config that loads behaves
 * like Java at run time. Anything that cannot be translated faithfully is rejected at
 * load with a ConfigError (code CONFIG_INVALID_REGEX) naming the key's file:line, the
 * 0-based index in the pattern (as Java's PatternSyntaxException does) and the reason.
 *
 * Translation table (Java → JS):
 * - Inline flags `(?imsxdu-imsxdu)` and scoped `(?i:X)`: applied by the translator, not
 *   by JS flags, so they can change mid-pattern. `s` → `.` becomes `[\s\S]`; `m` → `^`/`$`
 *   become line-terminator lookarounds; `x` → whitespace and `#` comments are dropped
 *   outside classes; `d` (UNIX_LINES) → only `\n` ends a line; `u` is accepted (JS `v`
 *   case folding is already Unicode). `i`: when set only at the start of the pattern
 *   the JS `i` flag is used; when toggled mid-pattern, ASCII letters are expanded to
 *   `[aA]` (Java's default CASE_INSENSITIVE is ASCII-only). `U` is rejected.
 * - Possessive quantifiers `X*+ X++ X?+ X{n,m}+` and atomic groups `(?>X)`: emulated
 *   exactly with a captured lookahead and a backreference, `(?=(?<_aN>X))\k<_aN>`.
 * - `\Q…\E` → escaped literal. `\A` → start of input, `\z` → end of input, `\Z` and
 *   `$` (without m) → end of input or before a final line terminator, as in Java.
 * - `.` → any char but Java's line terminators (\n \r \u0085 \u2028 \u2029).
 * - `\b \B` → Java's word boundary, where letters and digits of any script are word
 *   chars (JS's \b is ASCII-only); `\w \d` stay ASCII, as in Java.
 * - `\s \S` → ASCII whitespace `[ \t\n\x0B\f\r]` (JS's \s is Unicode); `\h \H \v \V \R`
 *   → Java's horizontal/vertical whitespace and linebreak; `\e \a \0oct \x{h…}`.
 * - POSIX classes `\p{Lower} Upper ASCII Alpha Digit Alnum Punct Graph Print Blank Cntrl
 *   XDigit Space` → ASCII classes; `\p{javaLowerCase}` etc.; Unicode categories
 *   (`\p{L}`, `\pL`, `\p{IsLu}`, `\p{gc=Lu}`), scripts (`\p{IsLatin}`, `\p{sc=Latin}`)
 *   and binary properties (`\p{IsAlphabetic}`). Blocks (`\p{InGreek}`) are rejected.
 * - Class union `[a-d[m-p]]` and intersection `[a-z&&[^aeiou]]` → `v`-flag set syntax.
 * - Groups: every capturing group gets a JS name (the user's name, or `_jN` for Java
 *   group N), so helper groups never shift Java's numbering; `\N` → `\k<name>`.
 *   Use `group(match, n)` / `groupCount` to read groups by Java number.
 * - Rejected: `\G`, `\X`, `\N{…}`, `\b{g}`, `(?U)`, blocks, backreferences inside a
 *   mid-pattern `(?i)` region, unknown escapes of ASCII letters (Java rejects those too).
 *
 * Pure functions; the returned objects are immutable (a RegExp with `g`/`y` has a
 * mutable lastIndex: callers own their instances).
 */
import { ConfigError } from '../errors.js';

export interface JavaRegexLocation {
  readonly file?: string;
  readonly line?: number;
  readonly key?: string;
}

export interface JavaRegexOptions {
  /** Where the pattern was configured, for error messages. */
  readonly location?: JavaRegexLocation;
  /** Label for the message, e.g. `a1.sources.r1.interceptors.i1.regex`. */
  readonly label?: string;
  /** Anchor the whole pattern (Java's `Matcher.matches()`). */
  readonly fullMatch?: boolean;
  /** Extra JS flags to add (e.g. `g` for replaceAll, `y`). */
  readonly extraFlags?: string;
}

/** A translated Java pattern. */
export interface JavaRegex {
  readonly javaPattern: string;
  readonly regex: RegExp;
  /** Number of Java capturing groups. */
  readonly groupCount: number;
  /** JS group names by Java group number (index 0 unused). */
  readonly groupNames: readonly string[];
}

interface Flags {
  i: boolean;
  s: boolean;
  m: boolean;
  x: boolean;
  d: boolean;
}

const LT = '\\n\\r\\u{85}\\u{2028}\\u{2029}';
const ANY_CHAR = '[\\s\\S]';
/** Java's \b word chars: Character.isLetterOrDigit, '_' and non-spacing marks (Unicode, unlike \w). */
const WORD = '[\\p{L}\\p{Nd}\\p{Mn}_]';
const WORD_BOUNDARY = `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`;
const NOT_WORD_BOUNDARY = `(?:(?<=${WORD})(?=${WORD})|(?<!${WORD})(?!${WORD}))`;
const START_OF_INPUT = '(?<![\\s\\S])';
const END_OF_INPUT = '(?![\\s\\S])';
const JAVA_SPACE_ITEMS = '\\t\\n\\u{B}\\f\\r\\u{20}';
const H_ITEMS = '\\u{20}\\t\\u{A0}\\u{1680}\\u{180E}\\u{2000}-\\u{200A}\\u{202F}\\u{205F}\\u{3000}';
const V_ITEMS = '\\n\\u{B}\\f\\r\\u{85}\\u{2028}\\u{2029}';

/** POSIX classes (US-ASCII, as Java defines them without UNICODE_CHARACTER_CLASS): class items. */
const POSIX: Readonly<Record<string, string>> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\u{0}-\\u{7F}',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '\\u{21}-\\u{2F}\\u{3A}-\\u{40}\\u{5B}-\\u{60}\\u{7B}-\\u{7E}',
  Graph: '\\u{21}-\\u{7E}',
  Print: '\\u{20}-\\u{7E}',
  Blank: '\\u{20}\\t',
  Cntrl: '\\u{0}-\\u{1F}\\u{7F}',
  XDigit: '0-9a-fA-F',
  Space: JAVA_SPACE_ITEMS,
};

/** java.lang.Character predicates and Java's binary property names → JS property escapes. */
const JAVA_PROPS: Readonly<Record<string, string>> = {
  javaLowerCase: '\\p{Lowercase}',
  javaUpperCase: '\\p{Uppercase}',
  javaAlphabetic: '\\p{Alphabetic}',
  javaLetter: '\\p{L}',
  javaDigit: '\\p{Nd}',
  javaLetterOrDigit: '\\p{L}\\p{Nd}',
  javaMirrored: '\\p{Bidi_Mirrored}',
  javaIdeographic: '\\p{Ideographic}',
  javaTitleCase: '\\p{Lt}',
  javaISOControl: '\\u{0}-\\u{1F}\\u{7F}-\\u{9F}',
  Alphabetic: '\\p{Alphabetic}',
  Ideographic: '\\p{Ideographic}',
  Letter: '\\p{L}',
  Lowercase: '\\p{Lowercase}',
  Uppercase: '\\p{Uppercase}',
  Titlecase: '\\p{Lt}',
  Punctuation: '\\p{P}',
  Control: '\\p{Cc}',
  White_Space: '\\p{White_Space}',
  WhiteSpace: '\\p{White_Space}',
  Digit: '\\p{Nd}',
  Hex_Digit: '\\p{Hex_Digit}',
  HexDigit: '\\p{Hex_Digit}',
  Join_Control: '\\p{Join_Control}',
  JoinControl: '\\p{Join_Control}',
  Noncharacter_Code_Point: '\\p{Noncharacter_Code_Point}',
  NoncharacterCodePoint: '\\p{Noncharacter_Code_Point}',
  Assigned: '\\P{Cn}',
  Emoji: '\\p{Emoji}',
};

function jsPropertyOk(body: string): boolean {
  try {
    new RegExp(`\\p{${body}}`, 'v');
    return true;
  } catch {
    return false;
  }
}

/** Escaped form of one code point, valid in and out of `v`-mode classes. */
function lit(cp: number): string {
  if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)) return String.fromCodePoint(cp);
  if (cp > 0x7f && cp !== 0x85 && cp !== 0x2028 && cp !== 0x2029) return String.fromCodePoint(cp);
  return `\\u{${cp.toString(16).toUpperCase()}}`;
}

function isAsciiLetter(cp: number): boolean {
  return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
}

function otherCase(cp: number): number {
  return cp >= 0x61 ? cp - 0x20 : cp + 0x20;
}

/** Class items for range lo..hi plus its ASCII case counterparts (Java's ASCII-only CASE_INSENSITIVE). */
function caseRangeItems(lo: number, hi: number): string {
  let out = lo === hi ? lit(lo) : `${lit(lo)}-${lit(hi)}`;
  for (const [a, b, delta] of [[0x61, 0x7a, -0x20], [0x41, 0x5a, 0x20]] as const) {
    const l = Math.max(lo, a);
    const h = Math.min(hi, b);
    if (l <= h) out += l === h ? lit(l + delta) : `${lit(l + delta)}-${lit(h + delta)}`;
  }
  return out;
}

class JavaRegexTranslator {
  private pos = 0;
  private javaGroups = 0;
  private readonly names: string[] = [''];
  private readonly closedGroups = new Set<number>();
  private atomicCount = 0;
  /** True when case-insensitivity is realized by the JS `i` flag (set only at the very start). */
  useIFlag = false;

  constructor(
    private readonly p: string,
    private readonly fail: (index: number, reason: string) => never,
  ) {}

  get groupCount(): number {
    return this.javaGroups;
  }

  get groupNames(): readonly string[] {
    return this.names;
  }

  translate(): string {
    const flags: Flags = { i: false, s: false, m: false, x: false, d: false };
    // Leading global flags: `i` may become the JS flag when no other construct toggles it.
    let q = 0;
    for (;;) {
      const m = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?\)/.exec(this.p.slice(q));
      if (!m) break;
      this.applyFlags(flags, m[1] ?? '', m[2] ?? '', q + 2);
      q += m[0].length;
    }
    const rest = this.p.slice(q);
    this.useIFlag = flags.i && !/\(\?[a-zA-Z]*-?[a-zA-Z]*i[a-zA-Z-]*[):]/.test(rest);
    this.pos = q;
    const out = this.alternation(flags, false);
    if (this.pos < this.p.length) this.fail(this.pos, "Unmatched closing ')'");
    return out;
  }

  private applyFlags(flags: Flags, on: string, off: string, at: number): void {
    for (const [set, value] of [[on, true], [off, false]] as const) {
      for (const c of set) {
        switch (c) {
          case 'i': flags.i = value; break;
          case 's': flags.s = value; break;
          case 'm': flags.m = value; break;
          case 'x': flags.x = value; break;
          case 'd': flags.d = value; break;
          case 'u': break;
          case 'U': this.fail(at, 'UNICODE_CHARACTER_CLASS (?U) is not supported');
          // falls through (fail never returns)
          default: this.fail(at, `unknown inline flag '${c}'`);
        }
      }
    }
  }

  private peek(k = 0): string {
    return this.p[this.pos + k] ?? '';
  }

  private skipExtended(flags: Flags): void {
    if (!flags.x) return;
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\u000b') this.pos++;
      else if (c === '#') {
        while (this.pos < this.p.length && this.peek() !== '\n') this.pos++;
      } else return;
    }
  }

  /** Parses alternatives until ')' (inGroup) or the end. `flags` is the group's own copy. */
  private alternation(flags: Flags, inGroup: boolean): string {
    const parts: string[] = [];
    let seq = '';
    for (;;) {
      this.skipExtended(flags);
      if (this.pos >= this.p.length) break;
      const c = this.peek();
      if (c === ')') {
        if (!inGroup) this.fail(this.pos, "Unmatched closing ')'");
        break;
      }
      if (c === '|') {
        this.pos++;
        parts.push(seq);
        seq = '';
        continue;
      }
      const atomStart = this.pos;
      const atom = this.atom(flags);
      if (atom === null) continue; // a flag group or an empty \Q\E
      seq += this.quantified(atom, flags, atomStart);
    }
    parts.push(seq);
    return parts.join('|');
  }

  private quantified(atom: { text: string; quantifiable: boolean }, flags: Flags, atomStart: number): string {
    this.skipExtended(flags);
    const c = this.peek();
    let quant = '';
    if (c === '*' || c === '+' || c === '?') {
      quant = c;
      this.pos++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.p.slice(this.pos));
      if (!m) this.fail(this.pos, 'Illegal repetition');
      if (m[3] !== undefined && m[3] !== '' && Number(m[3]) < Number(m[1])) this.fail(this.pos, 'Illegal repetition range');
      quant = m[0];
      this.pos += m[0].length;
    } else {
      return atom.text;
    }
    if (!atom.quantifiable) this.fail(atomStart, 'Dangling meta character or unquantifiable atom');
    const mod = this.peek();
    if (mod === '?') {
      this.pos++;
      return `${atom.text}${quant}?`;
    }
    if (mod === '+') {
      this.pos++;
      return this.atomic(`${atom.text}${quant}`);
    }
    return `${atom.text}${quant}`;
  }

  private atomic(inner: string): string {
    const name = `_a${++this.atomicCount}`;
    return `(?:(?=(?<${name}>${inner}))\\k<${name}>)`;
  }

  private letter(cp: number, flags: Flags): string {
    if (flags.i && !this.useIFlag && isAsciiLetter(cp)) return `[${lit(cp)}${lit(otherCase(cp))}]`;
    return lit(cp);
  }

  /** One atom; null when it produced nothing quantifiable (flag group). */
  private atom(flags: Flags): { text: string; quantifiable: boolean } | null {
    const start = this.pos;
    const c = this.peek();
    switch (c) {
      case '(':
        return this.group(flags);
      case '[': {
        const cls = this.charClass(flags);
        return { text: cls, quantifiable: true };
      }
      case '.':
        this.pos++;
        if (flags.s) return { text: ANY_CHAR, quantifiable: true };
        return { text: flags.d ? '[^\\n]' : `[^${LT}]`, quantifiable: true };
      case '^':
        this.pos++;
        if (!flags.m) return { text: START_OF_INPUT, quantifiable: false };
        return {
          text: flags.d
            ? `(?:${START_OF_INPUT}|(?<=\\n)(?=[\\s\\S]))`
            : `(?:${START_OF_INPUT}|(?<=[\\n\\u{85}\\u{2028}\\u{2029}]|\\r(?!\\n))(?=[\\s\\S]))`,
          quantifiable: false,
        };
      case '$':
        this.pos++;
        return { text: this.dollar(flags), quantifiable: false };
      case '\\':
        return this.escape(flags);
      case '*':
      case '+':
      case '?':
        this.fail(start, `Dangling meta character '${c}'`);
      // falls through (fail never returns)
      case '{': {
        if (/^\{\d+(,\d*)?\}/.test(this.p.slice(this.pos))) this.fail(start, "Dangling meta character '{'");
        this.fail(start, 'Illegal repetition');
      }
      // falls through (fail never returns)
      default: {
        const cp = this.p.codePointAt(this.pos)!;
        this.pos += cp > 0xffff ? 2 : 1;
        return { text: this.letter(cp, flags), quantifiable: true };
      }
    }
  }

  private dollar(flags: Flags): string {
    if (flags.m) return flags.d ? '(?=\\n|(?![\\s\\S]))' : `(?=[${LT}]|(?![\\s\\S]))`;
    return flags.d ? '(?=\\n?(?![\\s\\S]))' : `(?=(?:\\r\\n|[${LT}])?(?![\\s\\S]))`;
  }

  private group(outer: Flags): { text: string; quantifiable: boolean } | null {
    const start = this.pos;
    this.pos++; // (
    const flags: Flags = { ...outer };
    if (this.peek() !== '?') {
      const n = ++this.javaGroups;
      const name = `_j${n}`;
      this.names[n] = name;
      const body = this.alternation(flags, true);
      this.expect(')', start);
      this.closedGroups.add(n);
      return { text: `(?<${name}>${body})`, quantifiable: true };
    }
    this.pos++; // ?
    const k = this.peek();
    if (k === ':' || k === '=' || k === '!') {
      this.pos++;
      const body = this.alternation(flags, true);
      this.expect(')', start);
      return { text: `(?${k}${body})`, quantifiable: k === ':' };
    }
    if (k === '>') {
      this.pos++;
      const body = this.alternation(flags, true);
      this.expect(')', start);
      return { text: this.atomic(body), quantifiable: true };
    }
    if (k === '<') {
      const k2 = this.peek(1);
      if (k2 === '=' || k2 === '!') {
        this.pos += 2;
        const body = this.alternation(flags, true);
        this.expect(')', start);
        return { text: `(?<${k2}${body})`, quantifiable: false };
      }
      const m = /^<([a-zA-Z][a-zA-Z0-9]*)>/.exec(this.p.slice(this.pos));
      if (!m) this.fail(this.pos, 'named capturing group is missing trailing \'>\' or has an invalid name');
      const name = m[1]!;
      if (this.names.includes(name)) this.fail(this.pos, `Named capturing group <${name}> is already defined`);
      this.pos += m[0].length;
      const n = ++this.javaGroups;
      this.names[n] = name;
      const body = this.alternation(flags, true);
      this.expect(')', start);
      this.closedGroups.add(n);
      return { text: `(?<${name}>${body})`, quantifiable: true };
    }
    const m = /^([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(this.p.slice(this.pos));
    if (!m) this.fail(this.pos, 'Unknown inline modifier');
    this.applyFlags(m[3] === ')' ? outer : flags, m[1] ?? '', m[2] ?? '', this.pos);
    this.pos += m[0].length;
    if (m[3] === ')') return null; // flags apply to the rest of the enclosing group
    const body = this.alternation(flags, true);
    this.expect(')', start);
    return { text: `(?:${body})`, quantifiable: true };
  }

  private expect(ch: string, openedAt: number): void {
    if (this.peek() !== ch) this.fail(openedAt, 'Unclosed group');
    this.pos++;
  }

  /** Escape outside a class. */
  private escape(flags: Flags): { text: string; quantifiable: boolean } | null {
    const start = this.pos;
    const c = this.peek(1);
    if (c === '') this.fail(start, 'Unexpected internal error: trailing backslash');
    this.pos += 2;
    switch (c) {
      case 'Q': {
        const end = this.p.indexOf('\\E', this.pos);
        const text = end < 0 ? this.p.slice(this.pos) : this.p.slice(this.pos, end);
        this.pos = end < 0 ? this.p.length : end + 2;
        if (text === '') return null;
        let out = '';
        for (const ch of text) out += this.letter(ch.codePointAt(0)!, flags);
        // A quantifier after \Q..\E applies to the last char only, as in Java.
        const chars = [...text];
        if (chars.length === 1) return { text: out, quantifiable: true };
        const last = this.letter(chars[chars.length - 1]!.codePointAt(0)!, flags);
        return { text: `${out.slice(0, out.length - last.length)}(?:${last})`, quantifiable: true };
      }
      case 'E':
        return null; // a stray \E is ignored by Java
      case 'A':
        return { text: START_OF_INPUT, quantifiable: false };
      case 'z':
        return { text: END_OF_INPUT, quantifiable: false };
      case 'Z':
        return { text: this.dollar({ ...flags, m: false }), quantifiable: false };
      case 'b':
        if (this.peek() === '{') this.fail(start, '\\b{g} grapheme boundaries are not supported');
        return { text: WORD_BOUNDARY, quantifiable: false };
      case 'B':
        return { text: NOT_WORD_BOUNDARY, quantifiable: false };
      case 'G':
        this.fail(start, '\\G (end of previous match) is not supported');
      // falls through (fail never returns)
      case 'X':
        this.fail(start, '\\X (grapheme cluster) is not supported');
      // falls through
      case 'R':
        return { text: `(?:\\r\\n|[${V_ITEMS}])`, quantifiable: true };
      case 'k': {
        const m = /^<([a-zA-Z][a-zA-Z0-9]*)>/.exec(this.p.slice(this.pos));
        if (!m) this.fail(start, '\\k is not followed by \'<\' for named capturing group');
        const n = this.names.indexOf(m[1]!);
        if (n < 1) this.fail(start, `named capturing group <${m[1]}> does not exist`);
        this.pos += m[0].length;
        return { text: this.backref(n, start, flags), quantifiable: true };
      }
      default:
        break;
    }
    if (c >= '1' && c <= '9') {
      let n = Number(c);
      while (/[0-9]/.test(this.peek())) {
        const next = n * 10 + Number(this.peek());
        if (next > this.javaGroups) break;
        n = next;
        this.pos++;
      }
      if (n > this.javaGroups) this.fail(start, `backreference \\${n} to a group that does not exist`);
      return { text: this.backref(n, start, flags), quantifiable: true };
    }
    this.pos = start;
    const item = this.classEscape(flags);
    if (item.kind === 'char') return { text: this.letter(item.cp, flags), quantifiable: true };
    return { text: `[${item.items}]`, quantifiable: true };
  }

  private backref(n: number, at: number, flags: Flags): string {
    if (flags.i && !this.useIFlag) this.fail(at, 'backreference inside a mid-pattern (?i) region cannot be translated');
    if (!this.closedGroups.has(n)) this.fail(at, `backreference \\${n} to a group that is not closed yet`);
    return `\\k<${this.names[n]}>`;
  }

  /**
   * An escape usable in a class (and outside one): a single char, or class items.
   * Leaves pos after the escape.
   */
  private classEscape(flags: Flags): { kind: 'char'; cp: number } | { kind: 'items'; items: string } {
    const start = this.pos;
    const c = this.peek(1);
    this.pos += 2;
    const char = (cp: number) => ({ kind: 'char' as const, cp });
    const items = (s: string) => ({ kind: 'items' as const, items: s });
    switch (c) {
      case 't': return char(0x09);
      case 'n': return char(0x0a);
      case 'r': return char(0x0d);
      case 'f': return char(0x0c);
      case 'a': return char(0x07);
      case 'e': return char(0x1b);
      case 'd': return items('0-9');
      case 'D': return items('[^0-9]');
      case 'w': return items('a-zA-Z0-9_');
      case 'W': return items('[^a-zA-Z0-9_]');
      case 's': return items(JAVA_SPACE_ITEMS);
      case 'S': return items(`[^${JAVA_SPACE_ITEMS}]`);
      case 'h': return items(H_ITEMS);
      case 'H': return items(`[^${H_ITEMS}]`);
      case 'v': return items(V_ITEMS);
      case 'V': return items(`[^${V_ITEMS}]`);
      case '0': {
        const m = /^[0-3]?[0-7]{1,2}|^[0-7]/.exec(this.p.slice(this.pos));
        if (!m) this.fail(start, 'Illegal octal escape sequence');
        this.pos += m[0].length;
        return char(parseInt(m[0], 8));
      }
      case 'x': {
        const braced = /^\{([0-9a-fA-F]+)\}/.exec(this.p.slice(this.pos));
        if (braced) {
          const cp = parseInt(braced[1]!, 16);
          if (cp > 0x10ffff) this.fail(start, 'Hexadecimal codepoint is too big');
          this.pos += braced[0].length;
          return char(cp);
        }
        const m = /^[0-9a-fA-F]{2}/.exec(this.p.slice(this.pos));
        if (!m) this.fail(start, 'Illegal hexadecimal escape sequence');
        this.pos += 2;
        return char(parseInt(m[0], 16));
      }
      case 'u': {
        const m = /^[0-9a-fA-F]{4}/.exec(this.p.slice(this.pos));
        if (!m) this.fail(start, 'Illegal Unicode escape sequence');
        this.pos += 4;
        let cp = parseInt(m[0], 16);
        // A surrogate pair written as two \u escapes is one code point in Java.
        const low = /^\\u([dD][c-fC-F][0-9a-fA-F]{2})/.exec(this.p.slice(this.pos));
        if (cp >= 0xd800 && cp <= 0xdbff && low) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (parseInt(low[1]!, 16) - 0xdc00);
          this.pos += 6;
        }
        return char(cp);
      }
      case 'c': {
        const x = this.peek();
        if (x === '') this.fail(start, 'Illegal control escape sequence');
        this.pos++;
        return char(x.charCodeAt(0) ^ 64);
      }
      case 'p':
      case 'P':
        return items(this.property(c === 'P', start));
      case 'N':
        this.fail(start, '\\N{name} is not supported');
      // falls through
      default: {
        const cp = this.p.codePointAt(start + 1)!;
        if (isAsciiLetter(cp) || (cp >= 0x30 && cp <= 0x39)) this.fail(start, `Illegal/unsupported escape sequence \\${c}`);
        this.pos = start + 1 + (cp > 0xffff ? 2 : 1);
        void flags;
        return char(cp);
      }
    }
  }

  /** `\p{…}` / `\pL` → class items (a nested class when negated). */
  private property(negated: boolean, start: number): string {
    let name: string;
    if (this.peek() === '{') {
      const end = this.p.indexOf('}', this.pos);
      if (end < 0) this.fail(start, 'Unclosed character family');
      name = this.p.slice(this.pos + 1, end);
      this.pos = end + 1;
    } else {
      name = this.peek();
      if (name === '') this.fail(start, 'Illegal character family');
      this.pos++;
    }
    const items = this.propertyItems(name, start);
    return negated ? `[^${items}]` : items;
  }

  private propertyItems(name: string, start: number): string {
    const posix = POSIX[name];
    if (posix !== undefined) return posix;
    const java = JAVA_PROPS[name];
    if (java !== undefined) return java;
    const eq = name.indexOf('=');
    if (eq > 0) {
      const key = name.slice(0, eq).toLowerCase();
      const value = name.slice(eq + 1);
      const jsKey = key === 'gc' || key === 'general_category' ? 'gc' : key === 'sc' || key === 'script' ? 'sc' : undefined;
      if (key === 'blk' || key === 'block') this.fail(start, `Unicode blocks (\\p{${name}}) are not supported`);
      if (jsKey && jsPropertyOk(`${jsKey}=${value}`)) return `\\p{${jsKey}=${value}}`;
      this.fail(start, `Unknown character property name {${name}}`);
    }
    if (name.startsWith('In')) this.fail(start, `Unicode blocks (\\p{${name}}) are not supported`);
    const bare = name.startsWith('Is') ? name.slice(2) : name;
    const javaBare = JAVA_PROPS[bare];
    if (javaBare !== undefined && name.startsWith('Is')) return javaBare;
    if (bare === 'LC' || bare === 'L&') return '\\p{LC}';
    if (/^[A-Z][a-z]?$/.test(bare) && jsPropertyOk(`gc=${bare}`)) return `\\p{gc=${bare}}`;
    if (name.startsWith('Is') && jsPropertyOk(`sc=${bare}`)) return `\\p{sc=${bare}}`;
    this.fail(start, `Unknown character property name {${name}}`);
  }

  /** A `[...]` class, with Java's union and `&&` intersection, as a `v`-mode class. */
  private charClass(flags: Flags): string {
    const open = this.pos;
    this.pos++; // [
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.pos++;
    }
    const operands: string[] = [];
    let items = '';
    let first = true;
    for (;;) {
      if (this.pos >= this.p.length) this.fail(open, 'Unclosed character class');
      const c = this.peek();
      if (c === ']' && !first) {
        this.pos++;
        break;
      }
      if (flags.x && /[ \t\n\r\f\u000b]/.test(c)) {
        this.pos++;
        continue;
      }
      first = false;
      if (c === '&' && this.peek(1) === '&') {
        this.pos += 2;
        operands.push(items);
        items = '';
        continue;
      }
      if (c === '[') {
        items += this.charClass(flags);
        continue;
      }
      // A single char, a range, or an escape producing class items.
      const lo = this.classAtom(flags);
      if (lo.kind === 'items') {
        items += lo.items;
        continue;
      }
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== '' && this.peek(1) !== '[') {
        const dash = this.pos;
        this.pos++;
        const hi = this.classAtom(flags);
        if (hi.kind === 'items') this.fail(dash, 'Illegal character range');
        if (hi.cp < lo.cp) this.fail(dash, 'Illegal character range');
        items += this.rangeItems(lo.cp, hi.cp, flags);
        continue;
      }
      items += this.rangeItems(lo.cp, lo.cp, flags);
    }
    const neg = negated ? '^' : '';
    if (operands.length === 0) return `[${neg}${items}]`;
    operands.push(items);
    // Java ignores an empty operand (e.g. `[a&&]`).
    const ops = operands.filter((o) => o !== '').map((o) => `[${o}]`);
    if (ops.length === 1) return `[${neg}${ops[0]}]`;
    return `[${neg}${ops.join('&&')}]`;
  }

  private rangeItems(lo: number, hi: number, flags: Flags): string {
    if (flags.i && !this.useIFlag) return caseRangeItems(lo, hi);
    return lo === hi ? lit(lo) : `${lit(lo)}-${lit(hi)}`;
  }

  private classAtom(flags: Flags): { kind: 'char'; cp: number } | { kind: 'items'; items: string } {
    const c = this.peek();
    if (c === '\\') {
      if (this.peek(1) === 'Q') {
        this.pos += 2;
        const end = this.p.indexOf('\\E', this.pos);
        const text = end < 0 ? this.p.slice(this.pos) : this.p.slice(this.pos, end);
        this.pos = end < 0 ? this.p.length : end + 2;
        let out = '';
        for (const ch of text) out += this.rangeItems(ch.codePointAt(0)!, ch.codePointAt(0)!, flags);
        return { kind: 'items', items: out };
      }
      return this.classEscape(flags);
    }
    const cp = this.p.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    return { kind: 'char', cp };
  }
}

function fail(pattern: string, opts: JavaRegexOptions, index: number, reason: string): never {
  const label = opts.label ?? opts.location?.key ?? 'regex';
  throw new ConfigError(
    'CONFIG_INVALID_REGEX',
    `${label}: invalid regular expression "${pattern}" at index ${index}: ${reason}`,
    opts.location ?? {},
    { details: { pattern, index, reason } },
  );
}

/** Translates a Java pattern; throws ConfigError (CONFIG_INVALID_REGEX) when it cannot. */
export function translateJavaRegex(pattern: string, opts: JavaRegexOptions = {}): JavaRegex {
  const t = new JavaRegexTranslator(pattern, (index, reason) => fail(pattern, opts, index, reason));
  let source = t.translate();
  if (opts.fullMatch) source = `${START_OF_INPUT}(?:${source})${END_OF_INPUT}`;
  const flags = `v${t.useIFlag ? 'i' : ''}${opts.extraFlags ?? ''}`;
  let regex: RegExp;
  try {
    regex = new RegExp(source, flags);
  } catch (err) {
    fail(pattern, opts, 0, `cannot be expressed in JavaScript (${err instanceof Error ? err.message : String(err)})`);
  }
  return { javaPattern: pattern, regex, groupCount: t.groupCount, groupNames: t.groupNames };
}

/** compileJavaRegex(pattern) → a JS RegExp with Java's semantics (see the header). */
export function compileJavaRegex(pattern: string, opts: JavaRegexOptions = {}): RegExp {
  return translateJavaRegex(pattern, opts).regex;
}

/** A RegExp that matches only when the whole input matches (Java's `matches()`). */
export function fullMatch(pattern: string, opts: Omit<JavaRegexOptions, 'fullMatch'> = {}): RegExp {
  return translateJavaRegex(pattern, { ...opts, fullMatch: true }).regex;
}

/** Java group `n` of a match of a translated pattern (undefined when it did not participate). */
export function javaGroup(jr: JavaRegex, match: RegExpExecArray, n: number): string | undefined {
  if (n === 0) return match[0];
  const name = jr.groupNames[n];
  return name === undefined ? undefined : match.groups?.[name];
}

/**
 * Compiles a Java `Matcher.replaceAll` replacement string (`$1`, `${name}`, `\$` escapes)
 * against a translated pattern into a replacer for `String.prototype.replace` with a
 * global regex. Bad group references are ConfigErrors at configure time (Java throws
 * them at the first replacement).
 */
export function javaReplacer(
  jr: JavaRegex,
  replacement: string,
  opts: JavaRegexOptions = {},
): (match: string, ...rest: unknown[]) => string {
  type Part = string | number;
  const parts: Part[] = [];
  let text = '';
  const bad = (i: number, reason: string): never => {
    const label = opts.label ?? opts.location?.key ?? 'replacement';
    throw new ConfigError('CONFIG_INVALID_REGEX', `${label}: invalid replacement "${replacement}" at index ${i}: ${reason}`, opts.location ?? {}, {
      details: { replacement, index: i, reason },
    });
  };
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '\\') {
      i++;
      if (i >= replacement.length) bad(i - 1, 'character to be escaped is missing');
      text += replacement[i];
    } else if (c === '$') {
      const at = i;
      i++;
      if (i >= replacement.length) bad(at, 'Illegal group reference: group index is missing');
      if (replacement[i] === '{') {
        const end = replacement.indexOf('}', i);
        if (end < 0) bad(at, "named capturing group is missing trailing '}'");
        const name = replacement.slice(i + 1, end);
        const n = jr.groupNames.indexOf(name);
        if (n < 1 || name.startsWith('_')) bad(at, `No group with name {${name}}`);
        i = end;
        if (text) parts.push(text);
        text = '';
        parts.push(n);
      } else {
        if (!/[0-9]/.test(replacement[i]!)) bad(at, 'Illegal group reference');
        let n = Number(replacement[i]);
        if (n > jr.groupCount) bad(at, `No group ${n}`);
        while (i + 1 < replacement.length && /[0-9]/.test(replacement[i + 1]!)) {
          const next = n * 10 + Number(replacement[i + 1]);
          if (next > jr.groupCount) break;
          n = next;
          i++;
        }
        if (text) parts.push(text);
        text = '';
        parts.push(n);
      }
    } else {
      text += c;
    }
  }
  if (text) parts.push(text);
  if (parts.every((p) => typeof p === 'string')) {
    const constant = parts.join('');
    return () => constant;
  }
  const names = jr.groupNames;
  return (match: string, ...rest: unknown[]): string => {
    const groups = rest[rest.length - 1] as Record<string, string | undefined> | undefined;
    let out = '';
    for (const p of parts) {
      if (typeof p === 'string') out += p;
      else if (p === 0) out += match;
      else out += groups?.[names[p]!] ?? '';
    }
    return out;
  };
}
