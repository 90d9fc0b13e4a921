/**
 * In-process monitor data source: reads the broker's LogManager, its group coordinator,
 * its BrokerMetrics and the agent's MetricsRegistry/Topology directly (no socket).
 *
 * Read-only by contract: it calls only the read methods of the LogManager
 * (listTopics, describeTopic, partition(...).read/offsets/size, effectiveTopicConfig)
 * and of the coordinator (list, describe, fetchOffsets). A browse reads at most
 * `maxBytes` of a segment through PartitionLog.read (a FileSlice), decodes the batches,
 * and releases the slice before returning. Disk use per log dir is a recursive size
 * walk plus statfs, cached for DISK_CACHE_MS so a busy page does not walk the tree.
 * The parts (broker, coordinator, agent) are given as getters, so a part that starts
 * later (or is replaced by a reload) is seen at the next call.
 */
import { promises as fsp, read as fsRead } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CounterGroupType, MetricsRegistry } from '../agent/metrics.js';
import type { BrokerMetricsSnapshot } from '../broker/broker-metrics.js';
import type { LogManager, PartitionLog } from '../broker/storage/types.js';
import { decodeRecords } from '../client/kafka-client.js';
import { SluiceError } from '../errors.js';
import {
  browseLimits, type AgentView, type BrowseRequest, type BrowseResult, type BrowsedRecord, type GroupDetailView,
  type GroupSummaryView, type ListenerView, type LogDirUsage, type MonitorDataSource, type OverviewView,
  type PartitionView, type ThroughputTotals, type TopicDetailView, type TopicView,
} from './data-source.js';
import { buildGroupDetail, buildMembers, totalLag } from './group-lag.js';

const readFd = promisify(fsRead);
const DISK_CACHE_MS = 10_000;

/** What the monitor needs of the group coordinator (GroupCoordinator satisfies it). */
export interface GroupsView {
  list(): readonly { groupId: string; protocolType: string; groupState: string }[];
  describe(groupId: string): {
    readonly groupState: string;
    readonly protocolType: string;
    readonly protocolData: string;
    readonly members: readonly { memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; memberAssignment: Buffer }[];
  };
  fetchOffsets(groupId: string, topics: null): readonly { topic: string; partition: number; offset: number }[];
}

/** What the monitor needs of a running agent (Agent satisfies it). */
export interface AgentHandle {
  readonly name: string;
  readonly metrics: MetricsRegistry;
  readonly current: {
    readonly sources: readonly { name: string; processor: { selector: { channels: readonly { name: string }[] } } }[];
    readonly channels: ReadonlyMap<string, { channel: { name: string; capacity: number; size(): number } }>;
    readonly sinks: ReadonlyMap<string, unknown>;
    readonly sinkChannel: ReadonlyMap<string, string>;
  } | undefined;
}

export interface EmbeddedSourceOptions {
  readonly logs: () => LogManager | undefined;
  readonly logDirs: readonly string[];
  readonly clusterId?: string;
  readonly nodeId?: number;
  readonly listeners: () => readonly ListenerView[];
  readonly brokerMetrics?: () => BrokerMetricsSnapshot | undefined;
  readonly groups?: () => GroupsView | undefined;
  readonly agent?: () => AgentHandle | undefined;
  /** Extra readiness check (e.g. "agent started"); returns problems. */
  readonly readiness?: () => string[];
}

/** The cluster id the storage layer read from meta.properties, when it exposes one. */
function clusterIdOf(logs: LogManager): string | null {
  const id = (logs as { clusterId?: unknown }).clusterId;
  return typeof id === 'string' ? id : null;
}

async function dirSize(path: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await fsp.readdir(path, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(path, e.name);
    if (e.isDirectory()) total += await dirSize(p);
    else if (e.isFile()) {
      try {
        total += (await fsp.stat(p)).size;
      } catch {
        // deleted meanwhile (retention): not counted
      }
    }
  }
  return total;
}

export class EmbeddedDataSource implements MonitorDataSource {
  readonly mode = 'embedded' as const;
  private disk: { at: number; value: LogDirUsage[] } | undefined;

  constructor(private readonly opts: EmbeddedSourceOptions) {}

