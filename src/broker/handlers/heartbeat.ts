/**
 * Heartbeat (key 12), versions 0–4 (flexible from v4).
 *
 * Request: GroupId, GenerationId, MemberId, GroupInstanceId? (v3+).
 * Response: ThrottleTimeMs (v1+), ErrorCode: NONE, REBALANCE_IN_PROGRESS (27),
 *   UNKNOWN_MEMBER_ID (25), ILLEGAL_GENERATION (22), FENCED_INSTANCE_ID (82)
 *   (groups/group-coordinator.ts `heartbeat`). Never held; cheap enough for a storm.
 */
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, MessageBody, RequestContext } from './types.js';

interface HeartbeatRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId?: string | null;
}

export const heartbeatHandler: ApiHandler = {
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  handle(ctx: RequestContext, body: MessageBody): MessageBody {
    const req = body as unknown as HeartbeatRequest;
    const groups = ctx.services.groups;
    const errorCode = groups
      ? groups.heartbeat(req.groupId, req.generationId, req.memberId, ctx.header.apiVersion >= 3 ? (req.groupInstanceId ?? null) : null)
      : ErrorCode.COORDINATOR_NOT_AVAILABLE;
    return { throttleTimeMs: 0, errorCode };
  },
};
