/**
 * DescribeGroups (key 15), versions 0–5 (flexible from v5).
 *
 * Request: Groups[], IncludeAuthorizedOperations (v3+).
 * Response: ThrottleTimeMs (v1+), Groups[ErrorCode, GroupId, GroupState, ProtocolType,
 *   ProtocolData, Members[MemberId, GroupInstanceId? (v4+), ClientId, ClientHost,
 *   MemberMetadata, MemberAssignment], AuthorizedOperations (v3+)].
 *
 * An unknown group is described as state "Dead" with NONE (Kafka before v6). Member
 * metadata/assignment bytes are filled in the Stable state (ConsumerProtocol bytes the
 * tools decode with protocol/consumer-protocol.ts). No ACLs: operations = INT32_MIN.
 */
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, MessageBody, RequestContext } from './types.js';

export const describeGroupsHandler: ApiHandler = {
  apiKey: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  handle(ctx: RequestContext, body: MessageBody): MessageBody {
    const ids = (body as { groups: readonly string[] }).groups;
    const groups = ctx.services.groups;
    return {
      throttleTimeMs: 0,
      groups: ids.map((id) => {
        if (!groups) {
          return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groupId: id, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: -2147483648 };
        }
        if (id === '') {
          return { errorCode: ErrorCode.INVALID_GROUP_ID, groupId: id, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: -2147483648 };
        }
        const d = groups.describe(id);
        return { ...d, members: [...d.members], authorizedOperations: -2147483648 };
      }),
    };
  },
};