  private logs(): LogManager {
    const l = this.opts.logs();
    if (!l) throw new SluiceError('MONITOR_BROKER_NOT_READY', 'the broker has not opened its logs yet');
    return l;
  }

  private async diskUsage(): Promise<LogDirUsage[]> {
    const now = Date.now();
    if (this.disk && now - this.disk.at < DISK_CACHE_MS) return this.disk.value;
    const value = await Promise.all(this.opts.logDirs.map(async (path): Promise<LogDirUsage> => {
      let fsTotalBytes: number | null = null;
      let fsFreeBytes: number | null = null;
      try {
        const s = await fsp.statfs(path);
        fsTotalBytes = s.blocks * s.bsize;
        fsFreeBytes = s.bavail * s.bsize;
      } catch {
        // dir missing: leave unknown
      }
      return { path, usedBytes: await dirSize(path), fsTotalBytes, fsFreeBytes };
    }));
    this.disk = { at: now, value };
    return value;
  }

  async overview(): Promise<OverviewView> {
    const logs = this.logs();
    const topics = logs.listTopics();
    const listeners = this.opts.listeners();
    const first = listeners[0];
    return {
      mode: 'embedded',
      clusterId: this.opts.clusterId ?? clusterIdOf(logs),
      brokers: first ? [{ nodeId: this.opts.nodeId ?? 0, host: first.host, port: first.port }] : [],
      listeners,
      bootstrap: null,
      logDirs: await this.diskUsage(),
      topicCount: topics.length,
      partitionCount: topics.reduce((n, t) => n + t.partitions, 0),
      groupCount: this.opts.groups?.()?.list().length ?? 0,
    };
  }

  private partitionView(lg: PartitionLog): PartitionView {
    return {
      partition: lg.partition,
      leader: this.opts.nodeId ?? 0,
      logStartOffset: lg.logStartOffset(),
      logEndOffset: lg.logEndOffset(),
      highWatermark: lg.highWatermark(),
      sizeBytes: lg.sizeInBytes(),
      segmentCount: lg.segmentCount(),
    };
  }

  private topicView(name: string): TopicView | undefined {
    const logs = this.logs();
    const d = logs.describeTopic(name);
    if (!d) return undefined;
    const partitions: PartitionView[] = [];
    for (let p = 0; p < d.partitions; p++) {
      const lg = logs.partition(name, p);
      if (lg) partitions.push(this.partitionView(lg));
    }
    return { name: d.name, internal: d.internal, partitions };
  }

  async topics(): Promise<TopicView[]> {
    const out: TopicView[] = [];
    for (const t of this.logs().listTopics().sort((a, b) => a.name.localeCompare(b.name))) {
      const v = this.topicView(t.name);
      if (v) out.push(v);
    }
    return out;
  }

  async topic(name: string): Promise<TopicDetailView | undefined> {
    const v = this.topicView(name);
    if (!v) return undefined;
    return { ...v, configs: { ...this.logs().effectiveTopicConfig(name) } };
  }

  async browse(req: BrowseRequest): Promise<BrowseResult> {
    const lg = this.logs().partition(req.topic, req.partition);
    if (!lg) throw new SluiceError('UNKNOWN_TOPIC_OR_PARTITION', `no partition ${req.topic}-${req.partition}`);
    const { limit, maxBytes } = browseLimits(req);
    const logStart = lg.logStartOffset();
    const hw = lg.highWatermark();
    let start = req.offset ?? logStart;
    if (req.offset === undefined && req.timestamp !== undefined) start = lg.offsetForTimestamp(req.timestamp)?.offset ?? hw;
    start = Math.min(Math.max(start, logStart), hw);
    const records: BrowsedRecord[] = [];
    let next = start;
    let budget = maxBytes;
    while (records.length < limit && next < hw && budget > 0) {
      const r = lg.read(next, budget, true);
      const slice = r.slice;
      if (!slice) break;
      let buf: Buffer;
      try {
        buf = Buffer.allocUnsafe(slice.length);
        const { bytesRead } = await readFd(slice.file.fd, buf, 0, slice.length, slice.position);
        buf = buf.subarray(0, bytesRead);
      } finally {
        slice.file.release();
      }
      budget -= buf.length;
      const decoded = decodeRecords(buf, next);
      if (decoded.length === 0) break;
      for (const d of decoded) {
        if (records.length >= limit) break;
        records.push({ offset: d.offset, timestamp: d.timestamp, key: d.key, value: d.value, headers: d.headers });
        next = d.offset + 1;
      }
    }
    return { topic: req.topic, partition: req.partition, startOffset: start, records, nextOffset: next, logStartOffset: logStart, highWatermark: hw };
  }

