/**
 * Metadata (key 3), versions 0–12.
 *
 * Request (MetadataRequest.json): Topics[TopicId uuid (v10+), Name (nullable v10+)]
 * (v0: empty array = all topics; v1+: null = all, [] = none), AllowAutoTopicCreation
 * (v4+, default true), IncludeClusterAuthorizedOperations (v8–10),
 * IncludeTopicAuthorizedOperations (v8+).
 * Response: ThrottleTimeMs (v3+), Brokers[NodeId, Host, Port, Rack? (v1+)],
 * ClusterId? (v2+), ControllerId (v1+), Topics[ErrorCode, Name (nullable v12+),
 * TopicId (v10+), IsInternal (v1+), Partitions[ErrorCode, PartitionIndex, LeaderId,
 * LeaderEpoch (v7+), ReplicaNodes, IsrNodes, OfflineReplicas (v5+)],
 * TopicAuthorizedOperations (v8+)], ClusterAuthorizedOperations (v8–10).
 *
 * Single node: this broker leads every partition, replicas = ISR = [nodeId], leader
 * epoch 0, controller = this node. Auto-creation (auto.create.topics.enable and the
 * request's AllowAutoTopicCreation, always allowed before v4) completes before the
 * answer, which then says NONE (issue 3) rather than Kafka's LEADER_NOT_AVAILABLE.
 * Lookup by topic id (v10+, name null) answers UNKNOWN_TOPIC_ID (100) when absent.
 * Unknown names answer UNKNOWN_TOPIC_OR_PARTITION (3); bad names INVALID_TOPIC_EXCEPTION (17).
 */
import type { TopicDescription } from '../storage/types.js';
import { kafkaErrorCode } from './error-mapping.js';
import type { ApiHandler, MessageBody, RequestContext } from './types.js';

interface MetadataRequestTopic {
  readonly topicId?: Buffer;
  readonly name: string | null;
}
interface MetadataRequest {
  readonly topics: readonly MetadataRequestTopic[] | null;
  readonly allowAutoTopicCreation?: boolean;
}

const ZERO_UUID = Buffer.alloc(16);
const UNKNOWN_TOPIC_OR_PARTITION = 3;
const UNKNOWN_TOPIC_ID = 100;

export function topicMetadata(desc: TopicDescription, nodeId: number): MessageBody {
  const partitions: MessageBody[] = [];
  for (let p = 0; p < desc.partitions; p++) {
    partitions.push({
      errorCode: 0,
      partitionIndex: p,
      leaderId: nodeId,
      leaderEpoch: 0,
      replicaNodes: [nodeId],
      isrNodes: [nodeId],
      offlineReplicas: [],
    });
  }
  return {
    errorCode: 0,
    name: desc.name,
    topicId: desc.topicId,
    isInternal: desc.internal,
    partitions,
    topicAuthorizedOperations: -2147483648,
  };
}

function errorTopic(name: string | null, topicId: Buffer, errorCode: number): MessageBody {
  return { errorCode, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: -2147483648 };
}

export const metadataHandler: ApiHandler = {
  apiKey: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  async handle(ctx: RequestContext, body: MessageBody): Promise<MessageBody> {
    const req = body as unknown as MetadataRequest;
    const { services, header } = ctx;
    const nodeId = services.settings.nodeId;
    const allowCreate = header.apiVersion < 4 ? true : req.allowAutoTopicCreation !== false;
    const wantsAll = req.topics === null || (header.apiVersion === 0 && req.topics.length === 0);
    const topics: MessageBody[] = [];
    if (wantsAll) {
      for (const d of services.logs.listTopics()) topics.push(topicMetadata(d, nodeId));
    } else {
      for (const t of req.topics ?? []) {
        if (t.name === null || t.name === undefined) {
          const id = t.topicId ?? ZERO_UUID;
          const d = id.equals(ZERO_UUID) ? undefined : services.logs.topicById(id);
          topics.push(d ? topicMetadata(d, nodeId) : errorTopic(null, id, UNKNOWN_TOPIC_ID));
          continue;
        }
        try {
          const d = await services.ensureTopic(t.name, allowCreate);
          topics.push(d ? topicMetadata(d, nodeId) : errorTopic(t.name, ZERO_UUID, UNKNOWN_TOPIC_OR_PARTITION));
        } catch (err) {
          topics.push(errorTopic(t.name, ZERO_UUID, kafkaErrorCode(err)));
        }
      }
    }
    const ep = services.advertisedEndpoint(ctx.listener);
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId, host: ep.host, port: ep.port, rack: null }],
      clusterId: services.settings.clusterId,
      controllerId: nodeId,
      topics,
      clusterAuthorizedOperations: -2147483648,
    };
  },
};
