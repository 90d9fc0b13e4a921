// ConsumerProtocol subscription/assignment and __consumer_offsets records: exact bytes,
// and forward compatibility (newer versions parse as the newest known, trailing bytes ignored).
import { describe, expect, test } from 'vitest';
import {
  decodeConsumerAssignment, decodeConsumerSubscription, encodeConsumerAssignment, encodeConsumerSubscription,
} from '../../../src/protocol/consumer-protocol.js';
import {
  decodeGroupMetadataValue, decodeOffsetCommitValue, decodeOffsetsKey, encodeGroupMetadataKey, encodeGroupMetadataValue,
  encodeOffsetCommitKey, encodeOffsetCommitValue,
} from '../../../src/protocol/offsets-records.js';

describe('consumer protocol', () => {
  test('subscription v0 bytes', () => {
    const b = encodeConsumerSubscription({ topics: ['t'], userData: null }, 0);
    // version 0, Topics: 1 × "t", UserData null
    expect(b.toString('hex')).toBe('0000' + '00000001' + '000174' + 'ffffffff');
    expect(decodeConsumerSubscription(b)).toEqual({ version: 0, value: { topics: ['t'], userData: null, ownedPartitions: [], generationId: -1, rackId: null } });
  });

  test('subscription v3 round trip, and a future v9 with trailing bytes parses as v3', () => {
    const value = { topics: ['a', 'b'], userData: Buffer.from([1, 2]), ownedPartitions: [{ topic: 'a', partitions: [0, 2] }], generationId: 5, rackId: 'r1' };
    const b = encodeConsumerSubscription(value, 3);
    expect(decodeConsumerSubscription(b)).toEqual({ version: 3, value });
    const future = Buffer.concat([b, Buffer.from('deadbeef', 'hex')]);
    future.writeInt16BE(9, 0);
    expect(decodeConsumerSubscription(future)).toEqual({ version: 9, value });
  });

  test('assignment v1 bytes', () => {
    const b = encodeConsumerAssignment({ assignedPartitions: [{ topic: 't', partitions: [0, 1] }], userData: null }, 1);
    expect(b.toString('hex')).toBe('0001' + '00000001' + '000174' + '00000002' + '00000000' + '00000001' + 'ffffffff');
    expect(decodeConsumerAssignment(b).value.assignedPartitions).toEqual([{ topic: 't', partitions: [0, 1] }]);
  });

  test('too short → error', () => {
    expect(() => decodeConsumerAssignment(Buffer.alloc(1))).toThrow(/no version/);
  });
});

describe('__consumer_offsets records', () => {
  test('offset commit key v1 and value v3 bytes', () => {
    const key = encodeOffsetCommitKey({ group: 'g', topic: 't', partition: 2 });
    expect(key.toString('hex')).toBe('0001' + '000167' + '000174' + '00000002');
    expect(decodeOffsetsKey(key)).toEqual({ kind: 'offset', version: 1, key: { group: 'g', topic: 't', partition: 2 } });
    const value = encodeOffsetCommitValue({ offset: 42, leaderEpoch: -1, metadata: '', commitTimestamp: 1000 });
    expect(value.toString('hex')).toBe('0003' + '000000000000002a' + 'ffffffff' + '0000' + '00000000000003e8');
    expect(decodeOffsetCommitValue(value).value).toMatchObject({ offset: 42n, leaderEpoch: -1, metadata: '', commitTimestamp: 1000n });
  });

  test('offset commit value v1 keeps expireTimestamp', () => {
    const value = encodeOffsetCommitValue({ offset: 1n, metadata: 'm', commitTimestamp: 2n, expireTimestamp: 3n }, 1);
    expect(value.toString('hex')).toBe('0001' + '0000000000000001' + '00016d' + '0000000000000002' + '0000000000000003');
  });

  test('group metadata key v2 and value v3 round trip', () => {
    const key = encodeGroupMetadataKey({ group: 'g' });
    expect(key.toString('hex')).toBe('0002' + '000167');
    expect(decodeOffsetsKey(key).kind).toBe('group');
    const v = {
      protocolType: 'consumer', generation: 3, protocol: 'range', leader: 'm1', currentStateTimestamp: 99n,
      members: [{ memberId: 'm1', groupInstanceId: null, clientId: 'c', clientHost: '/127.0.0.1', rebalanceTimeout: 60000, sessionTimeout: 30000, subscription: Buffer.from([0, 0]), assignment: Buffer.alloc(0) }],
    };
    expect(decodeGroupMetadataValue(encodeGroupMetadataValue(v)).value).toEqual(v);
  });

  test('unknown key version → OFFSETS_RECORD_CORRUPT', () => {
    expect(() => decodeOffsetsKey(Buffer.from('0007', 'hex'))).toThrow(/unknown version 7/);
  });
});
