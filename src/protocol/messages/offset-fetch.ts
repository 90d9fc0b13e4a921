/**
 * OffsetFetch (API key 9): request and response schemas. Sluice implements v0-8.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/OffsetFetchRequest.json and OffsetFetchResponse.json; validVersions 0-9, flexible 6+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   GroupId string v0-7
 *   Topics []OffsetFetchRequestTopic? v0-7
 *     Name string v0-7
 *     PartitionIndexes []int32 v0-7
 *   Groups []OffsetFetchRequestGroup v8+
 *     GroupId string v8+
 *     MemberId string? v9+
 *     MemberEpoch int32 v9+
 *     Topics []OffsetFetchRequestTopics? v8+
 *       Name string v8+
 *       PartitionIndexes []int32 v8+
 *   RequireStable bool v7+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ThrottleTimeMs int32 v3+
 *   Topics []OffsetFetchResponseTopic v0-7
 *     Name string v0-7
 *     Partitions []OffsetFetchResponsePartition v0-7
 *       PartitionIndex int32 v0-7
 *       CommittedOffset int64 v0-7
 *       CommittedLeaderEpoch int32 v5-7
 *       Metadata string? v0-7
 *       ErrorCode int16 v0-7
 *   ErrorCode int16 v2-7
 *   Groups []OffsetFetchResponseGroup v8+
 *     GroupId string v8+
 *     Topics []OffsetFetchResponseTopics v8+
 *       Name string v8+
 *       Partitions []OffsetFetchResponsePartitions v8+
 *         PartitionIndex int32 v8+
 *         CommittedOffset int64 v8+
 *         CommittedLeaderEpoch int32 v8+
 *         Metadata string? v8+
 *         ErrorCode int16 v8+
 *     ErrorCode int16 v8+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const OffsetFetchRequest: MessageSpec = {
  name: 'OffsetFetchRequest', type: 'request', apiKey: 9, validVersions: '0-9', flexibleVersions: '6+',
  fields: [
    { name: 'GroupId', type: 'string', versions: '0-7' },
    { name: 'Topics', type: '[]OffsetFetchRequestTopic', versions: '0-7', nullableVersions: '2-7', fields: [
      { name: 'Name', type: 'string', versions: '0-7' },
      { name: 'PartitionIndexes', type: '[]int32', versions: '0-7' },
    ] },
    { name: 'Groups', type: '[]OffsetFetchRequestGroup', versions: '8+', fields: [
      { name: 'GroupId', type: 'string', versions: '8+' },
      { name: 'MemberId', type: 'string', versions: '9+', nullableVersions: '9+', default: 'null' },
      { name: 'MemberEpoch', type: 'int32', versions: '9+', default: '-1' },
      { name: 'Topics', type: '[]OffsetFetchRequestTopics', versions: '8+', nullableVersions: '8+', fields: [
        { name: 'Name', type: 'string', versions: '8+' },
        { name: 'PartitionIndexes', type: '[]int32', versions: '8+' },
      ] },
    ] },
    { name: 'RequireStable', type: 'bool', versions: '7+', default: 'false' },
  ],
};

export const OffsetFetchResponse: MessageSpec = {
  name: 'OffsetFetchResponse', type: 'response', apiKey: 9, validVersions: '0-9', flexibleVersions: '6+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '3+' },
    { name: 'Topics', type: '[]OffsetFetchResponseTopic', versions: '0-7', fields: [
      { name: 'Name', type: 'string', versions: '0-7' },
      { name: 'Partitions', type: '[]OffsetFetchResponsePartition', versions: '0-7', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0-7' },
        { name: 'CommittedOffset', type: 'int64', versions: '0-7' },
        { name: 'CommittedLeaderEpoch', type: 'int32', versions: '5-7', default: '-1' },
        { name: 'Metadata', type: 'string', versions: '0-7', nullableVersions: '0-7' },
        { name: 'ErrorCode', type: 'int16', versions: '0-7' },
      ] },
    ] },
    { name: 'ErrorCode', type: 'int16', versions: '2-7', default: '0' },
    { name: 'Groups', type: '[]OffsetFetchResponseGroup', versions: '8+', fields: [
      { name: 'GroupId', type: 'string', versions: '8+' },
      { name: 'Topics', type: '[]OffsetFetchResponseTopics', versions: '8+', fields: [
        { name: 'Name', type: 'string', versions: '8+' },
        { name: 'Partitions', type: '[]OffsetFetchResponsePartitions', versions: '8+', fields: [
          { name: 'PartitionIndex', type: 'int32', versions: '8+' },
          { name: 'CommittedOffset', type: 'int64', versions: '8+' },
          { name: 'CommittedLeaderEpoch', type: 'int32', versions: '8+', default: '-1' },
          { name: 'Metadata', type: 'string', versions: '8+', nullableVersions: '8+' },
          { name: 'ErrorCode', type: 'int16', versions: '8+' },
        ] },
      ] },
      { name: 'ErrorCode', type: 'int16', versions: '8+', default: '0' },
    ] },
  ],
};

export interface OffsetFetchRequestData {
  groupId: string;
  topics: OffsetFetchRequestOffsetFetchRequestTopic[] | null;
  groups: OffsetFetchRequestOffsetFetchRequestGroup[];
  requireStable: boolean;
}

export interface OffsetFetchRequestOffsetFetchRequestTopic {
  name: string;
  partitionIndexes: number[];
}

export interface OffsetFetchRequestOffsetFetchRequestGroup {
  groupId: string;
  memberId: string | null;
  memberEpoch: number;
  topics: OffsetFetchRequestOffsetFetchRequestTopics[] | null;
}

export interface OffsetFetchRequestOffsetFetchRequestTopics {
  name: string;
  partitionIndexes: number[];
}

export interface OffsetFetchResponseData {
  throttleTimeMs: number;
  topics: OffsetFetchResponseOffsetFetchResponseTopic[];
  errorCode: number;
  groups: OffsetFetchResponseOffsetFetchResponseGroup[];
}

export interface OffsetFetchResponseOffsetFetchResponseTopic {
  name: string;
  partitions: OffsetFetchResponseOffsetFetchResponsePartition[];
}

export interface OffsetFetchResponseOffsetFetchResponsePartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResponseOffsetFetchResponseGroup {
  groupId: string;
  topics: OffsetFetchResponseOffsetFetchResponseTopics[];
  errorCode: number;
}

export interface OffsetFetchResponseOffsetFetchResponseTopics {
  name: string;
  partitions: OffsetFetchResponseOffsetFetchResponsePartitions[];
}

export interface OffsetFetchResponseOffsetFetchResponsePartitions {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}
