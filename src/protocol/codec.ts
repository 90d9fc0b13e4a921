/**
 * The public entry of Sluice's Kafka wire codec, shared by the broker and src/client.
 *
 * Framing: every message on the wire is `int32 size` + payload. "frame" below means the
 * payload (the bytes after the size prefix). Encoders return complete messages including
 * the size prefix, which is computed before any byte is produced.
 *
 * Bodies are plain objects keyed by Kafka's field names in lowerCamelCase; see
 * schema/reader.ts for the value types (int64 = bigint, bytes/records/uuid = Buffer views
 * into the frame, arrays, null for nullable absents). Decoding fills fields absent in the
 * given version with their schema defaults, so handlers can read one shape for all
 * versions. Encoding takes partial bodies: missing fields get their defaults.
 *
 * Errors: an unknown API key or a version outside SUPPORTED_APIS throws
 * KafkaProtocolError(UNSUPPORTED_VERSION); malformed bytes throw
 * KafkaProtocolError(INVALID_REQUEST). Pure functions; no state besides the plan cache.
 */
import type { FileSlice } from '../broker/storage/types.js';
import type { OutboundPart } from '../broker/zero-copy/types.js';
import { apiName } from './api-keys.js';
import { ErrorCode, KafkaProtocolError } from './errors.js';
import {
  readRequestHeader, requestHeaderSize, responseHeaderHasTags, writeRequestHeader, type RequestHeader,
} from './headers.js';
import { API_TABLE, type ApiEntry, type RequestBodies, type ResponseBodies } from './messages/index.js';
import { compileMessage, isFlexibleVersion } from './schema/compile.js';
import { ByteReader, readStruct } from './schema/reader.js';
import { PartsWriter, sizeStruct, writeStruct, type SizeResult } from './schema/writer.js';
import type { MessageSpec } from './schema/types.js';

export type { RequestHeader } from './headers.js';
export type { RequestBodies, ResponseBodies } from './messages/index.js';
export type { OutboundPart } from '../broker/zero-copy/types.js';

/** Keys of APIs the codec implements. */
export type KnownApiKey = keyof RequestBodies & keyof ResponseBodies;

/** What encoders accept: any subset of the fields; int64 as bigint or number; records as Buffer or FileSlice. */
export type Encodable<T> = T extends Buffer
  ? Buffer | FileSlice
  : T extends bigint
    ? bigint | number
    : T extends readonly (infer U)[]
      ? Encodable<U>[]
      : T extends object
        ? { [K in keyof T]?: Encodable<T[K]> }
        : T;

export interface SupportedApi {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
}

/** Per API: the versions this codec implements and round-trip tests. */
export const SUPPORTED_APIS: readonly SupportedApi[] = [...API_TABLE.values()]
  .map(({ apiKey, name, minVersion, maxVersion }) => ({ apiKey, name, minVersion, maxVersion }))
  .sort((a, b) => a.apiKey - b.apiKey);

function entryFor(apiKey: number, version: number, correlationId?: number): ApiEntry {
  const e = API_TABLE.get(apiKey);
  if (!e || version < e.minVersion || version > e.maxVersion) {
    const range = e ? ` (supported ${e.minVersion}-${e.maxVersion})` : '';
    throw new KafkaProtocolError(
      ErrorCode.UNSUPPORTED_VERSION,
      `unsupported ${apiName(apiKey)} version ${version}${range}`,
      { details: { apiKey, apiVersion: version, correlationId } },
    );
  }
  return e;
}

/** True when (apiKey, version) uses the flexible encoding; follows Kafka's flexibleVersions even beyond our max. */
export function isFlexible(apiKey: number, version: number): boolean {
  const e = API_TABLE.get(apiKey);
  return e !== undefined && isFlexibleVersion(e.request, version);
}

/** True when the codec implements (apiKey, version). */
export function isSupported(apiKey: number, version: number): boolean {
  const e = API_TABLE.get(apiKey);
  return e !== undefined && version >= e.minVersion && version <= e.maxVersion;
}

