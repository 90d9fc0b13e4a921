/**
 * SyncGroup (API key 14): request and response schemas. Sluice implements v0-5.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/SyncGroupRequest.json and SyncGroupResponse.json; validVersions 0-5, flexible 4+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   GroupId string v0+
 *   GenerationId int32 v0+
 *   MemberId string v0+
 *   GroupInstanceId string? v3+
 *   ProtocolType string? v5+
 *   ProtocolName string? v5+
 *   Assignments []SyncGroupRequestAssignment v0+
 *     MemberId string v0+
 *     Assignment bytes v0+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ThrottleTimeMs int32 v1+
 *   ErrorCode int16 v0+
 *   ProtocolType string? v5+
 *   ProtocolName string? v5+
 *   Assignment bytes v0+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const SyncGroupRequest: MessageSpec = {
  name: 'SyncGroupRequest', type: 'request', apiKey: 14, validVersions: '0-5', flexibleVersions: '4+',
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+' },
    { name: 'GenerationId', type: 'int32', versions: '0+' },
    { name: 'MemberId', type: 'string', versions: '0+' },
    { name: 'GroupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: 'null' },
    { name: 'ProtocolType', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null' },
    { name: 'ProtocolName', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null' },
    { name: 'Assignments', type: '[]SyncGroupRequestAssignment', versions: '0+', fields: [
      { name: 'MemberId', type: 'string', versions: '0+' },
      { name: 'Assignment', type: 'bytes', versions: '0+' },
    ] },
  ],
};

export const SyncGroupResponse: MessageSpec = {
  name: 'SyncGroupResponse', type: 'response', apiKey: 14, validVersions: '0-5', flexibleVersions: '4+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ProtocolType', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null' },
    { name: 'ProtocolName', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null' },
    { name: 'Assignment', type: 'bytes', versions: '0+' },
  ],
};

export interface SyncGroupRequestData {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: SyncGroupRequestSyncGroupRequestAssignment[];
}

export interface SyncGroupRequestSyncGroupRequestAssignment {
  memberId: string;
  assignment: Buffer;
}

export interface SyncGroupResponseData {
  throttleTimeMs: number;
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}
