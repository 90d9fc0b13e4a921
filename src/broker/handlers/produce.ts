/**
 * Produce (key 0), versions 3–9 (magic 2 only; flexible from v9).
 *
 * Request (ProduceRequest.json, v3–v9 identical but for flexible encoding):
 *   TransactionalId? Acks i16 TimeoutMs i32 TopicData[Name, PartitionData[Index i32, Records?]]
 * Response: Responses[Name, PartitionResponses[Index, ErrorCode, BaseOffset i64,
 *   LogAppendTimeMs i64 (v2+, -1), LogStartOffset i64 (v5+), RecordErrors[BatchIndex,
 *   BatchIndexErrorMessage?] (v8+), ErrorMessage? (v8+)]], ThrottleTimeMs (last).
 *
 * Rules honoured (ProduceRequest.validateRecords, LogValidator, kafka.md §3/§8):
 * - acks must be 0, 1 or -1 (else INVALID_REQUIRED_ACKS, 21); acks=0 → no response, and
 *   an error under acks=0 closes the connection (as Kafka does) so the client notices.
 * - Per partition, never dropping the connection: validation errors from
 *   record-batch-validate (CORRUPT_MESSAGE, INVALID_RECORD for transactional/control
 *   batches, UNSUPPORTED_FOR_MESSAGE_FORMAT, UNSUPPORTED_COMPRESSION_TYPE), zstd before
 *   v7 (UNSUPPORTED_COMPRESSION_TYPE, KIP-110), a batch larger than the topic's
 *   max.message.bytes (MESSAGE_TOO_LARGE), an unknown topic or partition
 *   (UNKNOWN_TOPIC_OR_PARTITION), a storage failure (KAFKA_STORAGE_ERROR).
 * - A non-null transactionalId: transactions do not exist yet, so every partition of
 *   such a request fails INVALID_RECORD (as transactional batches do).
 * - Auto-creation (auto.create.topics.enable) completes before the append.
 * - acks=-1 answers once the HW covers the batch (Kafka: HW ≥ lastOffset+1). On a single
 *   node the ISR is this broker alone, and the append resolves after the HW moves —
 *   after the fdatasync under log.flush.interval.messages=1, like Kafka without fsync otherwise.
 * Partitions are appended concurrently (each PartitionLog serializes its own appends);
 * the response keeps request order.
 */
import { validateRecordBatches, type RecordBatchHeader } from '../../protocol/record-batch-validate.js';
import { componentLogger } from '../../logger.js';
import { ATTR, BATCH } from '../../protocol/record-batch-layout.js';
import { errorMessage, isUnexpected, kafkaErrorCode } from './error-mapping.js';
import type { ApiHandler, MessageBody, RequestContext } from './types.js';
import { appendIdempotent } from '../producer-state/idempotent-append.js';

const log = componentLogger('broker.produce');

interface PartitionProduceData {
  readonly index: number;
  readonly records: Buffer | null;
}
interface TopicProduceData {
  readonly name: string;
  readonly partitionData: readonly PartitionProduceData[];
}
interface ProduceRequest {
  readonly transactionalId: string | null;
  readonly acks: number;
  readonly timeoutMs: number;
  readonly topicData: readonly TopicProduceData[];
}

const E = {
  NONE: 0,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  MESSAGE_TOO_LARGE: 10,
  INVALID_REQUIRED_ACKS: 21,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  INVALID_RECORD: 87,
} as const;

const ZSTD = 4;
const DEFAULT_MAX_MESSAGE_BYTES = 1048588;

function partitionResult(index: number, errorCode: number, message: string | null, baseOffset = -1n, logStartOffset = -1n, logAppendTime = -1n): MessageBody {
  return {
    index,
    errorCode,
    baseOffset,
    logAppendTimeMs: logAppendTime,
    logStartOffset,
    recordErrors: [],
    errorMessage: message,
  };
}

/** Validation + size/codec rules for one partition's records; returns an error result or the headers. */
export function checkProduceRecords(
  records: Buffer | null,
  version: number,
  maxMessageBytes: number,
): { errorCode: number; message: string } | RecordBatchHeader[] {
  if (records === null || records.length === 0) {
    return { errorCode: E.CORRUPT_MESSAGE, message: 'no records in the partition data' };
  }
  if (version < 7 && hasZstdBatch(records)) {
    return { errorCode: E.UNSUPPORTED_COMPRESSION_TYPE, message: `zstd needs Produce v7+, got v${version}` };
  }
  let headers: RecordBatchHeader[];
  try {
    headers = validateRecordBatches(records);
  } catch (err) {
    const code = kafkaErrorCode(err);
    return { errorCode: code === -1 ? E.CORRUPT_MESSAGE : code, message: errorMessage(err) };
  }
  for (const h of headers) {
    if (h.size > maxMessageBytes) {
      return { errorCode: E.MESSAGE_TOO_LARGE, message: `batch of ${h.size} bytes exceeds max.message.bytes ${maxMessageBytes}` };
    }
  }
  return headers;
}

