/**
 * The Kafka sink's producer interface: what the sink hands to a target and gets back.
 * Two implementations: the embedded broker (embedded-target.ts: whole record batches
 * appended in-process, no socket) and a remote cluster (kafkajs-producer.ts: the only
 * file that imports kafkajs). Moving to another client later touches one file.
 *
 * The sink always chooses the partition itself (same code for both targets), so a
 * PartitionBatch names topic AND partition. A batch is either `bodies` (the hot path: the
 * channel's Buffer plus start/end offsets, null keys, no per-record headers) or `records`.
 * `lastRecordHeaders` go on the last record only (the exactly-once provenance).
 *
 * send() resolves with one outcome per batch in order: acknowledged (base offset) or a
 * failure with a `retriable` flag. Retriable failures make the sink roll the take back;
 * permanent ones send that batch's events to the dead-letter file.
 */
import type { RecordHeader } from '../../protocol/record-batch.js';

export interface OutgoingRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
  readonly timestamp: number;
}

export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly count: number;
  /** Hot path: record i's value is data[starts[i], ends[i]); key null, no headers. */
  readonly bodies?: { readonly data: Buffer; readonly starts: Uint32Array; readonly ends: Uint32Array };
  readonly records?: readonly OutgoingRecord[];
  /** CreateTime of the bodies form. */
  readonly timestamp: number;
  readonly lastRecordHeaders: readonly RecordHeader[] | null;
}

export type SendOutcome =
  | { readonly ok: true; readonly baseOffset: number; readonly nextOffset: number }
  | { readonly ok: false; readonly retriable: boolean; readonly code: string; readonly message: string };

export interface ProducerTarget {
  readonly kind: 'embedded' | 'remote';
  start(): Promise<void>;
  /** Partition count of `topic` (creating it when the broker auto-creates topics). */
  partitionCount(topic: string): Promise<number>;
  /** Largest record batch the target accepts for `topic` (message.max.bytes / max.request.size). */
  maxBatchBytes(topic: string): number;
  send(batches: readonly PartitionBatch[]): Promise<SendOutcome[]>;
  stop(): Promise<void>;
}
