// Fetch v13–v17 (KIP-516 topic ids; v17 = KIP-853's tagged ReplicaDirectoryId): exact bytes of
// the request and response layouts,
// and an independent cross-check against @platformatic/kafka 1.35's hand-written Fetch
// writers and readers (the client that picks the newest Fetch it and the broker share).
// v0–12 stay covered by round-trip.test.ts and codec-golden.test.ts.
import { describe, expect, test } from 'vitest';
import * as platformatic from '@platformatic/kafka';
import { decodeMessage, encodeMessage, encodeResponse } from '../../../src/protocol/codec.js';
import { API_TABLE } from '../../../src/protocol/messages/index.js';
import type { FileSlice, SegmentFile } from '../../../src/broker/storage/types.js';

const lib = platformatic as unknown as Record<string, unknown>;
type Api = { createRequest: (...args: unknown[]) => { buffer: Buffer }; parseResponse: (c: number, k: number, v: number, r: unknown) => Record<string, unknown> };
const Reader = lib['Reader'] as { from(b: Buffer): unknown };
const fetchApi = (v: number): Api => lib[`fetchV${v}`] as Api;

const FETCH = API_TABLE.get(1)!;
const ID = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
const ID_TEXT = '01234567-89ab-cdef-0123-456789abcdef';

const hex = (...parts: string[]): string => parts.join('').replace(/\s+/g, '');
const i32 = (n: number): string => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b.toString('hex'); };
const i64 = (n: bigint): string => { const b = Buffer.alloc(8); b.writeBigInt64BE(n); return b.toString('hex'); };

function requestBody(): object {
  return {
    replicaId: -1, maxWaitMs: 100, minBytes: 1, maxBytes: 10485760, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
    topics: [{ topicId: ID, partitions: [{ partition: 2, currentLeaderEpoch: 0, fetchOffset: 7n, lastFetchedEpoch: 0, logStartOffset: -1n, partitionMaxBytes: 1048576 }] }],
    forgottenTopicsData: [], rackId: '',
  };
}