/** Cheap pre-check (KIP-110): does any batch header say zstd? Stops at the first unreadable header. */
function hasZstdBatch(records: Buffer): boolean {
  let pos = 0;
  while (pos + BATCH.HEADER_SIZE <= records.length) {
    if ((records.readInt16BE(pos + BATCH.ATTRIBUTES) & ATTR.COMPRESSION_MASK) === ZSTD) return true;
    const size = records.readInt32BE(pos + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
    if (size <= BATCH.LOG_OVERHEAD) return false;
    pos += size;
  }
  return false;
}

function maxMessageBytesFor(ctx: RequestContext, topic: string): number {
  const cfg = ctx.services.logs.effectiveTopicConfig(topic);
  const v = Number(cfg['max.message.bytes']);
  if (Number.isFinite(v) && v > 0) return v;
  return ctx.services.settings.messageMaxBytes || DEFAULT_MAX_MESSAGE_BYTES;
}

async function producePartition(ctx: RequestContext, topic: string, data: PartitionProduceData, acks: number, transactional: boolean): Promise<MessageBody> {
  const { services } = ctx;
  const metrics = services.metrics.topic(topic);
  metrics.produceRequests++;
  const log1 = services.logs.partition(topic, data.index);
  if (!log1) {
    metrics.failedProduceRequests++;
    return partitionResult(data.index, E.UNKNOWN_TOPIC_OR_PARTITION, `no partition ${topic}-${data.index}`);
  }
  if (transactional) {
    metrics.failedProduceRequests++;
    return partitionResult(data.index, E.INVALID_RECORD, 'transactions are not supported');
  }
  const checked = checkProduceRecords(data.records, ctx.header.apiVersion, maxMessageBytesFor(ctx, topic));
  if (!Array.isArray(checked)) {
    metrics.failedProduceRequests++;
    return partitionResult(data.index, checked.errorCode, checked.message);
  }
  const records = data.records!;
  try {
    const r = await appendIdempotent(services.producers, log1, records, checked, { leaderEpoch: 0 });
    let count = 0;
    for (const h of checked) count += h.recordsCount;
    metrics.bytesIn += records.length;
    metrics.recordsIn += count;
    return partitionResult(data.index, E.NONE, null, BigInt(r.baseOffset), BigInt(r.logStartOffset), BigInt(r.logAppendTime));
  } catch (err) {
    metrics.failedProduceRequests++;
    if (isUnexpected(err)) log.error({ err, topic, partition: data.index, client: ctx.client }, 'append failed');
    return partitionResult(data.index, kafkaErrorCode(err), errorMessage(err));
  }
}

export const produceHandler: ApiHandler = {
  apiKey: 0,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 9,
  async handle(ctx: RequestContext, body: MessageBody): Promise<MessageBody | null> {
    const req = body as unknown as ProduceRequest;
    const acks = req.acks;
    const transactional = req.transactionalId !== null && req.transactionalId !== undefined;
    const responses: MessageBody[] = [];
    const pending: Promise<MessageBody>[][] = [];
    for (const t of req.topicData) {
      if (acks !== 0 && acks !== 1 && acks !== -1) {
        pending.push(t.partitionData.map((p) => Promise.resolve(partitionResult(p.index, E.INVALID_REQUIRED_ACKS, `acks=${acks}`))));
        continue;
      }
      let exists = true;
      try {
        exists = (await ctx.services.ensureTopic(t.name, true)) !== undefined;
      } catch (err) {
        const code = kafkaErrorCode(err);
        pending.push(t.partitionData.map((p) => Promise.resolve(partitionResult(p.index, code, errorMessage(err)))));
        continue;
      }
      if (!exists) {
        pending.push(t.partitionData.map((p) => Promise.resolve(partitionResult(p.index, E.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic ${t.name}`))));
        continue;
      }
      pending.push(t.partitionData.map((p) => producePartition(ctx, t.name, p, acks, transactional)));
    }
    for (let i = 0; i < req.topicData.length; i++) {
      responses.push({ name: req.topicData[i]!.name, partitionResponses: await Promise.all(pending[i]!) });
    }
    if (acks === 0) {
      // KafkaApis.handleProduceRequest: with acks=0 the client never sees an answer, so an
      // error closes the connection; the client then refreshes metadata and reconnects.
      const failed = responses.flatMap((t) => (t['partitionResponses'] as MessageBody[]).filter((p) => p['errorCode'] !== 0));
      if (failed.length > 0) ctx.closeConnection(`acks=0 produce failed for ${failed.length} partition(s): ${String(failed[0]!['errorMessage'])}`);
      return null;
    }
    return { responses, throttleTimeMs: 0 };
  },
};
