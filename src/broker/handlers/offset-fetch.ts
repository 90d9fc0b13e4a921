/**
 * OffsetFetch (key 9), versions 0–8 (flexible from v6; v8 batches groups, KIP-709).
 *
 * Request: GroupId + Topics?[Name, PartitionIndexes[]] (v0–7; null = all, v2+),
 *   Groups[GroupId, Topics?[…]] (v8+), RequireStable (v7+).
 * Response: ThrottleTimeMs (v3+), Topics[Name, Partitions[PartitionIndex,
 *   CommittedOffset, CommittedLeaderEpoch (v5+), Metadata?, ErrorCode]], ErrorCode
 *   (v2–7) | Groups[GroupId, Topics[…], ErrorCode] (v8+).
 *
 * Nothing committed → offset -1, NONE. RequireStable needs no wait (no transactions).
 */
import { ErrorCode } from '../../protocol/errors.js';
import type { FetchedOffset } from '../groups/group-coordinator.js';
import type { ApiHandler, MessageBody, RequestContext } from './types.js';

type TopicsReq = readonly { name: string; partitionIndexes: readonly number[] }[] | null;

interface OffsetFetchRequest {
  readonly groupId?: string;
  readonly topics?: TopicsReq;
  readonly groups?: readonly { groupId: string; topics: TopicsReq }[];
}

function byTopic(rows: readonly FetchedOffset[]): MessageBody[] {
  const out = new Map<string, MessageBody[]>();
  for (const r of rows) {
    let ps = out.get(r.topic);
    if (!ps) out.set(r.topic, (ps = []));
    ps.push({ partitionIndex: r.partition, committedOffset: BigInt(r.offset), committedLeaderEpoch: r.leaderEpoch, metadata: r.metadata, errorCode: r.errorCode });
  }
  return [...out].map(([name, partitions]) => ({ name, partitions }));
}

export const offsetFetchHandler: ApiHandler = {
  apiKey: 9,
  name: 'OffsetFetch',
  minVersion: 0,
  maxVersion: 8,
  handle(ctx: RequestContext, body: MessageBody): MessageBody {
    const req = body as unknown as OffsetFetchRequest;
    const v = ctx.header.apiVersion;
    const groups = ctx.services.groups;
    const one = (groupId: string, topics: TopicsReq): { topics: MessageBody[]; errorCode: number } => {
      if (!groups) return { topics: [], errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
      if (groupId === '') return { topics: [], errorCode: ErrorCode.INVALID_GROUP_ID };
      return { topics: byTopic(groups.fetchOffsets(groupId, topics)), errorCode: ErrorCode.NONE };
    };
    if (v >= 8) {
      return {
        throttleTimeMs: 0,
        groups: (req.groups ?? []).map((g) => {
          const r = one(g.groupId, g.topics);
          return { groupId: g.groupId, topics: r.topics, errorCode: r.errorCode };
        }),
      };
    }
    // v0-1 have no null "all topics"; an empty list there means nothing.
    const r = one(req.groupId ?? '', req.topics ?? (v >= 2 ? null : []));
    return { throttleTimeMs: 0, topics: r.topics, errorCode: r.errorCode };
  },
};
