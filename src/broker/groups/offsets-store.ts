/**
 * Committed offsets and persisted group metadata, kept in memory and made durable in
 * the internal topic `__consumer_offsets` (Kafka's record formats, protocol/offsets-records.ts).
 *
 * Byte format on disk: ordinary record batches v2 in the 50 (offsets.topic.num.partitions)
 * partitions of __consumer_offsets; each record's key is an OffsetCommit key (v1:
 * group, topic, partition) or a GroupMetadata key (v2: group); its value is an
 * OffsetCommit value v3 (v1 when an expire timestamp was asked for), a GroupMetadata
 * value v3, or null (a tombstone). A group's records all go to partition
 * `abs(javaHash(group)) % partitions` (java-hash.ts).
 *
 * Invariants:
 * - The in-memory maps equal the result of replaying every partition from its log start
 *   (newest value per key wins, a tombstone removes the key). They change only after the
 *   append that carries the change has succeeded, so an acknowledged commit is in the log.
 * - Compaction ("snapshot and cut"): once a partition has grown by `compactAfterBytes`
 *   since its last compaction and no append is in flight on it, the live keys of its
 *   groups (plus tombstones younger than delete.retention.ms) are re-appended as fresh
 *   batches in a new segment, and the log start moves to the first of them, which deletes
 *   every older segment. Replaying from the new log start yields the same state.
 *
 * Ownership: only this store appends to __consumer_offsets (the broker refuses client
 * produce to internal topics is NOT assumed; a foreign record is replayed like ours).
 * Single-threaded; the only awaits are appends.
 */
import { componentLogger } from '../../logger.js';
import { SluiceError } from '../../errors.js';
import { decodeRecordBatch, encodeRecordBatch, type RecordInput } from '../../protocol/record-batch.js';
import {
  decodeGroupMetadataValue, decodeOffsetCommitValue, decodeOffsetsKey, encodeGroupMetadataKey,
  encodeGroupMetadataValue, encodeOffsetCommitKey, encodeOffsetCommitValue, type GroupMetadataValueData,
} from '../../protocol/offsets-records.js';
import type { LogManager, PartitionLog } from '../storage/types.js';
import { offsetsPartitionFor } from './java-hash.js';
import { replayBatches } from './log-replay.js';

const log = componentLogger('broker.groups.offsets');

export const OFFSETS_TOPIC = '__consumer_offsets';

export interface CommittedOffset {
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestamp: number;
  /** -1 unless the commit asked for a retention time (OffsetCommit v2-4). */
  readonly expireTimestamp: number;
}

export interface OffsetToCommit extends CommittedOffset {
  readonly topic: string;
  readonly partition: number;
}

export interface OffsetsStoreOptions {
  readonly logs: LogManager;
  /** offsets.topic.num.partitions (50). */
  readonly partitions: number;
  /** delete.retention.ms: how long tombstones survive compaction. */
  readonly deleteRetentionMs: number;
  /** Bytes a partition may grow by before it is compacted (default 64 MiB). */
  readonly compactAfterBytes?: number;
  /** segment.bytes for the topic when it is created (Kafka: offsets.topic.segment.bytes, 100 MiB). */
  readonly segmentBytes?: number;
  readonly now?: () => number;
}

interface PartitionState {
  grownBytes: number;
  threshold: number;
  inflight: number;
  /** key (latin1 of the key bytes) → time the tombstone was written. */
  readonly tombstones: Map<string, { key: Buffer; at: number }>;
  compacting: boolean;
}

/** Key inside a group's offsets map. */
export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export function splitTpKey(k: string): { topic: string; partition: number } {
  const i = k.lastIndexOf('\u0000');
  return { topic: k.slice(0, i), partition: Number(k.slice(i + 1)) };
}

const MAX_BATCH_BYTES = 512 * 1024;

export class OffsetsStore {
  private readonly offsets = new Map<string, Map<string, CommittedOffset>>();
  private readonly metadata = new Map<string, GroupMetadataValueData>();
  private readonly parts: PartitionState[] = [];
  private readonly now: () => number;
  private readonly compactAfter: number;

