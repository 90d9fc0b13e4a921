/**
 * FindCoordinator (API key 10): request and response schemas. Sluice implements v0-4.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/FindCoordinatorRequest.json and FindCoordinatorResponse.json; validVersions 0-6, flexible 3+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   Key string v0-3
 *   KeyType int8 v1+
 *   CoordinatorKeys []string v4+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ThrottleTimeMs int32 v1+
 *   ErrorCode int16 v0-3
 *   ErrorMessage string? v1-3
 *   NodeId int32 v0-3
 *   Host string v0-3
 *   Port int32 v0-3
 *   Coordinators []Coordinator v4+
 *     Key string v4+
 *     NodeId int32 v4+
 *     Host string v4+
 *     Port int32 v4+
 *     ErrorCode int16 v4+
 *     ErrorMessage string? v4+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const FindCoordinatorRequest: MessageSpec = {
  name: 'FindCoordinatorRequest', type: 'request', apiKey: 10, validVersions: '0-6', flexibleVersions: '3+',
  fields: [
    { name: 'Key', type: 'string', versions: '0-3' },
    { name: 'KeyType', type: 'int8', versions: '1+', default: '0' },
    { name: 'CoordinatorKeys', type: '[]string', versions: '4+' },
  ],
};

export const FindCoordinatorResponse: MessageSpec = {
  name: 'FindCoordinatorResponse', type: 'response', apiKey: 10, validVersions: '0-6', flexibleVersions: '3+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+' },
    { name: 'ErrorCode', type: 'int16', versions: '0-3' },
    { name: 'ErrorMessage', type: 'string', versions: '1-3', nullableVersions: '1-3' },
    { name: 'NodeId', type: 'int32', versions: '0-3' },
    { name: 'Host', type: 'string', versions: '0-3' },
    { name: 'Port', type: 'int32', versions: '0-3' },
    { name: 'Coordinators', type: '[]Coordinator', versions: '4+', fields: [
      { name: 'Key', type: 'string', versions: '4+' },
      { name: 'NodeId', type: 'int32', versions: '4+' },
      { name: 'Host', type: 'string', versions: '4+' },
      { name: 'Port', type: 'int32', versions: '4+' },
      { name: 'ErrorCode', type: 'int16', versions: '4+' },
      { name: 'ErrorMessage', type: 'string', versions: '4+', nullableVersions: '4+' },
    ] },
  ],
};

export interface FindCoordinatorRequestData {
  key: string;
  keyType: number;
  coordinatorKeys: string[];
}

export interface FindCoordinatorResponseData {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
  coordinators: FindCoordinatorResponseCoordinator[];
}

export interface FindCoordinatorResponseCoordinator {
  key: string;
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  errorMessage: string | null;
}
