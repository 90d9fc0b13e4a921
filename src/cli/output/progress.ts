/**
 * Progress reporting for long CLI operations (a reset over many partitions, a dump-log of
 * large files). Contract:
 * - Draws only when the target stream is a TTY (by default process.stderr.isTTY); otherwise
 *   every method is a no-op, so output piped elsewhere stays clean and parseable. stdout is
 *   never touched.
 * - Redraws at most every 100 ms on one line (`\r`, erase-line), and `done()` erases it,
 *   so the tool's real output never interleaves with a stale bar.
 * - Owned by the command that created it; not shared.
 */
import type { WriteStream } from 'node:tty';

export interface Progress {
  /** Adds `n` units of work done (default 1). */
  tick(n?: number): void;
  /** Sets the absolute amount done. */
  set(done: number): void;
  /** Erases the progress line. Idempotent. */
  done(): void;
}

export interface ProgressOptions {
  /** Units label: 'bytes' renders as KiB/MiB. */
  readonly unit?: 'items' | 'bytes';
  /** Stream to draw on; default process.stderr. */
  readonly stream?: Pick<WriteStream, 'write'> & { readonly isTTY?: boolean };
}

const NOOP: Progress = { tick() {}, set() {}, done() {} };
const REDRAW_MS = 100;

function human(n: number, unit: 'items' | 'bytes'): string {
  if (unit === 'items') return String(n);
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** A progress line "label: done/total (pct%)" on a TTY stderr, else a no-op. */
export function startProgress(label: string, total: number, opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  if (!stream.isTTY) return NOOP;
  const unit = opts.unit ?? 'items';
  let doneCount = 0;
  let lastDraw = 0;
  let finished = false;
  let drawn = false;
  const draw = (force: boolean): void => {
    const now = Date.now();
    if (!force && now - lastDraw < REDRAW_MS) return;
    lastDraw = now;
    const pct = total > 0 ? Math.min(100, Math.floor((doneCount / total) * 100)) : 100;
    stream.write(`\r\x1b[K${label}: ${human(doneCount, unit)}/${human(total, unit)} (${pct}%)`);
    drawn = true;
  };
  return {
    tick(n = 1) {
      if (finished) return;
      doneCount += n;
      draw(false);
    },
    set(d) {
      if (finished) return;
      doneCount = d;
      draw(false);
    },
    done() {
      if (finished) return;
      finished = true;
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
