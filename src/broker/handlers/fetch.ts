/**
 * Fetch (key 1), versions 4–17 (flexible from v12; topic ids from v13, KIP-516).
 *
 * Request (FetchRequest.json): ReplicaId (v0–14), MaxWaitMs, MinBytes, MaxBytes (v3+),
 *   IsolationLevel i8 (v4+), SessionId + SessionEpoch (v7+), Topics[Topic, Partitions[
 *   Partition, CurrentLeaderEpoch (v9+), FetchOffset i64, LastFetchedEpoch (v12+),
 *   LogStartOffset (v5+), PartitionMaxBytes]], ForgottenTopicsData (v7+), RackId (v11+).
 * Response: ThrottleTimeMs, ErrorCode (v7+), SessionId (v7+), Responses[Topic,
 *   Partitions[PartitionIndex, ErrorCode, HighWatermark, LastStableOffset (v4+),
 *   LogStartOffset (v5+), AbortedTransactions? (v4+), PreferredReadReplica (v11+, -1),
 *   Records?]]; v12 puts a tag buffer after each partition's records.
 * v13+: Topic (name) is replaced by TopicId (uuid) in Topics, ForgottenTopicsData and
 *   Responses. v15 moves ReplicaId into the tagged ReplicaState; v16 adds tagged
 *   NodeEndpoints and per-partition CurrentLeader to the response, which Kafka fills only
 *   for NOT_LEADER_OR_FOLLOWER. A single broker never answers that, so both stay at their
 *   defaults and the codec writes no tag bytes for them. v17 (KIP-853) adds only the tagged
 *   per-partition ReplicaDirectoryId, which a follower sends; consumers leave it out and this
 *   broker ignores it. The v17 response is v16's.
 *
 * Rules (issue 3 "Fetch rules", kafka.md §3c, §7):
 * - Long poll: answer as soon as MinBytes are available, an error occurs, or MaxWaitMs
 *   passes. Waiting uses PartitionLog.waitForData on every requested partition (woken by
 *   appends) and one timer; there is no polling loop. Each wait asks for data beyond the
 *   HW already seen, so a partition with a little data cannot spin the loop.
 * - KIP-74: the first partition that has data gets at least one whole batch even above
 *   PartitionMaxBytes/MaxBytes (minOneBatch); later partitions share what is left of
 *   MaxBytes. A partial trailing batch is allowed (storage cuts it).
 * - LastStableOffset = high watermark (no transactions). OFFSET_OUT_OF_RANGE (1) outside
 *   [logStartOffset, HW] comes from PartitionLog.read.
 * - Fetch sessions (KIP-227): always full fetches, SessionId 0.
 * - Topic lookup: by name up to v12 (unknown ⇒ UNKNOWN_TOPIC_OR_PARTITION 3), by id from
 *   v13 (unknown or zero id ⇒ UNKNOWN_TOPIC_ID 100; known id, unknown partition ⇒ 3).
 *   Each answered topic echoes the request's name (≤v12) or id (v13+).
 * - Records are FileSlices: the codec emits them as their own parts and the connection
 *   writer sends them with sendfile. Slices read during a poll that keeps waiting are
 *   released before waiting; the slices of the final answer belong to the writer.
 *
 * Counters (BrokerMetrics, only for the final answer and only for existing topics):
 * fetchRequests once per answered topic; bytesOut = slice bytes as sent (like Kafka's
 * BytesOutPerSec: whole slice, including a cut trailing batch and any records before
 * the fetch offset in the first batch). Records out = records a consumer can deliver
 * from this answer: from the fetch offset up to ReadResult.nextOffset (the end of the
 * last WHOLE batch in the slice, capped at the HW), i.e. nextOffset − fetchOffset. A
 * cut trailing batch counts nothing (the consumer fetches it again, and it is counted
 * then); records of the first batch below the fetch offset count nothing (the consumer
 * skips them). This is what the Java consumer's records-consumed-total counts, so a
 * topic read once from the start by one consumer ends with recordsOut == recordsIn.
 * Offsets stand for records one to one: Sluice has no compaction and no control
 * batches. Kafka itself has no broker-side records-out meter.
 */
