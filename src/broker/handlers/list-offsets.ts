/**
 * ListOffsets (key 2), versions 1–7 (flexible from v6).
 *
 * Request (ListOffsetsRequest.json): ReplicaId, IsolationLevel (v2+), Topics[Name,
 *   Partitions[PartitionIndex, CurrentLeaderEpoch (v4+), Timestamp i64]].
 * Response: ThrottleTimeMs (v2+), Topics[Name, Partitions[PartitionIndex, ErrorCode,
 *   Timestamp i64, Offset i64, LeaderEpoch (v4+)]].
 *
 * Timestamp semantics (kafka.md §3b): -2 earliest = logStartOffset; -1 latest = HW
 * (= LSO, no transactions); -3 max timestamp (KIP-734, v7) = the batch holding the
 * largest timestamp (see maxTimestampOffset); t ≥ 0 = first offset whose batch
 * maxTimestamp ≥ t, then the first record in it with timestamp ≥ t (storage walks
 * uncompressed batches; compressed ones are decompressed here), else -1/-1.
 */
import { readSync } from 'node:fs';
import { decodeRecordBatch } from '../../protocol/record-batch.js';
import { ATTR, BATCH } from '../../protocol/record-batch-layout.js';
import type { PartitionLog } from '../storage/types.js';
import { kafkaErrorCode } from './error-mapping.js';
import type { ApiHandler, MessageBody, RequestContext } from './types.js';

interface ListOffsetsPartition {
  readonly partitionIndex: number;
  readonly timestamp: bigint;
}
interface ListOffsetsTopic {
  readonly name: string;
  readonly partitions: readonly ListOffsetsPartition[];
}
interface ListOffsetsRequest {
  readonly topics: readonly ListOffsetsTopic[];
}

const UNKNOWN_TOPIC_OR_PARTITION = 3;
const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;

function answer(partitionIndex: number, errorCode: number, timestamp: number, offset: number): MessageBody {
  return { partitionIndex, errorCode, timestamp: BigInt(timestamp), offset: BigInt(offset), leaderEpoch: errorCode === 0 ? 0 : -1 };
}

export const listOffsetsHandler: ApiHandler = {
  apiKey: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 7,
  handle(ctx: RequestContext, body: MessageBody): MessageBody {
    const req = body as unknown as ListOffsetsRequest;
    const topics: MessageBody[] = [];
    for (const t of req.topics) {
      const partitions: MessageBody[] = [];
      for (const p of t.partitions) {
        const lg = ctx.services.logs.partition(t.name, p.partitionIndex);
        if (!lg) {
          partitions.push(answer(p.partitionIndex, UNKNOWN_TOPIC_OR_PARTITION, -1, -1));
          continue;
        }
        try {
          const ts = Number(p.timestamp);
          if (ts === LATEST) partitions.push(answer(p.partitionIndex, 0, -1, lg.highWatermark()));
          else if (ts === EARLIEST) partitions.push(answer(p.partitionIndex, 0, -1, lg.logStartOffset()));
          else if (ts === MAX_TIMESTAMP) {
            const found = maxTimestampOffset(lg);
            partitions.push(answer(p.partitionIndex, 0, found ? found.timestamp : -1, found ? found.offset : -1));
          } else {
            const found = refineInCompressedBatch(lg, lg.offsetForTimestamp(ts), ts);
            partitions.push(answer(p.partitionIndex, 0, found ? found.timestamp : -1, found ? found.offset : -1));
          }
        } catch (err) {
          partitions.push(answer(p.partitionIndex, kafkaErrorCode(err), -1, -1));
        }
      }
      topics.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
};

/**
 * Kafka answers a timestamp query with the first RECORD whose timestamp ≥ the target
 * (LogSegment.findOffsetByTimestamp walks the records of the batch). Storage resolves
 * uncompressed batches to the record but a compressed one only to its base offset; this
 * reads that one batch (≤ max.message.bytes), decompresses it, and finds the record.
 */
function refineInCompressedBatch(
  lg: PartitionLog,
  found: { offset: number; timestamp: number } | null,
  target: number,
): { offset: number; timestamp: number } | null {
  if (!found) return null;
  let res;
  try {
    res = lg.read(found.offset, 1, true);
  } catch {
    return found;
  }
  const slice = res.slice;
  if (!slice) return found;
  try {
    const head = Buffer.allocUnsafe(BATCH.HEADER_SIZE);
    if (slice.length < BATCH.HEADER_SIZE || readSync(slice.file.fd, head, 0, BATCH.HEADER_SIZE, slice.position) < BATCH.HEADER_SIZE) return found;
    if ((head.readInt16BE(BATCH.ATTRIBUTES) & ATTR.COMPRESSION_MASK) === 0) return found;
    const size = head.readInt32BE(BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
    if (size > slice.length) return found;
    const batch = Buffer.allocUnsafe(size);
    if (readSync(slice.file.fd, batch, 0, size, slice.position) < size) return found;
    for (const r of decodeRecordBatch(batch).records) {
      if (r.offset >= found.offset && r.timestamp >= target) return { offset: r.offset, timestamp: r.timestamp };
    }
    return found;
  } catch {
    return found; // an undecodable batch: keep storage's batch-level answer
  } finally {
    slice.file.release();
  }
}

/**
 * Offset and timestamp of the batch with the largest timestamp (KIP-734). Uses the log's
 * own `maxTimestampOffset()` when the implementation has one; otherwise a binary search
 * over `offsetForTimestamp` (≤ 54 time-index lookups): the largest T for which some batch
 * has maxTimestamp ≥ T is the maximum timestamp, and offsetForTimestamp(T) its batch.
 */
function maxTimestampOffset(lg: PartitionLog): { offset: number; timestamp: number } | null {
  const ext = lg as PartitionLog & { maxTimestampOffset?: () => { offset: number; timestamp: number } | null };
  if (typeof ext.maxTimestampOffset === 'function') return ext.maxTimestampOffset();
  if (lg.offsetForTimestamp(0) === null) return null;
  let lo = 0; // offsetForTimestamp(lo) !== null
  let hi = Number.MAX_SAFE_INTEGER; // assumed null above lo's answer
  if (lg.offsetForTimestamp(hi) !== null) lo = hi;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (lg.offsetForTimestamp(mid) !== null) lo = mid;
    else hi = mid;
  }
  return refineInCompressedBatch(lg, lg.offsetForTimestamp(lo), lo);
}
