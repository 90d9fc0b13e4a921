/**
 * Heartbeat (API key 12): request and response schemas. Sluice implements v0-4.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/HeartbeatRequest.json and HeartbeatResponse.json; validVersions 0-4, flexible 4+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   GroupId string v0+
 *   GenerationId int32 v0+
 *   MemberId string v0+
 *   GroupInstanceId string? v3+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ThrottleTimeMs int32 v1+
 *   ErrorCode int16 v0+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const HeartbeatRequest: MessageSpec = {
  name: 'HeartbeatRequest', type: 'request', apiKey: 12, validVersions: '0-4', flexibleVersions: '4+',
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+' },
    { name: 'GenerationId', type: 'int32', versions: '0+' },
    { name: 'MemberId', type: 'string', versions: '0+' },
    { name: 'GroupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: 'null' },
  ],
};

export const HeartbeatResponse: MessageSpec = {
  name: 'HeartbeatResponse', type: 'response', apiKey: 12, validVersions: '0-4', flexibleVersions: '4+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
  ],
};

export interface HeartbeatRequestData {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface HeartbeatResponseData {
  throttleTimeMs: number;
  errorCode: number;
}
