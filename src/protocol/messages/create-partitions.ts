/**
 * CreatePartitions (API key 37): request and response schemas. Sluice implements v0-3.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/CreatePartitionsRequest.json and CreatePartitionsResponse.json; validVersions 0-3, flexible 2+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   Topics []CreatePartitionsTopic v0+
 *     Name string v0+
 *     Count int32 v0+
 *     Assignments []CreatePartitionsAssignment? v0+
 *       BrokerIds []int32 v0+
 *   TimeoutMs int32 v0+
 *   ValidateOnly bool v0+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ThrottleTimeMs int32 v0+
 *   Results []CreatePartitionsTopicResult v0+
 *     Name string v0+
 *     ErrorCode int16 v0+
 *     ErrorMessage string? v0+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const CreatePartitionsRequest: MessageSpec = {
  name: 'CreatePartitionsRequest', type: 'request', apiKey: 37, validVersions: '0-3', flexibleVersions: '2+',
  fields: [
    { name: 'Topics', type: '[]CreatePartitionsTopic', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'Count', type: 'int32', versions: '0+' },
      { name: 'Assignments', type: '[]CreatePartitionsAssignment', versions: '0+', nullableVersions: '0+', fields: [
        { name: 'BrokerIds', type: '[]int32', versions: '0+' },
      ] },
    ] },
    { name: 'TimeoutMs', type: 'int32', versions: '0+' },
    { name: 'ValidateOnly', type: 'bool', versions: '0+' },
  ],
};

export const CreatePartitionsResponse: MessageSpec = {
  name: 'CreatePartitionsResponse', type: 'response', apiKey: 37, validVersions: '0-3', flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'Results', type: '[]CreatePartitionsTopicResult', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'ErrorCode', type: 'int16', versions: '0+' },
      { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
    ] },
  ],
};

export interface CreatePartitionsRequestData {
  topics: CreatePartitionsRequestCreatePartitionsTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}

export interface CreatePartitionsRequestCreatePartitionsTopic {
  name: string;
  count: number;
  assignments: CreatePartitionsRequestCreatePartitionsAssignment[] | null;
}

export interface CreatePartitionsRequestCreatePartitionsAssignment {
  brokerIds: number[];
}

export interface CreatePartitionsResponseData {
  throttleTimeMs: number;
  results: CreatePartitionsResponseCreatePartitionsTopicResult[];
}

export interface CreatePartitionsResponseCreatePartitionsTopicResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
}