  private constructor(private readonly opts: OffsetsStoreOptions) {
    this.now = opts.now ?? Date.now;
    this.compactAfter = opts.compactAfterBytes ?? 64 * 1024 * 1024;
    for (let i = 0; i < opts.partitions; i++) {
      this.parts.push({ grownBytes: 0, threshold: this.compactAfter, inflight: 0, tombstones: new Map(), compacting: false });
    }
  }

  /** Creates __consumer_offsets when missing, then replays every partition. */
  static async open(opts: OffsetsStoreOptions): Promise<OffsetsStore> {
    const s = new OffsetsStore(opts);
    let desc = opts.logs.describeTopic(OFFSETS_TOPIC);
    if (!desc) {
      desc = await opts.logs.createTopic(OFFSETS_TOPIC, opts.partitions, { 'segment.bytes': String(opts.segmentBytes ?? 104_857_600) });
      log.info({ partitions: opts.partitions }, `created ${OFFSETS_TOPIC}`);
    } else if (desc.partitions !== opts.partitions) {
      throw new SluiceError('CONFIG_INVALID_VALUE',
        `${OFFSETS_TOPIC} has ${desc.partitions} partitions but offsets.topic.num.partitions=${opts.partitions}; it cannot change once the topic exists`);
    }
    const started = Date.now();
    let records = 0;
    for (let p = 0; p < opts.partitions; p++) records += s.replay(p);
    log.info({ groups: s.groupIds().length, records, ms: Date.now() - started }, `loaded ${OFFSETS_TOPIC}`);
    return s;
  }

  private partitionLog(p: number): PartitionLog {
    const pl = this.opts.logs.partition(OFFSETS_TOPIC, p);
    if (!pl) throw new SluiceError('COORDINATOR_NOT_AVAILABLE', `${OFFSETS_TOPIC}-${p} does not exist`, { retriable: true });
    return pl;
  }

  private replay(p: number): number {
    const pl = this.partitionLog(p);
    let n = 0;
    replayBatches(pl, pl.logStartOffset(), (buf, pos) => {
      let batch;
      try {
        batch = decodeRecordBatch(buf, pos);
      } catch (err) {
        log.error({ partition: p, err }, `unreadable batch in ${OFFSETS_TOPIC}-${p}; skipped`);
        return;
      }
      for (const r of batch.records) {
        if (!r.key) continue;
        try {
          this.apply(r.key, r.value, p, r.timestamp);
          n++;
        } catch (err) {
          log.warn({ partition: p, offset: r.offset, err }, `bad record in ${OFFSETS_TOPIC}-${p}; skipped`);
        }
      }
    });
    this.parts[p]!.grownBytes = pl.sizeInBytes();
    return n;
  }

  /** Applies one record (replay and after-append share this). */
  private apply(keyBuf: Buffer, value: Buffer | null, p: number, timestamp: number): void {
    const key = decodeOffsetsKey(keyBuf);
    const tomb = this.parts[p]!.tombstones;
    const kstr = keyBuf.toString('latin1');
    if (value === null) tomb.set(kstr, { key: Buffer.from(keyBuf), at: timestamp });
    else tomb.delete(kstr);
    if (key.kind === 'offset') {
      const { group, topic, partition } = key.key;
      if (value === null) {
        const m = this.offsets.get(group);
        if (m) {
          m.delete(tpKey(topic, partition));
          if (m.size === 0) this.offsets.delete(group);
        }
        return;
      }
      const v = decodeOffsetCommitValue(value).value;
      let m = this.offsets.get(group);
      if (!m) this.offsets.set(group, (m = new Map()));
      m.set(tpKey(topic, partition), {
        offset: Number(v.offset),
        leaderEpoch: v.leaderEpoch ?? -1,
        metadata: v.metadata ?? '',
        commitTimestamp: Number(v.commitTimestamp),
        expireTimestamp: v.expireTimestamp === undefined ? -1 : Number(v.expireTimestamp),
      });
    } else if (value === null) {
      this.metadata.delete(key.key.group);
    } else {
      this.metadata.set(key.key.group, decodeGroupMetadataValue(value).value);
    }
  }

