/**
 * The monitor's one data-source contract, with two implementations:
 * - embedded-source.ts: in-process (LogManager + group coordinator + agent metrics +
 *   BrokerMetrics), used by `sluice broker` and `sluice agent --broker`;
 * - remote-source.ts: the thin client (Metadata, ListOffsets, DescribeConfigs,
 *   ListGroups/DescribeGroups, OffsetFetch, Fetch), used by `sluice monitor`.
 *
 * Every method returns plain, freshly built values (snapshots): callers may keep them,
 * never mutate the source through them. Fields a source cannot know are `null`
 * (for example segment counts over the wire). Browsing is bounded by `maxBytes`, so a
 * request never loads a whole segment. Offsets and timestamps are JS numbers.
 */
import type { CounterGroupType } from '../agent/metrics.js';
import type { BrokerMetricsSnapshot } from '../broker/broker-metrics.js';

export interface ListenerView {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

export interface LogDirUsage {
  readonly path: string;
  /** Bytes of files under the dir (null when unknown). */
  readonly usedBytes: number | null;
  /** Filesystem totals from statfs (null when unknown). */
  readonly fsTotalBytes: number | null;
  readonly fsFreeBytes: number | null;
}

export interface OverviewView {
  /** 'embedded' (in-process) or 'remote' (thin client). */
  readonly mode: 'embedded' | 'remote';
  readonly clusterId: string | null;
  readonly brokers: readonly { nodeId: number; host: string; port: number }[];
  readonly listeners: readonly ListenerView[];
  readonly bootstrap: string | null;
  readonly logDirs: readonly LogDirUsage[];
  readonly topicCount: number;
  readonly partitionCount: number;
  readonly groupCount: number;
}

export interface PartitionView {
  readonly partition: number;
  readonly leader: number | null;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  readonly highWatermark: number;
  readonly sizeBytes: number | null;
  readonly segmentCount: number | null;
}

export interface TopicView {
  readonly name: string;
  readonly internal: boolean;
  readonly partitions: readonly PartitionView[];
}

export interface TopicDetailView extends TopicView {
  /** Effective configs (retention, segment, cleanup, …). */
  readonly configs: Readonly<Record<string, string>>;
}

export interface BrowseRequest {
  readonly topic: string;
  readonly partition: number;
  /** Start offset; when absent, `timestamp` or the log start is used. */
  readonly offset?: number;
  /** Start at the first record with timestamp ≥ this (ms). */
  readonly timestamp?: number;
  /** At most this many records (default 50, max 500). */
  readonly limit?: number;
  /** Bytes read from the log for this page (default 256 KiB, max 4 MiB). */
  readonly maxBytes?: number;
}

export interface BrowsedHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

export interface BrowsedRecord {
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly BrowsedHeader[];
}

export interface BrowseResult {
  readonly topic: string;
  readonly partition: number;
  /** Offset the page starts at (after resolving a timestamp). */
  readonly startOffset: number;
  readonly records: readonly BrowsedRecord[];
  /** Offset of the next page. */
  readonly nextOffset: number;
  readonly logStartOffset: number;
  readonly highWatermark: number;
}

export interface GroupSummaryView {
  readonly groupId: string;
  readonly state: string;
  readonly protocolType: string;
  readonly members: number;
  /** Sum of lag over partitions with a committed offset. */
  readonly totalLag: number;
}

export interface GroupMemberView {
  readonly memberId: string;
  readonly clientId: string;
  readonly clientHost: string;
  readonly groupInstanceId: string | null;
  readonly assignment: readonly { topic: string; partitions: readonly number[] }[];
}

export interface GroupPartitionView {
  readonly topic: string;
  readonly partition: number;
  /** -1 when nothing is committed. */
  readonly committedOffset: number;
  readonly logEndOffset: number;
  /** End offset − committed (0 when nothing is committed: Kafka's tools print '-'). */
  readonly lag: number;
  readonly memberId: string | null;
}

export interface GroupDetailView {
  readonly groupId: string;
  readonly state: string;
  readonly protocolType: string;
  readonly protocol: string;
  readonly members: readonly GroupMemberView[];
  readonly partitions: readonly GroupPartitionView[];
}

export interface AgentComponentView {
  readonly kind: CounterGroupType;
  readonly name: string;
  readonly counters: Readonly<Record<string, number>>;
  readonly startTime: number;
}

export interface AgentView {
  readonly name: string;
  readonly sources: readonly { name: string; channels: readonly string[] }[];
  readonly channels: readonly { name: string; size: number; capacity: number }[];
  readonly sinks: readonly { name: string; channel: string | null }[];
  /** Every counter group of the agent's MetricsRegistry. */
  readonly components: readonly AgentComponentView[];
}

/** Cumulative totals the sampler turns into rates. */
export interface ThroughputTotals {
  readonly recordsIn: number | null;
  readonly bytesIn: number | null;
  readonly bytesOut: number | null;
  /** Records delivered by Fetch (BrokerMetrics recordsOut); absent or null where unknown (remote). */
  readonly recordsOut?: number | null;
}

export interface MonitorDataSource {
  readonly mode: 'embedded' | 'remote';
  overview(): Promise<OverviewView>;
  topics(): Promise<TopicView[]>;
  topic(name: string): Promise<TopicDetailView | undefined>;
  browse(req: BrowseRequest): Promise<BrowseResult>;
  groups(): Promise<GroupSummaryView[]>;
  group(groupId: string): Promise<GroupDetailView | undefined>;
  /** Totals for produce/fetch rates. */
  throughput(): Promise<ThroughputTotals>;
  /** The agent, when one runs in this process. */
  agent(): AgentView | undefined;
  /** Broker counters (embedded only). */
  brokerMetrics(): BrokerMetricsSnapshot | undefined;
  /** Liveness of the underlying parts for /readyz: the problems, empty when ready. */
  readiness(): Promise<string[]>;
  close(): Promise<void>;
}

export const BROWSE_DEFAULT_LIMIT = 50;
export const BROWSE_MAX_LIMIT = 500;
export const BROWSE_DEFAULT_BYTES = 256 * 1024;
export const BROWSE_MAX_BYTES = 4 * 1024 * 1024;

/** Clamps the page size and byte budget of a browse request. */
export function browseLimits(req: BrowseRequest): { limit: number; maxBytes: number } {
  const limit = Math.max(1, Math.min(BROWSE_MAX_LIMIT, Math.floor(req.limit ?? BROWSE_DEFAULT_LIMIT)));
  const maxBytes = Math.max(1024, Math.min(BROWSE_MAX_BYTES, Math.floor(req.maxBytes ?? BROWSE_DEFAULT_BYTES)));
  return { limit, maxBytes };
}

/** Lag rows + total from committed offsets and end offsets. */
export function lagOf(committed: number, end: number): number {
  return committed < 0 ? 0 : Math.max(0, end - committed);
}
