/**
 * Starts the broker's group coordinator and idempotent-producer state from a
 * BrokerConfig: the one place that maps server.properties keys onto their options.
 *
 * Keys: offsets.topic.num.partitions, group.initial.rebalance.delay.ms,
 * group.min/max.session.timeout.ms, offsets.retention.minutes,
 * offsets.retention.check.interval.ms, offset.metadata.max.bytes, group.max.size,
 * delete.retention.ms (log.cleaner.delete.retention.ms), producer.id.expiration.ms,
 * producer.id.expiration.check.interval.ms, sluice.offsets.compact.after.bytes,
 * sluice.group.max.member.metadata.bytes. Invalid values throw ConfigError naming file:line.
 *
 * Order on stop (Broker.stop): `closeGroups` before sessions end (held joins answer
 * NOT_COORDINATOR at once), `closeProducers` before the logs close (clean-shutdown snapshots).
 */
import { ConfigError } from '../../errors.js';
import type { BrokerConfig } from '../config/server-config.js';
import type { LogManager } from '../storage/types.js';
import { ProducerStates } from '../producer-state/producer-states.js';
import { GroupCoordinator } from './group-coordinator.js';

export interface GroupServices {
  readonly groups: GroupCoordinator;
  readonly producers: ProducerStates;
}

function rawInt(config: BrokerConfig, key: string, min: number): number | undefined {
  const e = config.raw.get(key);
  if (!e) return undefined;
  const v = e.value.trim();
  const n = Number(v);
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) {
    throw new ConfigError('CONFIG_INVALID_VALUE', `${key}: expected an integer ≥ ${min} (got "${e.value}")`, { file: e.file, line: e.line, key });
  }
  return n;
}

export async function startGroupServices(config: BrokerConfig, logs: LogManager): Promise<GroupServices> {
  const producers = new ProducerStates({
    dir: config.logDirs[0]!,
    logs,
    expirationMs: config.producerIdExpirationMs,
    ...opt('expirationCheckIntervalMs', rawInt(config, 'producer.id.expiration.check.interval.ms', 1)),
  });
  const groups = await GroupCoordinator.open({
    logs,
    offsetsPartitions: config.offsetsTopicNumPartitions,
    initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
    minSessionTimeoutMs: config.groupMinSessionTimeoutMs,
    maxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
    offsetsRetentionMs: config.offsetsRetentionMinutes * 60_000,
    deleteRetentionMs: config.deleteRetentionMs,
    ...opt('offsetsRetentionCheckIntervalMs', rawInt(config, 'offsets.retention.check.interval.ms', 1)),
    ...opt('offsetMetadataMaxBytes', rawInt(config, 'offset.metadata.max.bytes', 0)),
    ...opt('maxGroupSize', rawInt(config, 'group.max.size', 1)),
    ...opt('compactAfterBytes', rawInt(config, 'sluice.offsets.compact.after.bytes', 1)),
    ...opt('maxMemberMetadataBytes', rawInt(config, 'sluice.group.max.member.metadata.bytes', 0)),
  });
  return { groups, producers };
}

function opt<K extends string>(key: K, v: number | undefined): { [P in K]?: number } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: number };
}
