/**
 * The thin Kafka client used by the CLI tools and the monitor: a cluster view built from
 * Metadata, one KafkaConnection per broker, each request routed to the partition leader or
 * the group coordinator, and promise-based operations (admin, offsets, fetch, produce,
 * group describe). Works against Sluice and real Kafka: it only relies on negotiated
 * versions and Kafka's own semantics.
 *
 * Contract:
 * - Operations throw KafkaProtocolError for a non-zero error code (the message names the
 *   topic/partition/group), except `fetch`, which reports errors per partition.
 * - Leader-routed calls refresh metadata and retry (up to 3 times, 100 ms doubling) on a
 *   retriable error such as NOT_LEADER_OR_FOLLOWER or a dropped connection.
 * - int64 values are returned as JS numbers (safe integers), like the storage layer.
 * Not safe to share between unrelated users; `close()` closes every connection.
 */
import { SluiceError } from '../errors.js';
import { ApiKey } from '../protocol/api-keys.js';
import type { Encodable, KnownApiKey, RequestBodies, ResponseBodies } from '../protocol/codec.js';
import { ErrorCode, KafkaProtocolError, errorByCode } from '../protocol/errors.js';
import { decodeRecordBatch, encodeRecordBatch, type DecodedRecord, type RecordInput } from '../protocol/record-batch.js';
import { BATCH } from '../protocol/record-batch-layout.js';
import { KafkaConnection, type RequestOptions } from './connection.js';

export interface KafkaClientOptions {
  /** "host:port[,host:port…]" or a list. */
  readonly bootstrapServers: string | readonly string[];
  readonly clientId?: string;
  readonly requestTimeoutMs?: number;
}

export interface BrokerInfo {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly rack: string | null;
}

export interface PartitionInfo {
  readonly partition: number;
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly errorCode: number;
}

export interface TopicInfo {
  readonly name: string;
  readonly topicId: Buffer;
  readonly internal: boolean;
  readonly errorCode: number;
  readonly partitions: readonly PartitionInfo[];
}

export interface ClusterMetadata {
  readonly clusterId: string | null;
  readonly controllerId: number;
  readonly brokers: readonly BrokerInfo[];
  readonly topics: readonly TopicInfo[];
}

export type OffsetSpec = 'earliest' | 'latest' | 'max-timestamp' | number;

export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
}

export interface FetchTarget {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Default 1 MiB. */
  readonly maxBytes?: number;
}

export interface FetchedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  /** Records at or after the requested offset, in order; a partial trailing batch is skipped. */
  readonly records: DecodedRecord[];
  /** Offset to fetch next (last record + 1, or the requested offset when nothing came). */
  readonly nextOffset: number;
}

export interface FetchOptions {
  readonly maxWaitMs?: number;
  readonly minBytes?: number;
  readonly maxBytes?: number;
  /** 0 read_uncommitted, 1 read_committed (default). */
  readonly isolationLevel?: number;
}

export interface NewTopic {
  readonly name: string;
  /** -1 = broker default. */
  readonly numPartitions?: number;
  readonly replicationFactor?: number;
  readonly configs?: Readonly<Record<string, string>>;
}

export interface ConfigEntry {
  readonly name: string;
  readonly value: string | null;
  readonly readOnly: boolean;
  readonly isDefault: boolean;
  readonly isSensitive: boolean;
  readonly source: number;
}

export interface GroupListing {
  readonly groupId: string;
  readonly protocolType: string;
  readonly state: string;
}

export interface GroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly memberMetadata: Buffer;
  readonly memberAssignment: Buffer;
}

export interface GroupDescription {
  readonly groupId: string;
  readonly errorCode: number;
  readonly state: string;
  readonly protocolType: string;
  readonly protocol: string;
  readonly members: readonly GroupMember[];
}

export interface CommittedOffset {
  readonly topic: string;
  readonly partition: number;
  /** -1 when nothing is committed. */
  readonly offset: number;
  readonly metadata: string | null;
  readonly errorCode: number;
}