import type { FileSlice, PartitionLog } from '../storage/types.js';
import { componentLogger } from '../../logger.js';
import { isUnexpected, kafkaErrorCode } from './error-mapping.js';
import type { ApiHandler, MessageBody, RequestContext } from './types.js';

const log = componentLogger('broker.fetch');

interface FetchPartition {
  readonly partition: number;
  readonly fetchOffset: bigint;
  readonly partitionMaxBytes: number;
}
interface FetchTopic {
  readonly topic: string;
  /** v13+ only (the codec fills a zero uuid below v13). */
  readonly topicId?: Buffer;
  readonly partitions: readonly FetchPartition[];
}
interface FetchRequest {
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes?: number;
  readonly isolationLevel?: number;
  readonly topics: readonly FetchTopic[];
}

interface Item {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly maxBytes: number;
  readonly log: PartitionLog | undefined;
  /** Error code answered when `log` is undefined. */
  readonly missingCode: number;
}

/** A request topic resolved to its name; `name` is '' for an unknown id. */
interface ResolvedTopic {
  readonly name: string;
  readonly topicId: Buffer;
  readonly partitions: readonly FetchPartition[];
}

const EMPTY = Buffer.alloc(0);
const UNKNOWN_TOPIC_OR_PARTITION = 3;
const UNKNOWN_TOPIC_ID = 100;
const ZERO_UUID = Buffer.alloc(16);
/** First Fetch version that names topics by id (KIP-516). */
const TOPIC_ID_VERSION = 13;

interface Pass {
  readonly topics: MessageBody[];
  readonly bytes: number;
  readonly failed: boolean;
  readonly slices: FileSlice[];
  /** Per item: the HW seen, so a wait asks for data past it. */
  readonly seenHw: number[];
  /** Per item: records delivered (see "Records out" in the header); 0 without a slice. */
  readonly recordsOut: number[];
}

function isFileSlice(x: unknown): x is FileSlice {
  return typeof x === 'object' && x !== null && 'file' in x && 'position' in x && 'length' in x;
}

function readPass(ctx: RequestContext, items: readonly Item[], byTopic: readonly ResolvedTopic[], maxBytes: number): Pass {
  const slices: FileSlice[] = [];
  const seenHw: number[] = [];
  const recordsOut: number[] = [];
  let remaining = maxBytes;
  let minOne = true;
  let bytes = 0;
  let failed = false;
  const topics: MessageBody[] = [];
  let i = 0;
  for (const t of byTopic) {
    const partitions: MessageBody[] = [];
    for (let k = 0; k < t.partitions.length; k++, i++) {
      const it = items[i]!;
      if (!it.log) {
        failed = true;
        seenHw.push(0);
        recordsOut.push(0);
        partitions.push(partitionAnswer(it.partition, it.missingCode, -1, -1, EMPTY));
        continue;
      }
      const lg = it.log;
      try {
        const limit = Math.min(it.maxBytes, remaining);
        const r = limit > 0 || minOne ? lg.read(it.offset, Math.max(0, limit), minOne) : null;
        const hw = r ? r.highWatermark : lg.highWatermark();
        const lso = r ? r.lastStableOffset : hw;
        const start = r ? r.logStartOffset : lg.logStartOffset();
        seenHw.push(hw);
        let records: Buffer | FileSlice = EMPTY;
        let delivered = 0;
        if (r && r.slice) {
          if (r.slice.length > 0) {
            slices.push(r.slice);
            records = r.slice;
            if (r.nextOffset !== undefined) delivered = Math.max(0, Math.min(r.nextOffset, hw) - it.offset);
            bytes += r.slice.length;
            remaining -= r.slice.length;
            minOne = false;
          } else {
            r.slice.file.release();
          }
        }
        recordsOut.push(delivered);
        partitions.push(partitionAnswer(it.partition, 0, hw, start, records, lso));
      } catch (err) {
        failed = true;
        seenHw.push(0);
        recordsOut.push(0);
        if (isUnexpected(err)) log.error({ err, topic: it.topic, partition: it.partition, client: ctx.client }, 'fetch read failed');
        partitions.push(partitionAnswer(it.partition, kafkaErrorCode(err), lg.highWatermark(), lg.logStartOffset(), EMPTY));
      }
    }
    topics.push({ topic: t.name, topicId: t.topicId, partitions });
  }
  return { topics, bytes, failed, slices, seenHw, recordsOut };
}

