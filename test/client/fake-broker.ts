// A tiny in-test Kafka broker on 127.0.0.1:0 whose answers are built with our codec. It keeps
// topics in memory (record batches with rewritten base offsets), one consumer group with
// committed offsets, and answers the APIs the thin client and the CLI tools use. Tests can
// cap the advertised versions to exercise negotiation.
import net from 'node:net';
import {
  SUPPORTED_APIS, decodeRequest, decodeRequestHeader, encodeResponseBuffer, encodeUnsupportedApiVersionsResponse, peekRequestHeader,
} from '../../src/protocol/codec.js';
import { encodeConsumerAssignment, encodeConsumerSubscription } from '../../src/protocol/consumer-protocol.js';

export interface FakeBrokerOptions {
  /** Highest ApiVersions version accepted (default 3). */
  readonly apiVersionsMax?: number;
  /** Per-API max overrides for the advertised ranges. */
  readonly maxVersions?: Readonly<Record<number, number>>;
}

export interface FakeBroker {
  readonly port: number;
  readonly topics: Map<string, Buffer[][]>;
  readonly configs: Map<string, Record<string, string>>;
  readonly committed: Map<string, bigint>;
  readonly seen: { apiKey: number; version: number }[];
  close(): Promise<void>;
}

type Body = Record<string, any>;

