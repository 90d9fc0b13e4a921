/**
 * OffsetCommit (API key 8): request and response schemas. Sluice implements v0-8.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/OffsetCommitRequest.json and OffsetCommitResponse.json; validVersions 0-9, flexible 8+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   GroupId string v0+
 *   GenerationIdOrMemberEpoch int32 v1+
 *   MemberId string v1+
 *   GroupInstanceId string? v7+
 *   RetentionTimeMs int64 v2-4
 *   Topics []OffsetCommitRequestTopic v0+
 *     Name string v0+
 *     Partitions []OffsetCommitRequestPartition v0+
 *       PartitionIndex int32 v0+
 *       CommittedOffset int64 v0+
 *       CommittedLeaderEpoch int32 v6+
 *       CommitTimestamp int64 v1
 *       CommittedMetadata string? v0+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ThrottleTimeMs int32 v3+
 *   Topics []OffsetCommitResponseTopic v0+
 *     Name string v0+
 *     Partitions []OffsetCommitResponsePartition v0+
 *       PartitionIndex int32 v0+
 *       ErrorCode int16 v0+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const OffsetCommitRequest: MessageSpec = {
  name: 'OffsetCommitRequest', type: 'request', apiKey: 8, validVersions: '0-9', flexibleVersions: '8+',
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+' },
    { name: 'GenerationIdOrMemberEpoch', type: 'int32', versions: '1+', default: '-1' },
    { name: 'MemberId', type: 'string', versions: '1+' },
    { name: 'GroupInstanceId', type: 'string', versions: '7+', nullableVersions: '7+', default: 'null' },
    { name: 'RetentionTimeMs', type: 'int64', versions: '2-4', default: '-1' },
    { name: 'Topics', type: '[]OffsetCommitRequestTopic', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'Partitions', type: '[]OffsetCommitRequestPartition', versions: '0+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'CommittedOffset', type: 'int64', versions: '0+' },
        { name: 'CommittedLeaderEpoch', type: 'int32', versions: '6+', default: '-1' },
        { name: 'CommitTimestamp', type: 'int64', versions: '1', default: '-1' },
        { name: 'CommittedMetadata', type: 'string', versions: '0+', nullableVersions: '0+' },
      ] },
    ] },
  ],
};

export const OffsetCommitResponse: MessageSpec = {
  name: 'OffsetCommitResponse', type: 'response', apiKey: 8, validVersions: '0-9', flexibleVersions: '8+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '3+' },
    { name: 'Topics', type: '[]OffsetCommitResponseTopic', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'Partitions', type: '[]OffsetCommitResponsePartition', versions: '0+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
      ] },
    ] },
  ],
};

export interface OffsetCommitRequestData {
  groupId: string;
  generationIdOrMemberEpoch: number;
  memberId: string;
  groupInstanceId: string | null;
  retentionTimeMs: bigint;
  topics: OffsetCommitRequestOffsetCommitRequestTopic[];
}

export interface OffsetCommitRequestOffsetCommitRequestTopic {
  name: string;
  partitions: OffsetCommitRequestOffsetCommitRequestPartition[];
}

export interface OffsetCommitRequestOffsetCommitRequestPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  commitTimestamp: bigint;
  committedMetadata: string | null;
}

export interface OffsetCommitResponseData {
  throttleTimeMs: number;
  topics: OffsetCommitResponseOffsetCommitResponseTopic[];
}

export interface OffsetCommitResponseOffsetCommitResponseTopic {
  name: string;
  partitions: OffsetCommitResponseOffsetCommitResponsePartition[];
}

export interface OffsetCommitResponseOffsetCommitResponsePartition {
  partitionIndex: number;
  errorCode: number;
}
