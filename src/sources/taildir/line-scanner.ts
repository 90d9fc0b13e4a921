/**
 * The TAILDIR hot path: split one read buffer into line slots without allocating per
 * line. Lines end at '\n'; one trailing '\r' is stripped from the body; bodies are raw
 * bytes (no decoding). NUL bytes at the start of a line are skipped: copytruncate with
 * a writer that lacks O_APPEND leaves a hole of NULs before the writer's next line.
 *
 * `scanLines` fills `starts/ends/endOffsets` (capacity ≥ maxLines) from `from` and
 * reports in `out`:
 *   count        lines written;
 *   next         buffer index just after everything consumed (complete lines, skipped
 *                long lines and NUL runs); an unterminated tail starts at `next`;
 *   longLineAt   index of an unterminated line already longer than maxLineLength+1
 *                (the caller switches to long-line mode), else -1. Only reported when
 *                count is 0, so a batch never mixes with a long-line transition;
 *   skipped / truncated  long lines handled by the policy.
 * endOffsets[i] = base + index just after line i's '\n' (the resume offset).
 * Single caller per buffer; `out` is overwritten.
 */

export interface ScanOut {
  count: number;
  next: number;
  longLineAt: number;
  skipped: number;
  truncated: number;
}

export function newScanOut(): ScanOut {
  return { count: 0, next: 0, longLineAt: -1, skipped: 0, truncated: 0 };
}

export function scanLines(
  buf: Buffer,
  from: number,
  base: number,
  maxLines: number,
  maxLineLength: number,
  skipLong: boolean,
  starts: Uint32Array,
  ends: Uint32Array,
  endOffsets: Float64Array,
  out: ScanOut,
): void {
  const len = buf.length;
  let i = from;
  let n = 0;
  let skipped = 0;
  let truncated = 0;
  out.longLineAt = -1;
  while (n < maxLines && i < len) {
    if (buf[i] === 0) {
      while (i < len && buf[i] === 0) i++;
      if (i === len) break;
    }
    const nl = buf.indexOf(10, i);
    if (nl < 0) {
      if (len - i > maxLineLength + 1 && n === 0) out.longLineAt = i;
      break;
    }
    let e = nl;
    if (e > i && buf[e - 1] === 13) e--;
    if (e - i > maxLineLength) {
      if (skipLong) {
        skipped++;
        i = nl + 1;
        continue;
      }
      truncated++;
      e = i + maxLineLength;
    }
    starts[n] = i;
    ends[n] = e;
    endOffsets[n] = base + nl + 1;
    n++;
    i = nl + 1;
  }
  out.count = n;
  out.next = i;
  out.skipped = skipped;
  out.truncated = truncated;
}
