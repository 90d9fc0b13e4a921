/**
 * The group coordinator's and idempotent producer's handlers, as one list for the
 * dispatch table (handlers/index.ts spreads it into BUILTIN_HANDLERS). Versions per
 * issue 4: FindCoordinator 0–4, JoinGroup 0–7, SyncGroup 0–5, Heartbeat 0–4,
 * LeaveGroup 0–4, OffsetCommit 0–8, OffsetFetch 0–8, DescribeGroups 0–5,
 * ListGroups 0–4, DeleteGroups 0–2, InitProducerId 0–4; all from MinVersion 0.
 */
import { deleteGroupsHandler } from './delete-groups.js';
import { describeGroupsHandler } from './describe-groups.js';
import { findCoordinatorHandler } from './find-coordinator.js';
import { heartbeatHandler } from './heartbeat.js';
import { initProducerIdHandler } from './init-producer-id.js';
import { joinGroupHandler } from './join-group.js';
import { leaveGroupHandler } from './leave-group.js';
import { listGroupsHandler } from './list-groups.js';
import { offsetCommitHandler } from './offset-commit.js';
import { offsetFetchHandler } from './offset-fetch.js';
import { syncGroupHandler } from './sync-group.js';
import type { ApiHandler } from './types.js';

export const GROUP_HANDLERS: readonly ApiHandler[] = [
  offsetCommitHandler,
  offsetFetchHandler,
  findCoordinatorHandler,
  joinGroupHandler,
  heartbeatHandler,
  leaveGroupHandler,
  syncGroupHandler,
  describeGroupsHandler,
  listGroupsHandler,
  initProducerIdHandler,
  deleteGroupsHandler,
];
