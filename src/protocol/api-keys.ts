/**
 * Kafka API keys that Sluice's codec knows, and their display names.
 *
 * Contract: values are Kafka's wire API keys (int16 in the request header); they never
 * change. `API_NAMES` maps a key to Kafka's request name without the Request suffix.
 */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  InitProducerId: 22,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  SaslAuthenticate: 36,
  CreatePartitions: 37,
  DeleteGroups: 42,
  IncrementalAlterConfigs: 44,
} as const;

export type ApiKeyName = keyof typeof ApiKey;
export type ApiKeyValue = (typeof ApiKey)[ApiKeyName];

export const API_NAMES: Record<number, string> = Object.freeze(
  Object.fromEntries(Object.entries(ApiKey).map(([name, key]) => [key, name])),
);

/** 'Fetch' for 1, 'ApiKey(99)' for an unknown key: for log lines and error messages. */
export function apiName(apiKey: number): string {
  return API_NAMES[apiKey] ?? `ApiKey(${apiKey})`;
}
