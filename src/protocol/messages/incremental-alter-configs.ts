/**
 * IncrementalAlterConfigs (API key 44): request and response schemas. Sluice implements v0-1.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/IncrementalAlterConfigsRequest.json and IncrementalAlterConfigsResponse.json; validVersions 0-1, flexible 1+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   Resources []AlterConfigsResource v0+
 *     ResourceType int8 v0+
 *     ResourceName string v0+
 *     Configs []AlterableConfig v0+
 *       Name string v0+
 *       ConfigOperation int8 v0+
 *       Value string? v0+
 *   ValidateOnly bool v0+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ThrottleTimeMs int32 v0+
 *   Responses []AlterConfigsResourceResponse v0+
 *     ErrorCode int16 v0+
 *     ErrorMessage string? v0+
 *     ResourceType int8 v0+
 *     ResourceName string v0+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const IncrementalAlterConfigsRequest: MessageSpec = {
  name: 'IncrementalAlterConfigsRequest', type: 'request', apiKey: 44, validVersions: '0-1', flexibleVersions: '1+',
  fields: [
    { name: 'Resources', type: '[]AlterConfigsResource', versions: '0+', fields: [
      { name: 'ResourceType', type: 'int8', versions: '0+' },
      { name: 'ResourceName', type: 'string', versions: '0+' },
      { name: 'Configs', type: '[]AlterableConfig', versions: '0+', fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'ConfigOperation', type: 'int8', versions: '0+' },
        { name: 'Value', type: 'string', versions: '0+', nullableVersions: '0+' },
      ] },
    ] },
    { name: 'ValidateOnly', type: 'bool', versions: '0+' },
  ],
};

export const IncrementalAlterConfigsResponse: MessageSpec = {
  name: 'IncrementalAlterConfigsResponse', type: 'response', apiKey: 44, validVersions: '0-1', flexibleVersions: '1+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'Responses', type: '[]AlterConfigsResourceResponse', versions: '0+', fields: [
      { name: 'ErrorCode', type: 'int16', versions: '0+' },
      { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      { name: 'ResourceType', type: 'int8', versions: '0+' },
      { name: 'ResourceName', type: 'string', versions: '0+' },
    ] },
  ],
};

export interface IncrementalAlterConfigsRequestData {
  resources: IncrementalAlterConfigsRequestAlterConfigsResource[];
  validateOnly: boolean;
}

export interface IncrementalAlterConfigsRequestAlterConfigsResource {
  resourceType: number;
  resourceName: string;
  configs: IncrementalAlterConfigsRequestAlterableConfig[];
}

export interface IncrementalAlterConfigsRequestAlterableConfig {
  name: string;
  configOperation: number;
  value: string | null;
}

export interface IncrementalAlterConfigsResponseData {
  throttleTimeMs: number;
  responses: IncrementalAlterConfigsResponseAlterConfigsResourceResponse[];
}

export interface IncrementalAlterConfigsResponseAlterConfigsResourceResponse {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}
