/**
 * Line splitting and decoding for the spooldir LINE deserializer, on bytes.
 *
 * `scanLines(buf, from, atEof, maxLineLength)` finds lines in buf[from..): a line ends
 * at LF (not included in the body; a CR is kept, as Flume's LineDeserializer does), or at
 * maxLineLength characters (UTF-16 units, like Java's StringBuilder; the rest continues
 * as the next line, Flume's "truncating line"), or at end of file when `atEof`. Returns
 * body ranges and the byte offset after each line, so progress can be saved exactly.
 * `decodeLine` applies inputCharset and decodeErrorPolicy and returns the UTF-8 body:
 * valid UTF-8 is passed through as is; FAIL → DecodeError; REPLACE → U+FFFD; IGNORE →
 * malformed bytes dropped. ISO-8859-1 input is transcoded to UTF-8.
 * Pure functions.
 */
import { isUtf8 } from 'node:buffer';
import { SluiceError } from '../../errors.js';
import type { DecodeErrorPolicy } from './spooldir-config.js';

export class DecodeError extends SluiceError {
  constructor(message: string) {
    super('SPOOLDIR_DECODE', message);
  }
}

export interface ScannedLines {
  readonly starts: number[];
  readonly ends: number[];
  /** Byte offset (in buf) after each line, including its LF. */
  readonly nexts: number[];
  /** Lines cut at maxLineLength. */
  truncated: number;
}

export function scanLines(buf: Buffer, from: number, atEof: boolean, maxLineLength: number, maxLines: number, utf8: boolean): ScannedLines {
  const r: ScannedLines = { starts: [], ends: [], nexts: [], truncated: 0 };
  let pos = from;
  while (r.starts.length < maxLines && pos < buf.length) {
    const lf = buf.indexOf(0x0a, pos);
    const end = lf === -1 ? buf.length : lf;
    // Cut at maxLineLength chars if the line is longer.
    let cut = -1;
    if (end - pos >= maxLineLength) {
      let chars = 0;
      for (let i = pos; i < end; i++) {
        const b = buf[i]!;
        if (!utf8 || (b & 0xc0) !== 0x80) {
          chars += utf8 && b >= 0xf0 ? 2 : 1;
          if (chars > maxLineLength) {
            cut = i;
            break;
          }
        }
      }
    }
    if (cut !== -1) {
      r.starts.push(pos);
      r.ends.push(cut);
      r.nexts.push(cut);
      r.truncated++;
      pos = cut;
      continue;
    }
    if (lf === -1 && !atEof) break;
    r.starts.push(pos);
    r.ends.push(end);
    r.nexts.push(lf === -1 ? end : lf + 1);
    pos = lf === -1 ? end : lf + 1;
  }
  return r;
}

export function decodeLine(bytes: Buffer, encoding: BufferEncoding, policy: DecodeErrorPolicy, where: string): Buffer {
  if (encoding === 'latin1') {
    for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return Buffer.from(bytes.toString('latin1'), 'utf8');
    return bytes;
  }
  if (isUtf8(bytes)) return bytes;
  if (policy === 'FAIL') throw new DecodeError(`${where}: input is not valid UTF-8 (decodeErrorPolicy FAIL)`);
  const text = bytes.toString('utf8');
  return Buffer.from(policy === 'REPLACE' ? text : text.replace(/\uFFFD/g, ''), 'utf8');
}
