/**
 * Java `.properties` parser with line numbers.
 *
 * Semantics follow `java.util.Properties.load(Reader)`:
 * - natural lines end at `\n`, `\r` or `\r\n`; a line ending in an odd number of
 *   backslashes continues on the next one, whose leading whitespace is skipped;
 * - a line whose first non-blank character is `#` or `!` is a comment (never continued);
 * - the key ends at the first unescaped `=`, `:` or whitespace (space, tab, form feed);
 *   whitespace, then at most one `=`/`:`, then whitespace, separate it from the value;
 * - escapes: `\t \n \r \f`, `\uXXXX` (malformed → error naming file:line), and
 *   `\x` → `x` for any other character.
 *
 * Every entry keeps the file and the 1-based line where its logical line began, so
 * that later validation can point users at `file:line`. Entries keep their order and
 * duplicates; `toMap` applies Java's "last one wins".
 *
 * Pure function of its input; no I/O except `loadPropertiesFile`.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';

export interface PropertyEntry {
  readonly key: string;
  readonly value: string;
  readonly file: string;
  /** 1-based line number where the logical line starts. */
  readonly line: number;
}

const isBlank = (c: string): boolean => c === ' ' || c === '\t' || c === '\f';

interface LogicalLine {
  readonly text: string;
  readonly line: number;
}

/** Splits text into logical lines, joining continuations and dropping comments and blanks. */
function logicalLines(text: string): LogicalLine[] {
  const natural = text.split(/\r\n|\r|\n/);
  const out: LogicalLine[] = [];
  let i = 0;
  while (i < natural.length) {
    const startLine = i + 1;
    let first = natural[i] ?? '';
    i++;
    let p = 0;
    while (p < first.length && isBlank(first[p]!)) p++;
    if (p === first.length) continue; // blank line
    const lead = first[p];
    if (lead === '#' || lead === '!') continue; // comment
    first = first.slice(p);
    let joined = '';
    let current = first;
    for (;;) {
      let slashes = 0;
      for (let k = current.length - 1; k >= 0 && current[k] === '\\'; k--) slashes++;
      if (slashes % 2 === 1) {
        joined += current.slice(0, -1);
        if (i >= natural.length) break; // backslash at EOF: dropped, as Java does
        let next = natural[i] ?? '';
        i++;
        let q = 0;
        while (q < next.length && isBlank(next[q]!)) q++;
        next = next.slice(q);
        current = next;
        continue;
      }
      joined += current;
      break;
    }
    out.push({ text: joined, line: startLine });
  }
  return out;
}

function unescape(raw: string, file: string, line: number): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    i++;
    if (i >= raw.length) break;
    const e = raw[i]!;
    switch (e) {
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        const hex = raw.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          throw new ConfigError('CONFIG_MALFORMED_ESCAPE', `malformed \\uxxxx escape "\\u${hex}"`, { file, line });
        }
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
        break;
      }
      default: out += e;
    }
  }
  return out;
}

/** Parses one logical line into its raw (still escaped) key and value. */
function splitKeyValue(text: string): [string, string] {
  let keyEnd = text.length;
  let valueStart = text.length;
  let hasSep = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '=' || c === ':') {
      keyEnd = i;
      valueStart = i + 1;
      hasSep = true;
      break;
    }
    if (isBlank(c)) {
      keyEnd = i;
      valueStart = i + 1;
      break;
    }
  }
  let v = valueStart;
  while (v < text.length && isBlank(text[v]!)) v++;
  if (!hasSep && v < text.length && (text[v] === '=' || text[v] === ':')) {
    v++;
    while (v < text.length && isBlank(text[v]!)) v++;
  }
  return [text.slice(0, keyEnd), text.slice(v)];
}

/** Parses properties text. `file` is only used for locations in entries and errors. */
export function parseProperties(text: string, file = '<string>'): PropertyEntry[] {
  const entries: PropertyEntry[] = [];
  for (const { text: logical, line } of logicalLines(text)) {
    const [rawKey, rawValue] = splitKeyValue(logical);
    entries.push({ key: unescape(rawKey, file, line), value: unescape(rawValue, file, line), file, line });
  }
  return entries;
}

/** Reads and parses a properties file (UTF-8; ISO-8859-1 bytes outside UTF-8 are kept as U+FFFD). */
export function loadPropertiesFile(path: string): PropertyEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('CONFIG_FILE_UNREADABLE', `cannot read ${path}: ${(err as Error).message}`, { file: path }, { cause: err });
  }
  return parseProperties(text, path);
}

/** Java semantics: the last occurrence of a key wins. */
export function toMap(entries: readonly PropertyEntry[]): Map<string, PropertyEntry> {
  const map = new Map<string, PropertyEntry>();
  for (const e of entries) map.set(e.key, e);
  return map;
}
