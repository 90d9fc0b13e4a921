/**
 * Header operations on EventBatch for the header-only interceptors.
 *
 * A batch's effective headers for event i are `{...sharedHeaders, ...eventHeaders[i]}`.
 * These helpers build a new batch (never mutating the input, which may be shared with
 * the caller) and touch per-event header objects only where an event has its own:
 * - setHeaderAll: one value for every event. With preserveExisting it goes into the
 *   shared headers and events that already carry the key keep theirs (their own value
 *   overrides the shared one); without it, the key is also removed from the events'
 *   own headers so the new shared value wins.
 * - removeHeaders: drops names accepted by a predicate from shared and own headers.
 * - withOwnHeaders: per-event additions (UUID, regex_extractor), merged into own headers.
 * Bodies and positions are shared with the input batch, never copied.
 */
import { EventBatch, type Headers } from '../agent/event-batch.js';

function rebuild(batch: EventBatch, sharedHeaders: Readonly<Headers>, eventHeaders: ReadonlyArray<Headers | undefined> | undefined): EventBatch {
  return new EventBatch({
    data: batch.data,
    starts: batch.starts,
    ends: batch.ends,
    sharedHeaders,
    ...(eventHeaders ? { eventHeaders } : {}),
    ...(batch.positions ? { positions: batch.positions } : {}),
  });
}

export function setHeaderAll(batch: EventBatch, key: string, value: string, preserveExisting: boolean): EventBatch {
  const shared = batch.sharedHeaders;
  if (Object.prototype.hasOwnProperty.call(shared, key)) {
    if (preserveExisting) return batch;
    if (shared[key] === value && !batch.eventHeaders?.some((h) => h !== undefined && key in h)) return batch;
  }
  const newShared = { ...shared, [key]: value };
  let own = batch.eventHeaders;
  if (!preserveExisting && own && own.some((h) => h !== undefined && key in h)) {
    own = own.map((h) => {
      if (h === undefined || !(key in h)) return h;
      const copy = { ...h };
      delete copy[key];
      return Object.keys(copy).length > 0 ? copy : undefined;
    });
  }
  return rebuild(batch, newShared, own);
}

export function removeHeaders(batch: EventBatch, shouldRemove: (name: string) => boolean): EventBatch {
  let changed = false;
  const filter = (h: Readonly<Headers>): Headers | undefined => {
    let out: Headers | undefined;
    for (const k of Object.keys(h)) {
      if (shouldRemove(k)) {
        if (!out) out = { ...h };
        delete out[k];
      }
    }
    if (out) changed = true;
    return out;
  };
  const newShared = filter(batch.sharedHeaders) ?? batch.sharedHeaders;
  let own = batch.eventHeaders;
  if (own) {
    own = own.map((h) => {
      if (h === undefined) return h;
      const f = filter(h);
      if (f === undefined) return h;
      return Object.keys(f).length > 0 ? f : undefined;
    });
  }
  return changed ? rebuild(batch, newShared, own) : batch;
}

/**
 * Per-event additions: `additions(i, effective)` returns headers to add to event i (or
 * undefined for none). `effective` is the event's current effective headers.
 */
export function withOwnHeaders(
  batch: EventBatch,
  additions: (i: number, effective: Readonly<Headers>) => Headers | undefined,
): EventBatch {
  const n = batch.count;
  const own: (Headers | undefined)[] = new Array(n);
  let changed = false;
  for (let i = 0; i < n; i++) {
    const prev = batch.eventHeaders?.[i];
    const add = additions(i, batch.headers(i));
    if (add === undefined) {
      own[i] = prev;
    } else {
      own[i] = prev === undefined ? add : { ...prev, ...add };
      changed = true;
    }
  }
  return changed ? rebuild(batch, batch.sharedHeaders, own) : batch;
}
