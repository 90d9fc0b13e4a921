/**
 * Compiles one (MessageSpec, version) into a Plan: the fields present in that version,
 * in wire order, with their kind, nullability, tag and default already resolved. Plans
 * are built once per (spec, version) and cached (WeakMap on the spec); they are
 * immutable and shared by every reader and writer call.
 *
 * Wire rules encoded here (Kafka's MessageGenerator semantics):
 * - flexibility is per message version and applies to every nested struct;
 * - a field tagged in this version is written in the tag section, not in order;
 * - a field absent in this version decodes as its default, and is not written.
 */
import { fieldKey, parseVersionRange, versionIn, type FieldSpec, type MessageSpec, type StructSpec } from './types.js';

export const enum Kind {
  Int8, Int16, Int32, Int64, Uint16, Float64, Bool, String, Bytes, Records, Uuid, Struct, Array,
}

const PRIMITIVES: Record<string, Kind> = {
  int8: Kind.Int8, int16: Kind.Int16, int32: Kind.Int32, int64: Kind.Int64, uint16: Kind.Uint16,
  float64: Kind.Float64, bool: Kind.Bool, string: Kind.String, bytes: Kind.Bytes, records: Kind.Records, uuid: Kind.Uuid,
};

export interface PlanField {
  /** lowerCamelCase key in decoded objects. */
  readonly key: string;
  /** Kafka's name, for error messages. */
  readonly name: string;
  readonly kind: Kind;
  /** For arrays: the element kind (never Array). */
  readonly elem: Kind;
  /** For Struct, or Array of Struct. */
  readonly struct: Plan | undefined;
  readonly nullable: boolean;
  /** -1 when not tagged in this version. */
  readonly tag: number;
  /** Non-flexible override (request header ClientId). */
  readonly forceClassic: boolean;
  /** Fresh default value (new array/object each call). */
  readonly makeDefault: () => unknown;
}

export interface Plan {
  readonly name: string;
  readonly version: number;
  readonly flexible: boolean;
  /** Present, untagged, in wire order. */
  readonly fields: readonly PlanField[];
  /** Tagged in this version, ascending tag. */
  readonly tagged: readonly PlanField[];
  readonly taggedByTag: ReadonlyMap<number, PlanField>;
  /** Not in this version: decoded as defaults. */
  readonly absent: readonly PlanField[];
}

const planCache = new WeakMap<MessageSpec, Map<number, Plan>>();

export function compileMessage(spec: MessageSpec, version: number): Plan {
  let byVersion = planCache.get(spec);
  if (!byVersion) {
    byVersion = new Map();
    planCache.set(spec, byVersion);
  }
  let plan = byVersion.get(version);
  if (!plan) {
    const common = new Map<string, StructSpec>((spec.commonStructs ?? []).map((s) => [s.name, s]));
    const flexible = versionIn(spec.flexibleVersions, version);
    plan = compileFields(spec.name, spec.fields, version, flexible, common);
    byVersion.set(version, plan);
  }
  return plan;
}

/** True when `version` of `spec` uses compact encodings and tagged fields. */
export function isFlexibleVersion(spec: MessageSpec, version: number): boolean {
  return versionIn(spec.flexibleVersions, version);
}

export function isValidVersion(spec: MessageSpec, version: number): boolean {
  const r = parseVersionRange(spec.validVersions);
  return version >= r.min && version <= r.max;
}

function compileFields(
  name: string,
  fields: readonly FieldSpec[],
  version: number,
  flexible: boolean,
  common: ReadonlyMap<string, StructSpec>,
): Plan {
  const present: PlanField[] = [];
  const tagged: PlanField[] = [];
  const absent: PlanField[] = [];
  for (const f of fields) {
    const pf = compileField(f, version, flexible, common);
    if (!versionIn(f.versions, version)) absent.push(pf);
    else if (flexible && f.taggedVersions !== undefined && versionIn(f.taggedVersions, version)) tagged.push(pf);
    else present.push(pf);
  }
  tagged.sort((a, b) => a.tag - b.tag);
  return {
    name, version, flexible,
    fields: present, tagged, absent,
    taggedByTag: new Map(tagged.map((t) => [t.tag, t])),
  };
}

function compileField(f: FieldSpec, version: number, flexible: boolean, common: ReadonlyMap<string, StructSpec>): PlanField {
  let typeName = f.type;
  const isArray = typeName.startsWith('[]');
  if (isArray) typeName = typeName.slice(2);
  let elem = PRIMITIVES[typeName];
  let struct: Plan | undefined;
  if (elem === undefined) {
    const sub = f.fields ?? common.get(typeName)?.fields;
    if (!sub) throw new Error(`schema: field ${f.name} has unknown type ${f.type}`);
    elem = Kind.Struct;
    struct = compileFields(typeName, sub, version, flexible, common);
  }
  const kind = isArray ? Kind.Array : elem;
  const nullable = versionIn(f.nullableVersions, version);
  return {
    key: fieldKey(f.name),
    name: f.name,
    kind,
    elem,
    struct,
    nullable,
    tag: f.tag !== undefined && versionIn(f.taggedVersions, version) ? f.tag : -1,
    forceClassic: f.flexibleVersions !== undefined && !versionIn(f.flexibleVersions, version),
    makeDefault: defaultMaker(f, kind, struct),
  };
}

function defaultMaker(f: FieldSpec, kind: Kind, struct: Plan | undefined): () => unknown {
  const d = f.default;
  if (d === 'null') return () => null;
  switch (kind) {
    case Kind.Int8: case Kind.Int16: case Kind.Int32: case Kind.Uint16: case Kind.Float64: {
      const n = d === undefined ? 0 : Number(d);
      return () => n;
    }
    case Kind.Int64: {
      const n = d === undefined ? 0n : BigInt(d);
      return () => n;
    }
    case Kind.Bool: {
      const b = d === true || d === 'true';
      return () => b;
    }
    case Kind.String: {
      const s = d === undefined ? '' : String(d);
      return () => s;
    }
    case Kind.Bytes: return () => Buffer.alloc(0);
    case Kind.Records: return () => null;
    case Kind.Uuid: return () => Buffer.alloc(16);
    case Kind.Array: return () => [];
    case Kind.Struct: {
      const plan = struct!;
      return () => defaultObject(plan);
    }
  }
}

/** An object holding every field's default for `plan`. */
export function defaultObject(plan: Plan): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of plan.fields) o[f.key] = f.makeDefault();
  for (const f of plan.tagged) o[f.key] = f.makeDefault();
  for (const f of plan.absent) o[f.key] = f.makeDefault();
  return o;
}
