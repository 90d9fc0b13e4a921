/**
 * ListGroups (key 16), versions 0–4 (flexible from v3; v4 adds StatesFilter and GroupState, KIP-518).
 *
 * Request: StatesFilter[] (v4+, case-insensitive; empty = all).
 * Response: ThrottleTimeMs (v1+), ErrorCode, Groups[GroupId, ProtocolType, GroupState (v4+)].
 * Lists every group the coordinator knows, including Empty groups that keep offsets
 * (standalone committers have protocol type "").
 */
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, MessageBody, RequestContext } from './types.js';

export const listGroupsHandler: ApiHandler = {
  apiKey: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 4,
  handle(ctx: RequestContext, body: MessageBody): MessageBody {
    const groups = ctx.services.groups;
    if (!groups) return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groups: [] };
    const filter = ctx.header.apiVersion >= 4 ? ((body as { statesFilter?: readonly string[] }).statesFilter ?? []) : [];
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups: groups.list(filter).map((g) => ({ ...g, groupType: 'classic' })) };
  },
};
