// Independent cross-check of the flexible encodings: request bodies built by
// @platformatic/kafka 1.35 (its own hand-written writers) must equal ours byte for byte, and
// responses we encode must parse with its hand-written readers. These are the versions that
// client actually sends (kafka.md §3a).
import { describe, expect, test } from 'vitest';
import * as platformatic from '@platformatic/kafka';
import { decodeMessage, encodeMessage } from '../../src/protocol/codec.js';
import { API_TABLE } from '../../src/protocol/messages/index.js';

const lib = platformatic as unknown as Record<string, unknown>;
const { joinGroupV6, syncGroupV4, offsetCommitV8, offsetFetchV8, listOffsetsV7, createTopicsV7, findCoordinatorV4, metadataV12, apiVersionsV3 } = lib;
type Api = { createRequest: (...args: unknown[]) => { buffer: Buffer }; parseResponse: (c: number, k: number, v: number, r: unknown) => Record<string, unknown> };
const Reader = lib['Reader'] as { from(b: Buffer): unknown };

function ourRequest(apiKey: number, version: number, body: object): Buffer {
  return encodeMessage(API_TABLE.get(apiKey)!.request, version, body);
}
function ourResponse(apiKey: number, version: number, body: object): Buffer {
  return encodeMessage(API_TABLE.get(apiKey)!.response, version, body);
}

describe('request bodies equal @platformatic/kafka writers', () => {
  test('JoinGroup v6', () => {
    const meta = Buffer.from([0, 1, 2]);
    const theirs = (joinGroupV6 as Api).createRequest('g', 45000, 60000, '', null, 'consumer', [{ name: 'roundrobin', metadata: meta }]).buffer;
    const ours = ourRequest(11, 6, { groupId: 'g', sessionTimeoutMs: 45000, rebalanceTimeoutMs: 60000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'roundrobin', metadata: meta }] });
    expect(ours.toString('hex')).toBe(theirs.toString('hex'));
    expect(decodeMessage(API_TABLE.get(11)!.request, 6, theirs).value).toMatchObject({ groupId: 'g', protocols: [{ name: 'roundrobin' }] });
  });

  test('SyncGroup v4', () => {
    const theirs = (syncGroupV4 as Api).createRequest('g', 3, 'm1', null, 'consumer', 'roundrobin', [{ memberId: 'm1', assignment: Buffer.from([9]) }]).buffer;
    const ours = ourRequest(14, 4, { groupId: 'g', generationId: 3, memberId: 'm1', groupInstanceId: null, assignments: [{ memberId: 'm1', assignment: Buffer.from([9]) }] });
    expect(ours.toString('hex')).toBe(theirs.toString('hex'));
  });

  test('OffsetCommit v8', () => {
    const topics = [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: 42n, committedLeaderEpoch: -1, committedMetadata: null }] }];
    const theirs = (offsetCommitV8 as Api).createRequest('g', 2, 'm', null, topics).buffer;
    expect(ourRequest(8, 8, { groupId: 'g', generationIdOrMemberEpoch: 2, memberId: 'm', groupInstanceId: null, topics }).toString('hex')).toBe(theirs.toString('hex'));
  });

  test('OffsetFetch v8', () => {
    const groups = [{ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 1] }] }];
    const theirs = (offsetFetchV8 as Api).createRequest(groups, true).buffer;
    expect(ourRequest(9, 8, { groups, requireStable: true }).toString('hex')).toBe(theirs.toString('hex'));
  });

  test('ListOffsets v7', () => {
    const topics = [{ name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }];
    const theirs = (listOffsetsV7 as Api).createRequest(-1, 1, topics).buffer;
    expect(ourRequest(2, 7, { replicaId: -1, isolationLevel: 1, topics }).toString('hex')).toBe(theirs.toString('hex'));
  });

  test('CreateTopics v7', () => {
    const topics = [{ name: 't', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '1' }] }];
    const theirs = (createTopicsV7 as Api).createRequest(topics, 1000, false).buffer;
    expect(ourRequest(19, 7, { topics, timeoutMs: 1000, validateOnly: false }).toString('hex')).toBe(theirs.toString('hex'));
  });

  test('FindCoordinator v4', () => {
    const theirs = (findCoordinatorV4 as Api).createRequest(0, ['g1', 'g2']).buffer;
    expect(ourRequest(10, 4, { keyType: 0, coordinatorKeys: ['g1', 'g2'] }).toString('hex')).toBe(theirs.toString('hex'));
  });

  test('Metadata v12', () => {
    const theirs = (metadataV12 as Api).createRequest(['a', 'b'], true, false).buffer;
    expect(ourRequest(3, 12, { topics: [{ name: 'a' }, { name: 'b' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false }).toString('hex')).toBe(theirs.toString('hex'));
  });
});

describe('responses we encode parse with @platformatic/kafka readers', () => {
  test('ApiVersions v3', () => {
    const body = ourResponse(18, 3, { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 9 }, { apiKey: 1, minVersion: 4, maxVersion: 12 }], throttleTimeMs: 0 });
    const parsed = (apiVersionsV3 as Api).parseResponse(1, 18, 3, Reader.from(body));
    expect(parsed).toMatchObject({ errorCode: 0, apiKeys: [{ apiKey: 0, maxVersion: 9 }, { apiKey: 1, minVersion: 4, maxVersion: 12 }] });
  });

  test('Metadata v12', () => {
    const body = ourResponse(3, 12, {
      throttleTimeMs: 0, brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }], clusterId: 'c', controllerId: 1,
      topics: [{ errorCode: 0, name: 't', topicId: Buffer.alloc(16, 7), isInternal: false, partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }], topicAuthorizedOperations: -2147483648 }],
    });
    const parsed = (metadataV12 as Api).parseResponse(1, 3, 12, Reader.from(body));
    expect(parsed).toMatchObject({ clusterId: 'c', controllerId: 1, brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092 }], topics: [{ name: 't', partitions: [{ leaderId: 1, replicaNodes: [1] }] }] });
  });

  test('FindCoordinator v4 and JoinGroup v6', () => {
    const fc = ourResponse(10, 4, { throttleTimeMs: 0, coordinators: [{ key: 'g', nodeId: 1, host: 'h', port: 1, errorCode: 0, errorMessage: null }] });
    expect((findCoordinatorV4 as Api).parseResponse(1, 10, 4, Reader.from(fc))).toMatchObject({ coordinators: [{ key: 'g', nodeId: 1, host: 'h', port: 1 }] });
    const jg = ourResponse(11, 6, { throttleTimeMs: 0, errorCode: 0, generationId: 1, protocolName: 'roundrobin', leader: 'm', memberId: 'm', members: [{ memberId: 'm', groupInstanceId: null, metadata: Buffer.from([1]) }] });
    expect((joinGroupV6 as Api).parseResponse(1, 11, 6, Reader.from(jg))).toMatchObject({ generationId: 1, leader: 'm', members: [{ memberId: 'm' }] });
  });
});
