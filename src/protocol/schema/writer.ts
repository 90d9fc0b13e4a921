/**
 * The one generic writer: encodes any compiled Plan (same byte format as reader.ts).
 *
 * Two passes, no growth: `sizeStruct` computes the exact encoded size, then `writeStruct`
 * fills one preallocated Buffer. A `records` value that is a FileSlice, or a Buffer of at
 * least EXTERNAL_RECORDS_MIN bytes, is not copied: the writer closes the current chunk and
 * emits the value as its own part (zero copy for Fetch responses and Produce requests).
 * So the output is a list of parts whose lengths add up to the size computed up front.
 *
 * Input values: a missing (undefined) field takes its schema default; fields absent in the
 * version are ignored; int64 accepts bigint or a safe-integer number; null in a
 * non-nullable position throws SluiceError PROTOCOL_ENCODE naming the field. Tagged
 * fields are written only when they differ from their default (non-empty arrays,
 * non-null structs, non-default scalars). Writers are single-use and not shared.
 */
import type { FileSlice } from '../../broker/storage/types.js';
import type { OutboundPart } from '../../broker/zero-copy/types.js';
import { SluiceError } from '../../errors.js';
import { Kind, type Plan, type PlanField } from './compile.js';

/** Records Buffers at least this long are emitted as their own part instead of copied. */
export const EXTERNAL_RECORDS_MIN = 1024;

type Obj = Record<string, unknown>;

export function isFileSlice(v: unknown): v is FileSlice {
  return typeof v === 'object' && v !== null && !Buffer.isBuffer(v) && 'file' in v && 'position' in v && 'length' in v;
}

function isExternal(v: unknown): boolean {
  return isFileSlice(v) || (Buffer.isBuffer(v) && v.length >= EXTERNAL_RECORDS_MIN);
}

export function uvarintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  return 5;
}

function encodeError(f: PlanField, what: string): never {
  throw new SluiceError('PROTOCOL_ENCODE', `cannot encode field ${f.name}: ${what}`);
}

// ---------------------------------------------------------------- size pass

export interface SizeResult {
  /** Total encoded bytes, including external parts. */
  total: number;
  /** Bytes carried by external parts (not in the inline buffer). */
  external: number;
}

export function sizeStruct(plan: Plan, o: Obj, acc: SizeResult): void {
  const fields = plan.fields;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    sizeField(f, o[f.key], plan.flexible && !f.forceClassic, acc);
  }
  if (plan.flexible) {
    let count = 0;
    let bytes = 0;
    for (const f of plan.tagged) {
      const v = o[f.key];
      if (!taggedPresent(f, v)) continue;
      const inner: SizeResult = { total: 0, external: 0 };
      sizeField(f, v, true, inner);
      count++;
      bytes += uvarintSize(f.tag) + uvarintSize(inner.total) + inner.total;
    }
    acc.total += uvarintSize(count) + bytes;
  }
}

function taggedPresent(f: PlanField, v: unknown): boolean {
  if (v === undefined) return false;
  if (f.kind === Kind.Array) return Array.isArray(v) ? v.length > 0 : v === null ? f.makeDefault() !== null : false;
  if (f.kind === Kind.Struct) return v !== null;
  const d = f.makeDefault();
  if (Buffer.isBuffer(v) && Buffer.isBuffer(d)) return !v.equals(d);
  if (typeof v === 'number' && typeof d === 'bigint') return BigInt(v) !== d;
  return v !== d;
}

function sizeField(f: PlanField, v: unknown, compact: boolean, acc: SizeResult): void {
  if (v === undefined) v = f.makeDefault();
  if (f.kind === Kind.Array) {
    if (v === null) {
      if (!f.nullable) encodeError(f, 'null for a non-nullable array');
      acc.total += compact ? 1 : 4;
      return;
    }
    if (!Array.isArray(v)) encodeError(f, 'expected an array');
    acc.total += compact ? uvarintSize(v.length + 1) : 4;
    for (let i = 0; i < v.length; i++) sizeValue(f, f.elem, v[i], compact, acc);
    return;
  }
  sizeValue(f, f.kind, v, compact, acc);
}

function sizeValue(f: PlanField, kind: Kind, v: unknown, compact: boolean, acc: SizeResult): void {
  switch (kind) {
    case Kind.Int8: case Kind.Bool: acc.total += 1; return;
    case Kind.Int16: case Kind.Uint16: acc.total += 2; return;
    case Kind.Int32: acc.total += 4; return;
    case Kind.Int64: case Kind.Float64: acc.total += 8; return;
    case Kind.Uuid: acc.total += 16; return;
    case Kind.String: {
      if (v === null || v === undefined) {
        if (!f.nullable) encodeError(f, 'null for a non-nullable string');
        acc.total += compact ? 1 : 2;
        return;
      }
      const len = Buffer.byteLength(v as string, 'utf8');
      if (!compact && len > 0x7fff) encodeError(f, `string of ${len} bytes exceeds int16`);
      acc.total += (compact ? uvarintSize(len + 1) : 2) + len;
      return;
    }
    case Kind.Bytes: case Kind.Records: {
      if (v === null || v === undefined) {
        if (!f.nullable) encodeError(f, 'null for non-nullable bytes');
        acc.total += compact ? 1 : 4;
        return;
      }
      const len = isFileSlice(v) ? v.length : (v as Buffer).length;
      acc.total += (compact ? uvarintSize(len + 1) : 4) + len;
      if (kind === Kind.Records && isExternal(v)) acc.external += len;
      return;
    }
    case Kind.Struct: {
      const marker = f.nullable && f.kind === Kind.Struct;
      if (v === null) {
        if (!marker) encodeError(f, 'null for a non-nullable struct');
        acc.total += 1;
        return;
      }
      if (marker) acc.total += 1;
      sizeStruct(f.struct!, v as Obj, acc);
      return;
    }
    case Kind.Array:
      encodeError(f, 'nested array');
  }
}

