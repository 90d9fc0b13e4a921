/**
 * Charsets of Flume's JSONHandler: UTF-8, UTF-16 and UTF-32 (names as in a Content-Type
 * `charset=` parameter, case-insensitive; UTF-16BE/LE and UTF-32BE/LE are also taken).
 *
 * - `createTextDecoder(cs)`: a streaming bytes → string decoder. Malformed input becomes
 *   U+FFFD as Java's InputStreamReader does. UTF-16/UTF-32 without a BOM are big-endian
 *   (Java's defaults); a BOM selects the byte order and is dropped.
 * - `encodeBody(cs, text)`: Java's `String.getBytes(charset)`, which JSONEvent.getBody
 *   uses: "UTF-16" writes a BE BOM then big-endian units; "UTF-32" is big-endian, no BOM.
 * Pure functions plus small per-request decoder objects; no shared state.
 */
import { TextDecoder } from 'node:util';

export type JsonCharset = 'utf-8' | 'utf-16' | 'utf-16be' | 'utf-16le' | 'utf-32' | 'utf-32be' | 'utf-32le';

const NAMES: Readonly<Record<string, JsonCharset>> = {
  'utf-8': 'utf-8', utf8: 'utf-8',
  'utf-16': 'utf-16', utf16: 'utf-16', 'utf-16be': 'utf-16be', 'utf-16le': 'utf-16le',
  'utf-32': 'utf-32', utf32: 'utf-32', 'utf-32be': 'utf-32be', 'utf-32le': 'utf-32le',
};

/** The charset named by a Content-Type header: 'utf-8' when absent, undefined when unsupported. */
export function charsetOf(contentType: string | undefined): JsonCharset | undefined {
  if (!contentType) return 'utf-8';
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  if (!m) return 'utf-8';
  return NAMES[m[1]!.toLowerCase()];
}

export interface StreamTextDecoder {
  /** Decodes a chunk; incomplete sequences are kept for the next call. */
  write(chunk: Buffer): string;
  /** Flushes what is left (an incomplete tail becomes U+FFFD). */
  end(): string;
}

class Utf32Decoder implements StreamTextDecoder {
  private rest: Buffer = Buffer.alloc(0);
  private little: boolean;
  private first = true;
  constructor(little: boolean) {
    this.little = little;
  }
  write(chunk: Buffer): string {
    let buf = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    if (this.first && buf.length >= 4) {
      this.first = false;
      // A byte-order mark selects the order and is dropped.
      if (buf.readUInt32BE(0) === 0xfeff) {
        this.little = false;
        buf = buf.subarray(4);
      } else if (buf.readUInt32LE(0) === 0xfeff) {
        this.little = true;
        buf = buf.subarray(4);
      }
    }
    const n = buf.length - (buf.length % 4);
    let out = '';
    for (let i = 0; i < n; i += 4) {
      const cp = this.little ? buf.readUInt32LE(i) : buf.readUInt32BE(i);
      out += cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
    }
    this.rest = Buffer.from(buf.subarray(n));
    return out;
  }
  end(): string {
    const bad = this.rest.length > 0;
    this.rest = Buffer.alloc(0);
    return bad ? '\ufffd' : '';
  }
}

class Utf16Decoder implements StreamTextDecoder {
  private dec: TextDecoder | undefined;
  private head: Buffer = Buffer.alloc(0);
  constructor(private readonly fixed: 'utf-16be' | 'utf-16le' | undefined) {
    if (fixed) this.dec = new TextDecoder(fixed);
  }
  write(chunk: Buffer): string {
    if (!this.dec) {
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length < 2) return '';
      const bom = this.head.readUInt16BE(0);
      // TextDecoder drops a matching BOM itself.
      this.dec = new TextDecoder(bom === 0xfffe ? 'utf-16le' : 'utf-16be');
      const h = this.head;
      this.head = Buffer.alloc(0);
      return this.dec.decode(h, { stream: true });
    }
    return this.dec.decode(chunk, { stream: true });
  }
  end(): string {
    if (!this.dec) return this.head.length > 0 ? '\ufffd' : '';
    return this.dec.decode();
  }
}

export function createTextDecoder(cs: JsonCharset): StreamTextDecoder {
  switch (cs) {
    case 'utf-8': {
      const d = new TextDecoder('utf-8');
      return { write: (c) => d.decode(c, { stream: true }), end: () => d.decode() };
    }
    case 'utf-16':
      return new Utf16Decoder(undefined);
    case 'utf-16be':
    case 'utf-16le':
      return new Utf16Decoder(cs);
    case 'utf-32':
    case 'utf-32be':
      return new Utf32Decoder(false);
    case 'utf-32le':
      return new Utf32Decoder(true);
  }
}

function swap16(b: Buffer): Buffer {
  return b.swap16();
}

/** Java's String.getBytes(charset) for the JSON charsets. */
export function encodeBody(cs: JsonCharset, text: string): Buffer {
  switch (cs) {
    case 'utf-8':
      return Buffer.from(text, 'utf8');
    case 'utf-16le':
      return Buffer.from(text, 'utf16le');
    case 'utf-16be':
      return swap16(Buffer.from(text, 'utf16le'));
    case 'utf-16':
      return text.length === 0 ? Buffer.from([0xfe, 0xff]) : Buffer.concat([Buffer.from([0xfe, 0xff]), swap16(Buffer.from(text, 'utf16le'))]);
    case 'utf-32':
    case 'utf-32be':
    case 'utf-32le': {
      const cps = Array.from(text, (c) => c.codePointAt(0)!);
      const b = Buffer.allocUnsafe(cps.length * 4);
      cps.forEach((cp, i) => (cs === 'utf-32le' ? b.writeUInt32LE(cp, i * 4) : b.writeUInt32BE(cp, i * 4)));
      return b;
    }
  }
}
