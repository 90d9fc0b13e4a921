/**
 * Remote monitor data source: any Kafka-compatible cluster through the thin client
 * (src/client): Metadata for brokers/topics/leaders, ListOffsets for start/end offsets
 * (and for browsing from a timestamp), DescribeConfigs for topic configs,
 * ListGroups/DescribeGroups/OffsetFetch for groups, and a Fetch with a small max bytes
 * to browse a partition. Sizes and segment counts are unknown over these APIs (null).
 *
 * Owns its KafkaClient (closed by `close()`). Read-only against the cluster: it never
 * commits offsets, joins groups or creates topics (Metadata with auto-creation off).
 * Calls are not cached; each page costs a handful of requests.
 */
import { KafkaClient } from '../client/kafka-client.js';
import { SluiceError, describeError } from '../errors.js';
import {
  browseLimits, type AgentView, type BrowseRequest, type BrowseResult, type GroupDetailView, type GroupSummaryView,
  type MonitorDataSource, type OverviewView, type PartitionView, type ThroughputTotals, type TopicDetailView, type TopicView,
} from './data-source.js';
import type { BrokerMetricsSnapshot } from '../broker/broker-metrics.js';
import { buildGroupDetail, buildMembers, partitionsOfInterest, totalLag } from './group-lag.js';

const RESOURCE_TOPIC = 2;

export interface RemoteSourceOptions {
  readonly bootstrapServers: string;
  readonly clientId?: string;
  readonly requestTimeoutMs?: number;
}

export class RemoteDataSource implements MonitorDataSource {
  readonly mode = 'remote' as const;
  private readonly client: KafkaClient;