function partitionAnswer(partitionIndex: number, errorCode: number, hw: number, logStart: number, records: Buffer | FileSlice, lso = hw): MessageBody {
  return {
    partitionIndex,
    errorCode,
    highWatermark: BigInt(hw),
    lastStableOffset: BigInt(lso),
    logStartOffset: BigInt(logStart),
    abortedTransactions: null,
    preferredReadReplica: -1,
    records,
  };
}

/** Abort reason of the per-wait controller: one shared value, so no DOMException (with its stack) per wake-up. */
const WAIT_OVER: unknown = Object.freeze({ name: 'FetchWaitOver' });

/** Waits until any partition's HW passes what was seen, `ms` elapse, or the session ends. */
async function waitForAny(items: readonly Item[], seenHw: readonly number[], ms: number, outer: AbortSignal): Promise<void> {
  const ac = new AbortController();
  const onAbort = (): void => ac.abort(WAIT_OVER);
  outer.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(onAbort, ms);
  try {
    const waits: Promise<void>[] = [];
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      if (it.log) waits.push(it.log.waitForData(Math.max(it.offset, seenHw[i] ?? 0), ac.signal));
    }
    waits.push(new Promise<void>((resolve) => ac.signal.addEventListener('abort', () => resolve(), { once: true })));
    await Promise.race(waits);
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', onAbort);
    ac.abort(WAIT_OVER);
  }
}

export const fetchHandler: ApiHandler = {
  apiKey: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 17,
  async handle(ctx: RequestContext, body: MessageBody): Promise<MessageBody> {
    const req = body as unknown as FetchRequest;
    const { services } = ctx;
    const byId = ctx.header.apiVersion >= TOPIC_ID_VERSION;
    const topics: ResolvedTopic[] = [];
    const items: Item[] = [];
    for (const t of req.topics) {
      let name = t.topic;
      let missingCode = UNKNOWN_TOPIC_OR_PARTITION;
      const topicId = t.topicId ?? ZERO_UUID;
      if (byId) {
        const d = topicId.equals(ZERO_UUID) ? undefined : services.logs.topicById(topicId);
        name = d ? d.name : '';
        if (!d) missingCode = UNKNOWN_TOPIC_ID;
      }
      topics.push({ name, topicId, partitions: t.partitions });
      for (const p of t.partitions) {
        items.push({
          topic: name,
          partition: p.partition,
          offset: Number(p.fetchOffset),
          maxBytes: p.partitionMaxBytes,
          log: name === '' && byId ? undefined : services.logs.partition(name, p.partition),
          missingCode,
        });
      }
    }
    const maxBytes = req.maxBytes === undefined || req.maxBytes <= 0 ? 0x7fffffff : req.maxBytes;
    const minBytes = Math.max(0, req.minBytes);
    const deadline = Date.now() + Math.max(0, req.maxWaitMs);
    let pass = readPass(ctx, items, topics, maxBytes);
    for (;;) {
      const left = deadline - Date.now();
      if (pass.failed || pass.bytes >= minBytes || left <= 0 || ctx.signal.aborted || items.length === 0) break;
      for (const s of pass.slices) s.file.release();
      await waitForAny(items, pass.seenHw, left, ctx.signal);
      pass = readPass(ctx, items, topics, maxBytes);
    }
    let i = 0;
    for (const t of pass.topics) {
      const name = t['topic'] as string;
      const parts = t['partitions'] as MessageBody[];
      if (!services.logs.describeTopic(name)) { // no counters for names that do not exist
        i += parts.length;
        continue;
      }
      const m = services.metrics.topic(name);
      m.fetchRequests++;
      for (const p of parts) {
        const rec = p['records'];
        if (isFileSlice(rec)) m.bytesOut += rec.length;
        m.recordsOut += pass.recordsOut[i++] ?? 0;
      }
    }
    return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: pass.topics };
  },
};
