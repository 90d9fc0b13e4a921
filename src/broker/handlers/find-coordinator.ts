/**
 * FindCoordinator (key 10), versions 0–4 (flexible from v3; v4 batches keys, KIP-699).
 *
 * Request: Key (v0–3), KeyType i8 (v1+: 0 group, 1 transaction), CoordinatorKeys[] (v4+).
 * Response: ThrottleTimeMs (v1+), ErrorCode/ErrorMessage?/NodeId/Host/Port (v0–3), or
 *   Coordinators[Key, NodeId, Host, Port, ErrorCode, ErrorMessage?] (v4+).
 *
 * This single broker coordinates every group, so a group key is answered with this
 * broker's advertised endpoint for the listener the request came in on. Transactions do
 * not exist yet: a transaction key gets INVALID_REQUEST (42, non-retriable) and a message.
 * Without a coordinator the answer is COORDINATOR_NOT_AVAILABLE (15).
 */
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, MessageBody, RequestContext } from './types.js';

interface FindCoordinatorRequest {
  readonly key?: string;
  readonly keyType?: number;
  readonly coordinatorKeys?: readonly string[];
}

function answer(ctx: RequestContext, key: string, keyType: number): { key: string; nodeId: number; host: string; port: number; errorCode: number; errorMessage: string | null } {
  if (keyType === 1) {
    return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'transactions are not supported by this broker' };
  }
  if (keyType !== 0) {
    return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `unknown coordinator key type ${keyType}` };
  }
  if (!ctx.services.groups) {
    return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'the group coordinator is not running' };
  }
  const ep = ctx.services.advertisedEndpoint(ctx.listener);
  return { key, nodeId: ctx.services.settings.nodeId, host: ep.host, port: ep.port, errorCode: ErrorCode.NONE, errorMessage: null };
}

export const findCoordinatorHandler: ApiHandler = {
  apiKey: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 4,
  handle(ctx: RequestContext, body: MessageBody): MessageBody {
    const req = body as unknown as FindCoordinatorRequest;
    const keyType = req.keyType ?? 0;
    if (ctx.header.apiVersion >= 4) {
      return { throttleTimeMs: 0, coordinators: (req.coordinatorKeys ?? []).map((k) => answer(ctx, k, keyType)) };
    }
    const a = answer(ctx, req.key ?? '', keyType);
    return { throttleTimeMs: 0, errorCode: a.errorCode, errorMessage: a.errorMessage, nodeId: a.nodeId, host: a.host, port: a.port };
  },
};
