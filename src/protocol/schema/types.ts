/**
 * The schema language: a TypeScript mirror of Kafka's message JSON definitions
 * (clients/src/main/resources/common/message/*.json). A MessageSpec is pure data; the
 * compiler (compile.ts) turns one (spec, version) into a plan that the generic reader
 * and writer interpret. Specs are immutable after load; nobody mutates them.
 *
 * Field `type` is Kafka's spelling: a primitive (int8, int16, int32, int64, uint16,
 * float64, bool, string, bytes, records, uuid), a struct name (with `fields`, or a name
 * from `commonStructs`), or an array `[]T` of either.
 * Version ranges are Kafka's: "0+", "3-7", "5", "none".
 */

export type PrimitiveTypeName =
  | 'int8' | 'int16' | 'int32' | 'int64' | 'uint16' | 'float64' | 'bool'
  | 'string' | 'bytes' | 'records' | 'uuid';

export interface FieldSpec {
  /** Kafka's PascalCase name; decoded objects use it in lowerCamelCase. */
  readonly name: string;
  readonly type: string;
  readonly versions: string;
  readonly nullableVersions?: string;
  readonly taggedVersions?: string;
  readonly tag?: number;
  /** Only the request header's ClientId overrides the message's flexibility ("none"). */
  readonly flexibleVersions?: string;
  /** Kafka's default: a literal such as '-1', '0x7fffffff', 'true', 'null', or a number. */
  readonly default?: string | number | boolean;
  readonly fields?: readonly FieldSpec[];
}

export interface StructSpec {
  readonly name: string;
  readonly versions: string;
  readonly fields: readonly FieldSpec[];
}

export interface MessageSpec {
  readonly name: string;
  readonly type: 'request' | 'response' | 'data' | 'header';
  readonly apiKey?: number;
  readonly validVersions: string;
  readonly flexibleVersions: string;
  readonly fields: readonly FieldSpec[];
  readonly commonStructs?: readonly StructSpec[];
}

/** Parsed version range; `max` is Infinity for "N+", and min > max for "none". */
export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

const rangeCache = new Map<string, VersionRange>();

export function parseVersionRange(text: string): VersionRange {
  let r = rangeCache.get(text);
  if (r) return r;
  const t = text.trim();
  if (t === 'none' || t === '') r = { min: 1, max: 0 };
  else if (t.endsWith('+')) r = { min: Number(t.slice(0, -1)), max: Infinity };
  else if (t.includes('-')) {
    const [a, b] = t.split('-');
    r = { min: Number(a), max: Number(b) };
  } else r = { min: Number(t), max: Number(t) };
  if (Number.isNaN(r.min) || Number.isNaN(r.max)) throw new Error(`bad version range '${text}'`);
  rangeCache.set(text, r);
  return r;
}

export function versionIn(text: string | undefined, version: number): boolean {
  if (text === undefined) return false;
  const r = parseVersionRange(text);
  return version >= r.min && version <= r.max;
}

/** Turns a Kafka field name into the decoded object's key: `PartitionIndex` → `partitionIndex`. */
export function fieldKey(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
