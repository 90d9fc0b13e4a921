/**
 * JoinGroup (API key 11): request and response schemas. Sluice implements v0-7.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/JoinGroupRequest.json and JoinGroupResponse.json; validVersions 0-9, flexible 6+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   GroupId string v0+
 *   SessionTimeoutMs int32 v0+
 *   RebalanceTimeoutMs int32 v1+
 *   MemberId string v0+
 *   GroupInstanceId string? v5+
 *   ProtocolType string v0+
 *   Protocols []JoinGroupRequestProtocol v0+
 *     Name string v0+
 *     Metadata bytes v0+
 *   Reason string? v8+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ThrottleTimeMs int32 v2+
 *   ErrorCode int16 v0+
 *   GenerationId int32 v0+
 *   ProtocolType string? v7+
 *   ProtocolName string? v0+
 *   Leader string v0+
 *   SkipAssignment bool v9+
 *   MemberId string v0+
 *   Members []JoinGroupResponseMember v0+
 *     MemberId string v0+
 *     GroupInstanceId string? v5+
 *     Metadata bytes v0+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const JoinGroupRequest: MessageSpec = {
  name: 'JoinGroupRequest', type: 'request', apiKey: 11, validVersions: '0-9', flexibleVersions: '6+',
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+' },
    { name: 'SessionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'RebalanceTimeoutMs', type: 'int32', versions: '1+', default: '-1' },
    { name: 'MemberId', type: 'string', versions: '0+' },
    { name: 'GroupInstanceId', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null' },
    { name: 'ProtocolType', type: 'string', versions: '0+' },
    { name: 'Protocols', type: '[]JoinGroupRequestProtocol', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'Metadata', type: 'bytes', versions: '0+' },
    ] },
    { name: 'Reason', type: 'string', versions: '8+', nullableVersions: '8+', default: 'null' },
  ],
};

export const JoinGroupResponse: MessageSpec = {
  name: 'JoinGroupResponse', type: 'response', apiKey: 11, validVersions: '0-9', flexibleVersions: '6+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '2+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'GenerationId', type: 'int32', versions: '0+', default: '-1' },
    { name: 'ProtocolType', type: 'string', versions: '7+', nullableVersions: '7+', default: 'null' },
    { name: 'ProtocolName', type: 'string', versions: '0+', nullableVersions: '7+' },
    { name: 'Leader', type: 'string', versions: '0+' },
    { name: 'SkipAssignment', type: 'bool', versions: '9+', default: 'false' },
    { name: 'MemberId', type: 'string', versions: '0+' },
    { name: 'Members', type: '[]JoinGroupResponseMember', versions: '0+', fields: [
      { name: 'MemberId', type: 'string', versions: '0+' },
      { name: 'GroupInstanceId', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null' },
      { name: 'Metadata', type: 'bytes', versions: '0+' },
    ] },
  ],
};

export interface JoinGroupRequestData {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: JoinGroupRequestJoinGroupRequestProtocol[];
  reason: string | null;
}

export interface JoinGroupRequestJoinGroupRequestProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupResponseData {
  throttleTimeMs: number;
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  skipAssignment: boolean;
  memberId: string;
  members: JoinGroupResponseJoinGroupResponseMember[];
}

export interface JoinGroupResponseJoinGroupResponseMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}