// ------------------------------------------------------------------ requests

/** Reads apiKey, apiVersion and correlationId without validating anything else (for error replies). */
export function peekRequestHeader(frame: Buffer): { apiKey: number; apiVersion: number; correlationId: number } {
  if (frame.length < 8) {
    throw new KafkaProtocolError(ErrorCode.INVALID_REQUEST, `malformed frame: ${frame.length} bytes is shorter than a request header`);
  }
  return { apiKey: frame.readInt16BE(0), apiVersion: frame.readInt16BE(2), correlationId: frame.readInt32BE(4) };
}

/** Decodes the request header; throws UNSUPPORTED_VERSION for an API/version the codec does not implement. */
export function decodeRequestHeader(frame: Buffer): { header: RequestHeader; bodyOffset: number } {
  const { apiKey, apiVersion, correlationId } = peekRequestHeader(frame);
  entryFor(apiKey, apiVersion, correlationId);
  return readRequestHeader(frame, isFlexible(apiKey, apiVersion));
}

export function decodeRequest<K extends KnownApiKey>(apiKey: K, version: number, frame: Buffer, bodyOffset: number): RequestBodies[K];
export function decodeRequest(apiKey: number, version: number, frame: Buffer, bodyOffset: number): Record<string, unknown>;
/** Decodes a request body starting at `bodyOffset` of `frame`. */
export function decodeRequest(apiKey: number, version: number, frame: Buffer, bodyOffset: number): unknown {
  const e = entryFor(apiKey, version);
  return decodeBody(e.request, version, frame, bodyOffset);
}

export function encodeRequest<K extends KnownApiKey>(
  apiKey: K, version: number, correlationId: number, clientId: string | null, body: Encodable<RequestBodies[K]>,
): Buffer;
export function encodeRequest(apiKey: number, version: number, correlationId: number, clientId: string | null, body: object): Buffer;
/** A complete request message (size prefix + header + body) as one Buffer. */
export function encodeRequest(apiKey: number, version: number, correlationId: number, clientId: string | null, body: object): Buffer {
  const parts = encodeRequestParts(apiKey, version, correlationId, clientId, body);
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts as Buffer[]);
}

/** Like encodeRequest, but large records Buffers stay separate parts (no copy). */
export function encodeRequestParts(
  apiKey: number, version: number, correlationId: number, clientId: string | null, body: object,
): Buffer[] {
  const e = entryFor(apiKey, version);
  const flexible = isFlexibleVersion(e.request, version);
  const plan = compileMessage(e.request, version);
  const acc: SizeResult = { total: 0, external: 0 };
  sizeStruct(plan, body as Record<string, unknown>, acc);
  const headerBytes = requestHeaderSize(clientId, flexible);
  const w = new PartsWriter(4 + headerBytes + acc.total - acc.external);
  w.int32(headerBytes + acc.total);
  w.pos = writeRequestHeader(w.buf, w.pos, { apiKey, apiVersion: version, correlationId, clientId }, flexible);
  writeStruct(w, plan, body as Record<string, unknown>);
  const parts = w.finish();
  for (const p of parts) {
    if (!Buffer.isBuffer(p)) throw new KafkaProtocolError(ErrorCode.INVALID_REQUEST, 'requests cannot carry file slices');
  }
  return parts as Buffer[];
}

// ----------------------------------------------------------------- responses

export function encodeResponse<K extends KnownApiKey>(
  apiKey: K, version: number, correlationId: number, body: Encodable<ResponseBodies[K]>,
): OutboundPart[];
export function encodeResponse(apiKey: number, version: number, correlationId: number, body: object): OutboundPart[];
/**
 * A complete response (size prefix + header + body) as wire-ordered parts. A records value
 * that is a FileSlice (or a large Buffer) is its own part, never copied.
 */
export function encodeResponse(apiKey: number, version: number, correlationId: number, body: object): OutboundPart[] {
  const e = entryFor(apiKey, version, correlationId);
  return encodeResponseWith(e.response, apiKey, version, correlationId, body);
}

