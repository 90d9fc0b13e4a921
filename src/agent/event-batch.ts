/**
 * EventBatch: the unit of work of the agent pipeline.
 *
 * A batch is N Flume events `{headers, body}` stored without one object per event:
 * - `data` is one Buffer; body i is `data.subarray(starts[i], ends[i])`. Bodies may be
 *   views into a source's read buffer (TAILDIR keeps lines where they were read).
 * - `sharedHeaders` apply to every event; `eventHeaders[i]`, when present, adds to or
 *   overrides them for event i. Both are treated as immutable once the batch is built:
 *   nobody mutates a batch after construction; interceptors build a new one.
 * - `positions` (optional) records, per event, which input stream it came from and the
 *   byte offset just after it in that stream. TAILDIR fills it; the Kafka sink writes the
 *   highest position per stream into the batch it appends (exactly-once, file → topic).
 *
 * Invariants: starts.length === ends.length === count; starts[i] <= ends[i] <= data.length;
 * eventHeaders?.length === count; positions arrays have length count.
 */

export type Headers = Record<string, string>;

export interface EventPositions {
  /** Distinct stream identities (e.g. a file's dev:inode:fingerprint). */
  readonly streams: readonly string[];
  /** Per event: index into `streams`. */
  readonly streamOf: Uint16Array;
  /** Per event: byte offset in its stream just after the event (including its line terminator). */
  readonly endOffset: Float64Array;
}

/** A plain event, for code paths where per-event objects are fine (tests, HTTP, syslog). */
export interface FlumeEvent {
  readonly headers: Headers;
  readonly body: Buffer;
}

const EMPTY_HEADERS: Headers = Object.freeze({}) as Headers;

export class EventBatch {
  readonly data: Buffer;
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  readonly sharedHeaders: Readonly<Headers>;
  readonly eventHeaders: ReadonlyArray<Headers | undefined> | undefined;
  readonly positions: EventPositions | undefined;

  constructor(init: {
    data: Buffer;
    starts: Uint32Array;
    ends: Uint32Array;
    sharedHeaders?: Readonly<Headers>;
    eventHeaders?: ReadonlyArray<Headers | undefined>;
    positions?: EventPositions;
  }) {
    this.data = init.data;
    this.starts = init.starts;
    this.ends = init.ends;
    this.sharedHeaders = init.sharedHeaders ?? EMPTY_HEADERS;
    this.eventHeaders = init.eventHeaders;
    this.positions = init.positions;
  }

  get count(): number {
    return this.starts.length;
  }

  /** Sum of body lengths. */
  get byteLength(): number {
    let n = 0;
    for (let i = 0; i < this.starts.length; i++) n += this.ends[i]! - this.starts[i]!;
    return n;
  }

  body(i: number): Buffer {
    return this.data.subarray(this.starts[i]!, this.ends[i]!);
  }

  bodyLength(i: number): number {
    return this.ends[i]! - this.starts[i]!;
  }

  /** Effective headers of event i. Returns the shared object when the event has no own headers. */
  headers(i: number): Readonly<Headers> {
    const own = this.eventHeaders?.[i];
    if (own === undefined) return this.sharedHeaders;
    if (this.sharedHeaders === EMPTY_HEADERS || Object.keys(this.sharedHeaders).length === 0) return own;
    return { ...this.sharedHeaders, ...own };
  }

  /** Events [from, to) as a new batch sharing this batch's buffer. */
  slice(from: number, to: number): EventBatch {
    const p = this.positions;
    return new EventBatch({
      data: this.data,
      starts: this.starts.subarray(from, to),
      ends: this.ends.subarray(from, to),
      sharedHeaders: this.sharedHeaders,
      ...(this.eventHeaders ? { eventHeaders: this.eventHeaders.slice(from, to) } : {}),
      ...(p ? { positions: { streams: p.streams, streamOf: p.streamOf.subarray(from, to), endOffset: p.endOffset.subarray(from, to) } } : {}),
    });
  }

