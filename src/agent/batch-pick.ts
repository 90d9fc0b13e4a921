/**
 * pickEvents: a sub-batch holding the events at `indices` (ascending) of a batch. Bodies
 * are not copied: the result shares the input's buffer, as EventBatch.slice does. Used by
 * the multiplexing selector to split one batch into per-route batches. Pure function.
 */
import { EventBatch, type Headers } from './event-batch.js';

export function pickEvents(batch: EventBatch, indices: Uint32Array): EventBatch {
  const n = indices.length;
  if (n === batch.count) return batch;
  const starts = new Uint32Array(n);
  const ends = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[k]!;
    starts[k] = batch.starts[i]!;
    ends[k] = batch.ends[i]!;
  }
  let eventHeaders: (Headers | undefined)[] | undefined;
  if (batch.eventHeaders) {
    eventHeaders = new Array(n);
    for (let k = 0; k < n; k++) eventHeaders[k] = batch.eventHeaders[indices[k]!];
  }
  const p = batch.positions;
  let positions;
  if (p) {
    const streamOf = new Uint16Array(n);
    const endOffset = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      streamOf[k] = p.streamOf[indices[k]!]!;
      endOffset[k] = p.endOffset[indices[k]!]!;
    }
    positions = { streams: p.streams, streamOf, endOffset };
  }
  return new EventBatch({
    data: batch.data,
    starts,
    ends,
    sharedHeaders: batch.sharedHeaders,
    ...(eventHeaders ? { eventHeaders } : {}),
    ...(positions ? { positions } : {}),
  });
}
