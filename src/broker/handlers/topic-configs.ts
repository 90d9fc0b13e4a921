/**
 * Topic configuration helpers shared by CreateTopics, DescribeConfigs, AlterConfigs and
 * IncrementalAlterConfigs: validation of overrides (storage's log-config rules: the
 * topic configs Sluice implements), Kafka's topic-name rule (Topic.validate), and config entries in the shape the responses use.
 *
 * Config sources (DescribeConfigsResponse.json): 1 DYNAMIC_TOPIC_CONFIG, 4
 * STATIC_BROKER_CONFIG, 5 DEFAULT_CONFIG. Pure functions.
 */
import { validateTopicConfigs } from '../storage/log-config.js';
import type { LogManager } from '../storage/types.js';
import type { MessageBody } from './types.js';

export const SOURCE_DYNAMIC_TOPIC = 1;
export const SOURCE_STATIC_BROKER = 4;
export const SOURCE_DEFAULT = 5;

const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Kafka's Topic.validate: 1–249 chars of [a-zA-Z0-9._-], not "." or "..". Returns a reason or null. */
export function invalidTopicReason(name: string): string | null {
  if (name.length === 0) return 'topic name is empty';
  if (name === '.' || name === '..') return `topic name '${name}' is not allowed`;
  if (name.length > 249) return `topic name is ${name.length} characters long (max 249)`;
  if (!LEGAL.test(name)) return `topic name '${name}' has characters outside [a-zA-Z0-9._-]`;
  return null;
}

/** Null when every override is a known topic config with a legal value (storage's rules), else why not. */
export function topicConfigProblem(topic: string, configs: Readonly<Record<string, string | null>>): string | null {
  try {
    validateTopicConfigs(topic, configs);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export interface ConfigEntry {
  readonly name: string;
  readonly value: string | null;
  readonly source: number;
}

/** The effective topic config with the source of each value. */
export function topicConfigEntries(logs: LogManager, topic: string): ConfigEntry[] {
  const desc = logs.describeTopic(topic);
  const overrides = desc?.configs ?? {};
  const effective = logs.effectiveTopicConfig(topic);
  const out: ConfigEntry[] = [];
  for (const name of Object.keys(effective).sort()) {
    out.push({ name, value: effective[name] ?? null, source: name in overrides ? SOURCE_DYNAMIC_TOPIC : SOURCE_DEFAULT });
  }
  return out;
}

/** CreateTopics v5+ `Configs` entries. */
export function createTopicsConfigs(entries: readonly ConfigEntry[]): MessageBody[] {
  return entries.map((e) => ({ name: e.name, value: e.value, readOnly: false, configSource: e.source, isSensitive: false }));
}
