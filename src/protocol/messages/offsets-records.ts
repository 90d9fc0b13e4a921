/**
 * __consumer_offsets record keys and values (each prefixed by an int16 version on disk).
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * group-coordinator/src/main/resources/common/message/{OffsetCommit,GroupMetadata}{Key,Value}.json.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * OffsetCommitKey grammar (all versions; "?" = nullable, vN = versions present):
 *   group string v0-1
 *   topic string v0-1
 *   partition int32 v0-1
 *
 * OffsetCommitValue grammar (all versions; "?" = nullable, vN = versions present):
 *   offset int64 v0+
 *   leaderEpoch int32 v3+
 *   metadata string v0+
 *   commitTimestamp int64 v0+
 *   expireTimestamp int64 v1
 *
 * GroupMetadataKey grammar (all versions; "?" = nullable, vN = versions present):
 *   group string v2
 *
 * GroupMetadataValue grammar (all versions; "?" = nullable, vN = versions present):
 *   protocolType string v0+
 *   generation int32 v0+
 *   protocol string? v0+
 *   leader string? v0+
 *   currentStateTimestamp int64 v2+
 *   members []MemberMetadata v0+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const OffsetCommitKey: MessageSpec = {
  name: 'OffsetCommitKey', type: 'data', validVersions: '0-1', flexibleVersions: 'none',
  fields: [
    { name: 'group', type: 'string', versions: '0-1' },
    { name: 'topic', type: 'string', versions: '0-1' },
    { name: 'partition', type: 'int32', versions: '0-1' },
  ],
};

export const OffsetCommitValue: MessageSpec = {
  name: 'OffsetCommitValue', type: 'data', validVersions: '0-4', flexibleVersions: '4+',
  fields: [
    { name: 'offset', type: 'int64', versions: '0+' },
    { name: 'leaderEpoch', type: 'int32', versions: '3+', default: -1 },
    { name: 'metadata', type: 'string', versions: '0+' },
    { name: 'commitTimestamp', type: 'int64', versions: '0+' },
    { name: 'expireTimestamp', type: 'int64', versions: '1', default: -1 },
  ],
};

export const GroupMetadataKey: MessageSpec = {
  name: 'GroupMetadataKey', type: 'data', validVersions: '2', flexibleVersions: 'none',
  fields: [
    { name: 'group', type: 'string', versions: '2' },
  ],
};

export const GroupMetadataValue: MessageSpec = {
  name: 'GroupMetadataValue', type: 'data', validVersions: '0-4', flexibleVersions: '4+',
  fields: [
    { name: 'protocolType', type: 'string', versions: '0+' },
    { name: 'generation', type: 'int32', versions: '0+' },
    { name: 'protocol', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'leader', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'currentStateTimestamp', type: 'int64', versions: '2+', default: -1 },
    { name: 'members', type: '[]MemberMetadata', versions: '0+' },
  ],
  commonStructs: [
    { name: 'MemberMetadata', versions: '0+', fields: [
      { name: 'memberId', type: 'string', versions: '0+' },
      { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: 'null' },
      { name: 'clientId', type: 'string', versions: '0+' },
      { name: 'clientHost', type: 'string', versions: '0+' },
      { name: 'rebalanceTimeout', type: 'int32', versions: '1+', default: -1 },
      { name: 'sessionTimeout', type: 'int32', versions: '0+' },
      { name: 'subscription', type: 'bytes', versions: '0+' },
      { name: 'assignment', type: 'bytes', versions: '0+' },
    ] },
  ],
};

export interface OffsetCommitKeyData {
  group: string;
  topic: string;
  partition: number;
}

export interface OffsetCommitValueData {
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: bigint;
  expireTimestamp: bigint;
}

export interface GroupMetadataKeyData {
  group: string;
}

export interface GroupMetadataValueData {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  currentStateTimestamp: bigint;
  members: GroupMetadataValueMemberMetadata[];
}

export interface GroupMetadataValueMemberMetadata {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeout: number;
  sessionTimeout: number;
  subscription: Buffer;
  assignment: Buffer;
}
