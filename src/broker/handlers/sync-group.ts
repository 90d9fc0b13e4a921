/**
 * SyncGroup (key 14), versions 0–5 (flexible from v4).
 *
 * Request: GroupId, GenerationId, MemberId, GroupInstanceId? (v3+), ProtocolType? and
 *   ProtocolName? (v5+), Assignments[MemberId, Assignment] (the leader's only).
 * Response: ThrottleTimeMs (v1+), ErrorCode, ProtocolType?/ProtocolName? (v5+), Assignment.
 *
 * Followers' responses are held until the leader's assignments arrive
 * (groups/group-coordinator.ts); REBALANCE_IN_PROGRESS (27) while preparing.
 */
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, MessageBody, RequestContext } from './types.js';

interface SyncGroupRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId?: string | null;
  readonly protocolType?: string | null;
  readonly protocolName?: string | null;
  readonly assignments: readonly { memberId: string; assignment: Buffer }[];
}

export const syncGroupHandler: ApiHandler = {
  apiKey: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx: RequestContext, body: MessageBody): Promise<MessageBody> {
    const req = body as unknown as SyncGroupRequest;
    const v = ctx.header.apiVersion;
    const groups = ctx.services.groups;
    const r = groups
      ? await groups.sync({
        groupId: req.groupId,
        generationId: req.generationId,
        memberId: req.memberId,
        groupInstanceId: v >= 3 ? (req.groupInstanceId ?? null) : null,
        protocolType: v >= 5 ? (req.protocolType ?? null) : null,
        protocolName: v >= 5 ? (req.protocolName ?? null) : null,
        assignments: req.assignments,
      })
      : { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
    return { throttleTimeMs: 0, errorCode: r.errorCode, protocolType: r.protocolType, protocolName: r.protocolName, assignment: r.assignment };
  },
};
