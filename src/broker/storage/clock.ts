/**
 * Time source and timers for storage (roll by time, retention, flush interval).
 *
 * Contract: storage never calls Date.now() or setTimeout directly; it goes through a
 * Clock so tests can inject a manual clock and fire timers deterministically.
 * Timers created through `setTimer` are unref'd: storage timers never keep the
 * process alive on their own.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): number;
  setTimer(fn: () => void, delayMs: number): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, delayMs) {
    const t = setTimeout(fn, Math.min(Math.max(0, delayMs), 2_147_483_647));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

/** A manual clock for tests: `advance(ms)` moves time and fires due timers in order. */
export class ManualClock implements Clock {
  private current: number;
  private timers: { at: number; fn: () => void; seq: number; live: boolean }[] = [];
  private seq = 0;

  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(fn: () => void, delayMs: number): TimerHandle {
    const t = { at: this.current + Math.max(0, delayMs), fn, seq: this.seq++, live: true };
    this.timers.push(t);
    return { cancel: () => { t.live = false; } };
  }

  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      this.timers = this.timers.filter((t) => t.live);
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.current = Math.max(this.current, next.at);
      next.live = false;
      next.fn();
    }
    this.current = target;
  }
}
