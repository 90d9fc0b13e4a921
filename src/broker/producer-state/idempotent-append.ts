/**
 * The produce path's append with idempotent-producer checks (kafka.md §5), used by the
 * Produce handler in place of a bare `PartitionLog.append`.
 *
 * Sequence: check every batch with a producer id against the partition's state; if all
 * are duplicates, return the ORIGINAL offsets without appending; on an epoch or sequence
 * error throw SluiceError('INVALID_PRODUCER_EPOCH' | 'OUT_OF_ORDER_SEQUENCE_NUMBER' |
 * 'DUPLICATE_SEQUENCE_NUMBER') — the names map to Kafka codes 47/45/46 in
 * handlers/error-mapping.ts. Otherwise call append (which assigns offsets synchronously,
 * before its first await) and record the batches at once, so a concurrent request sees
 * them; if the append then fails, the recorded entries are rolled back.
 */
import { SluiceError } from '../../errors.js';
import type { RecordBatchHeader } from '../../protocol/record-batch-header.js';
import type { AppendOptions, AppendResult, PartitionLog } from '../storage/types.js';
import type { ProducerEntry } from './partition-producer-state.js';
import type { ProducerStates } from './producer-states.js';

export async function appendIdempotent(
  states: ProducerStates | undefined,
  pl: PartitionLog,
  records: Buffer,
  headers: readonly RecordBatchHeader[],
  options: AppendOptions,
  now = Date.now(),
): Promise<AppendResult> {
  if (!states || !headers.some((h) => h.producerId >= 0)) return pl.append(records, options);
  const state = states.forPartition(pl);
  let duplicates = 0;
  let dupFirst = -1;
  let dupLast = -1;
  for (const h of headers) {
    if (h.producerId < 0) continue;
    const c = state.check(h, now);
    if (c.kind === 'error') throw new SluiceError(c.code, `${pl.topic}-${pl.partition}: ${c.message}`);
    if (c.kind === 'duplicate') {
      if (duplicates === 0) dupFirst = c.firstOffset;
      dupLast = c.lastOffset;
      duplicates++;
    }
  }
  if (duplicates > 0) {
    if (duplicates !== headers.length) {
      throw new SluiceError('DUPLICATE_SEQUENCE_NUMBER', `${pl.topic}-${pl.partition}: a request mixes duplicate and new batches`);
    }
    return { baseOffset: dupFirst, lastOffset: dupLast, logAppendTime: -1, logStartOffset: pl.logStartOffset() };
  }
  // Usually one batch (one producer): save without a Map.
  const first = headers[0]!;
  const saved = headers.length === 1 ? null : new Map<number, ProducerEntry | undefined>();
  const savedFirst = state.save(first.producerId);
  if (saved) for (const h of headers) if (h.producerId >= 0 && !saved.has(h.producerId)) saved.set(h.producerId, state.save(h.producerId));
  let next = pl.logEndOffset();
  const pending = pl.append(records, options);
  for (const h of headers) {
    if (h.producerId >= 0) state.record(h, next);
    next += h.lastOffsetDelta + 1;
  }
  try {
    const r = await pending;
    states.afterAppend(pl);
    return r;
  } catch (err) {
    if (saved) for (const [pid, e] of saved) state.restore(pid, e);
    else state.restore(first.producerId, savedFirst);
    throw err;
  }
}