describe('Fetch v13–v17 request bytes', () => {
  test('v16: uuid in place of the topic name, no ReplicaId (tagged ReplicaState from v15)', () => {
    const ours = encodeMessage(FETCH.request, 16, requestBody());
    expect(ours.toString('hex')).toBe(hex(
      i32(100), i32(1), i32(10485760), '01', i32(0), i32(-1), // MaxWaitMs MinBytes MaxBytes IsolationLevel SessionId SessionEpoch
      '02', ID.toString('hex'), // Topics: 1 entry, TopicId
      '02', i32(2), i32(0), i64(7n), i32(0), i64(-1n), i32(1048576), '00', // Partitions: 1 entry … tags
      '00', // topic tags
      '01', // ForgottenTopicsData: empty
      '01', // RackId ''
      '00', // request tags
    ));
  });

  test('v13/v14 keep ReplicaId; decoding yields the id and an empty name', () => {
    const v13 = encodeMessage(FETCH.request, 13, requestBody());
    expect(v13.subarray(0, 4).toString('hex')).toBe(i32(-1));
    expect(v13.subarray(4).toString('hex')).toBe(encodeMessage(FETCH.request, 16, requestBody()).toString('hex'));
    const back = decodeMessage(FETCH.request, 14, v13).value as { topics: { topic: string; topicId: Buffer }[] };
    expect(back.topics[0]!.topicId.equals(ID)).toBe(true);
    expect(back.topics[0]!.topic).toBe('');
  });

  test.each([13, 14, 15, 16, 17])('v%i equals @platformatic/kafka\'s writer', (v) => {
    const topics = [{ topicId: ID_TEXT, partitions: [{ partition: 2, currentLeaderEpoch: 0, fetchOffset: 7n, lastFetchedEpoch: 0, partitionMaxBytes: 1048576 }] }];
    const forgotten = [{ topic: ID_TEXT, partitions: [1, 3] }];
    const theirs = fetchApi(v).createRequest(100, 1, 10485760, 1, 0, -1, topics, forgotten, 'rack-a').buffer;
    const body = { ...requestBody(), forgottenTopicsData: [{ topicId: ID, partitions: [1, 3] }], rackId: 'rack-a' };
    expect(encodeMessage(FETCH.request, v, body).toString('hex')).toBe(theirs.toString('hex'));
    const decoded = decodeMessage(FETCH.request, v, theirs).value as { topics: { topicId: Buffer }[]; forgottenTopicsData: { topicId: Buffer }[] };
    expect(decoded.topics[0]!.topicId.equals(ID)).toBe(true);
    expect(decoded.forgottenTopicsData[0]!.topicId.equals(ID)).toBe(true);
  });

  test('v17: v16\'s bytes when no ReplicaDirectoryId is set; a set one is partition tag 0 (16 bytes)', () => {
    expect(encodeMessage(FETCH.request, 17, requestBody()).toString('hex')).toBe(encodeMessage(FETCH.request, 16, requestBody()).toString('hex'));
    const dirId = Buffer.from('fedcba9876543210fedcba9876543210', 'hex');
    const body = requestBody() as { topics: { partitions: Record<string, unknown>[] }[] };
    body.topics[0]!.partitions[0]!['replicaDirectoryId'] = dirId;
    const enc = encodeMessage(FETCH.request, 17, body);
    expect(enc.toString('hex')).toBe(hex(
      i32(100), i32(1), i32(10485760), '01', i32(0), i32(-1),
      '02', ID.toString('hex'),
      '02', i32(2), i32(0), i64(7n), i32(0), i64(-1n), i32(1048576), '01', '00', '10', dirId.toString('hex'), // partition tags: 1 field, tag 0, 16 bytes
      '00', '01', '01', '00',
    ));
    const back = decodeMessage(FETCH.request, 17, enc).value as { topics: { partitions: { replicaDirectoryId: Buffer }[] }[] };
    expect(Buffer.from(back.topics[0]!.partitions[0]!.replicaDirectoryId).equals(dirId)).toBe(true);
    // v16 has no such tag: the field is not written there.
    expect(encodeMessage(FETCH.request, 16, body).toString('hex')).toBe(encodeMessage(FETCH.request, 16, requestBody()).toString('hex'));
  });

  test('v15 and v16 carry a non-default ReplicaState as tag 1', () => {
    const body = { ...requestBody(), replicaState: { replicaId: 5, replicaEpoch: 9n } };
    const enc = encodeMessage(FETCH.request, 15, body);
    // request tags at the end: count 1, tag 1, size 13: ReplicaId, ReplicaEpoch, the struct's own tags
    expect(enc.subarray(-16).toString('hex')).toBe(hex('01', '01', '0d', i32(5), i64(9n), '00'));
    expect((decodeMessage(FETCH.request, 16, enc).value as { replicaState: unknown }).replicaState).toEqual({ replicaId: 5, replicaEpoch: 9n });
  });
});

function partition(records: Buffer | FileSlice | null, errorCode = 0): object {
  return { partitionIndex: 2, errorCode, highWatermark: 9n, lastStableOffset: 9n, logStartOffset: 0n, abortedTransactions: null, preferredReadReplica: -1, records };
}

