/**
 * SaslHandshake (API key 17): request and response schemas. Sluice implements v0-1.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/SaslHandshakeRequest.json and SaslHandshakeResponse.json; validVersions 0-1, flexible none.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   Mechanism string v0+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ErrorCode int16 v0+
 *   Mechanisms []string v0+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const SaslHandshakeRequest: MessageSpec = {
  name: 'SaslHandshakeRequest', type: 'request', apiKey: 17, validVersions: '0-1', flexibleVersions: 'none',
  fields: [
    { name: 'Mechanism', type: 'string', versions: '0+' },
  ],
};

export const SaslHandshakeResponse: MessageSpec = {
  name: 'SaslHandshakeResponse', type: 'response', apiKey: 17, validVersions: '0-1', flexibleVersions: 'none',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'Mechanisms', type: '[]string', versions: '0+' },
  ],
};

export interface SaslHandshakeRequestData {
  mechanism: string;
}

export interface SaslHandshakeResponseData {
  errorCode: number;
  mechanisms: string[];
}
