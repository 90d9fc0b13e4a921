/**
 * ApiVersions (API key 18): request and response schemas. Sluice implements v0-3.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/ApiVersionsRequest.json and ApiVersionsResponse.json; validVersions 0-4, flexible 3+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   ClientSoftwareName string v3+
 *   ClientSoftwareVersion string v3+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ErrorCode int16 v0+
 *   ApiKeys []ApiVersion v0+
 *     ApiKey int16 v0+
 *     MinVersion int16 v0+
 *     MaxVersion int16 v0+
 *   ThrottleTimeMs int32 v1+
 *   SupportedFeatures []SupportedFeatureKey v3+ (tag 0)
 *     Name string v3+
 *     MinVersion int16 v3+
 *     MaxVersion int16 v3+
 *   FinalizedFeaturesEpoch int64 v3+ (tag 1)
 *   FinalizedFeatures []FinalizedFeatureKey v3+ (tag 2)
 *     Name string v3+
 *     MaxVersionLevel int16 v3+
 *     MinVersionLevel int16 v3+
 *   ZkMigrationReady bool v3+ (tag 3)
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const ApiVersionsRequest: MessageSpec = {
  name: 'ApiVersionsRequest', type: 'request', apiKey: 18, validVersions: '0-4', flexibleVersions: '3+',
  fields: [
    { name: 'ClientSoftwareName', type: 'string', versions: '3+' },
    { name: 'ClientSoftwareVersion', type: 'string', versions: '3+' },
  ],
};

export const ApiVersionsResponse: MessageSpec = {
  name: 'ApiVersionsResponse', type: 'response', apiKey: 18, validVersions: '0-4', flexibleVersions: '3+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ApiKeys', type: '[]ApiVersion', versions: '0+', fields: [
      { name: 'ApiKey', type: 'int16', versions: '0+' },
      { name: 'MinVersion', type: 'int16', versions: '0+' },
      { name: 'MaxVersion', type: 'int16', versions: '0+' },
    ] },
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+' },
    { name: 'SupportedFeatures', type: '[]SupportedFeatureKey', versions: '3+', taggedVersions: '3+', tag: 0, fields: [
      { name: 'Name', type: 'string', versions: '3+' },
      { name: 'MinVersion', type: 'int16', versions: '3+' },
      { name: 'MaxVersion', type: 'int16', versions: '3+' },
    ] },
    { name: 'FinalizedFeaturesEpoch', type: 'int64', versions: '3+', taggedVersions: '3+', tag: 1, default: '-1' },
    { name: 'FinalizedFeatures', type: '[]FinalizedFeatureKey', versions: '3+', taggedVersions: '3+', tag: 2, fields: [
      { name: 'Name', type: 'string', versions: '3+' },
      { name: 'MaxVersionLevel', type: 'int16', versions: '3+' },
      { name: 'MinVersionLevel', type: 'int16', versions: '3+' },
    ] },
    { name: 'ZkMigrationReady', type: 'bool', versions: '3+', taggedVersions: '3+', tag: 3, default: 'false' },
  ],
};

export interface ApiVersionsRequestData {
  clientSoftwareName: string;
  clientSoftwareVersion: string;
}

export interface ApiVersionsResponseData {
  errorCode: number;
  apiKeys: ApiVersionsResponseApiVersion[];
  throttleTimeMs: number;
  supportedFeatures: ApiVersionsResponseSupportedFeatureKey[];
  finalizedFeaturesEpoch: bigint;
  finalizedFeatures: ApiVersionsResponseFinalizedFeatureKey[];
  zkMigrationReady: boolean;
}

export interface ApiVersionsResponseApiVersion {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface ApiVersionsResponseSupportedFeatureKey {
  name: string;
  minVersion: number;
  maxVersion: number;
}

export interface ApiVersionsResponseFinalizedFeatureKey {
  name: string;
  maxVersionLevel: number;
  minVersionLevel: number;
}
