/**
 * Kafka's time index (`<base>.timeindex`): 12-byte entries, big-endian
 *   int64 timestamp, int32 relativeOffset.
 *
 * An entry (T, O) says: the largest timestamp among batches up to offset O is T.
 * Entries are appended only when T exceeds the last entry's timestamp, so both
 * fields increase. A segment becoming inactive appends its final max timestamp.
 * No checksum: rebuilt after a crash (see index-file.ts).
 */
import { IndexFile } from './index-file.js';
import { readTimestamp, writeTimestamp } from './batch-header.js';

export const TIME_INDEX_ENTRY = 12;

export class TimeIndex extends IndexFile {
  constructor(path: string, baseOffset: number, maxIndexBytes: number) {
    super(path, TIME_INDEX_ENTRY, baseOffset, maxIndexBytes);
  }

  timestampAt(i: number): number {
    return readTimestamp(this.buf, i * TIME_INDEX_ENTRY);
  }

  relOffsetAt(i: number): number {
    return this.buf.readInt32BE(i * TIME_INDEX_ENTRY + 8);
  }

  /** The last entry, or null. */
  lastEntry(): { timestamp: number; offset: number } | null {
    if (this.count === 0) return null;
    return { timestamp: this.timestampAt(this.count - 1), offset: this.baseOffset + this.relOffsetAt(this.count - 1) };
  }

  /** Appends (timestamp, offset) only if the timestamp exceeds the last entry's. */
  maybeAppend(timestamp: number, offset: number): boolean {
    if (timestamp < 0) return false;
    if (this.count > 0) {
      if (timestamp <= this.timestampAt(this.count - 1)) return false;
      if (offset - this.baseOffset < this.relOffsetAt(this.count - 1)) return false;
    }
    const off = this.reserveEntry();
    writeTimestamp(this.buf, off, timestamp);
    this.buf.writeInt32BE(offset - this.baseOffset, off + 8);
    return true;
  }

  /**
   * Start offset for a search of the first batch with maxTimestamp ≥ target: the
   * offset of the greatest entry whose timestamp is strictly below target (all
   * batches up to it are older than target), else the segment's base offset.
   */
  lookupBelow(target: number): number {
    const found = this.lastSlotWhere((i) => this.timestampAt(i) < target);
    return found < 0 ? this.baseOffset : this.baseOffset + this.relOffsetAt(found);
  }

  /** Removes entries whose offset ≥ `offset`. */
  truncateToOffset(offset: number): void {
    let n = this.count;
    while (n > 0 && this.baseOffset + this.relOffsetAt(n - 1) >= offset) n--;
    this.truncateEntries(n);
  }

  protected isSane(): boolean {
    for (let i = 0; i < this.count; i++) {
      const rel = this.relOffsetAt(i);
      if (rel < 0) return false;
      if (i > 0 && (this.timestampAt(i) <= this.timestampAt(i - 1) || rel < this.relOffsetAt(i - 1))) return false;
    }
    return true;
  }
}
