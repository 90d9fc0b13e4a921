/**
 * Avro binary encoding of Flume's AvroFlumeEvent (flume-ng-sdk `flume.avdl`), the record
 * value written by the Kafka sink with `useFlumeEventFormat=true` and read by Flume's
 * Kafka source/channel with `useFlumeEventFormat`/`parseAsFlumeEvent`.
 *
 * Schema: record AvroFlumeEvent { map<string> headers; bytes body; }
 * Byte format (Avro 1.x binary encoding):
 *   headers: when non-empty, one block: count (zig-zag varlong) then count × (key, value),
 *            each a string = length (zig-zag varlong) + UTF-8 bytes; then 0 (end of map).
 *            An empty map is the single byte 0x00.
 *   body:    length (zig-zag varlong) + the raw bytes.
 * Header order is the event's header order (Java's HashMap order is unspecified, and any
 * order decodes to the same map). Pure function; allocates one Buffer per event.
 */

function zigzagSize(n: number): number {
  let v = n * 2; // n ≥ 0 here: lengths and counts
  let s = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    s++;
  }
  return s;
}

function writeZigzag(buf: Buffer, pos: number, n: number): number {
  let v = n * 2;
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

/** Encodes one AvroFlumeEvent {headers, body}. */
export function encodeAvroFlumeEvent(headers: Readonly<Record<string, string>>, body: Uint8Array): Buffer {
  const entries = Object.entries(headers);
  const encoded: Buffer[] = [];
  let size = 1; // end-of-map marker
  if (entries.length > 0) size += zigzagSize(entries.length);
  for (const [k, v] of entries) {
    const kb = Buffer.from(k, 'utf8');
    const vb = Buffer.from(v, 'utf8');
    encoded.push(kb, vb);
    size += zigzagSize(kb.length) + kb.length + zigzagSize(vb.length) + vb.length;
  }
  size += zigzagSize(body.length) + body.length;
  const out = Buffer.allocUnsafe(size);
  let p = 0;
  if (entries.length > 0) {
    p = writeZigzag(out, p, entries.length);
    for (const b of encoded) {
      p = writeZigzag(out, p, b.length);
      out.set(b, p);
      p += b.length;
    }
  }
  out[p++] = 0;
  p = writeZigzag(out, p, body.length);
  out.set(body, p);
  return out;
}
