/**
 * Produce (API key 0): request and response schemas. Sluice implements v0-9.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/ProduceRequest.json and ProduceResponse.json; validVersions 0-11, flexible 9+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   TransactionalId string? v3+
 *   Acks int16 v0+
 *   TimeoutMs int32 v0+
 *   TopicData []TopicProduceData v0+
 *     Name string v0+
 *     PartitionData []PartitionProduceData v0+
 *       Index int32 v0+
 *       Records records? v0+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   Responses []TopicProduceResponse v0+
 *     Name string v0+
 *     PartitionResponses []PartitionProduceResponse v0+
 *       Index int32 v0+
 *       ErrorCode int16 v0+
 *       BaseOffset int64 v0+
 *       LogAppendTimeMs int64 v2+
 *       LogStartOffset int64 v5+
 *       RecordErrors []BatchIndexAndErrorMessage v8+
 *         BatchIndex int32 v8+
 *         BatchIndexErrorMessage string? v8+
 *       ErrorMessage string? v8+
 *       CurrentLeader LeaderIdAndEpoch v10+ (tag 0)
 *         LeaderId int32 v10+
 *         LeaderEpoch int32 v10+
 *   ThrottleTimeMs int32 v1+
 *   NodeEndpoints []NodeEndpoint v10+ (tag 0)
 *     NodeId int32 v10+
 *     Host string v10+
 *     Port int32 v10+
 *     Rack string? v10+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const ProduceRequest: MessageSpec = {
  name: 'ProduceRequest', type: 'request', apiKey: 0, validVersions: '0-11', flexibleVersions: '9+',
  fields: [
    { name: 'TransactionalId', type: 'string', versions: '3+', nullableVersions: '3+', default: 'null' },
    { name: 'Acks', type: 'int16', versions: '0+' },
    { name: 'TimeoutMs', type: 'int32', versions: '0+' },
    { name: 'TopicData', type: '[]TopicProduceData', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'PartitionData', type: '[]PartitionProduceData', versions: '0+', fields: [
        { name: 'Index', type: 'int32', versions: '0+' },
        { name: 'Records', type: 'records', versions: '0+', nullableVersions: '0+' },
      ] },
    ] },
  ],
};

export const ProduceResponse: MessageSpec = {
  name: 'ProduceResponse', type: 'response', apiKey: 0, validVersions: '0-11', flexibleVersions: '9+',
  fields: [
    { name: 'Responses', type: '[]TopicProduceResponse', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'PartitionResponses', type: '[]PartitionProduceResponse', versions: '0+', fields: [
        { name: 'Index', type: 'int32', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'BaseOffset', type: 'int64', versions: '0+' },
        { name: 'LogAppendTimeMs', type: 'int64', versions: '2+', default: '-1' },
        { name: 'LogStartOffset', type: 'int64', versions: '5+', default: '-1' },
        { name: 'RecordErrors', type: '[]BatchIndexAndErrorMessage', versions: '8+', fields: [
          { name: 'BatchIndex', type: 'int32', versions: '8+' },
          { name: 'BatchIndexErrorMessage', type: 'string', versions: '8+', nullableVersions: '8+', default: 'null' },
        ] },
        { name: 'ErrorMessage', type: 'string', versions: '8+', nullableVersions: '8+', default: 'null' },
        { name: 'CurrentLeader', type: 'LeaderIdAndEpoch', versions: '10+', taggedVersions: '10+', tag: 0, fields: [
          { name: 'LeaderId', type: 'int32', versions: '10+', default: '-1' },
          { name: 'LeaderEpoch', type: 'int32', versions: '10+', default: '-1' },
        ] },
      ] },
    ] },
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+', default: '0' },
    { name: 'NodeEndpoints', type: '[]NodeEndpoint', versions: '10+', taggedVersions: '10+', tag: 0, fields: [
      { name: 'NodeId', type: 'int32', versions: '10+' },
      { name: 'Host', type: 'string', versions: '10+' },
      { name: 'Port', type: 'int32', versions: '10+' },
      { name: 'Rack', type: 'string', versions: '10+', nullableVersions: '10+', default: 'null' },
    ] },
  ],
};

export interface ProduceRequestData {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topicData: ProduceRequestTopicProduceData[];
}

export interface ProduceRequestTopicProduceData {
  name: string;
  partitionData: ProduceRequestPartitionProduceData[];
}

export interface ProduceRequestPartitionProduceData {
  index: number;
  records: Buffer | null;
}

export interface ProduceResponseData {
  responses: ProduceResponseTopicProduceResponse[];
  throttleTimeMs: number;
  nodeEndpoints: ProduceResponseNodeEndpoint[];
}

export interface ProduceResponseTopicProduceResponse {
  name: string;
  partitionResponses: ProduceResponsePartitionProduceResponse[];
}

export interface ProduceResponsePartitionProduceResponse {
  index: number;
  errorCode: number;
  baseOffset: bigint;
  logAppendTimeMs: bigint;
  logStartOffset: bigint;
  recordErrors: ProduceResponseBatchIndexAndErrorMessage[];
  errorMessage: string | null;
  currentLeader: ProduceResponseLeaderIdAndEpoch;
}

export interface ProduceResponseBatchIndexAndErrorMessage {
  batchIndex: number;
  batchIndexErrorMessage: string | null;
}

export interface ProduceResponseLeaderIdAndEpoch {
  leaderId: number;
  leaderEpoch: number;
}

export interface ProduceResponseNodeEndpoint {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}
