/**
 * Java charset names (as Flume configs spell them: `UTF-8`, `ISO-8859-1`, …) → Node
 * BufferEncoding. Only charsets Node can decode and encode natively are accepted; the
 * caller turns `undefined` into a ConfigError naming the key. Pure lookup table.
 */
const TABLE: Readonly<Record<string, BufferEncoding>> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  'iso-8859-1': 'latin1',
  'iso8859_1': 'latin1',
  'iso-latin-1': 'latin1',
  latin1: 'latin1',
  'us-ascii': 'latin1',
  ascii: 'latin1',
  'utf-16le': 'utf16le',
  utf_16le: 'utf16le',
};

/** Node encoding for a Java charset name, or undefined if unsupported. */
export function nodeEncoding(javaCharset: string): BufferEncoding | undefined {
  return TABLE[javaCharset.trim().toLowerCase()];
}

/** True if lines can be split on byte 0x0A in this encoding (ASCII-compatible). */
export function isAsciiCompatible(enc: BufferEncoding): boolean {
  return enc === 'utf8' || enc === 'latin1';
}
