/**
 * ConsumerProtocol Subscription and Assignment: the opaque bytes that consumers put in
 * JoinGroup member metadata and SyncGroup assignments when ProtocolType is "consumer".
 *
 * Byte format: int16 version, then the struct of messages/consumer-protocol.ts in the
 * classic (non-flexible) encoding. A version newer than the newest known (3) is parsed as
 * the newest known, and trailing bytes are ignored (Kafka's ConsumerProtocol rule), so new
 * clients stay readable. Used by the group tools and the monitor; pure functions.
 */
import { decodeMessage, encodeMessage } from './codec.js';
import { ErrorCode, KafkaProtocolError } from './errors.js';
import {
  ConsumerProtocolAssignment, ConsumerProtocolSubscription,
  type ConsumerProtocolAssignmentData, type ConsumerProtocolSubscriptionData,
} from './messages/consumer-protocol.js';

export type { ConsumerProtocolAssignmentData, ConsumerProtocolSubscriptionData } from './messages/consumer-protocol.js';

const NEWEST = 3;

export interface Versioned<T> {
  /** The version found in the bytes (may exceed the newest known). */
  readonly version: number;
  readonly value: T;
}

function readVersion(buf: Buffer, what: string): number {
  if (buf.length < 2) throw new KafkaProtocolError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, `${what}: ${buf.length} bytes, no version`);
  const v = buf.readInt16BE(0);
  if (v < 0) throw new KafkaProtocolError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, `${what}: negative version ${v}`);
  return v;
}

function withVersion(version: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(2 + body.length);
  out.writeInt16BE(version, 0);
  body.copy(out, 2);
  return out;
}

export function decodeConsumerSubscription(buf: Buffer): Versioned<ConsumerProtocolSubscriptionData> {
  const version = readVersion(buf, 'consumer subscription');
  const { value } = decodeMessage(ConsumerProtocolSubscription, Math.min(version, NEWEST), buf, 2);
  return { version, value: value as unknown as ConsumerProtocolSubscriptionData };
}

export function encodeConsumerSubscription(value: Partial<ConsumerProtocolSubscriptionData>, version = NEWEST): Buffer {
  return withVersion(version, encodeMessage(ConsumerProtocolSubscription, Math.min(version, NEWEST), value));
}

export function decodeConsumerAssignment(buf: Buffer): Versioned<ConsumerProtocolAssignmentData> {
  const version = readVersion(buf, 'consumer assignment');
  const { value } = decodeMessage(ConsumerProtocolAssignment, Math.min(version, NEWEST), buf, 2);
  return { version, value: value as unknown as ConsumerProtocolAssignmentData };
}

export function encodeConsumerAssignment(value: Partial<ConsumerProtocolAssignmentData>, version = NEWEST): Buffer {
  return withVersion(version, encodeMessage(ConsumerProtocolAssignment, Math.min(version, NEWEST), value));
}