// ---------------------------------------------------------------- write pass

export class PartsWriter {
  readonly buf: Buffer;
  pos = 0;
  private chunkStart = 0;
  readonly parts: OutboundPart[] = [];

  constructor(inlineBytes: number) {
    this.buf = Buffer.allocUnsafe(inlineBytes);
  }

  int8(v: number): void { this.buf.writeInt8(v, this.pos); this.pos += 1; }
  int16(v: number): void { this.buf.writeInt16BE(v, this.pos); this.pos += 2; }
  uint16(v: number): void { this.buf.writeUInt16BE(v, this.pos); this.pos += 2; }
  int32(v: number): void { this.buf.writeInt32BE(v, this.pos); this.pos += 4; }
  float64(v: number): void { this.buf.writeDoubleBE(v, this.pos); this.pos += 8; }
  int64(v: bigint | number): void {
    if (typeof v === 'bigint') this.buf.writeBigInt64BE(v, this.pos);
    else {
      this.buf.writeInt32BE(Math.floor(v / 4294967296), this.pos);
      this.buf.writeUInt32BE(v >>> 0, this.pos + 4);
    }
    this.pos += 8;
  }
  uvarint(n: number): void {
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }
  raw(b: Buffer): void {
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }
  string(v: string): void {
    this.pos += this.buf.write(v, this.pos, 'utf8');
  }
  /** Emits `part` as its own output part, after the inline bytes written so far. */
  external(part: OutboundPart): void {
    if (this.pos > this.chunkStart) this.parts.push(this.buf.subarray(this.chunkStart, this.pos));
    this.parts.push(part);
    this.chunkStart = this.pos;
  }
  finish(): OutboundPart[] {
    if (this.pos > this.chunkStart) this.parts.push(this.buf.subarray(this.chunkStart, this.pos));
    this.chunkStart = this.pos;
    return this.parts;
  }
}

export function writeStruct(w: PartsWriter, plan: Plan, o: Obj): void {
  const fields = plan.fields;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    writeField(w, f, o[f.key], plan.flexible && !f.forceClassic, false);
  }
  if (plan.flexible) {
    let count = 0;
    for (const f of plan.tagged) if (taggedPresent(f, o[f.key])) count++;
    w.uvarint(count);
    if (count === 0) return;
    for (const f of plan.tagged) {
      const v = o[f.key];
      if (!taggedPresent(f, v)) continue;
      const inner: SizeResult = { total: 0, external: 0 };
      sizeField(f, v, true, inner);
      w.uvarint(f.tag);
      w.uvarint(inner.total);
      writeField(w, f, v, true, true);
    }
  }
}

function writeField(w: PartsWriter, f: PlanField, v: unknown, compact: boolean, inline: boolean): void {
  if (v === undefined) v = f.makeDefault();
  if (f.kind === Kind.Array) {
    if (v === null) {
      if (compact) w.uvarint(0);
      else w.int32(-1);
      return;
    }
    const a = v as unknown[];
    if (compact) w.uvarint(a.length + 1);
    else w.int32(a.length);
    for (let i = 0; i < a.length; i++) writeValue(w, f, f.elem, a[i], compact, inline);
    return;
  }
  writeValue(w, f, f.kind, v, compact, inline);
}

function writeValue(w: PartsWriter, f: PlanField, kind: Kind, v: unknown, compact: boolean, inline: boolean): void {
  switch (kind) {
    case Kind.Int8: w.int8(v as number); return;
    case Kind.Int16: w.int16(v as number); return;
    case Kind.Uint16: w.uint16(v as number); return;
    case Kind.Int32: w.int32(v as number); return;
    case Kind.Int64: w.int64(v as bigint | number); return;
    case Kind.Float64: w.float64(v as number); return;
    case Kind.Bool: w.buf[w.pos++] = v ? 1 : 0; return;
    case Kind.Uuid: {
      const b = v as Buffer;
      if (!Buffer.isBuffer(b) || b.length !== 16) encodeError(f, 'uuid must be a 16-byte Buffer');
      w.raw(b);
      return;
    }
    case Kind.String: {
      if (v === null || v === undefined) {
        if (compact) w.uvarint(0);
        else w.int16(-1);
        return;
      }
      const s = v as string;
      const len = Buffer.byteLength(s, 'utf8');
      if (compact) w.uvarint(len + 1);
      else w.int16(len);
      w.string(s);
      return;
    }
    case Kind.Bytes: case Kind.Records: {
      if (v === null || v === undefined) {
        if (compact) w.uvarint(0);
        else w.int32(-1);
        return;
      }
      const len = isFileSlice(v) ? v.length : (v as Buffer).length;
      if (compact) w.uvarint(len + 1);
      else w.int32(len);
      if (kind === Kind.Records && isExternal(v)) {
        if (inline) encodeError(f, 'external records inside a tagged field');
        w.external(v as OutboundPart);
      } else w.raw(v as Buffer);
      return;
    }
    case Kind.Struct: {
      const marker = f.nullable && f.kind === Kind.Struct;
      if (v === null) {
        if (!marker) encodeError(f, 'null for a non-nullable struct');
        w.int8(-1);
        return;
      }
      if (marker) w.int8(1);
      writeStruct(w, f.struct!, v as Obj);
      return;
    }
    case Kind.Array:
      encodeError(f, 'nested array');
  }
}
