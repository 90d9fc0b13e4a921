/**
 * Topic-level log configuration: Kafka's topic config keys (segment.bytes,
 * retention.ms, …), their broker-level defaults, validation of overrides, and the
 * typed LogConfig a PartitionLog runs with.
 *
 * Effective config = broker defaults (from BrokerConfig) overlaid with the topic's
 * overrides. Values are strings at this boundary (as CreateTopics/DescribeConfigs
 * carry them) and numbers inside LogConfig. Pure functions.
 */
import { SluiceError } from '../../errors.js';
import type { BrokerConfig } from '../config/server-config.js';

export interface LogConfig {
  readonly segmentBytes: number;
  readonly segmentMs: number;
  readonly segmentIndexBytes: number;
  readonly indexIntervalBytes: number;
  /** -1 = unlimited. */
  readonly retentionMs: number;
  /** -1 = unlimited. */
  readonly retentionBytes: number;
  readonly flushMessages: number;
  readonly flushMs: number;
  readonly maxMessageBytes: number;
  readonly timestampType: 'CreateTime' | 'LogAppendTime';
  readonly fileDeleteDelayMs: number;
}

const LONG_MAX = Number.MAX_SAFE_INTEGER;
const INT_MAX = 2147483647;

type Kind =
  | { readonly type: 'long'; readonly min: number; readonly max: number }
  | { readonly type: 'enum'; readonly values: readonly string[] };

const long = (min: number, max = LONG_MAX): Kind => ({ type: 'long', min, max });

/** Topic config keys Sluice understands, with their validation. */
export const TOPIC_CONFIG_KEYS: ReadonlyMap<string, Kind> = new Map<string, Kind>([
  ['segment.bytes', long(14, INT_MAX)],
  ['segment.ms', long(1)],
  ['segment.index.bytes', long(4, INT_MAX)],
  ['segment.jitter.ms', long(0)],
  ['index.interval.bytes', long(0, INT_MAX)],
  ['retention.ms', long(-1)],
  ['retention.bytes', long(-1)],
  ['flush.messages', long(1)],
  ['flush.ms', long(0)],
  ['max.message.bytes', long(0, INT_MAX)],
  ['message.timestamp.type', { type: 'enum', values: ['CreateTime', 'LogAppendTime'] }],
  ['cleanup.policy', { type: 'enum', values: ['delete'] }],
  ['delete.retention.ms', long(0)],
  ['file.delete.delay.ms', long(0)],
  ['min.insync.replicas', long(1, 1)],
  ['compression.type', { type: 'enum', values: ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'] }],
  ['unclean.leader.election.enable', { type: 'enum', values: ['true', 'false'] }],
]);

function invalid(topic: string, key: string, value: string, why: string): SluiceError {
  return new SluiceError('INVALID_CONFIG', `topic ${topic}: config ${key}=${value}: ${why}`, { details: { topic, key, value } });
}

/** Throws INVALID_CONFIG naming the key if any override is unknown or out of range (null = delete). */
export function validateTopicConfigs(topic: string, configs: Readonly<Record<string, string | null>>): void {
  for (const [key, value] of Object.entries(configs)) {
    const kind = TOPIC_CONFIG_KEYS.get(key);
    if (!kind) throw invalid(topic, key, String(value), 'unknown topic config key');
    if (value === null) continue;
    if (kind.type === 'enum') {
      if (key === 'cleanup.policy' && !kind.values.includes(value)) {
        throw invalid(topic, key, value, 'log compaction is not implemented for topics (only "delete" is accepted; the broker compacts __consumer_offsets itself)');
      }
      if (!kind.values.includes(value)) throw invalid(topic, key, value, `expected one of ${kind.values.join(', ')}`);
    } else {
      if (!/^-?\d+$/.test(value.trim())) throw invalid(topic, key, value, 'expected an integer');
      const n = Number(value);
      if (n < kind.min || n > kind.max) throw invalid(topic, key, value, `must be in [${kind.min}, ${kind.max}]`);
    }
  }
}

/** Topic-level defaults derived from the broker's config (Kafka's log.* synonyms). */
export function topicDefaultsFromBroker(b: BrokerConfig): Record<string, string> {
  return {
    'segment.bytes': String(b.logSegmentBytes),
    'segment.ms': String(b.logRollMs),
    'segment.index.bytes': String(b.logIndexSizeMaxBytes),
    'segment.jitter.ms': '0',
    'index.interval.bytes': String(b.logIndexIntervalBytes),
    'retention.ms': String(b.logRetentionMs),
    'retention.bytes': String(b.logRetentionBytes),
    'flush.messages': String(b.logFlushIntervalMessages),
    'flush.ms': String(b.logFlushIntervalMs),
    'max.message.bytes': String(b.messageMaxBytes),
    'message.timestamp.type': b.logMessageTimestampType,
    'cleanup.policy': b.logCleanupPolicy,
    'delete.retention.ms': String(b.deleteRetentionMs),
    'file.delete.delay.ms': String(b.logSegmentDeleteDelayMs),
    'min.insync.replicas': '1',
    'compression.type': 'producer',
    'unclean.leader.election.enable': 'false',
  };
}

/** Kafka's defaults when no broker config is given. */
export const KAFKA_TOPIC_DEFAULTS: Readonly<Record<string, string>> = Object.freeze({
  'segment.bytes': '1073741824',
  'segment.ms': '604800000',
  'segment.index.bytes': '10485760',
  'segment.jitter.ms': '0',
  'index.interval.bytes': '4096',
  'retention.ms': '604800000',
  'retention.bytes': '-1',
  'flush.messages': String(LONG_MAX),
  'flush.ms': String(LONG_MAX),
  'max.message.bytes': '1048588',
  'message.timestamp.type': 'CreateTime',
  'cleanup.policy': 'delete',
  'delete.retention.ms': '86400000',
  'file.delete.delay.ms': '60000',
  'min.insync.replicas': '1',
  'compression.type': 'producer',
  'unclean.leader.election.enable': 'false',
});

/** The typed config of an effective (defaults + overrides) string map. */
export function resolveLogConfig(effective: Readonly<Record<string, string>>): LogConfig {
  const num = (k: string): number => {
    const v = effective[k] ?? KAFKA_TOPIC_DEFAULTS[k]!;
    const n = Number(v);
    return Number.isFinite(n) ? Math.min(n, LONG_MAX) : Number(KAFKA_TOPIC_DEFAULTS[k]);
  };
  return {
    segmentBytes: num('segment.bytes'),
    segmentMs: num('segment.ms'),
    segmentIndexBytes: num('segment.index.bytes'),
    indexIntervalBytes: num('index.interval.bytes'),
    retentionMs: num('retention.ms'),
    retentionBytes: num('retention.bytes'),
    flushMessages: num('flush.messages'),
    flushMs: num('flush.ms'),
    maxMessageBytes: num('max.message.bytes'),
    timestampType: effective['message.timestamp.type'] === 'LogAppendTime' ? 'LogAppendTime' : 'CreateTime',
    fileDeleteDelayMs: num('file.delete.delay.ms'),
  };
}
