/**
 * LeaveGroup (API key 13): request and response schemas. Sluice implements v0-4.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/LeaveGroupRequest.json and LeaveGroupResponse.json; validVersions 0-5, flexible 4+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   GroupId string v0+
 *   MemberId string v0-2
 *   Members []MemberIdentity v3+
 *     MemberId string v3+
 *     GroupInstanceId string? v3+
 *     Reason string? v5+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ThrottleTimeMs int32 v1+
 *   ErrorCode int16 v0+
 *   Members []MemberResponse v3+
 *     MemberId string v3+
 *     GroupInstanceId string? v3+
 *     ErrorCode int16 v3+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const LeaveGroupRequest: MessageSpec = {
  name: 'LeaveGroupRequest', type: 'request', apiKey: 13, validVersions: '0-5', flexibleVersions: '4+',
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+' },
    { name: 'MemberId', type: 'string', versions: '0-2' },
    { name: 'Members', type: '[]MemberIdentity', versions: '3+', fields: [
      { name: 'MemberId', type: 'string', versions: '3+' },
      { name: 'GroupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: 'null' },
      { name: 'Reason', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null' },
    ] },
  ],
};

export const LeaveGroupResponse: MessageSpec = {
  name: 'LeaveGroupResponse', type: 'response', apiKey: 13, validVersions: '0-5', flexibleVersions: '4+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'Members', type: '[]MemberResponse', versions: '3+', fields: [
      { name: 'MemberId', type: 'string', versions: '3+' },
      { name: 'GroupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+' },
      { name: 'ErrorCode', type: 'int16', versions: '3+' },
    ] },
  ],
};

export interface LeaveGroupRequestData {
  groupId: string;
  memberId: string;
  members: LeaveGroupRequestMemberIdentity[];
}

export interface LeaveGroupRequestMemberIdentity {
  memberId: string;
  groupInstanceId: string | null;
  reason: string | null;
}

export interface LeaveGroupResponseData {
  throttleTimeMs: number;
  errorCode: number;
  members: LeaveGroupResponseMemberResponse[];
}

export interface LeaveGroupResponseMemberResponse {
  memberId: string;
  groupInstanceId: string | null;
  errorCode: number;
}