  /** Committed offsets of a group (empty map when none). Do not mutate. */
  offsetsOf(groupId: string): ReadonlyMap<string, CommittedOffset> {
    return this.offsets.get(groupId) ?? EMPTY;
  }

  hasOffsets(groupId: string): boolean {
    return this.offsets.has(groupId);
  }

  /** The persisted GroupMetadata value of a group, if any. */
  groupMetadata(groupId: string): GroupMetadataValueData | undefined {
    return this.metadata.get(groupId);
  }

  /** Every group with offsets or persisted metadata. */
  groupIds(): string[] {
    return [...new Set([...this.offsets.keys(), ...this.metadata.keys()])];
  }

  partitionFor(groupId: string): number {
    return offsetsPartitionFor(groupId, this.opts.partitions);
  }

  /** Appends the commits as one batch; resolves after the append, with memory updated. */
  async commit(groupId: string, entries: readonly OffsetToCommit[]): Promise<void> {
    if (entries.length === 0) return;
    const records: RecordInput[] = entries.map((e) => ({
      key: encodeOffsetCommitKey({ group: groupId, topic: e.topic, partition: e.partition }),
      value: e.expireTimestamp >= 0
        ? encodeOffsetCommitValue({ offset: BigInt(e.offset), metadata: e.metadata, commitTimestamp: BigInt(e.commitTimestamp), expireTimestamp: BigInt(e.expireTimestamp) }, 1)
        : encodeOffsetCommitValue({ offset: BigInt(e.offset), leaderEpoch: e.leaderEpoch, metadata: e.metadata, commitTimestamp: BigInt(e.commitTimestamp) }, 3),
    }));
    await this.write(groupId, records);
  }

  /** Writes tombstones for the given offsets (all of the group's when `keys` is omitted). */
  async deleteOffsets(groupId: string, keys?: readonly string[]): Promise<void> {
    const m = this.offsets.get(groupId);
    if (!m) return;
    const which = keys ?? [...m.keys()];
    const records: RecordInput[] = [];
    for (const k of which) {
      if (!m.has(k)) continue;
      const { topic, partition } = splitTpKey(k);
      records.push({ key: encodeOffsetCommitKey({ group: groupId, topic, partition }), value: null });
    }
    await this.write(groupId, records);
  }

  /** Persists (or with null, tombstones) the group's metadata record. */
  async writeGroupMetadata(groupId: string, value: GroupMetadataValueData | null): Promise<void> {
    if (value === null && !this.metadata.has(groupId)) return;
    await this.write(groupId, [{
      key: encodeGroupMetadataKey({ group: groupId }),
      value: value === null ? null : encodeGroupMetadataValue(value, 3),
    }]);
  }

  private async write(groupId: string, records: RecordInput[]): Promise<void> {
    if (records.length === 0) return;
    const p = this.partitionFor(groupId);
    const pl = this.partitionLog(p);
    const ts = this.now();
    const batch = encodeRecordBatch(records, { baseTimestamp: ts });
    const st = this.parts[p]!;
    st.inflight++;
    try {
      await pl.append(batch, { leaderEpoch: 0 });
    } finally {
      st.inflight--;
    }
    for (const r of records) this.apply(r.key!, r.value, p, ts);
    st.grownBytes += batch.length;
    if (st.grownBytes >= st.threshold && st.inflight === 0 && !st.compacting) {
      this.compact(p).catch((err: unknown) => log.error({ partition: p, err }, `compacting ${OFFSETS_TOPIC}-${p} failed`));
    }
  }

