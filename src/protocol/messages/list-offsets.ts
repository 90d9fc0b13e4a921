/**
 * ListOffsets (API key 2): request and response schemas. Sluice implements v0-7.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/ListOffsetsRequest.json and ListOffsetsResponse.json; validVersions 0-9, flexible 6+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   ReplicaId int32 v0+
 *   IsolationLevel int8 v2+
 *   Topics []ListOffsetsTopic v0+
 *     Name string v0+
 *     Partitions []ListOffsetsPartition v0+
 *       PartitionIndex int32 v0+
 *       CurrentLeaderEpoch int32 v4+
 *       Timestamp int64 v0+
 *       MaxNumOffsets int32 v0
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ThrottleTimeMs int32 v2+
 *   Topics []ListOffsetsTopicResponse v0+
 *     Name string v0+
 *     Partitions []ListOffsetsPartitionResponse v0+
 *       PartitionIndex int32 v0+
 *       ErrorCode int16 v0+
 *       OldStyleOffsets []int64 v0
 *       Timestamp int64 v1+
 *       Offset int64 v1+
 *       LeaderEpoch int32 v4+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const ListOffsetsRequest: MessageSpec = {
  name: 'ListOffsetsRequest', type: 'request', apiKey: 2, validVersions: '0-9', flexibleVersions: '6+',
  fields: [
    { name: 'ReplicaId', type: 'int32', versions: '0+' },
    { name: 'IsolationLevel', type: 'int8', versions: '2+' },
    { name: 'Topics', type: '[]ListOffsetsTopic', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'Partitions', type: '[]ListOffsetsPartition', versions: '0+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'CurrentLeaderEpoch', type: 'int32', versions: '4+', default: '-1' },
        { name: 'Timestamp', type: 'int64', versions: '0+' },
        { name: 'MaxNumOffsets', type: 'int32', versions: '0', default: '1' },
      ] },
    ] },
  ],
};

export const ListOffsetsResponse: MessageSpec = {
  name: 'ListOffsetsResponse', type: 'response', apiKey: 2, validVersions: '0-9', flexibleVersions: '6+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '2+' },
    { name: 'Topics', type: '[]ListOffsetsTopicResponse', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'Partitions', type: '[]ListOffsetsPartitionResponse', versions: '0+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'OldStyleOffsets', type: '[]int64', versions: '0' },
        { name: 'Timestamp', type: 'int64', versions: '1+', default: '-1' },
        { name: 'Offset', type: 'int64', versions: '1+', default: '-1' },
        { name: 'LeaderEpoch', type: 'int32', versions: '4+', default: '-1' },
      ] },
    ] },
  ],
};

export interface ListOffsetsRequestData {
  replicaId: number;
  isolationLevel: number;
  topics: ListOffsetsRequestListOffsetsTopic[];
}

export interface ListOffsetsRequestListOffsetsTopic {
  name: string;
  partitions: ListOffsetsRequestListOffsetsPartition[];
}

export interface ListOffsetsRequestListOffsetsPartition {
  partitionIndex: number;
  currentLeaderEpoch: number;
  timestamp: bigint;
  maxNumOffsets: number;
}

export interface ListOffsetsResponseData {
  throttleTimeMs: number;
  topics: ListOffsetsResponseListOffsetsTopicResponse[];
}

export interface ListOffsetsResponseListOffsetsTopicResponse {
  name: string;
  partitions: ListOffsetsResponseListOffsetsPartitionResponse[];
}

export interface ListOffsetsResponseListOffsetsPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  oldStyleOffsets: bigint[];
  timestamp: bigint;
  offset: bigint;
  leaderEpoch: number;
}
