/**
 * Lag history per consumer group for the chart: (time ms, total lag) points over a
 * sliding window (default one hour). Single writer: the sampler calls `record` once per
 * tick; pages read `points` (a copy). Memory is bounded: points older than the window
 * are dropped on every write, and groups not seen for a window are forgotten.
 */
export interface LagPoint {
  readonly t: number;
  readonly lag: number;
}

export const LAG_WINDOW_MS = 60 * 60 * 1000;

export class LagHistory {
  private readonly series = new Map<string, LagPoint[]>();

  constructor(readonly windowMs = LAG_WINDOW_MS) {}

  /** Records one tick: the total lag of every group seen now. */
  record(now: number, lags: ReadonlyMap<string, number>): void {
    const cutoff = now - this.windowMs;
    for (const [g, lag] of lags) {
      let s = this.series.get(g);
      if (!s) this.series.set(g, (s = []));
      s.push({ t: now, lag });
    }
    for (const [g, s] of this.series) {
      let drop = 0;
      while (drop < s.length && s[drop]!.t < cutoff) drop++;
      if (drop > 0) s.splice(0, drop);
      if (s.length === 0) this.series.delete(g);
    }
  }

  points(groupId: string): LagPoint[] {
    return [...(this.series.get(groupId) ?? [])];
  }
}