  /** Materializes plain events (allocates per event: not for hot paths). */
  toEvents(): FlumeEvent[] {
    const out: FlumeEvent[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = { headers: { ...this.headers(i) }, body: this.body(i) };
    return out;
  }

  static empty(): EventBatch {
    return new EventBatch({ data: Buffer.alloc(0), starts: new Uint32Array(0), ends: new Uint32Array(0) });
  }

  /** Builds a batch from plain events; bodies are copied into one buffer. */
  static fromEvents(events: readonly FlumeEvent[]): EventBatch {
    let total = 0;
    for (const e of events) total += e.body.length;
    const data = Buffer.allocUnsafe(total);
    const starts = new Uint32Array(events.length);
    const ends = new Uint32Array(events.length);
    const eventHeaders: (Headers | undefined)[] = new Array(events.length);
    let pos = 0;
    let anyHeaders = false;
    events.forEach((e, i) => {
      e.body.copy(data, pos);
      starts[i] = pos;
      pos += e.body.length;
      ends[i] = pos;
      const has = Object.keys(e.headers).length > 0;
      eventHeaders[i] = has ? e.headers : undefined;
      anyHeaders ||= has;
    });
    return new EventBatch({ data, starts, ends, ...(anyHeaders ? { eventHeaders } : {}) });
  }

  /**
   * Concatenates batches into one. When every batch views the same `data` Buffer (pieces
   * of one read), the result views it too and no body byte is copied. Otherwise bodies
   * are copied once per input batch (the span
   * from its first body's start to its last body's end, separators included) when the
   * batch's bodies are in increasing order, which every source produces; otherwise per
   * event. Never one copy per event on the common path.
   */
  static concat(batches: readonly EventBatch[]): EventBatch {
    if (batches.length === 1) return batches[0]!;
    if (batches.length === 0) return EventBatch.empty();
    const first = batches[0]!.data;
    let shared = true;
    for (const b of batches) if (b.data !== first) shared = false;
    let count = 0;
    let bytes = 0;
    const spans: Array<[number, number] | null> = new Array(batches.length);
    batches.forEach((b, j) => {
      count += b.count;
      if (shared) return;
      const span = monotonicSpan(b);
      spans[j] = span;
      bytes += span ? span[1] - span[0] : b.byteLength;
    });
    // Pieces of one buffer (consecutive chunks of one TAILDIR read): keep it, copy no bytes.
    const data = shared ? first : Buffer.allocUnsafe(bytes);
    const starts = new Uint32Array(count);
    const ends = new Uint32Array(count);
    const anyOwn = batches.some((b) => b.eventHeaders !== undefined);
    const sameShared = batches.every((b) => b.sharedHeaders === batches[0]!.sharedHeaders);
    const needPerEvent = anyOwn || !sameShared;
    const eventHeaders: (Headers | undefined)[] | undefined = needPerEvent ? new Array(count) : undefined;
    const anyPositions = batches.some((b) => b.positions !== undefined);
    const streams: string[] = [];
    const streamIndex = new Map<string, number>();
    const streamOf = anyPositions ? new Uint16Array(count) : undefined;
    const endOffset = anyPositions ? new Float64Array(count).fill(-1) : undefined;
    let k = 0;
    let pos = 0;
    batches.forEach((b, j) => {
      // (A piece of one shared buffer needs no copy: its offsets are already right.)
      const span = spans[j];
      if (shared) {
        starts.set(b.starts, k);
        ends.set(b.ends, k);
      } else if (span) {
        b.data.copy(data, pos, span[0], span[1]);
        const shift = pos - span[0];
        for (let i = 0; i < b.count; i++) {
          starts[k + i] = b.starts[i]! + shift;
          ends[k + i] = b.ends[i]! + shift;
        }
        pos += span[1] - span[0];
      } else {
        for (let i = 0; i < b.count; i++) {
          b.data.copy(data, pos, b.starts[i]!, b.ends[i]!);
          starts[k + i] = pos;
          pos += b.ends[i]! - b.starts[i]!;
          ends[k + i] = pos;
        }
      }
      if (eventHeaders) {
        for (let i = 0; i < b.count; i++) {
          const h = b.headers(i);
          eventHeaders[k + i] = Object.keys(h).length > 0 ? (h as Headers) : undefined;
        }
      }
      if (b.positions && streamOf && endOffset) {
        const local = b.positions.streams.map((s) => {
          let idx = streamIndex.get(s);
          if (idx === undefined) {
            idx = streams.length;
            streams.push(s);
            streamIndex.set(s, idx);
          }
          return idx;
        });
        endOffset.set(b.positions.endOffset.subarray(0, b.count), k);
        if (local.length === 1) streamOf.fill(local[0]!, k, k + b.count);
        else for (let i = 0; i < b.count; i++) streamOf[k + i] = local[b.positions.streamOf[i]!]!;
      }
      k += b.count;
    });
    return new EventBatch({
      data,
      starts,
      ends,
      ...(needPerEvent ? { eventHeaders: eventHeaders! } : { sharedHeaders: batches[0]!.sharedHeaders }),
      ...(streamOf && endOffset ? { positions: { streams, streamOf, endOffset } } : {}),
    });
  }
}

/** [first start, last end] when bodies are laid out in increasing order, else null. */
function monotonicSpan(b: EventBatch): [number, number] | null {
  const n = b.count;
  if (n === 0) return [0, 0];
  let prevEnd = b.starts[0]!;
  for (let i = 0; i < n; i++) {
    const s = b.starts[i]!;
    const e = b.ends[i]!;
    if (s < prevEnd || e < s) return null;
    prevEnd = e;
  }
  return [b.starts[0]!, b.ends[n - 1]!];
}