function encodeResponseWith(spec: MessageSpec, apiKey: number, version: number, correlationId: number, body: object): OutboundPart[] {
  const plan = compileMessage(spec, version);
  const tags = responseHeaderHasTags(apiKey, plan.flexible);
  const headerBytes = tags ? 5 : 4;
  const acc: SizeResult = { total: 0, external: 0 };
  sizeStruct(plan, body as Record<string, unknown>, acc);
  const w = new PartsWriter(4 + headerBytes + acc.total - acc.external);
  w.int32(headerBytes + acc.total);
  w.int32(correlationId);
  if (tags) w.uvarint(0);
  writeStruct(w, plan, body as Record<string, unknown>);
  return w.finish();
}

export function encodeResponseBuffer<K extends KnownApiKey>(
  apiKey: K, version: number, correlationId: number, body: Encodable<ResponseBodies[K]>,
): Buffer;
export function encodeResponseBuffer(apiKey: number, version: number, correlationId: number, body: object): Buffer;
/** encodeResponse concatenated into one Buffer (tests, small responses). Rejects FileSlices. */
export function encodeResponseBuffer(apiKey: number, version: number, correlationId: number, body: object): Buffer {
  const parts = encodeResponse(apiKey, version, correlationId, body);
  for (const p of parts) {
    if (!Buffer.isBuffer(p)) throw new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR, 'encodeResponseBuffer cannot inline a FileSlice');
  }
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts as Buffer[]);
}

/**
 * The reply to an ApiVersions request whose version the codec does not implement
 * (Kafka's RequestContext rule): a v0-layout body with UNSUPPORTED_VERSION and the
 * ApiVersions range, with response header v0.
 */
export function encodeUnsupportedApiVersionsResponse(correlationId: number, minVersion: number, maxVersion: number): Buffer {
  const e = API_TABLE.get(18)!;
  const parts = encodeResponseWith(e.response, 18, 0, correlationId, {
    errorCode: ErrorCode.UNSUPPORTED_VERSION,
    apiKeys: [{ apiKey: 18, minVersion, maxVersion }],
  });
  return Buffer.concat(parts as Buffer[]);
}

export function decodeResponse<K extends KnownApiKey>(apiKey: K, version: number, frame: Buffer): { correlationId: number; body: ResponseBodies[K] };
export function decodeResponse(apiKey: number, version: number, frame: Buffer): { correlationId: number; body: Record<string, unknown> };
/** Decodes a response frame (bytes after the size prefix): header, then body. */
export function decodeResponse(apiKey: number, version: number, frame: Buffer): { correlationId: number; body: unknown } {
  const e = entryFor(apiKey, version);
  const r = new ByteReader(frame);
  const correlationId = r.int32();
  if (responseHeaderHasTags(apiKey, isFlexibleVersion(e.response, version))) r.skipTags();
  return { correlationId, body: decodeBody(e.response, version, frame, r.pos) };
}

function decodeBody(spec: MessageSpec, version: number, frame: Buffer, offset: number): unknown {
  const r = new ByteReader(frame, offset);
  return readStruct(r, compileMessage(spec, version));
}

/** Encodes a body alone (no header, no size) for any MessageSpec: data records, tests. */
export function encodeMessage(spec: MessageSpec, version: number, body: object): Buffer {
  const plan = compileMessage(spec, version);
  const acc: SizeResult = { total: 0, external: 0 };
  sizeStruct(plan, body as Record<string, unknown>, acc);
  const w = new PartsWriter(acc.total - acc.external);
  writeStruct(w, plan, body as Record<string, unknown>);
  const parts = w.finish();
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts as Buffer[]);
}

/** Decodes a body alone for any MessageSpec; returns the object and the offset after it. */
export function decodeMessage(spec: MessageSpec, version: number, buf: Buffer, offset = 0): { value: Record<string, unknown>; end: number } {
  const r = new ByteReader(buf, offset);
  const value = readStruct(r, compileMessage(spec, version));
  return { value, end: r.pos };
}
