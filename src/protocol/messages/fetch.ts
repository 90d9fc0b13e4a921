/**
 * Fetch (API key 1): request and response schemas. Sluice implements v0-17 (v13+ name topics by id).
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/FetchRequest.json and FetchResponse.json; validVersions 0-17, flexible 12+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   ClusterId string? v12+ (tag 0)
 *   ReplicaId int32 v0-14
 *   ReplicaState ReplicaState v15+ (tag 1)
 *     ReplicaId int32 v15+
 *     ReplicaEpoch int64 v15+
 *   MaxWaitMs int32 v0+
 *   MinBytes int32 v0+
 *   MaxBytes int32 v3+
 *   IsolationLevel int8 v4+
 *   SessionId int32 v7+
 *   SessionEpoch int32 v7+
 *   Topics []FetchTopic v0+
 *     Topic string v0-12
 *     TopicId uuid v13+
 *     Partitions []FetchPartition v0+
 *       Partition int32 v0+
 *       CurrentLeaderEpoch int32 v9+
 *       FetchOffset int64 v0+
 *       LastFetchedEpoch int32 v12+
 *       LogStartOffset int64 v5+
 *       PartitionMaxBytes int32 v0+
 *       ReplicaDirectoryId uuid v17+ (tag 0)
 *   ForgottenTopicsData []ForgottenTopic v7+
 *     Topic string v7-12
 *     TopicId uuid v13+
 *     Partitions []int32 v7+
 *   RackId string v11+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ThrottleTimeMs int32 v1+
 *   ErrorCode int16 v7+
 *   SessionId int32 v7+
 *   Responses []FetchableTopicResponse v0+
 *     Topic string v0-12
 *     TopicId uuid v13+
 *     Partitions []PartitionData v0+
 *       PartitionIndex int32 v0+
 *       ErrorCode int16 v0+
 *       HighWatermark int64 v0+
 *       LastStableOffset int64 v4+
 *       LogStartOffset int64 v5+
 *       DivergingEpoch EpochEndOffset v12+ (tag 0)
 *         Epoch int32 v12+
 *         EndOffset int64 v12+
 *       CurrentLeader LeaderIdAndEpoch v12+ (tag 1)
 *         LeaderId int32 v12+
 *         LeaderEpoch int32 v12+
 *       SnapshotId SnapshotId v12+ (tag 2)
 *         EndOffset int64 v0+
 *         Epoch int32 v0+
 *       AbortedTransactions []AbortedTransaction? v4+
 *         ProducerId int64 v4+
 *         FirstOffset int64 v4+
 *       PreferredReadReplica int32 v11+
 *       Records records? v0+
 *   NodeEndpoints []NodeEndpoint v16+ (tag 0)
 *     NodeId int32 v16+
 *     Host string v16+
 *     Port int32 v16+
 *     Rack string? v16+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const FetchRequest: MessageSpec = {
  name: 'FetchRequest', type: 'request', apiKey: 1, validVersions: '0-17', flexibleVersions: '12+',
  fields: [
    { name: 'ClusterId', type: 'string', versions: '12+', nullableVersions: '12+', taggedVersions: '12+', tag: 0, default: 'null' },
    { name: 'ReplicaId', type: 'int32', versions: '0-14', default: '-1' },
    { name: 'ReplicaState', type: 'ReplicaState', versions: '15+', taggedVersions: '15+', tag: 1, fields: [
      { name: 'ReplicaId', type: 'int32', versions: '15+', default: '-1' },
      { name: 'ReplicaEpoch', type: 'int64', versions: '15+', default: '-1' },
    ] },
    { name: 'MaxWaitMs', type: 'int32', versions: '0+' },
    { name: 'MinBytes', type: 'int32', versions: '0+' },
    { name: 'MaxBytes', type: 'int32', versions: '3+', default: '0x7fffffff' },
    { name: 'IsolationLevel', type: 'int8', versions: '4+', default: '0' },
    { name: 'SessionId', type: 'int32', versions: '7+', default: '0' },
    { name: 'SessionEpoch', type: 'int32', versions: '7+', default: '-1' },
    { name: 'Topics', type: '[]FetchTopic', versions: '0+', fields: [
      { name: 'Topic', type: 'string', versions: '0-12' },
      { name: 'TopicId', type: 'uuid', versions: '13+' },
      { name: 'Partitions', type: '[]FetchPartition', versions: '0+', fields: [
        { name: 'Partition', type: 'int32', versions: '0+' },
        { name: 'CurrentLeaderEpoch', type: 'int32', versions: '9+', default: '-1' },
        { name: 'FetchOffset', type: 'int64', versions: '0+' },
        { name: 'LastFetchedEpoch', type: 'int32', versions: '12+', default: '-1' },
        { name: 'LogStartOffset', type: 'int64', versions: '5+', default: '-1' },
        { name: 'PartitionMaxBytes', type: 'int32', versions: '0+' },
        { name: 'ReplicaDirectoryId', type: 'uuid', versions: '17+', taggedVersions: '17+', tag: 0 },
      ] },
    ] },
    { name: 'ForgottenTopicsData', type: '[]ForgottenTopic', versions: '7+', fields: [
      { name: 'Topic', type: 'string', versions: '7-12' },
      { name: 'TopicId', type: 'uuid', versions: '13+' },
      { name: 'Partitions', type: '[]int32', versions: '7+' },
    ] },
    { name: 'RackId', type: 'string', versions: '11+', default: '' },
  ],
};

export const FetchResponse: MessageSpec = {
  name: 'FetchResponse', type: 'response', apiKey: 1, validVersions: '0-17', flexibleVersions: '12+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+' },
    { name: 'ErrorCode', type: 'int16', versions: '7+' },
    { name: 'SessionId', type: 'int32', versions: '7+', default: '0' },
    { name: 'Responses', type: '[]FetchableTopicResponse', versions: '0+', fields: [
      { name: 'Topic', type: 'string', versions: '0-12' },
      { name: 'TopicId', type: 'uuid', versions: '13+' },
      { name: 'Partitions', type: '[]PartitionData', versions: '0+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'HighWatermark', type: 'int64', versions: '0+' },
        { name: 'LastStableOffset', type: 'int64', versions: '4+', default: '-1' },
        { name: 'LogStartOffset', type: 'int64', versions: '5+', default: '-1' },
        { name: 'DivergingEpoch', type: 'EpochEndOffset', versions: '12+', taggedVersions: '12+', tag: 0, fields: [
          { name: 'Epoch', type: 'int32', versions: '12+', default: '-1' },
          { name: 'EndOffset', type: 'int64', versions: '12+', default: '-1' },
        ] },
        { name: 'CurrentLeader', type: 'LeaderIdAndEpoch', versions: '12+', taggedVersions: '12+', tag: 1, fields: [
          { name: 'LeaderId', type: 'int32', versions: '12+', default: '-1' },
          { name: 'LeaderEpoch', type: 'int32', versions: '12+', default: '-1' },
        ] },
        { name: 'SnapshotId', type: 'SnapshotId', versions: '12+', taggedVersions: '12+', tag: 2, fields: [
          { name: 'EndOffset', type: 'int64', versions: '0+', default: '-1' },
          { name: 'Epoch', type: 'int32', versions: '0+', default: '-1' },
        ] },
        { name: 'AbortedTransactions', type: '[]AbortedTransaction', versions: '4+', nullableVersions: '4+', fields: [
          { name: 'ProducerId', type: 'int64', versions: '4+' },
          { name: 'FirstOffset', type: 'int64', versions: '4+' },
        ] },
        { name: 'PreferredReadReplica', type: 'int32', versions: '11+', default: '-1' },
        { name: 'Records', type: 'records', versions: '0+', nullableVersions: '0+' },
      ] },
    ] },
    { name: 'NodeEndpoints', type: '[]NodeEndpoint', versions: '16+', taggedVersions: '16+', tag: 0, fields: [
      { name: 'NodeId', type: 'int32', versions: '16+' },
      { name: 'Host', type: 'string', versions: '16+' },
      { name: 'Port', type: 'int32', versions: '16+' },
      { name: 'Rack', type: 'string', versions: '16+', nullableVersions: '16+', default: 'null' },
    ] },
  ],
};

export interface FetchRequestData {
  clusterId: string | null;
  replicaId: number;
  replicaState: FetchRequestReplicaState;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: number;
  sessionId: number;
  sessionEpoch: number;
  topics: FetchRequestFetchTopic[];
  forgottenTopicsData: FetchRequestForgottenTopic[];
  rackId: string;
}

export interface FetchRequestReplicaState {
  replicaId: number;
  replicaEpoch: bigint;
}

export interface FetchRequestFetchTopic {
  topic: string;
  topicId: Buffer;
  partitions: FetchRequestFetchPartition[];
}

export interface FetchRequestFetchPartition {
  partition: number;
  currentLeaderEpoch: number;
  fetchOffset: bigint;
  lastFetchedEpoch: number;
  logStartOffset: bigint;
  partitionMaxBytes: number;
  replicaDirectoryId: Buffer;
}

export interface FetchRequestForgottenTopic {
  topic: string;
  topicId: Buffer;
  partitions: number[];
}

export interface FetchResponseData {
  throttleTimeMs: number;
  errorCode: number;
  sessionId: number;
  responses: FetchResponseFetchableTopicResponse[];
  nodeEndpoints: FetchResponseNodeEndpoint[];
}

export interface FetchResponseFetchableTopicResponse {
  topic: string;
  topicId: Buffer;
  partitions: FetchResponsePartitionData[];
}

export interface FetchResponsePartitionData {
  partitionIndex: number;
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  divergingEpoch: FetchResponseEpochEndOffset;
  currentLeader: FetchResponseLeaderIdAndEpoch;
  snapshotId: FetchResponseSnapshotId;
  abortedTransactions: FetchResponseAbortedTransaction[] | null;
  preferredReadReplica: number;
  records: Buffer | null;
}

export interface FetchResponseEpochEndOffset {
  epoch: number;
  endOffset: bigint;
}

export interface FetchResponseLeaderIdAndEpoch {
  leaderId: number;
  leaderEpoch: number;
}

export interface FetchResponseSnapshotId {
  endOffset: bigint;
  epoch: number;
}

export interface FetchResponseAbortedTransaction {
  producerId: bigint;
  firstOffset: bigint;
}

export interface FetchResponseNodeEndpoint {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}
