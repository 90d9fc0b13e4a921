// Golden frames: the exact bytes real clients send (librdkafka 2.0.2, kafkajs 2.2.4 shapes),
// built field by field here and compared byte for byte with the codec's output; and
// response shapes whose layout matters (header v0 for ApiVersions, zero-copy Fetch parts).
import { describe, expect, test } from 'vitest';
import {
  decodeRequest, decodeRequestHeader, decodeResponse, encodeRequest, encodeResponse, encodeResponseBuffer,
  encodeUnsupportedApiVersionsResponse, isFlexible, peekRequestHeader,
} from '../../src/protocol/codec.js';
import { KafkaProtocolError } from '../../src/protocol/errors.js';
import type { FileSlice, SegmentFile } from '../../src/broker/storage/types.js';

const i8 = (v: number) => Buffer.from([v & 0xff]);
const i16 = (v: number) => { const b = Buffer.alloc(2); b.writeInt16BE(v); return b; };
const i32 = (v: number) => { const b = Buffer.alloc(4); b.writeInt32BE(v); return b; };
const i64 = (v: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64BE(v); return b; };
const str = (s: string | null) => (s === null ? i16(-1) : Buffer.concat([i16(Buffer.byteLength(s)), Buffer.from(s)]));
const cstr = (s: string | null) => (s === null ? i8(0) : Buffer.concat([i8(Buffer.byteLength(s) + 1), Buffer.from(s)]));
const bytes32 = (b: Buffer) => Buffer.concat([i32(b.length), b]);
const frame = (...parts: Buffer[]) => { const body = Buffer.concat(parts); return Buffer.concat([i32(body.length), body]); };

