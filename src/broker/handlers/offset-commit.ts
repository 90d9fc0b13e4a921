/**
 * OffsetCommit (key 8), versions 0–8 (flexible from v8).
 *
 * Request: GroupId, GenerationIdOrMemberEpoch (v1+), MemberId (v1+), GroupInstanceId?
 *   (v7+), RetentionTimeMs (v2–4), Topics[Name, Partitions[PartitionIndex,
 *   CommittedOffset, CommittedLeaderEpoch (v6+), CommitTimestamp (v1), CommittedMetadata?]].
 * Response: ThrottleTimeMs (v3+), Topics[Name, Partitions[PartitionIndex, ErrorCode]].
 *
 * v0 carries no generation: it is a standalone commit (generation -1, no member).
 * Errors (groups/group-coordinator.ts `commitOffsets`): ILLEGAL_GENERATION,
 * UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS, UNKNOWN_TOPIC_OR_PARTITION,
 * OFFSET_METADATA_TOO_LARGE, COORDINATOR_NOT_AVAILABLE.
 */
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, MessageBody, RequestContext } from './types.js';

interface OffsetCommitRequest {
  readonly groupId: string;
  readonly generationIdOrMemberEpoch?: number;
  readonly memberId?: string;
  readonly groupInstanceId?: string | null;
  readonly retentionTimeMs?: bigint;
  readonly topics: readonly {
    readonly name: string;
    readonly partitions: readonly { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch?: number; committedMetadata: string | null }[];
  }[];
}

export const offsetCommitHandler: ApiHandler = {
  apiKey: 8,
  name: 'OffsetCommit',
  minVersion: 0,
  maxVersion: 8,
  async handle(ctx: RequestContext, body: MessageBody): Promise<MessageBody> {
    const req = body as unknown as OffsetCommitRequest;
    const v = ctx.header.apiVersion;
    const groups = ctx.services.groups;
    if (!groups) {
      return {
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE })) })),
      };
    }
    const topics = await groups.commitOffsets({
      groupId: req.groupId,
      generationId: v >= 1 ? (req.generationIdOrMemberEpoch ?? -1) : -1,
      memberId: v >= 1 ? (req.memberId ?? '') : '',
      groupInstanceId: v >= 7 ? (req.groupInstanceId ?? null) : null,
      retentionTimeMs: v >= 2 && v <= 4 ? Number(req.retentionTimeMs ?? -1n) : -1,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          committedOffset: Number(p.committedOffset),
          committedLeaderEpoch: v >= 6 ? (p.committedLeaderEpoch ?? -1) : -1,
          committedMetadata: p.committedMetadata,
        })),
      })),
    });
    return { throttleTimeMs: 0, topics };
  },
};
