/**
 * CreateTopics (API key 19): request and response schemas. Sluice implements v0-7.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/CreateTopicsRequest.json and CreateTopicsResponse.json; validVersions 0-7, flexible 5+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   Topics []CreatableTopic v0+
 *     Name string v0+
 *     NumPartitions int32 v0+
 *     ReplicationFactor int16 v0+
 *     Assignments []CreatableReplicaAssignment v0+
 *       PartitionIndex int32 v0+
 *       BrokerIds []int32 v0+
 *     Configs []CreatableTopicConfig v0+
 *       Name string v0+
 *       Value string? v0+
 *   timeoutMs int32 v0+
 *   validateOnly bool v1+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ThrottleTimeMs int32 v2+
 *   Topics []CreatableTopicResult v0+
 *     Name string v0+
 *     TopicId uuid v7+
 *     ErrorCode int16 v0+
 *     ErrorMessage string? v1+
 *     TopicConfigErrorCode int16 v5+ (tag 0)
 *     NumPartitions int32 v5+
 *     ReplicationFactor int16 v5+
 *     Configs []CreatableTopicConfigs? v5+
 *       Name string v5+
 *       Value string? v5+
 *       ReadOnly bool v5+
 *       ConfigSource int8 v5+
 *       IsSensitive bool v5+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const CreateTopicsRequest: MessageSpec = {
  name: 'CreateTopicsRequest', type: 'request', apiKey: 19, validVersions: '0-7', flexibleVersions: '5+',
  fields: [
    { name: 'Topics', type: '[]CreatableTopic', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'NumPartitions', type: 'int32', versions: '0+' },
      { name: 'ReplicationFactor', type: 'int16', versions: '0+' },
      { name: 'Assignments', type: '[]CreatableReplicaAssignment', versions: '0+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'BrokerIds', type: '[]int32', versions: '0+' },
      ] },
      { name: 'Configs', type: '[]CreatableTopicConfig', versions: '0+', fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'Value', type: 'string', versions: '0+', nullableVersions: '0+' },
      ] },
    ] },
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: '60000' },
    { name: 'validateOnly', type: 'bool', versions: '1+', default: 'false' },
  ],
};

export const CreateTopicsResponse: MessageSpec = {
  name: 'CreateTopicsResponse', type: 'response', apiKey: 19, validVersions: '0-7', flexibleVersions: '5+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '2+' },
    { name: 'Topics', type: '[]CreatableTopicResult', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'TopicId', type: 'uuid', versions: '7+' },
      { name: 'ErrorCode', type: 'int16', versions: '0+' },
      { name: 'ErrorMessage', type: 'string', versions: '1+', nullableVersions: '0+' },
      { name: 'TopicConfigErrorCode', type: 'int16', versions: '5+', taggedVersions: '5+', tag: 0 },
      { name: 'NumPartitions', type: 'int32', versions: '5+', default: '-1' },
      { name: 'ReplicationFactor', type: 'int16', versions: '5+', default: '-1' },
      { name: 'Configs', type: '[]CreatableTopicConfigs', versions: '5+', nullableVersions: '5+', fields: [
        { name: 'Name', type: 'string', versions: '5+' },
        { name: 'Value', type: 'string', versions: '5+', nullableVersions: '5+' },
        { name: 'ReadOnly', type: 'bool', versions: '5+' },
        { name: 'ConfigSource', type: 'int8', versions: '5+', default: '-1' },
        { name: 'IsSensitive', type: 'bool', versions: '5+' },
      ] },
    ] },
  ],
};

export interface CreateTopicsRequestData {
  topics: CreateTopicsRequestCreatableTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}

export interface CreateTopicsRequestCreatableTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: CreateTopicsRequestCreatableReplicaAssignment[];
  configs: CreateTopicsRequestCreatableTopicConfig[];
}

export interface CreateTopicsRequestCreatableReplicaAssignment {
  partitionIndex: number;
  brokerIds: number[];
}

export interface CreateTopicsRequestCreatableTopicConfig {
  name: string;
  value: string | null;
}

export interface CreateTopicsResponseData {
  throttleTimeMs: number;
  topics: CreateTopicsResponseCreatableTopicResult[];
}

export interface CreateTopicsResponseCreatableTopicResult {
  name: string;
  topicId: Buffer;
  errorCode: number;
  errorMessage: string | null;
  topicConfigErrorCode: number;
  numPartitions: number;
  replicationFactor: number;
  configs: CreateTopicsResponseCreatableTopicConfigs[] | null;
}

export interface CreateTopicsResponseCreatableTopicConfigs {
  name: string;
  value: string | null;
  readOnly: boolean;
  configSource: number;
  isSensitive: boolean;
}
