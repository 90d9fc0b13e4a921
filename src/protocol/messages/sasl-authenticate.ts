/**
 * SaslAuthenticate (API key 36): request and response schemas. Sluice implements v0-2.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/SaslAuthenticateRequest.json and SaslAuthenticateResponse.json; validVersions 0-2, flexible 2+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   AuthBytes bytes v0+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ErrorCode int16 v0+
 *   ErrorMessage string? v0+
 *   AuthBytes bytes v0+
 *   SessionLifetimeMs int64 v1+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const SaslAuthenticateRequest: MessageSpec = {
  name: 'SaslAuthenticateRequest', type: 'request', apiKey: 36, validVersions: '0-2', flexibleVersions: '2+',
  fields: [
    { name: 'AuthBytes', type: 'bytes', versions: '0+' },
  ],
};

export const SaslAuthenticateResponse: MessageSpec = {
  name: 'SaslAuthenticateResponse', type: 'response', apiKey: 36, validVersions: '0-2', flexibleVersions: '2+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'AuthBytes', type: 'bytes', versions: '0+' },
    { name: 'SessionLifetimeMs', type: 'int64', versions: '1+', default: '0' },
  ],
};

export interface SaslAuthenticateRequestData {
  authBytes: Buffer;
}

export interface SaslAuthenticateResponseData {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Buffer;
  sessionLifetimeMs: bigint;
}
