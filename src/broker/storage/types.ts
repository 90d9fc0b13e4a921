/**
 * The storage layer's public contract, used by the broker's handlers, the group
 * coordinator, the embedded-broker path of the Kafka sink, the monitor and dump-log.
 *
 * Offsets and timestamps are JS numbers (safe integers; 2^53 is far beyond any log).
 * The wire codec uses bigint for int64 and converts at the handler boundary.
 *
 * Ownership: a PartitionLog is mutated only through `append`, `truncate…`, retention
 * and roll, all serialized inside the log. Readers get immutable views (FileSlice)
 * that stay valid while retained, even if retention deletes the segment meanwhile.
 *
 * ReadResult.nextOffset (optional, added for the records-out metric): with a non-null
 * slice, the offset just after the last batch that lies WHOLE inside the slice (so a
 * cut trailing batch is not included; the first batch's base offset when even the
 * first batch is cut). Never above the high watermark. The log finds it without
 * reading record bodies (see PartitionLogImpl.read). Implementations that do not know
 * it leave it undefined; callers then count no records.
 */

/** An open segment file, reference-counted while a read or a sendfile uses it. */
export interface SegmentFile {
  readonly path: string;
  /** OS file descriptor; valid while retained. */
  readonly fd: number;
  retain(): void;
  /** Drops one reference; the fd closes when the last one goes and the file was evicted or deleted. */
  release(): void;
}

/**
 * A region of a segment's .log file: whole record batches, except that the last one
 * may be partial when the read was size-limited (Kafka allows this).
 * The slice holds one reference on `file`; whoever consumes it calls `file.release()` once.
 */
export interface FileSlice {
  readonly file: SegmentFile;
  readonly position: number;
  readonly length: number;
}

export interface ReadResult {
  /** null when there is nothing to read at `offset` (offset == high watermark). */
  readonly slice: FileSlice | null;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly lastStableOffset: number;
  /** With a slice: offset after its last whole batch (see the header). Undefined without a slice. */
  readonly nextOffset?: number;
}

export interface AppendResult {
  /** Offset assigned to the first record (for a duplicate idempotent batch: the original one). */
  readonly baseOffset: number;
  readonly lastOffset: number;
  /** -1 unless message.timestamp.type=LogAppendTime. */
  readonly logAppendTime: number;
  readonly logStartOffset: number;
}

export interface AppendOptions {
  /** Leader epoch stamped into partitionLeaderEpoch (0 on a single node). */
  readonly leaderEpoch?: number;
  /** When true, resolve only after the data is fdatasynced (acks=-1 with flush-per-message). */
  readonly requireDurable?: boolean;
}

export interface PartitionLog {
  readonly topic: string;
  readonly partition: number;
  logStartOffset(): number;
  /** Next offset to be assigned. */
  logEndOffset(): number;
  /** Offsets below it are visible to consumers (single node: LEO, or the synced offset under flush-per-message). */
  highWatermark(): number;
  /** Total bytes of all segments. */
  sizeInBytes(): number;
  segmentCount(): number;
  /**
   * Appends one or more record batches (magic 2) laid end to end in `batches`.
   * The caller has validated them (src/protocol record-batch validation).
   * Rewrites baseOffset and partitionLeaderEpoch in place; does not recompute CRCs.
   * Throws a SluiceError with code KAFKA_STORAGE_ERROR on I/O failure (after truncating
   * the partial write), MESSAGE_TOO_LARGE, etc.
   */
  append(batches: Buffer, options?: AppendOptions): Promise<AppendResult>;
  /**
   * A slice starting at the batch that contains `offset`, at most `maxBytes` long, but
   * always at least one whole batch when `minOneBatch` (KIP-74). Never past the HW.
   * Throws OFFSET_OUT_OF_RANGE outside [logStartOffset, HW].
   */
  read(offset: number, maxBytes: number, minOneBatch: boolean): ReadResult;
  /** First offset whose batch maxTimestamp ≥ ts (Kafka ListOffsets semantics), or null. */
  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | null;
  /** Resolves when the HW passes `offset` or `signal` aborts (never rejects on abort). */
  waitForData(offset: number, signal: AbortSignal): Promise<void>;
}

export interface TopicDescription {
  readonly name: string;
  /** 16-byte UUID. */
  readonly topicId: Buffer;
  readonly partitions: number;
  readonly internal: boolean;
  /** Per-topic overrides only (what the user set). */
  readonly configs: Readonly<Record<string, string>>;
}

export interface LogManager {
  listTopics(): TopicDescription[];
  describeTopic(name: string): TopicDescription | undefined;
  topicById(id: Buffer): TopicDescription | undefined;
  partition(topic: string, partition: number): PartitionLog | undefined;
  createTopic(name: string, partitions: number, configs?: Readonly<Record<string, string>>): Promise<TopicDescription>;
  deleteTopic(name: string): Promise<void>;
  addPartitions(name: string, totalCount: number): Promise<TopicDescription>;
  alterTopicConfig(name: string, configs: Readonly<Record<string, string | null>>): Promise<TopicDescription>;
  /** Effective config for a topic: defaults from the broker config, then overrides. */
  effectiveTopicConfig(name: string): Readonly<Record<string, string>>;
  close(): Promise<void>;
}
