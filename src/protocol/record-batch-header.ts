/**
 * Reading the fixed 61-byte header of a record batch v2 (layout in record-batch-layout.ts)
 * into a plain object, plus big-endian int64 helpers on JS numbers.
 *
 * int64 fields (baseOffset, timestamps, producerId) are returned as numbers: exact up to 2^53,
 * which offsets and millisecond timestamps never reach. -1 sentinels stay -1.
 * These functions never validate; callers check sizes first (see record-batch-validate.ts).
 */
import { ATTR, BATCH } from './record-batch-layout.js';

/** Header fields of one batch, with its position and total size inside the scanned buffer. */
export interface RecordBatchHeader {
  /** Byte index of the batch inside the buffer it was read from. */
  readonly position: number;
  /** Total bytes: batchLength + 12. */
  readonly size: number;
  readonly baseOffset: number;
  /** baseOffset + lastOffsetDelta. */
  readonly lastOffset: number;
  readonly partitionLeaderEpoch: number;
  readonly magic: number;
  /** Stored CRC-32C (unsigned). */
  readonly crc: number;
  readonly attributes: number;
  /** attributes & 0x07. */
  readonly codec: number;
  readonly isTransactional: boolean;
  readonly isControl: boolean;
  /** attributes bit 3: timestamps are LogAppendTime. */
  readonly logAppendTime: boolean;
  readonly lastOffsetDelta: number;
  readonly baseTimestamp: number;
  readonly maxTimestamp: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordsCount: number;
}

/** Reads a big-endian signed int64 as a number (exact for |v| ≤ 2^53). */
export function readInt64(buf: Buffer, offset: number): number {
  return buf.readInt32BE(offset) * 4294967296 + buf.readUInt32BE(offset + 4);
}

/** Writes a number as a big-endian signed int64 (|v| ≤ 2^53). */
export function writeInt64(buf: Buffer, offset: number, value: number): void {
  const hi = Math.floor(value / 4294967296);
  buf.writeInt32BE(hi, offset);
  buf.writeUInt32BE(value - hi * 4294967296, offset + 4);
}

/** Reads the header of the batch at `pos`; the caller guarantees 61 bytes are present. */
export function readRecordBatchHeader(buf: Buffer, pos: number): RecordBatchHeader {
  const attributes = buf.readInt16BE(pos + BATCH.ATTRIBUTES);
  const baseOffset = readInt64(buf, pos + BATCH.BASE_OFFSET);
  const lastOffsetDelta = buf.readInt32BE(pos + BATCH.LAST_OFFSET_DELTA);
  return {
    position: pos,
    size: buf.readInt32BE(pos + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD,
    baseOffset,
    lastOffset: baseOffset + lastOffsetDelta,
    partitionLeaderEpoch: buf.readInt32BE(pos + BATCH.PARTITION_LEADER_EPOCH),
    magic: buf.readInt8(pos + BATCH.MAGIC),
    crc: buf.readUInt32BE(pos + BATCH.CRC),
    attributes,
    codec: attributes & ATTR.COMPRESSION_MASK,
    isTransactional: (attributes & ATTR.TRANSACTIONAL) !== 0,
    isControl: (attributes & ATTR.CONTROL) !== 0,
    logAppendTime: (attributes & ATTR.TIMESTAMP_TYPE_LOG_APPEND) !== 0,
    lastOffsetDelta,
    baseTimestamp: readInt64(buf, pos + BATCH.BASE_TIMESTAMP),
    maxTimestamp: readInt64(buf, pos + BATCH.MAX_TIMESTAMP),
    producerId: readInt64(buf, pos + BATCH.PRODUCER_ID),
    producerEpoch: buf.readInt16BE(pos + BATCH.PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(pos + BATCH.BASE_SEQUENCE),
    recordsCount: buf.readInt32BE(pos + BATCH.RECORDS_COUNT),
  };
}
