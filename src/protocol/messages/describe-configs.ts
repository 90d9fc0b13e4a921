/**
 * DescribeConfigs (API key 32): request and response schemas. Sluice implements v0-4.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/DescribeConfigsRequest.json and DescribeConfigsResponse.json; validVersions 0-4, flexible 4+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   Resources []DescribeConfigsResource v0+
 *     ResourceType int8 v0+
 *     ResourceName string v0+
 *     ConfigurationKeys []string? v0+
 *   IncludeSynonyms bool v1+
 *   IncludeDocumentation bool v3+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ThrottleTimeMs int32 v0+
 *   Results []DescribeConfigsResult v0+
 *     ErrorCode int16 v0+
 *     ErrorMessage string? v0+
 *     ResourceType int8 v0+
 *     ResourceName string v0+
 *     Configs []DescribeConfigsResourceResult v0+
 *       Name string v0+
 *       Value string? v0+
 *       ReadOnly bool v0+
 *       IsDefault bool v0
 *       ConfigSource int8 v1+
 *       IsSensitive bool v0+
 *       Synonyms []DescribeConfigsSynonym v1+
 *         Name string v1+
 *         Value string? v1+
 *         Source int8 v1+
 *       ConfigType int8 v3+
 *       Documentation string? v3+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const DescribeConfigsRequest: MessageSpec = {
  name: 'DescribeConfigsRequest', type: 'request', apiKey: 32, validVersions: '0-4', flexibleVersions: '4+',
  fields: [
    { name: 'Resources', type: '[]DescribeConfigsResource', versions: '0+', fields: [
      { name: 'ResourceType', type: 'int8', versions: '0+' },
      { name: 'ResourceName', type: 'string', versions: '0+' },
      { name: 'ConfigurationKeys', type: '[]string', versions: '0+', nullableVersions: '0+' },
    ] },
    { name: 'IncludeSynonyms', type: 'bool', versions: '1+', default: 'false' },
    { name: 'IncludeDocumentation', type: 'bool', versions: '3+', default: 'false' },
  ],
};

export const DescribeConfigsResponse: MessageSpec = {
  name: 'DescribeConfigsResponse', type: 'response', apiKey: 32, validVersions: '0-4', flexibleVersions: '4+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'Results', type: '[]DescribeConfigsResult', versions: '0+', fields: [
      { name: 'ErrorCode', type: 'int16', versions: '0+' },
      { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      { name: 'ResourceType', type: 'int8', versions: '0+' },
      { name: 'ResourceName', type: 'string', versions: '0+' },
      { name: 'Configs', type: '[]DescribeConfigsResourceResult', versions: '0+', fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'Value', type: 'string', versions: '0+', nullableVersions: '0+' },
        { name: 'ReadOnly', type: 'bool', versions: '0+' },
        { name: 'IsDefault', type: 'bool', versions: '0' },
        { name: 'ConfigSource', type: 'int8', versions: '1+', default: '-1' },
        { name: 'IsSensitive', type: 'bool', versions: '0+' },
        { name: 'Synonyms', type: '[]DescribeConfigsSynonym', versions: '1+', fields: [
          { name: 'Name', type: 'string', versions: '1+' },
          { name: 'Value', type: 'string', versions: '1+', nullableVersions: '0+' },
          { name: 'Source', type: 'int8', versions: '1+' },
        ] },
        { name: 'ConfigType', type: 'int8', versions: '3+', default: '0' },
        { name: 'Documentation', type: 'string', versions: '3+', nullableVersions: '0+' },
      ] },
    ] },
  ],
};

export interface DescribeConfigsRequestData {
  resources: DescribeConfigsRequestDescribeConfigsResource[];
  includeSynonyms: boolean;
  includeDocumentation: boolean;
}

export interface DescribeConfigsRequestDescribeConfigsResource {
  resourceType: number;
  resourceName: string;
  configurationKeys: string[] | null;
}

export interface DescribeConfigsResponseData {
  throttleTimeMs: number;
  results: DescribeConfigsResponseDescribeConfigsResult[];
}

export interface DescribeConfigsResponseDescribeConfigsResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  configs: DescribeConfigsResponseDescribeConfigsResourceResult[];
}

export interface DescribeConfigsResponseDescribeConfigsResourceResult {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  synonyms: DescribeConfigsResponseDescribeConfigsSynonym[];
  configType: number;
  documentation: string | null;
}

export interface DescribeConfigsResponseDescribeConfigsSynonym {
  name: string;
  value: string | null;
  source: number;
}