export async function startFakeBroker(opts: FakeBrokerOptions = {}): Promise<FakeBroker> {
  const topics = new Map<string, Buffer[][]>();
  const configs = new Map<string, Record<string, string>>();
  const committed = new Map<string, bigint>();
  const seen: { apiKey: number; version: number }[] = [];
  const sockets = new Set<net.Socket>();
  let port = 0;
  const advertised = SUPPORTED_APIS.map((a) => ({
    apiKey: a.apiKey, minVersion: a.minVersion,
    maxVersion: a.apiKey === 18 ? (opts.apiVersionsMax ?? 3) : Math.min(a.maxVersion, opts.maxVersions?.[a.apiKey] ?? a.maxVersion),
  }));

  const endOffset = (log: Buffer[]) => log.reduce((n, b) => n + b.readInt32BE(23) + 1, 0);

  function handle(apiKey: number, version: number, req: Body): Body {
    switch (apiKey) {
      case 18: return { errorCode: 0, apiKeys: advertised };
      case 3: {
        const names = req.topics === null || req.topics.length === 0 && version === 0 ? [...topics.keys()] : req.topics.map((t: Body) => t.name);
        return {
          brokers: [{ nodeId: 1, host: '127.0.0.1', port, rack: null }], clusterId: 'fake', controllerId: 1,
          topics: names.map((name: string) => {
            const parts = topics.get(name);
            if (!parts) return { errorCode: 3, name, partitions: [] };
            return { errorCode: 0, name, topicId: Buffer.alloc(16, 1), isInternal: false, partitions: parts.map((_, i) => ({ errorCode: 0, partitionIndex: i, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] })) };
          }),
        };
      }
      case 19: return {
        topics: req.topics.map((t: Body) => {
          if (topics.has(t.name)) return { name: t.name, errorCode: 36, errorMessage: `Topic '${t.name}' already exists.` };
          topics.set(t.name, Array.from({ length: t.numPartitions < 0 ? 1 : t.numPartitions }, () => []));
          configs.set(t.name, Object.fromEntries(t.configs.map((c: Body) => [c.name, c.value])));
          return { name: t.name, errorCode: 0, errorMessage: null, numPartitions: t.numPartitions, replicationFactor: 1 };
        }),
      };
      case 20: {
        const names: string[] = version >= 6 ? req.topics.map((t: Body) => t.name) : req.topicNames;
        return { responses: names.map((name) => ({ name, errorCode: topics.delete(name) ? 0 : 3 })) };
      }
      case 37: return {
        results: req.topics.map((t: Body) => {
          const parts = topics.get(t.name);
          if (!parts) return { name: t.name, errorCode: 3, errorMessage: null };
          if (t.count <= parts.length) return { name: t.name, errorCode: 37, errorMessage: `Topic already has ${parts.length} partitions.` };
          while (parts.length < t.count) parts.push([]);
          return { name: t.name, errorCode: 0, errorMessage: null };
        }),
      };
      case 32: return {
        results: req.resources.map((r: Body) => ({
          errorCode: 0, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName,
          configs: Object.entries(configs.get(r.resourceName) ?? {}).map(([name, value]) => ({ name, value, readOnly: false, configSource: 1, isSensitive: false })),
        })),
      };
      case 44: return {
        responses: req.resources.map((r: Body) => {
          const c = configs.get(r.resourceName) ?? {};
          for (const e of r.configs) if (e.configOperation === 1) delete c[e.name]; else c[e.name] = e.value;
          configs.set(r.resourceName, c);
          return { errorCode: 0, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName };
        }),
      };
      case 0: return {
        responses: req.topicData.map((t: Body) => ({
          name: t.name,
          partitionResponses: t.partitionData.map((p: Body) => {
            const log = topics.get(t.name)?.[p.index];
            if (!log) return { index: p.index, errorCode: 3, baseOffset: -1n };
            const base = endOffset(log);
            const batch = Buffer.from(p.records as Buffer);
            batch.writeBigInt64BE(BigInt(base), 0);
            log.push(batch);
            return { index: p.index, errorCode: 0, baseOffset: BigInt(base), logAppendTimeMs: -1n, logStartOffset: 0n };
          }),
        })),
      };
      case 2: return {
        topics: req.topics.map((t: Body) => ({
          name: t.name,
          partitions: t.partitions.map((p: Body) => {
            const log = topics.get(t.name)?.[p.partitionIndex];
            if (!log) return { partitionIndex: p.partitionIndex, errorCode: 3 };
            const offset = p.timestamp === -2n ? 0 : endOffset(log);
            return { partitionIndex: p.partitionIndex, errorCode: 0, timestamp: -1n, offset: BigInt(offset), oldStyleOffsets: [BigInt(offset)] };
          }),
        })),
      };
      case 1: return {
        responses: req.topics.map((t: Body) => ({
          topic: t.topic,
          partitions: t.partitions.map((p: Body) => {
            const log = topics.get(t.topic)?.[p.partition];
            if (!log) return { partitionIndex: p.partition, errorCode: 3, highWatermark: -1n, records: null };
            const hw = endOffset(log);
            let start = 0;
            const chosen: Buffer[] = [];
            for (const b of log) {
              const last = start + b.readInt32BE(23);
              if (last >= Number(p.fetchOffset)) chosen.push(b);
              start = last + 1;
            }
            return { partitionIndex: p.partition, errorCode: 0, highWatermark: BigInt(hw), lastStableOffset: BigInt(hw), logStartOffset: 0n, abortedTransactions: null, preferredReadReplica: -1, records: Buffer.concat(chosen) };
          }),
        })),
      };
      case 10: return version >= 4
        ? { coordinators: req.coordinatorKeys.map((key: string) => ({ key, nodeId: 1, host: '127.0.0.1', port, errorCode: 0, errorMessage: null })) }
        : { errorCode: 0, errorMessage: null, nodeId: 1, host: '127.0.0.1', port };
      case 16: return { errorCode: 0, groups: [{ groupId: 'g1', protocolType: 'consumer', groupState: 'Stable' }] };
      case 15: return {
        groups: req.groups.map((groupId: string) => ({
          errorCode: 0, groupId, groupState: 'Stable', protocolType: 'consumer', protocolData: 'range',
          members: [{
            memberId: 'm-1', groupInstanceId: null, clientId: 'client-a', clientHost: '/127.0.0.1',
            memberMetadata: encodeConsumerSubscription({ topics: ['t1'], userData: null }, 0),
            memberAssignment: encodeConsumerAssignment({ assignedPartitions: [{ topic: 't1', partitions: [0, 1] }], userData: null }, 0),
          }],
        })),
      };
      case 9: {
        const all = [...committed.entries()].map(([k, v]) => { const [, topic, p] = k.split('\u0000'); return { topic: topic!, partition: Number(p), offset: v }; });
        const byTopic = new Map<string, Body[]>();
        for (const c of all) byTopic.set(c.topic, [...(byTopic.get(c.topic) ?? []), { partitionIndex: c.partition, committedOffset: c.offset, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }]);
        const ts = [...byTopic].map(([name, partitions]) => ({ name, partitions }));
        return version >= 8 ? { groups: req.groups.map((g: Body) => ({ groupId: g.groupId, topics: ts, errorCode: 0 })) } : { errorCode: 0, topics: ts };
      }
      case 8: return {
        topics: req.topics.map((t: Body) => ({
          name: t.name,
          partitions: t.partitions.map((p: Body) => {
            committed.set(`${req.groupId}\u0000${t.name}\u0000${p.partitionIndex}`, p.committedOffset);
            return { partitionIndex: p.partitionIndex, errorCode: 0 };
          }),
        })),
      };
      case 42: return { results: req.groupsNames.map((groupId: string) => ({ groupId, errorCode: 0 })) };
      default: throw new Error(`fake broker: no handler for api ${apiKey}`);
    }
  }

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const frame = buf.subarray(4, 4 + buf.readInt32BE(0));
        buf = buf.subarray(4 + frame.length);
        const peek = peekRequestHeader(frame);
        seen.push({ apiKey: peek.apiKey, version: peek.apiVersion });
        if (peek.apiKey === 18 && peek.apiVersion > (opts.apiVersionsMax ?? 3)) {
          socket.write(encodeUnsupportedApiVersionsResponse(peek.correlationId, 0, opts.apiVersionsMax ?? 3));
          continue;
        }
        const { header, bodyOffset } = decodeRequestHeader(frame);
        const req = decodeRequest(header.apiKey, header.apiVersion, frame, bodyOffset) as Body;
        const res = handle(header.apiKey, header.apiVersion, req);
        if (header.apiKey === 0 && req.acks === 0) continue;
        socket.write(encodeResponseBuffer(header.apiKey, header.apiVersion, header.correlationId, res));
      }
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
  return {
    port, topics, configs, committed, seen,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
