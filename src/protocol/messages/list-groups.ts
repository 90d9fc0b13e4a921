/**
 * ListGroups (API key 16): request and response schemas. Sluice implements v0-4.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/ListGroupsRequest.json and ListGroupsResponse.json; validVersions 0-5, flexible 3+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   StatesFilter []string v4+
 *   TypesFilter []string v5+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ThrottleTimeMs int32 v1+
 *   ErrorCode int16 v0+
 *   Groups []ListedGroup v0+
 *     GroupId string v0+
 *     ProtocolType string v0+
 *     GroupState string v4+
 *     GroupType string v5+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const ListGroupsRequest: MessageSpec = {
  name: 'ListGroupsRequest', type: 'request', apiKey: 16, validVersions: '0-5', flexibleVersions: '3+',
  fields: [
    { name: 'StatesFilter', type: '[]string', versions: '4+' },
    { name: 'TypesFilter', type: '[]string', versions: '5+' },
  ],
};

export const ListGroupsResponse: MessageSpec = {
  name: 'ListGroupsResponse', type: 'response', apiKey: 16, validVersions: '0-5', flexibleVersions: '3+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'Groups', type: '[]ListedGroup', versions: '0+', fields: [
      { name: 'GroupId', type: 'string', versions: '0+' },
      { name: 'ProtocolType', type: 'string', versions: '0+' },
      { name: 'GroupState', type: 'string', versions: '4+' },
      { name: 'GroupType', type: 'string', versions: '5+' },
    ] },
  ],
};

export interface ListGroupsRequestData {
  statesFilter: string[];
  typesFilter: string[];
}

export interface ListGroupsResponseData {
  throttleTimeMs: number;
  errorCode: number;
  groups: ListGroupsResponseListedGroup[];
}

export interface ListGroupsResponseListedGroup {
  groupId: string;
  protocolType: string;
  groupState: string;
  groupType: string;
}