  constructor(private readonly opts: RemoteSourceOptions) {
    this.client = new KafkaClient({
      bootstrapServers: opts.bootstrapServers,
      clientId: opts.clientId ?? 'sluice-monitor',
      ...(opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
    });
  }

  async overview(): Promise<OverviewView> {
    const md = await this.client.metadata(null);
    const groups = await this.client.listGroups().catch(() => []);
    const topics = md.topics.filter((t) => t.errorCode === 0);
    return {
      mode: 'remote',
      clusterId: md.clusterId,
      brokers: md.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })),
      listeners: md.brokers.map((b) => ({ name: `broker ${b.nodeId}`, host: b.host, port: b.port })),
      bootstrap: this.opts.bootstrapServers,
      logDirs: [],
      topicCount: topics.length,
      partitionCount: topics.reduce((n, t) => n + t.partitions.length, 0),
      groupCount: groups.length,
    };
  }

  private async partitionViews(topic: string, partitions: readonly { partition: number; leader: number }[]): Promise<PartitionView[]> {
    if (partitions.length === 0) return [];
    const ids = partitions.map((p) => p.partition);
    const [start, end] = await Promise.all([this.client.listOffsets(topic, 'earliest', ids), this.client.listOffsets(topic, 'latest', ids)]);
    const s = new Map(start.map((o) => [o.partition, o.offset]));
    const e = new Map(end.map((o) => [o.partition, o.offset]));
    return partitions.map((p) => ({
      partition: p.partition,
      leader: p.leader,
      logStartOffset: s.get(p.partition) ?? -1,
      logEndOffset: e.get(p.partition) ?? -1,
      highWatermark: e.get(p.partition) ?? -1,
      sizeBytes: null,
      segmentCount: null,
    }));
  }

  async topics(): Promise<TopicView[]> {
    const md = await this.client.metadata(null);
    const topics = md.topics.filter((t) => t.errorCode === 0).sort((a, b) => a.name.localeCompare(b.name));
    return Promise.all(topics.map(async (t) => ({ name: t.name, internal: t.internal, partitions: await this.partitionViews(t.name, t.partitions) })));
  }

  async topic(name: string): Promise<TopicDetailView | undefined> {
    const md = await this.client.metadata([name]);
    const t = md.topics.find((x) => x.name === name);
    if (!t || t.errorCode !== 0) return undefined;
    const configs: Record<string, string> = {};
    try {
      for (const c of await this.client.describeConfigs(RESOURCE_TOPIC, name)) if (c.value !== null && !c.isSensitive) configs[c.name] = c.value;
    } catch (err) {
      configs['(error)'] = describeError(err);
    }
    return { name, internal: t.internal, partitions: await this.partitionViews(name, t.partitions), configs };
  }

  async browse(req: BrowseRequest): Promise<BrowseResult> {
    const { limit, maxBytes } = browseLimits(req);
    const [start] = await this.client.listOffsets(req.topic, 'earliest', [req.partition]);
    const [end] = await this.client.listOffsets(req.topic, 'latest', [req.partition]);
    if (!start || !end) throw new SluiceError('UNKNOWN_TOPIC_OR_PARTITION', `no partition ${req.topic}-${req.partition}`);
    let from = req.offset ?? start.offset;
    if (req.offset === undefined && req.timestamp !== undefined) {
      const [byTime] = await this.client.listOffsets(req.topic, req.timestamp, [req.partition]);
      from = byTime && byTime.offset >= 0 ? byTime.offset : end.offset;
    }
    from = Math.min(Math.max(from, start.offset), end.offset);
    const records: BrowseResult['records'][number][] = [];
    let next = from;
    let budget = maxBytes;
    while (records.length < limit && next < end.offset && budget > 0) {
      const [fp] = await this.client.fetch([{ topic: req.topic, partition: req.partition, offset: next, maxBytes: budget }], { maxWaitMs: 0, maxBytes: budget, isolationLevel: 0 });
      if (!fp || fp.errorCode !== 0 || fp.records.length === 0) break;
      for (const r of fp.records) {
        if (records.length >= limit) break;
        records.push({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers });
        budget -= r.sizeInBytes;
        next = r.offset + 1;
      }
    }
    return { topic: req.topic, partition: req.partition, startOffset: from, records, nextOffset: next, logStartOffset: start.offset, highWatermark: end.offset };
  }

  private async detail(groupId: string): Promise<GroupDetailView> {
    const d = await this.client.describeGroup(groupId);
    const raw = { groupId, state: d.state, protocolType: d.protocolType, protocol: d.protocol, members: d.members };
    const members = buildMembers(raw);
    const committed = (await this.client.offsetFetch(groupId, null)).filter((c) => c.errorCode === 0 && c.offset >= 0);
    const wanted = partitionsOfInterest(members, committed);
    const byTopic = new Map<string, number[]>();
    for (const w of wanted) byTopic.set(w.topic, [...(byTopic.get(w.topic) ?? []), w.partition]);
    const ends = new Map<string, number>();
    await Promise.all([...byTopic].map(async ([topic, parts]) => {
      try {
        for (const o of await this.client.listOffsets(topic, 'latest', parts)) ends.set(`${topic}\u0000${o.partition}`, o.offset);
      } catch {
        // topic deleted since the commit: end offset unknown (−1)
      }
    }));
    return buildGroupDetail(raw, members, committed, (t, p) => ends.get(`${t}\u0000${p}`) ?? -1);
  }

  async groups(): Promise<GroupSummaryView[]> {
    const list = await this.client.listGroups();
    return Promise.all(list.map(async (g) => {
      const d = await this.detail(g.groupId);
      return { groupId: g.groupId, state: d.state || g.state, protocolType: g.protocolType, members: d.members.length, totalLag: totalLag(d) };
    }));
  }

  async group(groupId: string): Promise<GroupDetailView | undefined> {
    const d = await this.detail(groupId);
    if (d.state === 'Dead' && d.partitions.length === 0) return undefined;
    return d;
  }

  async throughput(): Promise<ThroughputTotals> {
    // Records in = sum of end offsets (a rate of change is a produce rate); bytes unknown.
    let recordsIn = 0;
    for (const t of await this.topics()) for (const p of t.partitions) if (p.logEndOffset > 0) recordsIn += p.logEndOffset;
    return { recordsIn, bytesIn: null, bytesOut: null };
  }

  agent(): AgentView | undefined {
    return undefined;
  }

  brokerMetrics(): BrokerMetricsSnapshot | undefined {
    return undefined;
  }

  async readiness(): Promise<string[]> {
    try {
      await this.client.metadata([]);
      return [];
    } catch (err) {
      return [`cluster ${this.opts.bootstrapServers}: ${describeError(err)}`];
    }
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
