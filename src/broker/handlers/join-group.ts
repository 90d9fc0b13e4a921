/**
 * JoinGroup (key 11), versions 0–7 (flexible from v6).
 *
 * Request: GroupId, SessionTimeoutMs, RebalanceTimeoutMs (v1+), MemberId,
 *   GroupInstanceId? (v5+), ProtocolType, Protocols[Name, Metadata].
 * Response: ThrottleTimeMs (v2+), ErrorCode, GenerationId, ProtocolType? (v7+),
 *   ProtocolName (nullable v7+), Leader, MemberId, Members[MemberId, GroupInstanceId? (v5+), Metadata].
 *
 * The rules live in groups/group-coordinator.ts; this handler maps fields. The response
 * may be held (the session's in-order processing then holds this connection, as Kafka
 * mutes it). v4+ empty member id → MEMBER_ID_REQUIRED (79) carrying the new id.
 */
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, MessageBody, RequestContext } from './types.js';

interface JoinGroupRequest {
  readonly groupId: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs?: number;
  readonly memberId: string;
  readonly groupInstanceId?: string | null;
  readonly protocolType: string;
  readonly protocols: readonly { name: string; metadata: Buffer }[];
}

/** "host" of "host:port" (or "/host" as Kafka prints client hosts). */
export function clientHostOf(client: string): string {
  const i = client.lastIndexOf(':');
  const host = i > 0 ? client.slice(0, i) : client;
  return `/${host}`;
}

export const joinGroupHandler: ApiHandler = {
  apiKey: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 7,
  async handle(ctx: RequestContext, body: MessageBody): Promise<MessageBody> {
    const req = body as unknown as JoinGroupRequest;
    const v = ctx.header.apiVersion;
    const groups = ctx.services.groups;
    const r = groups
      ? await groups.join({
        groupId: req.groupId,
        sessionTimeoutMs: req.sessionTimeoutMs,
        rebalanceTimeoutMs: v >= 1 ? (req.rebalanceTimeoutMs ?? -1) : -1,
        memberId: req.memberId,
        groupInstanceId: v >= 5 ? (req.groupInstanceId ?? null) : null,
        protocolType: req.protocolType,
        protocols: req.protocols,
      }, { clientId: ctx.header.clientId ?? '', clientHost: clientHostOf(ctx.client), apiVersion: v })
      : { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId: req.memberId, members: [] };
    return {
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      generationId: r.generationId,
      protocolType: r.protocolType,
      protocolName: v >= 7 ? r.protocolName : (r.protocolName ?? ''),
      leader: r.leader,
      memberId: r.memberId,
      members: r.members,
    };
  },
};
