/**
 * DeleteGroups (API key 42): request and response schemas. Sluice implements v0-2.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/DeleteGroupsRequest.json and DeleteGroupsResponse.json; validVersions 0-2, flexible 2+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   GroupsNames []string v0+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ThrottleTimeMs int32 v0+
 *   Results []DeletableGroupResult v0+
 *     GroupId string v0+
 *     ErrorCode int16 v0+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const DeleteGroupsRequest: MessageSpec = {
  name: 'DeleteGroupsRequest', type: 'request', apiKey: 42, validVersions: '0-2', flexibleVersions: '2+',
  fields: [
    { name: 'GroupsNames', type: '[]string', versions: '0+' },
  ],
};

export const DeleteGroupsResponse: MessageSpec = {
  name: 'DeleteGroupsResponse', type: 'response', apiKey: 42, validVersions: '0-2', flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'Results', type: '[]DeletableGroupResult', versions: '0+', fields: [
      { name: 'GroupId', type: 'string', versions: '0+' },
      { name: 'ErrorCode', type: 'int16', versions: '0+' },
    ] },
  ],
};

export interface DeleteGroupsRequestData {
  groupsNames: string[];
}

export interface DeleteGroupsResponseData {
  throttleTimeMs: number;
  results: DeleteGroupsResponseDeletableGroupResult[];
}

export interface DeleteGroupsResponseDeletableGroupResult {
  groupId: string;
  errorCode: number;
}
