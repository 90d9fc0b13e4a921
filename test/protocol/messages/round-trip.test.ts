// Round trips for every API, direction and version the codec implements: a representative
// value per (api, version) is generated from the schema plan (nulls, empty and non-empty
// arrays, tagged fields with non-default values), encoded, decoded and re-encoded; the
// decoded value must equal the input and the two encodings must be byte-identical.
import { describe, expect, test } from 'vitest';
import {
  SUPPORTED_APIS, decodeRequest, decodeRequestHeader, decodeResponse, encodeRequest, encodeResponseBuffer,
} from '../../../src/protocol/codec.js';
import { API_TABLE } from '../../../src/protocol/messages/index.js';
import { Kind, compileMessage, type Plan, type PlanField } from '../../../src/protocol/schema/compile.js';
import { KafkaProtocolError } from '../../../src/protocol/errors.js';

let seed = 1;
function next(): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed;
}

function sample(f: PlanField, kind: Kind, depth: number, variant: number): unknown {
  switch (kind) {
    case Kind.Int8: return (next() % 200) - 100;
    case Kind.Int16: return (next() % 60000) - 30000;
    case Kind.Uint16: return next() % 65536;
    case Kind.Int32: return next() - 0x40000000;
    case Kind.Int64: return BigInt(next()) * 4096n - 17n;
    case Kind.Float64: return next() / 7;
    case Kind.Bool: return next() % 2 === 1;
    case Kind.Uuid: return Buffer.from(Array.from({ length: 16 }, () => next() & 0xff));
    case Kind.String:
      if (f.nullable && variant === 1) return null;
      return `${f.key}-${next() % 1000}-é`;
    case Kind.Bytes:
    case Kind.Records:
      if (f.nullable && variant === 1) return null;
      return Buffer.from(Array.from({ length: 1 + (next() % 9) }, () => next() & 0xff));
    case Kind.Struct:
      return sampleStruct(f.struct!, depth + 1, variant);
    default:
      throw new Error('unreachable');
  }
}

function sampleField(f: PlanField, depth: number, variant: number): unknown {
  if (f.kind === Kind.Array) {
    if (f.nullable && variant === 1) return null;
    const n = depth > 3 ? 0 : variant === 2 ? 0 : 2;
    return Array.from({ length: n }, () => sample(f, f.elem, depth, variant));
  }
  return sample(f, f.kind, depth, variant);
}

function sampleStruct(plan: Plan, depth: number, variant: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of plan.fields) o[f.key] = sampleField(f, depth, variant);
  for (const f of plan.tagged) o[f.key] = variant === 2 ? f.makeDefault() : sampleField(f, depth, 0);
  for (const f of plan.absent) o[f.key] = f.makeDefault();
  return o;
}

const cases: [string, number, number][] = [];
for (const api of SUPPORTED_APIS) {
  for (let v = api.minVersion; v <= api.maxVersion; v++) cases.push([api.name, api.apiKey, v]);
}

describe('every API and version round-trips', () => {
  test.each(cases)('%s (key %i) v%i', (_name, apiKey, version) => {
    const entry = API_TABLE.get(apiKey)!;
    for (let variant = 0; variant < 3; variant++) {
      const reqValue = sampleStruct(compileMessage(entry.request, version), 0, variant);
      const req = encodeRequest(apiKey, version, 1234 + variant, variant === 1 ? null : 'round-trip', reqValue);
      expect(req.readInt32BE(0)).toBe(req.length - 4);
      const frame = req.subarray(4);
      const { header, bodyOffset } = decodeRequestHeader(frame);
      expect(header).toEqual({ apiKey, apiVersion: version, correlationId: 1234 + variant, clientId: variant === 1 ? null : 'round-trip' });
      const decodedReq = decodeRequest(apiKey, version, frame, bodyOffset);
      expect(decodedReq).toEqual(reqValue);
      expect(encodeRequest(apiKey, version, 1234 + variant, variant === 1 ? null : 'round-trip', decodedReq)).toEqual(req);

      const resValue = sampleStruct(compileMessage(entry.response, version), 0, variant);
      const res = encodeResponseBuffer(apiKey, version, 99, resValue);
      expect(res.readInt32BE(0)).toBe(res.length - 4);
      const decodedRes = decodeResponse(apiKey, version, res.subarray(4));
      expect(decodedRes.correlationId).toBe(99);
      expect(decodedRes.body).toEqual(resValue);
      expect(encodeResponseBuffer(apiKey, version, 99, decodedRes.body)).toEqual(res);
    }
  });
});

describe('truncated frames throw KafkaProtocolError, never anything else', () => {
  test.each(cases.filter((_, i) => i % 3 === 0))('%s (key %i) v%i', (_name, apiKey, version) => {
    const entry = API_TABLE.get(apiKey)!;
    const value = sampleStruct(compileMessage(entry.request, version), 0, 0);
    const frame = encodeRequest(apiKey, version, 1, 'c', value).subarray(4);
    const { bodyOffset } = decodeRequestHeader(frame);
    for (let cut = bodyOffset; cut < frame.length; cut++) {
      const part = frame.subarray(0, cut);
      try {
        decodeRequest(apiKey, version, part, bodyOffset);
        // Some prefixes can be valid messages (e.g. trailing optional data): that is fine.
      } catch (err) {
        expect(err).toBeInstanceOf(KafkaProtocolError);
      }
    }
  });
});
