/**
 * ConsumerProtocol Subscription and Assignment: the bytes inside JoinGroup/SyncGroup metadata for protocol type "consumer".
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/ConsumerProtocolSubscription.json and ConsumerProtocolAssignment.json.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Subscription grammar (all versions; "?" = nullable, vN = versions present):
 *   Topics []string v0+
 *   UserData bytes? v0+
 *   OwnedPartitions []TopicPartition v1+
 *     Topic string v1+
 *     Partitions []int32 v1+
 *   GenerationId int32 v2+
 *   RackId string? v3+
 *
 * Assignment grammar (all versions; "?" = nullable, vN = versions present):
 *   AssignedPartitions []TopicPartition v0+
 *     Topic string v0+
 *     Partitions []int32 v0+
 *   UserData bytes? v0+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const ConsumerProtocolSubscription: MessageSpec = {
  name: 'ConsumerProtocolSubscription', type: 'data', validVersions: '0-3', flexibleVersions: 'none',
  fields: [
    { name: 'Topics', type: '[]string', versions: '0+' },
    { name: 'UserData', type: 'bytes', versions: '0+', nullableVersions: '0+', default: 'null' },
    { name: 'OwnedPartitions', type: '[]TopicPartition', versions: '1+', fields: [
      { name: 'Topic', type: 'string', versions: '1+' },
      { name: 'Partitions', type: '[]int32', versions: '1+' },
    ] },
    { name: 'GenerationId', type: 'int32', versions: '2+', default: '-1' },
    { name: 'RackId', type: 'string', versions: '3+', nullableVersions: '3+', default: 'null' },
  ],
};

export const ConsumerProtocolAssignment: MessageSpec = {
  name: 'ConsumerProtocolAssignment', type: 'data', validVersions: '0-3', flexibleVersions: 'none',
  fields: [
    { name: 'AssignedPartitions', type: '[]TopicPartition', versions: '0+', fields: [
      { name: 'Topic', type: 'string', versions: '0+' },
      { name: 'Partitions', type: '[]int32', versions: '0+' },
    ] },
    { name: 'UserData', type: 'bytes', versions: '0+', nullableVersions: '0+', default: 'null' },
  ],
};

export interface ConsumerProtocolSubscriptionData {
  topics: string[];
  userData: Buffer | null;
  ownedPartitions: ConsumerProtocolSubscriptionTopicPartition[];
  generationId: number;
  rackId: string | null;
}

export interface ConsumerProtocolSubscriptionTopicPartition {
  topic: string;
  partitions: number[];
}

export interface ConsumerProtocolAssignmentData {
  assignedPartitions: ConsumerProtocolAssignmentTopicPartition[];
  userData: Buffer | null;
}

export interface ConsumerProtocolAssignmentTopicPartition {
  topic: string;
  partitions: number[];
}
