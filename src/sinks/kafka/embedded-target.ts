/**
 * Embedded target: appends whole record batches straight to the in-process broker's
 * partition logs (no socket, no Produce framing). One record batch per partition per
 * take, encoded with encodeRecordBatchFromBodies on the hot path (no per-event objects)
 * or encodeRecordBatch for records with keys/headers.
 *
 * acks: 0 and 1 resolve when the append is in the page cache; -1/all resolves when the
 * partition log says the batch is committed — after the fdatasync when the broker's flush
 * policy is flush-per-message (log.flush.interval.messages=1), as Produce with acks=-1.
 * Outcomes: broker errors with `retriable` (storage, unknown partition while creating)
 * roll the take back; MESSAGE_TOO_LARGE, CORRUPT_MESSAGE, INVALID_TOPIC are permanent.
 */
import type { InProcessBroker } from '../../agent/embedded-broker.js';
import { SluiceError, describeError } from '../../errors.js';
import { encodeRecordBatch, encodeRecordBatchFromBodies, type RecordInput } from '../../protocol/record-batch.js';
import type { PartitionBatch, ProducerTarget, SendOutcome } from './producer.js';

const PERMANENT = new Set(['MESSAGE_TOO_LARGE', 'CORRUPT_MESSAGE', 'INVALID_TOPIC_EXCEPTION', 'INVALID_RECORD', 'RECORD_LIST_TOO_LARGE', 'UNSUPPORTED_COMPRESSION_TYPE']);
const DEFAULT_MESSAGE_MAX_BYTES = 1048588;

export class EmbeddedTarget implements ProducerTarget {
  readonly kind = 'embedded' as const;
  constructor(private readonly broker: InProcessBroker, private readonly compression: number) {}

  async start(): Promise<void> {}

  async partitionCount(topic: string): Promise<number> {
    const d = await this.broker.ensureTopic(topic, true);
    if (!d) throw new SluiceError('UNKNOWN_TOPIC_OR_PARTITION', `topic ${topic} does not exist on the embedded broker and auto.create.topics.enable=false`, { retriable: true });
    return d.partitions;
  }

  maxBatchBytes(topic: string): number {
    const v = Number(this.broker.logs.effectiveTopicConfig(topic)['max.message.bytes']);
    return Number.isFinite(v) && v > 0 ? v : DEFAULT_MESSAGE_MAX_BYTES;
  }

  encode(b: PartitionBatch): Buffer {
    if (b.bodies) {
      return encodeRecordBatchFromBodies({
        data: b.bodies.data, starts: b.bodies.starts, ends: b.bodies.ends, count: b.count,
        timestamp: b.timestamp, lastRecordHeaders: b.lastRecordHeaders, compression: this.compression,
      });
    }
    const recs = b.records!;
    const inputs: RecordInput[] = new Array(recs.length);
    for (let i = 0; i < recs.length; i++) {
      const r = recs[i]!;
      const last = i === recs.length - 1 && b.lastRecordHeaders;
      inputs[i] = { key: r.key, value: r.value, headers: last ? [...r.headers, ...b.lastRecordHeaders!] : r.headers, timestamp: r.timestamp };
    }
    let minTs = Infinity;
    for (const r of recs) if (r.timestamp < minTs) minTs = r.timestamp;
    return encodeRecordBatch(inputs, { compression: this.compression, baseTimestamp: minTs });
  }

  async send(batches: readonly PartitionBatch[]): Promise<SendOutcome[]> {
    return Promise.all(batches.map(async (b): Promise<SendOutcome> => {
      try {
        const buf = this.encode(b);
        // Our own encoder wrote these bytes: skip the per-record validation walk and CRC re-check.
        const r = await this.broker.appendBatches(b.topic, b.partition, buf, { trusted: true });
        return { ok: true, baseOffset: r.baseOffset, nextOffset: r.lastOffset + 1 };
      } catch (err) {
        const code = err instanceof SluiceError ? err.code : 'UNKNOWN';
        const retriable = !PERMANENT.has(code);
        return { ok: false, retriable, code, message: describeError(err) };
      }
    }));
  }

  async stop(): Promise<void> {}
}
