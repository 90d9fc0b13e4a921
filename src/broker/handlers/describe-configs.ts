/**
 * DescribeConfigs (key 32), versions 0–4 (flexible from v4).
 *
 * Request (DescribeConfigsRequest.json): Resources[ResourceType i8 (2 topic, 4 broker),
 *   ResourceName, ConfigurationKeys?[]], IncludeSynonyms (v1+), IncludeDocumentation (v3+).
 * Response: ThrottleTimeMs, Results[ErrorCode, ErrorMessage?, ResourceType, ResourceName,
 *   Configs[Name, Value?, ReadOnly, IsDefault (v0) | ConfigSource (v1+), IsSensitive,
 *   Synonyms[Name, Value?, Source] (v1+), ConfigType (v3+), Documentation? (v3+)]].
 *
 * Topics: the effective config (broker defaults, then overrides), source 1 for an
 * override, 5 otherwise; synonyms list the override and the default when asked.
 * Broker: this node's settings (name "" or the node id), read-only static configs (4).
 * Unknown topic → UNKNOWN_TOPIC_OR_PARTITION; another broker id → INVALID_REQUEST;
 * other resource types → INVALID_REQUEST.
 */
import { ErrorCode } from '../../protocol/errors.js';
import { SOURCE_DEFAULT, SOURCE_DYNAMIC_TOPIC, SOURCE_STATIC_BROKER, topicConfigEntries, type ConfigEntry } from './topic-configs.js';
import type { ApiHandler, MessageBody, RequestContext } from './types.js';

export const RESOURCE_TOPIC = 2;
export const RESOURCE_BROKER = 4;

interface DescribeConfigsRequest {
  readonly resources: readonly { resourceType: number; resourceName: string; configurationKeys: readonly string[] | null }[];
  readonly includeSynonyms?: boolean;
}

function entry(e: ConfigEntry, version: number, synonyms: boolean, defaults: Readonly<Record<string, string>>): MessageBody {
  const syn: MessageBody[] = [];
  if (synonyms && version >= 1) {
    syn.push({ name: e.name, value: e.value, source: e.source });
    if (e.source === SOURCE_DYNAMIC_TOPIC && defaults[e.name] !== undefined) {
      syn.push({ name: e.name, value: defaults[e.name], source: SOURCE_DEFAULT });
    }
  }
  return {
    name: e.name,
    value: e.value,
    readOnly: e.source === SOURCE_STATIC_BROKER,
    isDefault: e.source === SOURCE_DEFAULT,
    configSource: e.source,
    isSensitive: false,
    synonyms: syn,
    configType: 0,
    documentation: null,
  };
}

export const describeConfigsHandler: ApiHandler = {
  apiKey: 32,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 4,
  handle(ctx: RequestContext, body: MessageBody): MessageBody {
    const req = body as unknown as DescribeConfigsRequest;
    const { logs, settings } = ctx.services;
    const version = ctx.header.apiVersion;
    const results: MessageBody[] = [];
    for (const r of req.resources) {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      const fail = (errorCode: number, errorMessage: string): void => {
        results.push({ errorCode, errorMessage, ...base, configs: [] });
      };
      let entries: ConfigEntry[];
      let defaults: Readonly<Record<string, string>> = {};
      if (r.resourceType === RESOURCE_TOPIC) {
        if (!logs.describeTopic(r.resourceName)) {
          fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic '${r.resourceName}'`);
          continue;
        }
        entries = topicConfigEntries(logs, r.resourceName);
        defaults = settings.topicDefaults;
      } else if (r.resourceType === RESOURCE_BROKER) {
        if (r.resourceName !== '' && r.resourceName !== String(settings.nodeId)) {
          fail(ErrorCode.INVALID_REQUEST, `broker '${r.resourceName}' is not this node (${settings.nodeId})`);
          continue;
        }
        entries = Object.keys(settings.brokerConfigs).sort().map((name) => ({
          name,
          value: settings.brokerConfigs[name] ?? null,
          source: SOURCE_STATIC_BROKER,
        }));
      } else {
        fail(ErrorCode.INVALID_REQUEST, `resource type ${r.resourceType} is not supported`);
        continue;
      }
      const keys = r.configurationKeys === null || r.configurationKeys === undefined ? null : new Set(r.configurationKeys);
      const configs = entries.filter((e) => keys === null || keys.has(e.name)).map((e) => entry(e, version, req.includeSynonyms === true, defaults));
      results.push({ errorCode: 0, errorMessage: null, ...base, configs });
    }
    return { throttleTimeMs: 0, results };
  },
};
