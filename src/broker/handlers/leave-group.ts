/**
 * LeaveGroup (key 13), versions 0–4 (flexible from v4; v3+ batches members, KIP-345).
 *
 * Request: GroupId, MemberId (v0–2) | Members[MemberId, GroupInstanceId?] (v3+).
 * Response: ThrottleTimeMs (v1+), ErrorCode, Members[MemberId, GroupInstanceId?, ErrorCode] (v3+).
 * v0–2 report the single member's error at the top level. A leaving member triggers a
 * rebalance of the rest (groups/group-coordinator.ts `leave`).
 */
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, MessageBody, RequestContext } from './types.js';

interface LeaveGroupRequest {
  readonly groupId: string;
  readonly memberId?: string;
  readonly members?: readonly { memberId: string; groupInstanceId: string | null }[];
}

export const leaveGroupHandler: ApiHandler = {
  apiKey: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 4,
  handle(ctx: RequestContext, body: MessageBody): MessageBody {
    const req = body as unknown as LeaveGroupRequest;
    const v = ctx.header.apiVersion;
    const groups = ctx.services.groups;
    if (!groups) return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    const who = v >= 3
      ? (req.members ?? []).map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null }))
      : [{ memberId: req.memberId ?? '', groupInstanceId: null }];
    const r = groups.leave(req.groupId, who);
    if (v < 3) return { throttleTimeMs: 0, errorCode: r.errorCode !== ErrorCode.NONE ? r.errorCode : (r.members[0]?.errorCode ?? ErrorCode.NONE) };
    return { throttleTimeMs: 0, errorCode: r.errorCode, members: r.members };
  },
};
