/**
 * Key and value formats of the internal topic __consumer_offsets (Kafka's
 * group-coordinator OffsetCommitKey/Value and GroupMetadataKey/Value).
 *
 * Byte format: each key and each value is `int16 version` + the struct of
 * messages/offsets-records.ts for that version (classic encoding below v4 for values;
 * keys are never flexible). Kafka writes OffsetCommit key v1 and GroupMetadata key v2;
 * the key version tells the record kind (0/1 offset commit, 2 group metadata). Values:
 * OffsetCommit v1 (with expireTimestamp) or v3 (with leaderEpoch), GroupMetadata v3.
 * A null value (tombstone) deletes the key. Pure functions, no state.
 */
import { decodeMessage, encodeMessage } from './codec.js';
import { SluiceError } from '../errors.js';
import {
  GroupMetadataKey, GroupMetadataValue, OffsetCommitKey, OffsetCommitValue,
  type GroupMetadataKeyData, type GroupMetadataValueData, type OffsetCommitKeyData, type OffsetCommitValueData,
} from './messages/offsets-records.js';
import type { Encodable } from './codec.js';

export type { GroupMetadataKeyData, GroupMetadataValueData, OffsetCommitKeyData, OffsetCommitValueData } from './messages/offsets-records.js';

export type OffsetsKey =
  | { readonly kind: 'offset'; readonly version: number; readonly key: OffsetCommitKeyData }
  | { readonly kind: 'group'; readonly version: number; readonly key: GroupMetadataKeyData };

function prefixed(version: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(2 + body.length);
  out.writeInt16BE(version, 0);
  body.copy(out, 2);
  return out;
}

function version(buf: Buffer, what: string): number {
  if (buf.length < 2) throw new SluiceError('OFFSETS_RECORD_CORRUPT', `__consumer_offsets ${what}: ${buf.length} bytes, no version`);
  return buf.readInt16BE(0);
}

export function encodeOffsetCommitKey(key: OffsetCommitKeyData, v = 1): Buffer {
  return prefixed(v, encodeMessage(OffsetCommitKey, v, key));
}

export function encodeGroupMetadataKey(key: GroupMetadataKeyData): Buffer {
  return prefixed(2, encodeMessage(GroupMetadataKey, 2, key));
}

/** Decodes either key kind; throws OFFSETS_RECORD_CORRUPT on an unknown key version. */
export function decodeOffsetsKey(buf: Buffer): OffsetsKey {
  const v = version(buf, 'key');
  if (v === 0 || v === 1) {
    return { kind: 'offset', version: v, key: decodeMessage(OffsetCommitKey, v, buf, 2).value as unknown as OffsetCommitKeyData };
  }
  if (v === 2) {
    return { kind: 'group', version: v, key: decodeMessage(GroupMetadataKey, v, buf, 2).value as unknown as GroupMetadataKeyData };
  }
  throw new SluiceError('OFFSETS_RECORD_CORRUPT', `__consumer_offsets key: unknown version ${v}`);
}

/** Value v3 by default (offset, leaderEpoch, metadata, commitTimestamp); v1 when an expireTimestamp is kept. */
export function encodeOffsetCommitValue(value: Encodable<OffsetCommitValueData>, v = 3): Buffer {
  return prefixed(v, encodeMessage(OffsetCommitValue, v, value));
}

export function decodeOffsetCommitValue(buf: Buffer): { version: number; value: OffsetCommitValueData } {
  const v = version(buf, 'offset value');
  if (v < 0 || v > 4) throw new SluiceError('OFFSETS_RECORD_CORRUPT', `__consumer_offsets offset value: unknown version ${v}`);
  return { version: v, value: decodeMessage(OffsetCommitValue, v, buf, 2).value as unknown as OffsetCommitValueData };
}

export function encodeGroupMetadataValue(value: Encodable<GroupMetadataValueData>, v = 3): Buffer {
  return prefixed(v, encodeMessage(GroupMetadataValue, v, value));
}

export function decodeGroupMetadataValue(buf: Buffer): { version: number; value: GroupMetadataValueData } {
  const v = version(buf, 'group value');
  if (v < 0 || v > 4) throw new SluiceError('OFFSETS_RECORD_CORRUPT', `__consumer_offsets group value: unknown version ${v}`);
  return { version: v, value: decodeMessage(GroupMetadataValue, v, buf, 2).value as unknown as GroupMetadataValueData };
}
