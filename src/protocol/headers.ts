/**
 * Request and response headers (Kafka RequestHeader.json / ResponseHeader.json).
 *
 * Byte format:
 *   request header v1: apiKey int16, apiVersion int16, correlationId int32,
 *                      clientId int16-length nullable string (never compact)
 *   request header v2: v1 + tag section (uvarint count, tags…) — used iff the (api, version)
 *                      is flexible
 *   response header v0: correlationId int32
 *   response header v1: v0 + tag section — used iff flexible, EXCEPT ApiVersions, whose
 *                      responses always carry header v0 (so old clients can parse the error).
 * Header v0 (no clientId) only exists for ControlledShutdown v0, which Sluice does not serve.
 */
import { ApiKey } from './api-keys.js';
import { ByteReader } from './schema/reader.js';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** Fixed part of every request header: apiKey, apiVersion, correlationId. */
export const REQUEST_HEADER_FIXED_BYTES = 8;

/** Reads header v1 (and the v2 tag section when `flexible`); returns the body offset. */
export function readRequestHeader(frame: Buffer, flexible: boolean): { header: RequestHeader; bodyOffset: number } {
  const r = new ByteReader(frame);
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const clientId = r.string(false, 'ClientId');
  if (flexible) r.skipTags();
  return { header: { apiKey, apiVersion, correlationId, clientId }, bodyOffset: r.pos };
}

/** Encoded size of a request header. */
export function requestHeaderSize(clientId: string | null, flexible: boolean): number {
  return 10 + (clientId === null ? 0 : Buffer.byteLength(clientId, 'utf8')) + (flexible ? 1 : 0);
}

/** Writes a request header at `pos`; returns the position after it. */
export function writeRequestHeader(buf: Buffer, pos: number, h: RequestHeader, flexible: boolean): number {
  pos = buf.writeInt16BE(h.apiKey, pos);
  pos = buf.writeInt16BE(h.apiVersion, pos);
  pos = buf.writeInt32BE(h.correlationId, pos);
  if (h.clientId === null) pos = buf.writeInt16BE(-1, pos);
  else {
    const len = Buffer.byteLength(h.clientId, 'utf8');
    pos = buf.writeInt16BE(len, pos);
    pos += buf.write(h.clientId, pos, 'utf8');
  }
  if (flexible) buf[pos++] = 0;
  return pos;
}

/** Whether a response to (apiKey, flexible version) carries header v1. */
export function responseHeaderHasTags(apiKey: number, flexible: boolean): boolean {
  return flexible && apiKey !== ApiKey.ApiVersions;
}
