/**
 * CreatePartitions (key 37), versions 0–3 (flexible from v2).
 *
 * Request (CreatePartitionsRequest.json): Topics[Name, Count (the new total),
 *   Assignments?[BrokerIds[]]], TimeoutMs, ValidateOnly.
 * Response: ThrottleTimeMs, Results[Name, ErrorCode, ErrorMessage?].
 *
 * Per topic: UNKNOWN_TOPIC_OR_PARTITION (3), INVALID_PARTITIONS (37) when Count is not
 * above the current count, INVALID_REPLICA_ASSIGNMENT (39) for assignments that do not
 * cover exactly the new partitions on this broker, INVALID_REQUEST (42) for a name given
 * twice. validateOnly checks and changes nothing.
 */
import { ErrorCode } from '../../protocol/errors.js';
import { errorMessage, kafkaErrorCode } from './error-mapping.js';
import type { ApiHandler, MessageBody, RequestContext } from './types.js';

interface CreatePartitionsRequest {
  readonly topics: readonly { name: string; count: number; assignments: readonly { brokerIds: readonly number[] }[] | null }[];
  readonly validateOnly: boolean;
}

export const createPartitionsHandler: ApiHandler = {
  apiKey: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx: RequestContext, body: MessageBody): Promise<MessageBody> {
    const req = body as unknown as CreatePartitionsRequest;
    const { logs, settings } = ctx.services;
    const counts = new Map<string, number>();
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const results: MessageBody[] = [];
    const answer = (name: string, errorCode: number, errorMessage: string | null): void => {
      results.push({ name, errorCode, errorMessage });
    };
    for (const t of req.topics) {
      if ((counts.get(t.name) ?? 0) > 1) {
        answer(t.name, ErrorCode.INVALID_REQUEST, `topic '${t.name}' appears more than once`);
        continue;
      }
      const desc = logs.describeTopic(t.name);
      if (!desc) {
        answer(t.name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic '${t.name}'`);
        continue;
      }
      if (!Number.isInteger(t.count) || t.count <= desc.partitions) {
        answer(t.name, ErrorCode.INVALID_PARTITIONS, `topic has ${desc.partitions} partitions; ${t.count} would not add any`);
        continue;
      }
      if (t.assignments !== null && t.assignments !== undefined) {
        const ok = t.assignments.length === t.count - desc.partitions &&
          t.assignments.every((a) => a.brokerIds.length === 1 && a.brokerIds[0] === settings.nodeId);
        if (!ok) {
          answer(t.name, ErrorCode.INVALID_REPLICA_ASSIGNMENT, `assignments must give broker ${settings.nodeId} for each of the ${t.count - desc.partitions} new partitions`);
          continue;
        }
      }
      if (req.validateOnly) {
        answer(t.name, 0, null);
        continue;
      }
      try {
        await logs.addPartitions(t.name, t.count);
        answer(t.name, 0, null);
      } catch (err) {
        answer(t.name, kafkaErrorCode(err), errorMessage(err));
      }
    }
    return { throttleTimeMs: 0, results };
  },
};
