/**
 * DeleteTopics (API key 20): request and response schemas. Sluice implements v0-6.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/DeleteTopicsRequest.json and DeleteTopicsResponse.json; validVersions 0-6, flexible 4+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   Topics []DeleteTopicState v6+
 *     Name string? v6+
 *     TopicId uuid v6+
 *   TopicNames []string v0-5
 *   TimeoutMs int32 v0+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ThrottleTimeMs int32 v1+
 *   Responses []DeletableTopicResult v0+
 *     Name string? v0+
 *     TopicId uuid v6+
 *     ErrorCode int16 v0+
 *     ErrorMessage string? v5+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const DeleteTopicsRequest: MessageSpec = {
  name: 'DeleteTopicsRequest', type: 'request', apiKey: 20, validVersions: '0-6', flexibleVersions: '4+',
  fields: [
    { name: 'Topics', type: '[]DeleteTopicState', versions: '6+', fields: [
      { name: 'Name', type: 'string', versions: '6+', nullableVersions: '6+', default: 'null' },
      { name: 'TopicId', type: 'uuid', versions: '6+' },
    ] },
    { name: 'TopicNames', type: '[]string', versions: '0-5' },
    { name: 'TimeoutMs', type: 'int32', versions: '0+' },
  ],
};

export const DeleteTopicsResponse: MessageSpec = {
  name: 'DeleteTopicsResponse', type: 'response', apiKey: 20, validVersions: '0-6', flexibleVersions: '4+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+' },
    { name: 'Responses', type: '[]DeletableTopicResult', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+', nullableVersions: '6+' },
      { name: 'TopicId', type: 'uuid', versions: '6+' },
      { name: 'ErrorCode', type: 'int16', versions: '0+' },
      { name: 'ErrorMessage', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null' },
    ] },
  ],
};

export interface DeleteTopicsRequestData {
  topics: DeleteTopicsRequestDeleteTopicState[];
  topicNames: string[];
  timeoutMs: number;
}

export interface DeleteTopicsRequestDeleteTopicState {
  name: string | null;
  topicId: Buffer;
}

export interface DeleteTopicsResponseData {
  throttleTimeMs: number;
  responses: DeleteTopicsResponseDeletableTopicResult[];
}

export interface DeleteTopicsResponseDeletableTopicResult {
  name: string | null;
  topicId: Buffer;
  errorCode: number;
  errorMessage: string | null;
}
