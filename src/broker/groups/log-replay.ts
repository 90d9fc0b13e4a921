/**
 * Reads the record batches of a PartitionLog from an offset up to its high watermark,
 * for state that is rebuilt from a log on start-up: the group coordinator replaying
 * __consumer_offsets and the producer-state manager replaying batches after a snapshot.
 *
 * Contract: read-only; goes through `PartitionLog.read` (FileSlices) and releases every
 * slice it takes. Batches are handed to `onBatch` as a view of a reused chunk buffer:
 * copy anything kept. A torn last batch (a size-limited read) is re-read from its start
 * in the next chunk; a batch larger than the chunk grows the chunk.
 */
import { BATCH } from '../../protocol/record-batch-layout.js';
import { readInt64 } from '../../protocol/record-batch-header.js';
import type { PartitionLog } from '../storage/types.js';
import { readSliceSync } from '../storage/read-slice.js';

const CHUNK = 1 << 20;

/** Calls `onBatch(buf, pos, size)` for every whole batch with lastOffset ≥ `from`, in offset order. */
export function replayBatches(log: PartitionLog, from: number, onBatch: (buf: Buffer, pos: number, size: number) => void): void {
  let offset = Math.max(from, log.logStartOffset());
  let chunkSize = CHUNK;
  const hw = log.highWatermark();
  while (offset < hw) {
    const r = log.read(offset, chunkSize, true);
    const slice = r.slice;
    if (!slice) return;
    const buf = readSliceSync(slice);
    let pos = 0;
    let progressed = false;
    while (pos + BATCH.HEADER_SIZE <= buf.length) {
      const size = buf.readInt32BE(pos + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
      if (size < BATCH.HEADER_SIZE || pos + size > buf.length) break;
      const base = readInt64(buf, pos + BATCH.BASE_OFFSET);
      const last = base + buf.readInt32BE(pos + BATCH.LAST_OFFSET_DELTA);
      if (last >= offset) onBatch(buf, pos, size);
      offset = Math.max(offset, last + 1);
      progressed = true;
      pos += size;
    }
    if (!progressed) {
      if (buf.length >= BATCH.HEADER_SIZE && chunkSize < 1 << 30) {
        chunkSize *= 2;
        continue;
      }
      return;
    }
  }
}