  private endOffset = (topic: string, partition: number): number => this.opts.logs()?.partition(topic, partition)?.highWatermark() ?? -1;

  private detail(groups: GroupsView, groupId: string, known: { protocolType: string; groupState: string } | undefined): GroupDetailView {
    const d = groups.describe(groupId);
    const raw = {
      groupId,
      state: known?.groupState ?? d.groupState,
      protocolType: d.protocolType || known?.protocolType || '',
      protocol: d.protocolData,
      members: d.members,
    };
    const committed = groups.fetchOffsets(groupId, null).filter((c) => c.offset >= 0);
    return buildGroupDetail(raw, buildMembers(raw), committed, this.endOffset);
  }

  async groups(): Promise<GroupSummaryView[]> {
    const groups = this.opts.groups?.();
    if (!groups) return [];
    return [...groups.list()].sort((a, b) => a.groupId.localeCompare(b.groupId)).map((g) => {
      const d = this.detail(groups, g.groupId, g);
      return { groupId: g.groupId, state: g.groupState, protocolType: g.protocolType, members: d.members.length, totalLag: totalLag(d) };
    });
  }

  async group(groupId: string): Promise<GroupDetailView | undefined> {
    const groups = this.opts.groups?.();
    if (!groups) return undefined;
    const known = groups.list().find((g) => g.groupId === groupId);
    const d = this.detail(groups, groupId, known);
    if (!known && d.partitions.length === 0) return undefined;
    return d;
  }

  async throughput(): Promise<ThroughputTotals> {
    const m = this.opts.brokerMetrics?.();
    if (!m) return { recordsIn: null, bytesIn: null, bytesOut: null, recordsOut: null };
    let recordsIn = 0;
    let recordsOut = 0;
    let bytesIn = 0;
    let bytesOut = 0;
    for (const t of Object.values(m.topics)) {
      recordsIn += t.recordsIn;
      bytesIn += t.bytesIn;
      bytesOut += t.bytesOut;
      recordsOut += t.recordsOut;
    }
    return { recordsIn, bytesIn, bytesOut, recordsOut };
  }

  agent(): AgentView | undefined {
    const a = this.opts.agent?.();
    if (!a) return undefined;
    return agentView(a);
  }

  brokerMetrics(): BrokerMetricsSnapshot | undefined {
    return this.opts.brokerMetrics?.();
  }

  async readiness(): Promise<string[]> {
    const problems: string[] = [];
    if (!this.opts.logs()) problems.push('broker: logs not open');
    if (this.opts.listeners().length === 0) problems.push('broker: no listener bound');
    problems.push(...(this.opts.readiness?.() ?? []));
    return problems;
  }

  async close(): Promise<void> {
    // nothing owned: the broker and agent are stopped by their owners
  }
}

/** The agent's topology and counters as a plain view. */
export function agentView(a: AgentHandle): AgentView {
  const topo = a.current;
  const components = a.metrics.all().map((g) => ({ kind: g.type as CounterGroupType, name: g.name, counters: g.snapshot(), startTime: g.startTime }));
  if (!topo) return { name: a.name, sources: [], channels: [], sinks: [], components };
  return {
    name: a.name,
    sources: topo.sources.map((s) => ({ name: s.name, channels: s.processor.selector.channels.map((c) => c.name) })),
    channels: [...topo.channels.entries()].map(([name, rc]) => ({ name, size: rc.channel.size(), capacity: rc.channel.capacity })),
    sinks: [...topo.sinks.keys()].map((name) => ({ name, channel: topo.sinkChannel.get(name) ?? null })),
    components,
  };
}
