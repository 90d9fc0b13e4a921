/**
 * Turns one console-producer input line into a record, as Kafka 3.x's LineMessageReader
 * does. Configured once from the `--property` map:
 *   parse.key (false), key.separator (TAB), parse.headers (false), headers.delimiter (TAB),
 *   headers.separator (','), headers.key.separator (':'), null.marker (unset),
 *   ignore.error (false: a line missing a separator is an error naming its line number;
 *   true: the whole remaining text becomes the value, as Kafka does).
 * Line layout: [headers<headers.delimiter>][key<key.separator>]value, where headers are
 * k<headers.key.separator>v joined by headers.separator (a header with no key separator
 * has a null value). A field equal to null.marker is null. Pure; no I/O.
 */
import type { RecordHeader, RecordInput } from '../../protocol/record-batch.js';
import { UsageError } from '../exit.js';

export type LineRecordParser = (line: string, lineNo: number) => RecordInput;

const KNOWN = new Set(['parse.key', 'key.separator', 'parse.headers', 'headers.delimiter', 'headers.separator', 'headers.key.separator', 'null.marker', 'ignore.error']);

function bool(props: Readonly<Record<string, string>>, key: string): boolean {
  const v = props[key];
  if (v === undefined) return false;
  if (v !== 'true' && v !== 'false') throw new UsageError(`--property ${key} must be true or false, got '${v}'`);
  return v === 'true';
}

function nonEmpty(props: Readonly<Record<string, string>>, key: string, dflt: string): string {
  const v = props[key] ?? dflt;
  if (v === '') throw new UsageError(`--property ${key} must not be empty`);
  return v;
}

export function createLineRecordParser(props: Readonly<Record<string, string>>): LineRecordParser {
  for (const k of Object.keys(props)) if (!KNOWN.has(k)) throw new UsageError(`--property '${k}' is not a console-producer property (known: ${[...KNOWN].join(', ')})`);
  const parseKey = bool(props, 'parse.key');
  const parseHeaders = bool(props, 'parse.headers');
  const ignoreError = bool(props, 'ignore.error');
  const keySep = nonEmpty(props, 'key.separator', '\t');
  const hDelim = nonEmpty(props, 'headers.delimiter', '\t');
  const hSep = nonEmpty(props, 'headers.separator', ',');
  const hKeySep = nonEmpty(props, 'headers.key.separator', ':');
  const nullMarker = props['null.marker'];
  if (parseKey && parseHeaders && hDelim === keySep) throw new UsageError('headers.delimiter and key.separator must differ when both parse.headers and parse.key are on');
  const buf = (s: string): Buffer | null => (nullMarker !== undefined && s === nullMarker ? null : Buffer.from(s));

  return (line, lineNo) => {
    let rest = line;
    let headers: RecordHeader[] | undefined;
    if (parseHeaders) {
      const at = rest.indexOf(hDelim);
      if (at < 0) {
        if (!ignoreError) throw new UsageError(`input line ${lineNo}: no headers delimiter '${hDelim}' (parse.headers=true)`);
      } else {
        const text = rest.slice(0, at);
        rest = rest.slice(at + hDelim.length);
        headers = text === '' || text === nullMarker ? [] : text.split(hSep).map((h) => {
          const k = h.indexOf(hKeySep);
          if (k < 0) return { key: h, value: null };
          const key = h.slice(0, k);
          if (nullMarker !== undefined && key === nullMarker) throw new UsageError(`input line ${lineNo}: a header key must not be the null marker '${nullMarker}'`);
          return { key, value: buf(h.slice(k + hKeySep.length)) };
        });
      }
    }
    let key: Buffer | null = null;
    if (parseKey) {
      const at = rest.indexOf(keySep);
      if (at < 0) {
        if (!ignoreError) throw new UsageError(`input line ${lineNo}: no key separator '${keySep}' (parse.key=true)`);
      } else {
        key = buf(rest.slice(0, at));
        rest = rest.slice(at + keySep.length);
      }
    }
    return headers ? { key, value: buf(rest), headers } : { key, value: buf(rest) };
  };
}
