/**
 * The monitor's sampler: every `intervalMs` it reads the data source once and derives
 * what needs history or a time base: produce/fetch rates (from cumulative broker
 * totals), agent event rates in/out (source EventAcceptedCount, sink
 * EventDrainSuccessCount), and the lag of every group (into LagHistory). Live pages
 * (Server-Sent Events) subscribe to `onSample` and are pushed each new sample.
 *
 * Single writer of LagHistory and of the latest Sample. A failing tick is logged (once
 * per distinct message) and the next tick tries again; it never throws. The timer is
 * unref'd so it never keeps a process alive; `stop()` ends it.
 */
import { componentLogger } from '../logger.js';
import { describeError } from '../errors.js';
import type { GroupSummaryView, MonitorDataSource, ThroughputTotals } from './data-source.js';
import { LagHistory } from './lag-history.js';

const log = componentLogger('monitor.sampler');

export interface Rates {
  readonly recordsInPerSec: number | null;
  readonly bytesInPerSec: number | null;
  readonly bytesOutPerSec: number | null;
  /** Records delivered by Fetch per second (null where the source does not count them). */
  readonly recordsOutPerSec: number | null;
  /** Agent: events accepted by sources per second, and drained by sinks per second. */
  readonly agentEventsInPerSec: number | null;
  readonly agentEventsOutPerSec: number | null;
}

export interface Sample {
  readonly time: number;
  readonly rates: Rates;
  readonly groups: readonly GroupSummaryView[];
}

type Listener = (s: Sample) => void;

interface Totals extends ThroughputTotals {
  readonly t: number;
  readonly agentIn: number | null;
  readonly agentOut: number | null;
}

function rate(now: number | null, before: number | null, seconds: number): number | null {
  if (now === null || before === null || seconds <= 0) return null;
  return Math.max(0, (now - before) / seconds);
}

export class MonitorSampler {
  readonly history: LagHistory;
  private timer: NodeJS.Timeout | undefined;
  private last: Totals | undefined;
  private latest: Sample | undefined;
  private readonly listeners = new Set<Listener>();
  private lastError = '';
  private running: Promise<void> | undefined;

  constructor(private readonly source: MonitorDataSource, readonly intervalMs = 5000, history = new LagHistory()) {
    this.history = history;
  }

  start(): void {
    if (this.timer) return;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  get current(): Sample | undefined {
    return this.latest;
  }

  onSample(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** One sampling round (also callable by tests); concurrent calls share one round. */
  tick(): Promise<void> {
    if (!this.running) this.running = this.doTick().finally(() => { this.running = undefined; });
    return this.running;
  }

  private agentTotals(): { agentIn: number | null; agentOut: number | null } {
    const a = this.source.agent();
    if (!a) return { agentIn: null, agentOut: null };
    let agentIn = 0;
    let agentOut = 0;
    for (const c of a.components) {
      if (c.kind === 'SOURCE') agentIn += c.counters['EventAcceptedCount'] ?? 0;
      else if (c.kind === 'SINK') agentOut += c.counters['EventDrainSuccessCount'] ?? 0;
    }
    return { agentIn, agentOut };
  }

  private async doTick(): Promise<void> {
    try {
      const now = Date.now();
      const [tp, groups] = await Promise.all([this.source.throughput(), this.source.groups()]);
      const totals: Totals = { ...tp, ...this.agentTotals(), t: now };
      const prev = this.last;
      const secs = prev ? (now - prev.t) / 1000 : 0;
      const rates: Rates = {
        recordsInPerSec: prev ? rate(totals.recordsIn, prev.recordsIn, secs) : null,
        bytesInPerSec: prev ? rate(totals.bytesIn, prev.bytesIn, secs) : null,
        bytesOutPerSec: prev ? rate(totals.bytesOut, prev.bytesOut, secs) : null,
        recordsOutPerSec: prev ? rate(totals.recordsOut ?? null, prev.recordsOut ?? null, secs) : null,
        agentEventsInPerSec: prev ? rate(totals.agentIn, prev.agentIn, secs) : null,
        agentEventsOutPerSec: prev ? rate(totals.agentOut, prev.agentOut, secs) : null,
      };
      this.last = totals;
      this.history.record(now, new Map(groups.map((g) => [g.groupId, g.totalLag])));
      const sample: Sample = { time: now, rates, groups };
      this.latest = sample;
      this.lastError = '';
      for (const l of this.listeners) {
        try {
          l(sample);
        } catch (err) {
          log.warn({ err: describeError(err) }, 'live-update listener failed');
        }
      }
    } catch (err) {
      const msg = describeError(err);
      if (msg !== this.lastError) log.warn({ err: msg }, `monitor sampling failed: ${msg}`);
      this.lastError = msg;
    }
  }
}
