/**
 * ApiVersions (key 18), versions 0–3 (KIP-35, KIP-511 for v3's client software fields).
 *
 * Grammar (ApiVersionsResponse.json):
 *   v0   ErrorCode i16, ApiKeys[ApiKey i16, MinVersion i16, MaxVersion i16]
 *   v1+  … ThrottleTimeMs i32
 *   v3   flexible (compact array, tags); SupportedFeatures/FinalizedFeatures are tagged (omitted)
 * Always answered with response header v0 (the codec handles that).
 *
 * The advertised list comes from the dispatch table, so an API is advertised exactly
 * when its handler exists (kafka.md 3a: advertise only what is implemented).
 * An unsupported ApiVersions version never reaches this handler: the session answers
 * it with `unsupportedApiVersionsBody()` in the v0 layout (KafkaApis /
 * ApiVersionsRequest.getErrorResponse: error 35 and only the ApiVersions entry, which
 * is what librdkafka and kafkajs read to pick their retry version).
 */
import type { ApiHandler, MessageBody, RequestContext } from './types.js';

export const API_VERSIONS_KEY = 18;
export const API_VERSIONS_MAX = 3;

export const apiVersionsHandler: ApiHandler = {
  apiKey: API_VERSIONS_KEY,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: API_VERSIONS_MAX,
  handle(ctx: RequestContext): MessageBody {
    return {
      errorCode: 0,
      apiKeys: ctx.services.advertisedApis().map((a) => ({ apiKey: a.apiKey, minVersion: a.minVersion, maxVersion: a.maxVersion })),
      throttleTimeMs: 0,
    };
  },
};

/** v0 body for an ApiVersions request whose version we do not support. */
export function unsupportedApiVersionsBody(): MessageBody {
  return {
    errorCode: 35,
    apiKeys: [{ apiKey: API_VERSIONS_KEY, minVersion: 0, maxVersion: API_VERSIONS_MAX }],
  };
}