describe('Fetch v13–v17 response bytes', () => {
  test('v16: TopicId in each response, no NodeEndpoints/CurrentLeader tags at their defaults', () => {
    const recs = Buffer.from('abc');
    const ours = encodeMessage(FETCH.response, 16, { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topicId: ID, partitions: [partition(recs)] }] });
    expect(ours.toString('hex')).toBe(hex(
      i32(0), '0000', i32(0), // ThrottleTimeMs ErrorCode SessionId
      '02', ID.toString('hex'), // Responses: 1 entry, TopicId
      '02', i32(2), '0000', i64(9n), i64(9n), i64(0n), '00', i32(-1), '04', recs.toString('hex'), '00', // partition … Records(3) tags
      '00', // topic tags
      '00', // response tags (NodeEndpoints empty ⇒ absent)
    ));
  });

  test('v16 NodeEndpoints (tag 0) and CurrentLeader (tag 1) are written when set', () => {
    const body = {
      throttleTimeMs: 0, errorCode: 0, sessionId: 0,
      responses: [{ topicId: ID, partitions: [{ ...partition(null, 6), currentLeader: { leaderId: 1, leaderEpoch: 4 } }] }],
      nodeEndpoints: [{ nodeId: 1, host: 'h', port: 9092, rack: null }],
    };
    const enc = encodeMessage(FETCH.response, 16, body);
    const tail = hex(
      '01', '01', '09', i32(1), i32(4), '00', // partition tags: 1 field, tag 1, 9 bytes: LeaderId LeaderEpoch tags
      '00', // topic tags
      '01', '00', '0d', '02', i32(1), '0268', i32(9092), '00', '00', // response tags: tag 0, 13 bytes: [NodeId Host Port Rack=null tags]
    );
    expect(enc.subarray(enc.length - tail.length / 2).toString('hex')).toBe(tail);
    expect(decodeMessage(FETCH.response, 16, enc).value).toMatchObject({ nodeEndpoints: [{ nodeId: 1, host: 'h', port: 9092, rack: null }] });
  });

  test('v17 response bytes equal v16\'s', () => {
    const body = { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topicId: ID, partitions: [partition(Buffer.from('abc'))] }], nodeEndpoints: [{ nodeId: 1, host: 'h', port: 9092, rack: null }] };
    expect(encodeMessage(FETCH.response, 17, body).toString('hex')).toBe(encodeMessage(FETCH.response, 16, body).toString('hex'));
  });

  test.each([13, 14, 15, 16, 17])('v%i parses with @platformatic/kafka\'s reader (records and UNKNOWN_TOPIC_ID)', (v) => {
    const batch = Buffer.alloc(0);
    const ok = encodeMessage(FETCH.response, v, { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topicId: ID, partitions: [partition(batch)] }] });
    const parsed = fetchApi(v).parseResponse(1, 1, v, Reader.from(ok)) as { responses: { topicId: string; partitions: { partitionIndex: number; highWatermark: bigint }[] }[] };
    expect(parsed.responses[0]!.topicId).toBe(ID_TEXT);
    expect(parsed.responses[0]!.partitions[0]).toMatchObject({ partitionIndex: 2, highWatermark: 9n });
    const bad = encodeMessage(FETCH.response, v, { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topicId: ID, partitions: [partition(null, 100)] }] });
    expect(() => fetchApi(v).parseResponse(1, 1, v, Reader.from(bad))).toThrow();
  });

  test('zero-copy v16: a FileSlice is its own part, the size prefix counts it', () => {
    const file: SegmentFile = { path: '/x.log', fd: -1, retain() {}, release() {} };
    const slice: FileSlice = { file, position: 0, length: 300 };
    const parts = encodeResponse(1, 16, 5, { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topicId: ID, partitions: [partition(slice)] }] });
    expect(parts.length).toBe(3);
    expect(parts[1]).toBe(slice);
    const head = parts[0] as Buffer;
    const tail = parts[2] as Buffer;
    expect(head.readInt32BE(0)).toBe(head.length - 4 + 300 + tail.length);
    expect(head.subarray(4 + 4 + 1 + 4 + 2 + 4 + 1, 4 + 4 + 1 + 4 + 2 + 4 + 1 + 16).equals(ID)).toBe(true); // corr, header tags, throttle, error, session, count
    expect(head.subarray(-2).toString('hex')).toBe('ad02'); // compact length 301
    expect(tail.toString('hex')).toBe('000000');
  });
});
