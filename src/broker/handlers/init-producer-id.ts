/**
 * InitProducerId (key 22), versions 0–4 (flexible from v2).
 *
 * Request: TransactionalId?, TransactionTimeoutMs, ProducerId (v3+, -1), ProducerEpoch (v3+, -1).
 * Response: ThrottleTimeMs, ErrorCode, ProducerId, ProducerEpoch.
 *
 * A null TransactionalId (the idempotent producer) gets a never-reused id with epoch 0;
 * v3+ presenting its current (id, epoch) gets the epoch bumped (KIP-360); a stale epoch
 * gets INVALID_PRODUCER_EPOCH (47). Transactions do not exist: a non-null
 * TransactionalId gets INVALID_REQUEST (42, non-retriable) and a warning naming it.
 * (producer-state/producer-states.ts holds the rules.)
 */
import { componentLogger } from '../../logger.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, MessageBody, RequestContext } from './types.js';

const log = componentLogger('broker.init-producer-id');

interface InitProducerIdRequest {
  readonly transactionalId: string | null;
  readonly producerId?: bigint;
  readonly producerEpoch?: number;
}

export const initProducerIdHandler: ApiHandler = {
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 4,
  handle(ctx: RequestContext, body: MessageBody): MessageBody {
    const req = body as unknown as InitProducerIdRequest;
    const fail = (errorCode: number): MessageBody => ({ throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 });
    const producers = ctx.services.producers;
    if (!producers) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (req.transactionalId !== null && req.transactionalId !== undefined) {
      log.warn({ client: ctx.client, clientId: ctx.header.clientId, transactionalId: req.transactionalId },
        `InitProducerId with transactional id "${req.transactionalId}" refused: transactions are not supported`);
      return fail(ErrorCode.INVALID_REQUEST);
    }
    const v = ctx.header.apiVersion;
    const r = producers.initProducerId(v >= 3 ? Number(req.producerId ?? -1n) : -1, v >= 3 ? (req.producerEpoch ?? -1) : -1);
    if (r.errorCode !== 'NONE') return fail(ErrorCode[r.errorCode]);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: BigInt(r.producerId), producerEpoch: r.producerEpoch };
  },
};