describe('golden request frames', () => {
  test('ApiVersions v3 (librdkafka): header v2 with int16 clientId, compact strings, tag sections', () => {
    const expected = frame(
      i16(18), i16(3), i32(1), str('rdkafka'), i8(0), // header v2: key, version, correlation, clientId, no tags
      cstr('librdkafka'), cstr('2.0.2'), // ClientSoftwareName, ClientSoftwareVersion (compact)
      i8(0), // body tags
    );
    const got = encodeRequest(18, 3, 1, 'rdkafka', { clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' });
    expect(got.toString('hex')).toBe(expected.toString('hex'));
    const { header, bodyOffset } = decodeRequestHeader(got.subarray(4));
    expect(header.clientId).toBe('rdkafka');
    expect(decodeRequest(18, 3, got.subarray(4), bodyOffset)).toMatchObject({ clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' });
  });

  test('Metadata v4 (librdkafka): topics array, AllowAutoTopicCreation', () => {
    const expected = frame(
      i16(3), i16(4), i32(2), str('rdkafka'), // header v1
      i32(1), str('fromflume'), // Topics: 1 × Name
      i8(1), // AllowAutoTopicCreation = true
    );
    const got = encodeRequest(3, 4, 2, 'rdkafka', { topics: [{ name: 'fromflume' }], allowAutoTopicCreation: true });
    expect(got.toString('hex')).toBe(expected.toString('hex'));
  });

  test('Metadata v1 null topics = all topics', () => {
    const got = encodeRequest(3, 1, 3, null, { topics: null });
    expect(got.toString('hex')).toBe(frame(i16(3), i16(1), i32(3), i16(-1), i32(-1)).toString('hex'));
    const f = got.subarray(4);
    expect(decodeRequest(3, 1, f, decodeRequestHeader(f).bodyOffset).topics).toBeNull();
  });

  test('Produce v7 with a record batch: records is a view into the frame', () => {
    const batch = Buffer.from('000000000000000000000035ffffffff02aabbccdd00000000000000000001', 'hex');
    const expected = frame(
      i16(0), i16(7), i32(5), str('kafkajs'), // header v1
      str(null), i16(-1), i32(30000), // TransactionalId null, Acks -1, TimeoutMs
      i32(1), str('t'), // TopicData: 1 × Name
      i32(1), i32(0), bytes32(batch), // PartitionData: 1 × Index 0, Records
    );
    const got = encodeRequest(0, 7, 5, 'kafkajs', {
      transactionalId: null, acks: -1, timeoutMs: 30000, topicData: [{ name: 't', partitionData: [{ index: 0, records: batch }] }],
    });
    expect(got.toString('hex')).toBe(expected.toString('hex'));
    const f = got.subarray(4);
    const body = decodeRequest(0, 7, f, decodeRequestHeader(f).bodyOffset);
    const records = body.topicData[0]!.partitionData[0]!.records!;
    expect(records.equals(batch)).toBe(true);
    expect(records.buffer).toBe(f.buffer); // no copy
  });

  test('Fetch v11 (librdkafka/kafkajs)', () => {
    const expected = frame(
      i16(1), i16(11), i32(7), str('rdkafka'),
      i32(-1), i32(500), i32(1), i32(52428800), i8(1), // ReplicaId, MaxWaitMs, MinBytes, MaxBytes, IsolationLevel
      i32(0), i32(-1), // SessionId, SessionEpoch
      i32(1), str('t'), // Topics: 1 × Topic
      i32(1), i32(3), i32(-1), i64(42n), i64(-1n), i32(1048576), // Partition, CurrentLeaderEpoch, FetchOffset, LogStartOffset, PartitionMaxBytes
      i32(0), // ForgottenTopicsData: empty
      str(''), // RackId
    );
    const got = encodeRequest(1, 11, 7, 'rdkafka', {
      replicaId: -1, maxWaitMs: 500, minBytes: 1, maxBytes: 52428800, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 't', partitions: [{ partition: 3, currentLeaderEpoch: -1, fetchOffset: 42n, logStartOffset: -1n, partitionMaxBytes: 1048576 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    expect(got.toString('hex')).toBe(expected.toString('hex'));
  });

  test('JoinGroup v5 (librdkafka/kafkajs): GroupInstanceId null, metadata bytes', () => {
    const meta = Buffer.from('0001000000010001740000000000000000', 'hex');
    const expected = frame(
      i16(11), i16(5), i32(9), str('kafkajs'),
      str('g1'), i32(30000), i32(60000), str(''), str(null), str('consumer'), // GroupId, Session, Rebalance, MemberId, GroupInstanceId, ProtocolType
      i32(1), str('RoundRobinAssigner'), bytes32(meta), // Protocols: 1 × Name, Metadata
    );
    const got = encodeRequest(11, 5, 9, 'kafkajs', {
      groupId: 'g1', sessionTimeoutMs: 30000, rebalanceTimeoutMs: 60000, memberId: '', groupInstanceId: null,
      protocolType: 'consumer', protocols: [{ name: 'RoundRobinAssigner', metadata: meta }],
    });
    expect(got.toString('hex')).toBe(expected.toString('hex'));
  });
});

describe('response headers', () => {
  test('ApiVersions v3 response uses header v0 (no tag byte after the correlation id)', () => {
    const expected = frame(
      i32(11), // correlation id, header v0
      i16(0), i8(2), i16(1), i16(4), i16(12), i8(0), // ErrorCode, ApiKeys compact: 1 × {1, 4, 12, tags}
      i32(0), i8(0), // ThrottleTimeMs, tags
    );
    const got = encodeResponseBuffer(18, 3, 11, { errorCode: 0, apiKeys: [{ apiKey: 1, minVersion: 4, maxVersion: 12 }] });
    expect(got.toString('hex')).toBe(expected.toString('hex'));
    expect(decodeResponse(18, 3, got.subarray(4)).body.apiKeys).toEqual([{ apiKey: 1, minVersion: 4, maxVersion: 12 }]);
  });

  test('flexible responses use header v1 (tag byte)', () => {
    const got = encodeResponseBuffer(12, 4, 5, { throttleTimeMs: 0, errorCode: 27 });
    expect(got.toString('hex')).toBe(frame(i32(5), i8(0), i32(0), i16(27), i8(0)).toString('hex'));
  });

  test('unsupported ApiVersions version: v0 body with error 35', () => {
    const got = encodeUnsupportedApiVersionsResponse(77, 0, 3);
    expect(got.toString('hex')).toBe(frame(i32(77), i16(35), i32(1), i16(18), i16(0), i16(3)).toString('hex'));
  });
});

describe('zero-copy Fetch v12 response', () => {
  test('a FileSlice records value is its own part; tag bytes follow it; size prefix counts it', () => {
    let released = 0;
    const file: SegmentFile = { path: '/x.log', fd: -1, retain() {}, release() { released++; } };
    const slice: FileSlice = { file, position: 100, length: 5000 };
    const parts = encodeResponse(1, 12, 3, {
      throttleTimeMs: 0, errorCode: 0, sessionId: 0,
      responses: [{ topic: 't', partitions: [
        { partitionIndex: 0, errorCode: 0, highWatermark: 10n, lastStableOffset: 10n, logStartOffset: 0n, abortedTransactions: null, preferredReadReplica: -1, records: slice },
        { partitionIndex: 1, errorCode: 0, highWatermark: 0n, lastStableOffset: 0n, logStartOffset: 0n, abortedTransactions: null, preferredReadReplica: -1, records: Buffer.alloc(0) },
      ] }],
    });
    expect(parts.length).toBe(3);
    expect(parts[1]).toBe(slice);
    const head = parts[0] as Buffer;
    const tail = parts[2] as Buffer;
    expect(head.readInt32BE(0)).toBe(head.length - 4 + 5000 + tail.length);
    // head ends with the compact length of the records (5001 as uvarint = 0x89 0x27)
    expect(head.subarray(-2).toString('hex')).toBe('8927');
    // tail: partition tags (0), partition 1 …, topic tags, response tags
    expect(tail[0]).toBe(0);
    expect(released).toBe(0);
  });
});

describe('header errors', () => {
  test('unknown API or version → UNSUPPORTED_VERSION with the header still peekable', () => {
    const f = frame(i16(18), i16(9), i32(44), str('x')).subarray(4);
    expect(() => decodeRequestHeader(f)).toThrow(KafkaProtocolError);
    try {
      decodeRequestHeader(f);
    } catch (err) {
      expect((err as KafkaProtocolError).errorCode).toBe(35);
    }
    expect(peekRequestHeader(f)).toEqual({ apiKey: 18, apiVersion: 9, correlationId: 44 });
    expect(isFlexible(18, 9)).toBe(true);
    expect(isFlexible(3, 8)).toBe(false);
  });

  test('short frames → INVALID_REQUEST', () => {
    expect(() => peekRequestHeader(Buffer.alloc(3))).toThrow(/shorter than a request header/);
  });
});
