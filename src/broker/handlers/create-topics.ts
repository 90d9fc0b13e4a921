/**
 * CreateTopics (key 19), versions 0–7 (flexible from v5).
 *
 * Request (CreateTopicsRequest.json): Topics[Name, NumPartitions (-1 = num.partitions),
 *   ReplicationFactor (-1 = default), Assignments[PartitionIndex, BrokerIds[]],
 *   Configs[Name, Value?]], timeoutMs, validateOnly (v1+).
 * Response: ThrottleTimeMs (v2+), Topics[Name, TopicId (v7+), ErrorCode, ErrorMessage?
 *   (v1+), TopicConfigErrorCode (tag 0, v5+), NumPartitions, ReplicationFactor,
 *   Configs? [Name, Value?, ReadOnly, ConfigSource, IsSensitive] (v5+)].
 *
 * Errors per topic (ZkAdminManager/ControllerApis): INVALID_TOPIC_EXCEPTION (17) for a
 * bad name, TOPIC_ALREADY_EXISTS (36), INVALID_PARTITIONS (37) for a count < 1,
 * INVALID_REPLICATION_FACTOR (38) for anything but 1 or -1 on this single node,
 * INVALID_REPLICA_ASSIGNMENT (39) for assignments naming another broker, INVALID_CONFIG
 * (40) for unknown or unparsable configs, INVALID_REQUEST (42) for a name given twice.
 * validateOnly checks everything and creates nothing.
 */
import { ErrorCode } from '../../protocol/errors.js';
import { errorMessage, kafkaErrorCode } from './error-mapping.js';
import { createTopicsConfigs, invalidTopicReason, topicConfigEntries, topicConfigProblem } from './topic-configs.js';
import type { ApiHandler, MessageBody, RequestContext } from './types.js';

interface CreatableTopic {
  readonly name: string;
  readonly numPartitions: number;
  readonly replicationFactor: number;
  readonly assignments: readonly { partitionIndex: number; brokerIds: readonly number[] }[];
  readonly configs: readonly { name: string; value: string | null }[];
}
interface CreateTopicsRequest {
  readonly topics: readonly CreatableTopic[];
  readonly validateOnly?: boolean;
}

const ZERO_UUID = Buffer.alloc(16);

function failed(name: string, errorCode: number, errorMessage: string): MessageBody {
  return { name, topicId: ZERO_UUID, errorCode, errorMessage, numPartitions: -1, replicationFactor: -1, configs: null };
}

export const createTopicsHandler: ApiHandler = {
  apiKey: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 7,
  async handle(ctx: RequestContext, body: MessageBody): Promise<MessageBody> {
    const req = body as unknown as CreateTopicsRequest;
    const { logs, settings } = ctx.services;
    const counts = new Map<string, number>();
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const out: MessageBody[] = [];
    for (const t of req.topics) {
      if ((counts.get(t.name) ?? 0) > 1) {
        out.push(failed(t.name, ErrorCode.INVALID_REQUEST, `topic '${t.name}' appears more than once in the request`));
        continue;
      }
      const bad = invalidTopicReason(t.name);
      if (bad) {
        out.push(failed(t.name, ErrorCode.INVALID_TOPIC_EXCEPTION, bad));
        continue;
      }
      if (logs.describeTopic(t.name)) {
        out.push(failed(t.name, ErrorCode.TOPIC_ALREADY_EXISTS, `topic '${t.name}' already exists`));
        continue;
      }
      let partitions = t.numPartitions === -1 ? settings.numPartitions : t.numPartitions;
      const rf = t.replicationFactor === -1 ? settings.defaultReplicationFactor : t.replicationFactor;
      if (t.assignments.length > 0) {
        if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
          out.push(failed(t.name, ErrorCode.INVALID_REQUEST, 'give either assignments or numPartitions/replicationFactor, not both'));
          continue;
        }
        const foreign = t.assignments.find((a) => a.brokerIds.length !== 1 || a.brokerIds[0] !== settings.nodeId);
        if (foreign) {
          out.push(failed(t.name, ErrorCode.INVALID_REPLICA_ASSIGNMENT, `partition ${foreign.partitionIndex}: only broker ${settings.nodeId} exists`));
          continue;
        }
        partitions = t.assignments.length;
      }
      if (!Number.isInteger(partitions) || partitions < 1) {
        out.push(failed(t.name, ErrorCode.INVALID_PARTITIONS, `number of partitions must be at least 1, got ${t.numPartitions}`));
        continue;
      }
      if (rf !== 1) {
        out.push(failed(t.name, ErrorCode.INVALID_REPLICATION_FACTOR, `replication factor ${rf} is impossible on one broker`));
        continue;
      }
      const configs: Record<string, string> = {};
      let configError: string | null = null;
      for (const c of t.configs) {
        if (c.value === null) configError = `config '${c.name}' has a null value`;
        else configs[c.name] = c.value;
      }
      configError ??= topicConfigProblem(t.name, configs);
      if (configError !== null) {
        out.push(failed(t.name, ErrorCode.INVALID_CONFIG, configError));
        continue;
      }
      if (req.validateOnly) {
        out.push({ name: t.name, topicId: ZERO_UUID, errorCode: 0, errorMessage: null, numPartitions: partitions, replicationFactor: 1, configs: [] });
        continue;
      }
      try {
        const d = await logs.createTopic(t.name, partitions, configs);
        out.push({
          name: t.name,
          topicId: d.topicId,
          errorCode: 0,
          errorMessage: null,
          numPartitions: d.partitions,
          replicationFactor: 1,
          configs: createTopicsConfigs(topicConfigEntries(logs, t.name)),
        });
      } catch (err) {
        out.push(failed(t.name, kafkaErrorCode(err), errorMessage(err)));
      }
    }
    return { throttleTimeMs: 0, topics: out };
  },
};
