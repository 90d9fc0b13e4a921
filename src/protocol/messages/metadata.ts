/**
 * Metadata (API key 3): request and response schemas. Sluice implements v0-12.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/MetadataRequest.json and MetadataResponse.json; validVersions 0-12, flexible 9+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   Topics []MetadataRequestTopic? v0+
 *     TopicId uuid v10+
 *     Name string? v0+
 *   AllowAutoTopicCreation bool v4+
 *   IncludeClusterAuthorizedOperations bool v8-10
 *   IncludeTopicAuthorizedOperations bool v8+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ThrottleTimeMs int32 v3+
 *   Brokers []MetadataResponseBroker v0+
 *     NodeId int32 v0+
 *     Host string v0+
 *     Port int32 v0+
 *     Rack string? v1+
 *   ClusterId string? v2+
 *   ControllerId int32 v1+
 *   Topics []MetadataResponseTopic v0+
 *     ErrorCode int16 v0+
 *     Name string? v0+
 *     TopicId uuid v10+
 *     IsInternal bool v1+
 *     Partitions []MetadataResponsePartition v0+
 *       ErrorCode int16 v0+
 *       PartitionIndex int32 v0+
 *       LeaderId int32 v0+
 *       LeaderEpoch int32 v7+
 *       ReplicaNodes []int32 v0+
 *       IsrNodes []int32 v0+
 *       OfflineReplicas []int32 v5+
 *     TopicAuthorizedOperations int32 v8+
 *   ClusterAuthorizedOperations int32 v8-10
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const MetadataRequest: MessageSpec = {
  name: 'MetadataRequest', type: 'request', apiKey: 3, validVersions: '0-12', flexibleVersions: '9+',
  fields: [
    { name: 'Topics', type: '[]MetadataRequestTopic', versions: '0+', nullableVersions: '1+', fields: [
      { name: 'TopicId', type: 'uuid', versions: '10+' },
      { name: 'Name', type: 'string', versions: '0+', nullableVersions: '10+' },
    ] },
    { name: 'AllowAutoTopicCreation', type: 'bool', versions: '4+', default: 'true' },
    { name: 'IncludeClusterAuthorizedOperations', type: 'bool', versions: '8-10' },
    { name: 'IncludeTopicAuthorizedOperations', type: 'bool', versions: '8+' },
  ],
};

export const MetadataResponse: MessageSpec = {
  name: 'MetadataResponse', type: 'response', apiKey: 3, validVersions: '0-12', flexibleVersions: '9+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '3+' },
    { name: 'Brokers', type: '[]MetadataResponseBroker', versions: '0+', fields: [
      { name: 'NodeId', type: 'int32', versions: '0+' },
      { name: 'Host', type: 'string', versions: '0+' },
      { name: 'Port', type: 'int32', versions: '0+' },
      { name: 'Rack', type: 'string', versions: '1+', nullableVersions: '1+', default: 'null' },
    ] },
    { name: 'ClusterId', type: 'string', versions: '2+', nullableVersions: '2+', default: 'null' },
    { name: 'ControllerId', type: 'int32', versions: '1+', default: '-1' },
    { name: 'Topics', type: '[]MetadataResponseTopic', versions: '0+', fields: [
      { name: 'ErrorCode', type: 'int16', versions: '0+' },
      { name: 'Name', type: 'string', versions: '0+', nullableVersions: '12+' },
      { name: 'TopicId', type: 'uuid', versions: '10+' },
      { name: 'IsInternal', type: 'bool', versions: '1+', default: 'false' },
      { name: 'Partitions', type: '[]MetadataResponsePartition', versions: '0+', fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'LeaderId', type: 'int32', versions: '0+' },
        { name: 'LeaderEpoch', type: 'int32', versions: '7+', default: '-1' },
        { name: 'ReplicaNodes', type: '[]int32', versions: '0+' },
        { name: 'IsrNodes', type: '[]int32', versions: '0+' },
        { name: 'OfflineReplicas', type: '[]int32', versions: '5+' },
      ] },
      { name: 'TopicAuthorizedOperations', type: 'int32', versions: '8+', default: '-2147483648' },
    ] },
    { name: 'ClusterAuthorizedOperations', type: 'int32', versions: '8-10', default: '-2147483648' },
  ],
};

export interface MetadataRequestData {
  topics: MetadataRequestMetadataRequestTopic[] | null;
  allowAutoTopicCreation: boolean;
  includeClusterAuthorizedOperations: boolean;
  includeTopicAuthorizedOperations: boolean;
}

export interface MetadataRequestMetadataRequestTopic {
  topicId: Buffer;
  name: string | null;
}

export interface MetadataResponseData {
  throttleTimeMs: number;
  brokers: MetadataResponseMetadataResponseBroker[];
  clusterId: string | null;
  controllerId: number;
  topics: MetadataResponseMetadataResponseTopic[];
  clusterAuthorizedOperations: number;
}

export interface MetadataResponseMetadataResponseBroker {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface MetadataResponseMetadataResponseTopic {
  errorCode: number;
  name: string | null;
  topicId: Buffer;
  isInternal: boolean;
  partitions: MetadataResponseMetadataResponsePartition[];
  topicAuthorizedOperations: number;
}

export interface MetadataResponseMetadataResponsePartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  leaderEpoch: number;
  replicaNodes: number[];
  isrNodes: number[];
  offlineReplicas: number[];
}