  /** The live records of partition `p`, as they would be rewritten by compaction. */
  private liveRecords(p: number, now: number): RecordInput[] {
    const out: RecordInput[] = [];
    for (const g of this.groupIds()) {
      if (this.partitionFor(g) !== p) continue;
      const md = this.metadata.get(g);
      if (md) out.push({ key: encodeGroupMetadataKey({ group: g }), value: encodeGroupMetadataValue(md, 3) });
      for (const [k, v] of this.offsets.get(g) ?? EMPTY) {
        const { topic, partition } = splitTpKey(k);
        out.push({
          key: encodeOffsetCommitKey({ group: g, topic, partition }),
          value: v.expireTimestamp >= 0
            ? encodeOffsetCommitValue({ offset: BigInt(v.offset), metadata: v.metadata, commitTimestamp: BigInt(v.commitTimestamp), expireTimestamp: BigInt(v.expireTimestamp) }, 1)
            : encodeOffsetCommitValue({ offset: BigInt(v.offset), leaderEpoch: v.leaderEpoch, metadata: v.metadata, commitTimestamp: BigInt(v.commitTimestamp) }, 3),
        });
      }
    }
    const tomb = this.parts[p]!.tombstones;
    for (const [k, t] of tomb) {
      if (now - t.at >= this.opts.deleteRetentionMs) tomb.delete(k);
      else out.push({ key: t.key, value: null, timestamp: t.at });
    }
    return out;
  }

  /**
   * Compacts partition `p` now (see the header): newest value per key, tombstones kept
   * for delete.retention.ms. Returns the bytes of the rewritten live set, or -1 when the
   * log cannot roll (a storage without roll/advanceLogStart) or an append is in flight.
   */
  async compact(p: number): Promise<number> {
    const st = this.parts[p]!;
    const pl = this.partitionLog(p) as PartitionLog & Partial<CompactableLog>;
    if (st.inflight > 0 || st.compacting || typeof pl.roll !== 'function' || typeof pl.advanceLogStart !== 'function') return -1;
    st.compacting = true;
    try {
      const now = this.now();
      const records = this.liveRecords(p, now);
      const sizeBefore = pl.sizeInBytes();
      pl.roll();
      const start = pl.logEndOffset();
      let bytes = 0;
      const pending: Promise<unknown>[] = [];
      let chunk: RecordInput[] = [];
      let chunkBytes = 0;
      const flush = (): void => {
        if (chunk.length === 0) return;
        const b = encodeRecordBatch(chunk, { baseTimestamp: now });
        bytes += b.length;
        pending.push(pl.append(b, { leaderEpoch: 0 }));
        chunk = [];
        chunkBytes = 0;
      };
      for (const r of records) {
        chunk.push(r);
        chunkBytes += r.key!.length + (r.value?.length ?? 0) + 16;
        if (chunkBytes >= MAX_BATCH_BYTES) flush();
      }
      flush();
      st.inflight++;
      try {
        await Promise.all(pending);
      } finally {
        st.inflight--;
      }
      pl.advanceLogStart(start);
      st.grownBytes = bytes;
      st.threshold = Math.max(this.compactAfter, bytes * 2);
      log.info({ partition: p, records: records.length, bytesBefore: sizeBefore, bytesAfter: pl.sizeInBytes() }, `compacted ${OFFSETS_TOPIC}-${p}`);
      return bytes;
    } finally {
      st.compacting = false;
    }
  }

  /** Forgets tombstones older than delete.retention.ms (compaction would drop them too). */
  pruneTombstones(now = this.now()): number {
    let n = 0;
    for (const p of this.parts) {
      for (const [k, t] of p.tombstones) {
        if (now - t.at >= this.opts.deleteRetentionMs) {
          p.tombstones.delete(k);
          n++;
        }
      }
    }
    return n;
  }

  /** Memory-size figures for tests and the monitor. */
  stats(): { groupsWithOffsets: number; offsets: number; groupsWithMetadata: number; tombstones: number } {
    let offsets = 0;
    for (const m of this.offsets.values()) offsets += m.size;
    let tombstones = 0;
    for (const p of this.parts) tombstones += p.tombstones.size;
    return { groupsWithOffsets: this.offsets.size, offsets, groupsWithMetadata: this.metadata.size, tombstones };
  }
}

/** What compaction needs beyond the PartitionLog contract (PartitionLogImpl has both). */
interface CompactableLog {
  roll(): void;
  advanceLogStart(offset: number): void;
}

const EMPTY: ReadonlyMap<string, CommittedOffset> = new Map();
