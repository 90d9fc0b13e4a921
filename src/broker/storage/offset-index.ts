/**
 * Kafka's offset index (`<base>.index`): 8-byte entries, big-endian
 *   int32 relativeOffset (offset − baseOffset), int32 position (in the .log file).
 *
 * Sparse: the segment adds an entry when more than `index.interval.bytes` were
 * appended since the last one. The key is a batch's LAST offset and the value that
 * batch's START position, so `lookup(t)` (greatest entry with offset ≤ t) gives a
 * position at or before the batch holding t. Entries are strictly increasing in
 * both fields. No checksum: rebuilt after a crash (see index-file.ts).
 */
import { IndexFile } from './index-file.js';

export const OFFSET_INDEX_ENTRY = 8;

export class OffsetIndex extends IndexFile {
  constructor(path: string, baseOffset: number, maxIndexBytes: number) {
    super(path, OFFSET_INDEX_ENTRY, baseOffset, maxIndexBytes);
  }

  relOffsetAt(i: number): number {
    return this.buf.readInt32BE(i * OFFSET_INDEX_ENTRY);
  }

  positionAt(i: number): number {
    return this.buf.readInt32BE(i * OFFSET_INDEX_ENTRY + 4);
  }

  lastOffset(): number {
    return this.count === 0 ? this.baseOffset : this.baseOffset + this.relOffsetAt(this.count - 1);
  }

  /** Appends (offset, position) if offset is beyond the last entry; returns whether it did. */
  append(offset: number, position: number): boolean {
    const rel = offset - this.baseOffset;
    if (this.count > 0 && (rel <= this.relOffsetAt(this.count - 1) || position <= this.positionAt(this.count - 1))) return false;
    const off = this.reserveEntry();
    this.buf.writeInt32BE(rel, off);
    this.buf.writeInt32BE(position, off + 4);
    return true;
  }

  /** Index of the greatest entry with offset ≤ target, or -1. */
  slotFor(target: number): number {
    const rel = target - this.baseOffset;
    return this.lastSlotWhere((i) => this.relOffsetAt(i) <= rel);
  }

  /** Position to start scanning for `target`: the greatest entry ≤ target, else the segment start. */
  lookup(target: number): { offset: number; position: number } {
    const slot = this.slotFor(target);
    if (slot < 0) return { offset: this.baseOffset, position: 0 };
    return { offset: this.baseOffset + this.relOffsetAt(slot), position: this.positionAt(slot) };
  }

  /** Removes entries whose offset ≥ `offset`. */
  truncateToOffset(offset: number): void {
    const slot = this.slotFor(offset - 1);
    this.truncateEntries(slot + 1);
  }

  /** Removes entries whose position ≥ `position` (used when the .log is truncated). */
  truncateToPosition(position: number): void {
    let n = this.count;
    while (n > 0 && this.positionAt(n - 1) >= position) n--;
    this.truncateEntries(n);
  }

  protected isSane(): boolean {
    for (let i = 0; i < this.count; i++) {
      const rel = this.relOffsetAt(i);
      const pos = this.positionAt(i);
      if (rel < 0 || pos < 0) return false;
      if (i > 0 && (rel <= this.relOffsetAt(i - 1) || pos <= this.positionAt(i - 1))) return false;
    }
    return true;
  }

  /** Checks entries against the log size (positions must lie inside it). */
  fitsLog(logSize: number): boolean {
    return this.count === 0 || this.positionAt(this.count - 1) < logSize;
  }
}
