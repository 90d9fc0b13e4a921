/**
 * AlterConfigs (API key 33): request and response schemas. Sluice implements v0-2.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/AlterConfigsRequest.json and AlterConfigsResponse.json; validVersions 0-2, flexible 2+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   Resources []AlterConfigsResource v0+
 *     ResourceType int8 v0+
 *     ResourceName string v0+
 *     Configs []AlterableConfig v0+
 *       Name string v0+
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

export const AlterConfigsRequest: MessageSpec = {
  name: 'AlterConfigsRequest', type: 'request', apiKey: 33, validVersions: '0-2', flexibleVersions: '2+',
  fields: [
    { name: 'Resources', type: '[]AlterConfigsResource', versions: '0+', fields: [
      { name: 'ResourceType', type: 'int8', versions: '0+' },
      { name: 'ResourceName', type: 'string', versions: '0+' },
      { name: 'Configs', type: '[]AlterableConfig', versions: '0+', fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'Value', type: 'string', versions: '0+', nullableVersions: '0+' },
      ] },
    ] },
    { name: 'ValidateOnly', type: 'bool', versions: '0+' },
  ],
};

export const AlterConfigsResponse: MessageSpec = {
  name: 'AlterConfigsResponse', type: 'response', apiKey: 33, validVersions: '0-2', flexibleVersions: '2+',
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

export interface AlterConfigsRequestData {
  resources: AlterConfigsRequestAlterConfigsResource[];
  validateOnly: boolean;
}

export interface AlterConfigsRequestAlterConfigsResource {
  resourceType: number;
  resourceName: string;
  configs: AlterConfigsRequestAlterableConfig[];
}

export interface AlterConfigsRequestAlterableConfig {
  name: string;
  value: string | null;
}

export interface AlterConfigsResponseData {
  throttleTimeMs: number;
  responses: AlterConfigsResponseAlterConfigsResourceResponse[];
}

export interface AlterConfigsResponseAlterConfigsResourceResponse {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}
