/**
 * The one generic reader: decodes any compiled Plan from a Buffer.
 *
 * Byte format (Kafka protocol, big-endian): int8/16/32/64, uint16, float64, bool (1 byte),
 * uuid (16 bytes). Classic versions: string = int16 length (-1 null), bytes/records =
 * int32 length (-1 null), array = int32 count (-1 null). Flexible versions: the same with
 * unsigned-varint (length + 1), 0 = null, and every struct ends with a tag section
 * `uvarint count, {uvarint tag, uvarint size, bytes}*`; unknown tags are skipped.
 *
 * Contract: bytes, records and uuid values are views into the input (no copy), valid as
 * long as the caller keeps the frame. int64 decodes as bigint. Any overrun, negative
 * length or absurd count throws KafkaProtocolError(INVALID_REQUEST) naming the field, so
 * hostile frames never allocate more than the frame holds. Not thread-shared: one
 * ByteReader per decode call.
 */
import { ErrorCode, KafkaProtocolError } from '../errors.js';
import { Kind, type Plan, type PlanField } from './compile.js';

export class ByteReader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    offset = 0,
    readonly end = buf.length,
  ) {
    this.pos = offset;
  }

  fail(what: string): never {
    throw new KafkaProtocolError(ErrorCode.INVALID_REQUEST, `malformed frame: ${what} at byte ${this.pos} of ${this.end}`);
  }

  need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) this.fail(`${what} needs ${n} bytes`);
  }

  int8(): number { this.need(1, 'int8'); return this.buf.readInt8(this.pos++); }
  int16(): number { this.need(2, 'int16'); const v = this.buf.readInt16BE(this.pos); this.pos += 2; return v; }
  uint16(): number { this.need(2, 'uint16'); const v = this.buf.readUInt16BE(this.pos); this.pos += 2; return v; }
  int32(): number { this.need(4, 'int32'); const v = this.buf.readInt32BE(this.pos); this.pos += 4; return v; }
  int64(): bigint { this.need(8, 'int64'); const v = this.buf.readBigInt64BE(this.pos); this.pos += 8; return v; }
  float64(): number { this.need(8, 'float64'); const v = this.buf.readDoubleBE(this.pos); this.pos += 8; return v; }
  bool(): boolean { this.need(1, 'bool'); return this.buf[this.pos++] !== 0; }

  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) this.fail('truncated varint');
      const b = this.buf[this.pos++]!;
      if (shift === 28) {
        if (b > 0x0f) this.fail('varint longer than 32 bits');
        return result + b * 2 ** 28;
      }
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  }

  /** Returns a view of the next n bytes. */
  view(n: number, what: string): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** int16-length (or compact) string; null when nullable and absent. */
  string(compact: boolean, field: string): string | null {
    const len = compact ? this.uvarint() - 1 : this.int16();
    if (len < 0) return len === -1 ? null : this.fail(`negative length for ${field}`);
    this.need(len, field);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  bytes(compact: boolean, field: string): Buffer | null {
    const len = compact ? this.uvarint() - 1 : this.int32();
    if (len < 0) return len === -1 ? null : this.fail(`negative length for ${field}`);
    return this.view(len, field);
  }

  /** Array count, or -1 for null; rejects counts larger than the remaining bytes. */
  arrayCount(compact: boolean, field: string): number {
    const n = compact ? this.uvarint() - 1 : this.int32();
    if (n < -1) this.fail(`negative count for ${field}`);
    if (n > this.end - this.pos) this.fail(`count ${n} for ${field} exceeds the frame`);
    return n;
  }

  /** Skips a tag section (used by headers and unknown tags). */
  skipTags(): void {
    const n = this.uvarint();
    for (let i = 0; i < n; i++) {
      this.uvarint();
      const size = this.uvarint();
      this.need(size, 'tagged field');
      this.pos += size;
    }
  }
}

/** Decodes one struct (message body or nested) described by `plan`. */
export function readStruct(r: ByteReader, plan: Plan): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const fields = plan.fields;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    o[f.key] = readField(r, f, plan.flexible && !f.forceClassic);
  }
  const absent = plan.absent;
  for (let i = 0; i < absent.length; i++) {
    const f = absent[i]!;
    o[f.key] = f.makeDefault();
  }
  if (plan.flexible) {
    const tagged = plan.tagged;
    for (let i = 0; i < tagged.length; i++) {
      const f = tagged[i]!;
      o[f.key] = f.makeDefault();
    }
    const n = r.uvarint();
    let lastTag = -1;
    for (let i = 0; i < n; i++) {
      const tag = r.uvarint();
      if (tag <= lastTag) r.fail(`tags out of order in ${plan.name}`);
      lastTag = tag;
      const size = r.uvarint();
      r.need(size, `tag ${tag} of ${plan.name}`);
      const end = r.pos + size;
      const f = plan.taggedByTag.get(tag);
      if (f) {
        const sub = new ByteReader(r.buf, r.pos, end);
        o[f.key] = readField(sub, f, true);
      }
      r.pos = end;
    }
  }
  return o;
}

function readField(r: ByteReader, f: PlanField, compact: boolean): unknown {
  if (f.kind === Kind.Array) {
    const n = r.arrayCount(compact, f.name);
    if (n < 0) return f.nullable ? null : r.fail(`null array for non-nullable ${f.name}`);
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = readValue(r, f.elem, f, compact);
    return out;
  }
  return readValue(r, f.kind, f, compact);
}

function readValue(r: ByteReader, kind: Kind, f: PlanField, compact: boolean): unknown {
  switch (kind) {
    case Kind.Int8: return r.int8();
    case Kind.Int16: return r.int16();
    case Kind.Int32: return r.int32();
    case Kind.Int64: return r.int64();
    case Kind.Uint16: return r.uint16();
    case Kind.Float64: return r.float64();
    case Kind.Bool: return r.bool();
    case Kind.Uuid: return r.view(16, f.name);
    case Kind.String: {
      const s = r.string(compact, f.name);
      if (s === null && !f.nullable) r.fail(`null string for non-nullable ${f.name}`);
      return s;
    }
    case Kind.Bytes:
    case Kind.Records: {
      const b = r.bytes(compact, f.name);
      if (b === null && !f.nullable) r.fail(`null bytes for non-nullable ${f.name}`);
      return b;
    }
    case Kind.Struct: {
      if (f.nullable && f.kind === Kind.Struct) {
        // Kafka encodes a nullable struct with a leading int8: -1 null, 1 present.
        const marker = r.int8();
        if (marker < 0) return null;
      }
      return readStruct(r, f.struct!);
    }
    case Kind.Array:
      return r.fail(`nested array in ${f.name}`);
  }
}
