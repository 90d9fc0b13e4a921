/**
 * DeleteTopics (key 20), versions 0–6 (flexible from v4).
 *
 * Request (DeleteTopicsRequest.json): v0–5 TopicNames[string]; v6 Topics[Name?, TopicId];
 *   TimeoutMs.
 * Response: ThrottleTimeMs (v1+), Responses[Name (nullable v6+), TopicId (v6+), ErrorCode,
 *   ErrorMessage? (v5+)].
 *
 * Per topic: UNKNOWN_TOPIC_OR_PARTITION (3) for an unknown name, UNKNOWN_TOPIC_ID (100)
 * for an unknown id (v6), TOPIC_DELETION_DISABLED (73) when delete.topic.enable=false.
 * Deletion completes (the log manager has renamed the partition dirs) before the answer.
 */
import { ErrorCode } from '../../protocol/errors.js';
import { errorMessage, kafkaErrorCode } from './error-mapping.js';
import type { ApiHandler, MessageBody, RequestContext } from './types.js';

interface DeleteTopicsRequest {
  readonly topicNames?: readonly string[];
  readonly topics?: readonly { name: string | null; topicId: Buffer }[];
}

const ZERO_UUID = Buffer.alloc(16);

export const deleteTopicsHandler: ApiHandler = {
  apiKey: 20,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 6,
  async handle(ctx: RequestContext, body: MessageBody): Promise<MessageBody> {
    const req = body as unknown as DeleteTopicsRequest;
    const { logs, settings } = ctx.services;
    const wanted: { name: string | null; topicId: Buffer }[] =
      ctx.header.apiVersion >= 6 ? [...(req.topics ?? [])] : (req.topicNames ?? []).map((name) => ({ name, topicId: ZERO_UUID }));
    const responses: MessageBody[] = [];
    for (const w of wanted) {
      const byId = w.name === null || w.name === undefined;
      const desc = byId ? logs.topicById(w.topicId) : logs.describeTopic(w.name!);
      const answer = (errorCode: number, msg: string | null): MessageBody => ({
        name: desc?.name ?? w.name ?? null,
        topicId: desc?.topicId ?? w.topicId ?? ZERO_UUID,
        errorCode,
        errorMessage: msg,
      });
      if (!desc) {
        responses.push(byId ? answer(ErrorCode.UNKNOWN_TOPIC_ID, 'unknown topic id') : answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic '${w.name}'`));
        continue;
      }
      if (!settings.deleteTopicEnable) {
        responses.push(answer(ErrorCode.TOPIC_DELETION_DISABLED, 'delete.topic.enable is false'));
        continue;
      }
      try {
        await logs.deleteTopic(desc.name);
        responses.push(answer(0, null));
      } catch (err) {
        responses.push(answer(kafkaErrorCode(err), errorMessage(err)));
      }
    }
    return { throttleTimeMs: 0, responses };
  },
};