const RETRIES = 3;
/** Newest Fetch version that addresses topics by name (v13+ use topic ids). */
const FETCH_MAX_BY_NAME = 12;

function parseBootstrap(list: string | readonly string[]): { host: string; port: number }[] {
  const items = (typeof list === 'string' ? list.split(',') : list).map((s) => s.trim()).filter((s) => s.length > 0);
  if (items.length === 0) throw new SluiceError('USAGE_BOOTSTRAP', 'no bootstrap server given (expected host:port)');
  return items.map((item) => {
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(item.replace(/^[A-Za-z_]+:\/\//, ''));
    if (!m) throw new SluiceError('USAGE_BOOTSTRAP', `bad bootstrap server '${item}' (expected host:port)`);
    return { host: m[1]!, port: Number(m[2]) };
  });
}

function toNumber(v: bigint): number {
  return Number(v);
}

function check(errorCode: number, what: string, message?: string | null): void {
  if (errorCode !== 0) {
    const info = errorByCode(errorCode);
    throw new KafkaProtocolError(errorCode, `${what}: ${info.name}${message ? ` (${message})` : ` (${info.message})`}`);
  }
}

export class KafkaClient {
  private readonly bootstrap: { host: string; port: number }[];
  private readonly clientId: string;
  private readonly requestTimeoutMs: number;
  private bootstrapConn: KafkaConnection | null = null;
  private readonly conns = new Map<number, Promise<KafkaConnection>>();
  private brokers = new Map<number, BrokerInfo>();
  private leaders = new Map<string, number>();
  private partitionCounts = new Map<string, number>();

  constructor(opts: KafkaClientOptions) {
    this.bootstrap = parseBootstrap(opts.bootstrapServers);
    this.clientId = opts.clientId ?? 'sluice';
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
  }

  // -------------------------------------------------------------- connections

  /** A connection to any bootstrap broker (the first that answers). */
  async anyConnection(): Promise<KafkaConnection> {
    if (this.bootstrapConn && !this.bootstrapConn.closed) return this.bootstrapConn;
    let lastErr: unknown;
    for (const b of this.bootstrap) {
      try {
        this.bootstrapConn = await KafkaConnection.connect({ ...b, clientId: this.clientId, requestTimeoutMs: this.requestTimeoutMs });
        return this.bootstrapConn;
      } catch (err) {
        lastErr = err;
      }
    }
    throw lastErr instanceof Error ? lastErr : new SluiceError('CLIENT_CONNECT_FAILED', 'no bootstrap server reachable');
  }

  /** The connection to broker `nodeId` (from the last metadata). */
  async brokerConnection(nodeId: number): Promise<KafkaConnection> {
    const existing = this.conns.get(nodeId);
    if (existing) {
      const c = await existing.catch(() => null);
      if (c && !c.closed) return c;
      this.conns.delete(nodeId);
    }
    if (!this.brokers.has(nodeId)) await this.metadata(null);
    const b = this.brokers.get(nodeId);
    if (!b) throw new KafkaProtocolError(ErrorCode.LEADER_NOT_AVAILABLE, `broker ${nodeId} is not in the cluster metadata`);
    const p = KafkaConnection.connect({ host: b.host, port: b.port, clientId: this.clientId, requestTimeoutMs: this.requestTimeoutMs });
    this.conns.set(nodeId, p);
    p.catch(() => this.conns.delete(nodeId));
    return p;
  }

  /** Sends to any broker (admin requests that need no routing). */
  async send<K extends KnownApiKey>(apiKey: K, body: Encodable<RequestBodies[K]>, opts?: RequestOptions): Promise<ResponseBodies[K]> {
    const conn = await this.anyConnection();
    return conn.request(apiKey, body, opts);
  }

  close(): void {
    this.bootstrapConn?.close();
    for (const p of this.conns.values()) p.then((c) => c.close(), () => undefined);
    this.conns.clear();
  }

  // ----------------------------------------------------------------- metadata

  /** Metadata for `topics` (null = all topics). Updates the routing tables. */
  async metadata(topics: readonly string[] | null = null, allowAutoTopicCreation = false): Promise<ClusterMetadata> {
    const conn = await this.anyConnection();
    const version = conn.versionFor(ApiKey.Metadata);
    const reqTopics = topics === null ? (version === 0 ? [] : null) : topics.map((name) => ({ name }));
    const res = await conn.request(ApiKey.Metadata, { topics: reqTopics, allowAutoTopicCreation }, { version });
    const brokers = res.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack }));
    for (const b of brokers) this.brokers.set(b.nodeId, b);
    const out: TopicInfo[] = res.topics.map((t) => ({
      name: t.name ?? '',
      topicId: t.topicId,
      internal: t.isInternal,
      errorCode: t.errorCode,
      partitions: t.partitions
        .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes, errorCode: p.errorCode }))
        .sort((a, b) => a.partition - b.partition),
    }));
    for (const t of out) {
      if (t.errorCode !== 0) continue;
      this.partitionCounts.set(t.name, t.partitions.length);
      for (const p of t.partitions) this.leaders.set(`${t.name}\u0000${p.partition}`, p.leader);
    }
    return { clusterId: res.clusterId, controllerId: res.controllerId, brokers, topics: out };
  }

  /** Partition ids of `topic`; throws UNKNOWN_TOPIC_OR_PARTITION when absent. */
  async partitionsOf(topic: string): Promise<number[]> {
    const md = await this.metadata([topic]);
    const t = md.topics.find((x) => x.name === topic);
    if (!t) throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic '${topic}' not in metadata`);
    check(t.errorCode, `topic '${topic}'`);
    return t.partitions.map((p) => p.partition);
  }

  private async leaderOf(topic: string, partition: number, refresh: boolean): Promise<number> {
    const key = `${topic}\u0000${partition}`;
    if (refresh || !this.leaders.has(key)) await this.metadata([topic]);
    const leader = this.leaders.get(key);
    if (leader === undefined || leader < 0) {
      throw new KafkaProtocolError(ErrorCode.LEADER_NOT_AVAILABLE, `no leader for ${topic}-${partition}`);
    }
    return leader;
  }

  /** Groups items by the leader of their partition, then runs `fn` per leader, retrying retriable failures. */
  private async perLeader<T extends { topic: string; partition: number }, R>(
    items: readonly T[],
    fn: (conn: KafkaConnection, items: T[]) => Promise<{ done: R[]; retry: T[] }>,
  ): Promise<R[]> {
    const results: R[] = [];
    let pending = [...items];
    let refresh = false;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const groups = new Map<number, T[]>();
      for (const it of pending) {
        const leader = await this.leaderOf(it.topic, it.partition, refresh);
        const g = groups.get(leader);
        if (g) g.push(it);
        else groups.set(leader, [it]);
      }
      const retry: T[] = [];
      let lastErr: unknown;
      await Promise.all(
        [...groups].map(async ([leader, group]) => {
          try {
            const conn = await this.brokerConnection(leader);
            const r = await fn(conn, group);
            results.push(...r.done);
            retry.push(...r.retry);
          } catch (err) {
            if (err instanceof SluiceError && err.retriable) {
              lastErr = err;
              retry.push(...group);
            } else throw err;
          }
        }),
      );
      pending = retry;
      if (pending.length === 0) break;
      if (attempt >= RETRIES) {
        throw lastErr instanceof Error ? lastErr : new KafkaProtocolError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `no stable leader for ${pending.map((p) => `${p.topic}-${p.partition}`).join(', ')}`);
      }
      refresh = true;
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
    return results;
  }

  // ------------------------------------------------------------------ offsets

  /** ListOffsets for the given partitions (default: all partitions of `topic`). */
  async listOffsets(topic: string, spec: OffsetSpec, partitions?: readonly number[]): Promise<PartitionOffset[]> {
    const parts = partitions ?? (await this.partitionsOf(topic));
    const ts = spec === 'earliest' ? -2n : spec === 'latest' ? -1n : spec === 'max-timestamp' ? -3n : BigInt(spec);
    const out = await this.perLeader(
      parts.map((partition) => ({ topic, partition })),
      async (conn, items) => {
        const res = await conn.request(ApiKey.ListOffsets, {
          replicaId: -1, isolationLevel: 0,
          topics: [{ name: topic, partitions: items.map((i) => ({ partitionIndex: i.partition, currentLeaderEpoch: -1, timestamp: ts })) }],
        }, { minVersion: spec === 'max-timestamp' ? 7 : 1 });
        const done: PartitionOffset[] = [];
        const retry: { topic: string; partition: number }[] = [];
        for (const t of res.topics) {
          for (const p of t.partitions) {
            if (p.errorCode !== 0 && errorByCode(p.errorCode).retriable) {
              retry.push({ topic: t.name, partition: p.partitionIndex });
              continue;
            }
            check(p.errorCode, `ListOffsets ${t.name}-${p.partitionIndex}`);
            done.push({ topic: t.name, partition: p.partitionIndex, offset: toNumber(p.offset), timestamp: toNumber(p.timestamp) });
          }
        }
        return { done, retry };
      },
    );
    return out.sort((a, b) => a.partition - b.partition);
  }

  // -------------------------------------------------------------------- fetch

  /** One Fetch round to the leaders of `targets`; decodes the record batches. */
  async fetch(targets: readonly FetchTarget[], opts: FetchOptions = {}): Promise<FetchedPartition[]> {
    const wanted = new Map(targets.map((t) => [`${t.topic}\u0000${t.partition}`, t]));
    const out = await this.perLeader(targets, async (conn, items) => {
      const byTopic = new Map<string, FetchTarget[]>();
      for (const it of items) {
        const g = byTopic.get(it.topic);
        if (g) g.push(it);
        else byTopic.set(it.topic, [it]);
      }
      const maxWaitMs = opts.maxWaitMs ?? 500;
      const res = await conn.request(ApiKey.Fetch, {
        replicaId: -1, maxWaitMs, minBytes: opts.minBytes ?? 1, maxBytes: opts.maxBytes ?? 52_428_800,
        isolationLevel: opts.isolationLevel ?? 1, sessionId: 0, sessionEpoch: -1,
        topics: [...byTopic].map(([topic, ps]) => ({
          topic,
          partitions: ps.map((p) => ({ partition: p.partition, currentLeaderEpoch: -1, fetchOffset: p.offset, logStartOffset: -1, partitionMaxBytes: p.maxBytes ?? 1_048_576 })),
        })),
        forgottenTopicsData: [], rackId: '',
        // Capped at v12: this client names topics; v13+ would need topic ids (KIP-516).
      }, { version: Math.min(FETCH_MAX_BY_NAME, conn.versionFor(ApiKey.Fetch, 4)), timeoutMs: this.requestTimeoutMs + maxWaitMs });
      check(res.errorCode, 'Fetch');
      const done: FetchedPartition[] = [];
      const retry: FetchTarget[] = [];
      for (const t of res.responses) {
        for (const p of t.partitions) {
          const target = wanted.get(`${t.topic}\u0000${p.partitionIndex}`);
          if (!target) continue;
          if (p.errorCode !== 0 && errorByCode(p.errorCode).retriable && p.errorCode !== ErrorCode.REQUEST_TIMED_OUT) {
            retry.push(target);
            continue;
          }
          const records = p.records ? decodeRecords(p.records, target.offset) : [];
          done.push({
            topic: t.topic, partition: p.partitionIndex, errorCode: p.errorCode,
            highWatermark: toNumber(p.highWatermark), logStartOffset: toNumber(p.logStartOffset),
            records,
            nextOffset: records.length > 0 ? records[records.length - 1]!.offset + 1 : target.offset,
          });
        }
      }
      return { done, retry };
    });
    return out;
  }

  // ------------------------------------------------------------------ produce

  /** Produces one batch to one partition; returns the base offset (-1 for acks=0). */
  async produce(topic: string, partition: number, records: readonly RecordInput[], opts: { acks?: number; timeoutMs?: number; compression?: number } = {}): Promise<number> {
    const batch = encodeRecordBatch(records, { compression: opts.compression ?? 0 });
    const acks = opts.acks ?? -1;
    const [offset] = await this.perLeader([{ topic, partition }], async (conn) => {
      const res = await conn.request(ApiKey.Produce, {
        transactionalId: null, acks, timeoutMs: opts.timeoutMs ?? 30_000,
        topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }],
      }, { minVersion: 3, noResponse: acks === 0 });
      if (acks === 0) return { done: [-1], retry: [] };
      const p = res.responses[0]?.partitionResponses[0];
      if (!p) throw new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR, `Produce to ${topic}-${partition}: empty response`);
      if (p.errorCode !== 0 && errorByCode(p.errorCode).retriable) return { done: [], retry: [{ topic, partition }] };
      check(p.errorCode, `Produce to ${topic}-${partition}`, p.errorMessage);
      return { done: [toNumber(p.baseOffset)], retry: [] };
    });
    return offset ?? -1;
  }

  // -------------------------------------------------------------------- admin

  async createTopics(topics: readonly NewTopic[], opts: { timeoutMs?: number; validateOnly?: boolean } = {}): Promise<void> {
    const conn = await this.controllerConnection();
    const res = await conn.request(ApiKey.CreateTopics, {
      topics: topics.map((t) => ({
        name: t.name, numPartitions: t.numPartitions ?? -1, replicationFactor: t.replicationFactor ?? -1, assignments: [],
        configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
      timeoutMs: opts.timeoutMs ?? 30_000, validateOnly: opts.validateOnly ?? false,
    });
    for (const t of res.topics) check(t.errorCode, `create topic '${t.name}'`, t.errorMessage);
  }

  async deleteTopics(names: readonly string[], opts: { timeoutMs?: number } = {}): Promise<void> {
    const conn = await this.controllerConnection();
    const res = await conn.request(ApiKey.DeleteTopics, {
      topicNames: [...names], topics: names.map((name) => ({ name })), timeoutMs: opts.timeoutMs ?? 30_000,
    });
    for (const t of res.responses) check(t.errorCode, `delete topic '${t.name ?? ''}'`, t.errorMessage);
  }

  /** Raises `topic` to `totalCount` partitions. */
  async createPartitions(topic: string, totalCount: number, opts: { timeoutMs?: number } = {}): Promise<void> {
    const conn = await this.controllerConnection();
    const res = await conn.request(ApiKey.CreatePartitions, {
      topics: [{ name: topic, count: totalCount, assignments: null }], timeoutMs: opts.timeoutMs ?? 30_000, validateOnly: false,
    });
    for (const r of res.results) check(r.errorCode, `create partitions for '${r.name}'`, r.errorMessage);
  }

  /** DescribeConfigs for a topic (type 2) or broker (type 4). */
  async describeConfigs(resourceType: number, resourceName: string, keys: readonly string[] | null = null): Promise<ConfigEntry[]> {
    const res = await this.send(ApiKey.DescribeConfigs, {
      resources: [{ resourceType, resourceName, configurationKeys: keys ? [...keys] : null }], includeSynonyms: false, includeDocumentation: false,
    });
    const r = res.results[0];
    if (!r) throw new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR, `DescribeConfigs ${resourceName}: empty response`);
    check(r.errorCode, `describe configs of '${resourceName}'`, r.errorMessage);
    return r.configs.map((c) => ({
      name: c.name, value: c.value, readOnly: c.readOnly, isSensitive: c.isSensitive, source: c.configSource,
      isDefault: c.isDefault || c.configSource === 5,
    }));
  }

  /** IncrementalAlterConfigs SET (value) / DELETE (null) for one resource; falls back to AlterConfigs when absent. */
  async alterConfigs(resourceType: number, resourceName: string, changes: Readonly<Record<string, string | null>>): Promise<void> {
    const conn = await this.anyConnection();
    if (conn.brokerVersions.has(ApiKey.IncrementalAlterConfigs)) {
      const res = await conn.request(ApiKey.IncrementalAlterConfigs, {
        resources: [{ resourceType, resourceName, configs: Object.entries(changes).map(([name, value]) => ({ name, configOperation: value === null ? 1 : 0, value })) }],
        validateOnly: false,
      });
      for (const r of res.responses) check(r.errorCode, `alter configs of '${r.resourceName}'`, r.errorMessage);
      return;
    }
    const res = await conn.request(ApiKey.AlterConfigs, {
      resources: [{ resourceType, resourceName, configs: Object.entries(changes).filter(([, v]) => v !== null).map(([name, value]) => ({ name, value })) }],
      validateOnly: false,
    });
    for (const r of res.responses) check(r.errorCode, `alter configs of '${r.resourceName}'`, r.errorMessage);
  }

  private async controllerConnection(): Promise<KafkaConnection> {
    const md = await this.metadata([]);
    if (md.controllerId >= 0 && this.brokers.has(md.controllerId)) return this.brokerConnection(md.controllerId);
    return this.anyConnection();
  }

  // ------------------------------------------------------------------- groups

  /** The coordinator's node for `groupId` (key type 0). */
  async findCoordinator(groupId: string): Promise<BrokerInfo> {
    for (let attempt = 0; ; attempt++) {
      const conn = await this.anyConnection();
      const version = conn.versionFor(ApiKey.FindCoordinator);
      const res = await conn.request(ApiKey.FindCoordinator, { key: groupId, keyType: 0, coordinatorKeys: [groupId] }, { version });
      const c = version >= 4 ? res.coordinators[0] : { nodeId: res.nodeId, host: res.host, port: res.port, errorCode: res.errorCode, errorMessage: res.errorMessage };
      if (!c) throw new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR, `FindCoordinator ${groupId}: empty response`);
      if (c.errorCode !== 0 && errorByCode(c.errorCode).retriable && attempt < RETRIES) {
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
        continue;
      }
      check(c.errorCode, `find coordinator for group '${groupId}'`, c.errorMessage);
      const info = { nodeId: c.nodeId, host: c.host, port: c.port, rack: null };
      this.brokers.set(c.nodeId, info);
      return info;
    }
  }

  async coordinatorConnection(groupId: string): Promise<KafkaConnection> {
    const c = await this.findCoordinator(groupId);
    return this.brokerConnection(c.nodeId);
  }

  /** ListGroups on every broker, merged. */
  async listGroups(): Promise<GroupListing[]> {
    const md = await this.metadata([]);
    const out = new Map<string, GroupListing>();
    await Promise.all(md.brokers.map(async (b) => {
      const conn = await this.brokerConnection(b.nodeId);
      const res = await conn.request(ApiKey.ListGroups, { statesFilter: [] });
      check(res.errorCode, `list groups on broker ${b.nodeId}`);
      for (const g of res.groups) out.set(g.groupId, { groupId: g.groupId, protocolType: g.protocolType, state: g.groupState });
    }));
    return [...out.values()].sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    const conn = await this.coordinatorConnection(groupId);
    const res = await conn.request(ApiKey.DescribeGroups, { groups: [groupId], includeAuthorizedOperations: false });
    const g = res.groups[0];
    if (!g) throw new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR, `DescribeGroups ${groupId}: empty response`);
    check(g.errorCode, `describe group '${groupId}'`);
    return {
      groupId: g.groupId, errorCode: g.errorCode, state: g.groupState, protocolType: g.protocolType, protocol: g.protocolData,
      members: g.members.map((m) => ({
        memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
        memberMetadata: m.memberMetadata, memberAssignment: m.memberAssignment,
      })),
    };
  }

  /** Committed offsets of `groupId` (topics null = all the group has). */
  async offsetFetch(groupId: string, topics: readonly { topic: string; partitions: readonly number[] }[] | null = null): Promise<CommittedOffset[]> {
    const conn = await this.coordinatorConnection(groupId);
    const version = conn.versionFor(ApiKey.OffsetFetch, topics === null ? 2 : 1);
    const reqTopics = topics === null ? null : topics.map((t) => ({ name: t.topic, partitionIndexes: [...t.partitions] }));
    const res = await conn.request(ApiKey.OffsetFetch, {
      groupId, topics: reqTopics, requireStable: false, groups: [{ groupId, topics: reqTopics }],
    }, { version });
    let topicsOut: { name: string; partitions: { partitionIndex: number; committedOffset: bigint; metadata: string | null; errorCode: number }[] }[];
    if (version >= 8) {
      const g = res.groups[0];
      if (!g) throw new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR, `OffsetFetch ${groupId}: empty response`);
      check(g.errorCode, `fetch offsets of group '${groupId}'`);
      topicsOut = g.topics;
    } else {
      check(res.errorCode, `fetch offsets of group '${groupId}'`);
      topicsOut = res.topics;
    }
    const out: CommittedOffset[] = [];
    for (const t of topicsOut) {
      for (const p of t.partitions) {
        out.push({ topic: t.name, partition: p.partitionIndex, offset: toNumber(p.committedOffset), metadata: p.metadata, errorCode: p.errorCode });
      }
    }
    return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  /** Standalone commit (generation -1, no member), as admin tools do. */
  async offsetCommit(groupId: string, offsets: readonly { topic: string; partition: number; offset: number; metadata?: string | null }[], member: { generationId?: number; memberId?: string } = {}): Promise<void> {
    const conn = await this.coordinatorConnection(groupId);
    const byTopic = new Map<string, { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; committedMetadata: string | null }[]>();
    for (const o of offsets) {
      const list = byTopic.get(o.topic) ?? [];
      list.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, committedMetadata: o.metadata ?? '' });
      byTopic.set(o.topic, list);
    }
    const res = await conn.request(ApiKey.OffsetCommit, {
      groupId, generationIdOrMemberEpoch: member.generationId ?? -1, memberId: member.memberId ?? '', groupInstanceId: null, retentionTimeMs: -1,
      topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
    });
    for (const t of res.topics) for (const p of t.partitions) check(p.errorCode, `commit ${groupId} ${t.name}-${p.partitionIndex}`);
  }

  async deleteGroups(groupIds: readonly string[]): Promise<void> {
    for (const groupId of groupIds) {
      const conn = await this.coordinatorConnection(groupId);
      const res = await conn.request(ApiKey.DeleteGroups, { groupsNames: [groupId] });
      for (const r of res.results) check(r.errorCode, `delete group '${r.groupId}'`);
    }
  }
}

/**
 * Decodes the record batches in a Fetch `records` blob, keeping records with offset ≥
 * `fromOffset`. A partial trailing batch (allowed by Kafka) is skipped; control batches
 * are skipped.
 */
export function decodeRecords(blob: Buffer, fromOffset: number): DecodedRecord[] {
  const out: DecodedRecord[] = [];
  let pos = 0;
  while (pos + BATCH.LOG_OVERHEAD <= blob.length) {
    const size = blob.readInt32BE(pos + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
    if (size < BATCH.HEADER_SIZE || pos + size > blob.length) break;
    const attributes = blob.readInt16BE(pos + BATCH.ATTRIBUTES);
    if ((attributes & 0x20) === 0) {
      const batch = decodeRecordBatch(blob, pos);
      for (const r of batch.records) if (r.offset >= fromOffset) out.push(r);
    }
    pos += size;
  }
  return out;
}
