/**
 * DeleteGroups (key 42), versions 0–2 (flexible from v2).
 *
 * Request: GroupsNames[]. Response: ThrottleTimeMs, Results[GroupId, ErrorCode].
 * Only a group without members can go: NON_EMPTY_GROUP (68); an unknown one gets
 * GROUP_ID_NOT_FOUND (69). Deleting tombstones its offsets and metadata in __consumer_offsets.
 */
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, MessageBody, RequestContext } from './types.js';

export const deleteGroupsHandler: ApiHandler = {
  apiKey: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx: RequestContext, body: MessageBody): Promise<MessageBody> {
    const names = (body as { groupsNames: readonly string[] }).groupsNames;
    const groups = ctx.services.groups;
    const results = groups
      ? await groups.deleteGroups(names)
      : names.map((groupId) => ({ groupId, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }));
    return { throttleTimeMs: 0, results };
  },
};
