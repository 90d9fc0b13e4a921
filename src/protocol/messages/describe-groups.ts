/**
 * DescribeGroups (API key 15): request and response schemas. Sluice implements v0-5.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/DescribeGroupsRequest.json and DescribeGroupsResponse.json; validVersions 0-5, flexible 5+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   Groups []string v0+
 *   IncludeAuthorizedOperations bool v3+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ThrottleTimeMs int32 v1+
 *   Groups []DescribedGroup v0+
 *     ErrorCode int16 v0+
 *     GroupId string v0+
 *     GroupState string v0+
 *     ProtocolType string v0+
 *     ProtocolData string v0+
 *     Members []DescribedGroupMember v0+
 *       MemberId string v0+
 *       GroupInstanceId string? v4+
 *       ClientId string v0+
 *       ClientHost string v0+
 *       MemberMetadata bytes v0+
 *       MemberAssignment bytes v0+
 *     AuthorizedOperations int32 v3+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const DescribeGroupsRequest: MessageSpec = {
  name: 'DescribeGroupsRequest', type: 'request', apiKey: 15, validVersions: '0-5', flexibleVersions: '5+',
  fields: [
    { name: 'Groups', type: '[]string', versions: '0+' },
    { name: 'IncludeAuthorizedOperations', type: 'bool', versions: '3+' },
  ],
};

export const DescribeGroupsResponse: MessageSpec = {
  name: 'DescribeGroupsResponse', type: 'response', apiKey: 15, validVersions: '0-5', flexibleVersions: '5+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+' },
    { name: 'Groups', type: '[]DescribedGroup', versions: '0+', fields: [
      { name: 'ErrorCode', type: 'int16', versions: '0+' },
      { name: 'GroupId', type: 'string', versions: '0+' },
      { name: 'GroupState', type: 'string', versions: '0+' },
      { name: 'ProtocolType', type: 'string', versions: '0+' },
      { name: 'ProtocolData', type: 'string', versions: '0+' },
      { name: 'Members', type: '[]DescribedGroupMember', versions: '0+', fields: [
        { name: 'MemberId', type: 'string', versions: '0+' },
        { name: 'GroupInstanceId', type: 'string', versions: '4+', nullableVersions: '4+', default: 'null' },
        { name: 'ClientId', type: 'string', versions: '0+' },
        { name: 'ClientHost', type: 'string', versions: '0+' },
        { name: 'MemberMetadata', type: 'bytes', versions: '0+' },
        { name: 'MemberAssignment', type: 'bytes', versions: '0+' },
      ] },
      { name: 'AuthorizedOperations', type: 'int32', versions: '3+', default: '-2147483648' },
    ] },
  ],
};

export interface DescribeGroupsRequestData {
  groups: string[];
  includeAuthorizedOperations: boolean;
}

export interface DescribeGroupsResponseData {
  throttleTimeMs: number;
  groups: DescribeGroupsResponseDescribedGroup[];
}

export interface DescribeGroupsResponseDescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: DescribeGroupsResponseDescribedGroupMember[];
  authorizedOperations: number;
}

export interface DescribeGroupsResponseDescribedGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}
