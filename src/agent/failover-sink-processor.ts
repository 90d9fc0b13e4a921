/**
 * Failover sink processor (Flume's FailoverSinkProcessor).
 *
 * Keys (under `processor.`): `priority.<sink>` (higher wins; a sink without one gets
 * -1, -2, … in list order; a sink whose priority duplicates an earlier one is left out
 * with a warning, as in Flume), `maxpenalty` (ms, default 30000).
 *
 * process(): first retries failed sinks whose cool-down expired (a success puts the sink
 * back among the live ones); then asks the highest-priority live sink; a throwing sink is
 * moved to the failed set with cool-down min(maxpenalty, 2^fails × 1000) ms and the next
 * live sink is tried. No live sink left → EventDeliveryError. State is owned by the single
 * SinkRunner that drives this processor.
 */
import type { Sink, SinkStatus } from './component.js';
import type { SinkProcessor, SinkProcessorContext, SinkProcessorFactory } from './sink-processor.js';
import { startSinks } from './sink-processor.js';
import { EventDeliveryError } from './delivery-errors.js';
import type { Logger } from '../logger.js';
import { ConfigError, describeError } from '../errors.js';

const FAILURE_PENALTY_MS = 1000;

interface FailedSink {
  readonly sink: Sink;
  readonly priority: number;
  fails: number;
  refreshAt: number;
}

export class FailoverSinkProcessor implements SinkProcessor {
  readonly sinks: readonly Sink[];
  readonly maxPenaltyMs: number;
  /** Live sinks, highest priority first. */
  private live: { sink: Sink; priority: number }[] = [];
  private failed: FailedSink[] = [];
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(ctx: SinkProcessorContext) {
    this.logger = ctx.logger;
    this.now = ctx.now ?? Date.now;
    this.maxPenaltyMs = ctx.props.getInt('maxpenalty', 30000, { min: 0 });
    let nextPrio = 0;
    const used = new Map<number, string>();
    const chosen: Sink[] = [];
    for (const sink of ctx.sinks) {
      const key = `priority.${sink.name}`;
      let priority: number;
      const raw = ctx.props.getString(key);
      if (raw !== undefined && /^[+-]?\d+$/.test(raw.trim())) priority = Number(raw.trim());
      else priority = --nextPrio;
      const other = used.get(priority);
      if (other !== undefined) {
        const loc = ctx.props.located(key);
        this.logger.warn(
          { file: loc?.file, line: loc?.line, key },
          `Sink ${sink.name} not added to FailoverSinkProcessor as priority ${priority} duplicates that of sink ${other}`,
        );
        continue;
      }
      used.set(priority, sink.name);
      this.live.push({ sink, priority });
      chosen.push(sink);
    }
    if (this.live.length === 0) throw new ConfigError('CONFIG_PROCESSOR_SINKS', `${ctx.label}: no sinks`);
    this.live.sort((a, b) => b.priority - a.priority);
    this.sinks = chosen;
  }

  start(): Promise<void> {
    return startSinks(this.sinks);
  }

  async stop(): Promise<void> {
    for (const s of this.sinks) await s.stop();
  }

  /** Name of the sink process() tries first (for tests and the monitor). */
  activeSink(): string | undefined {
    return this.live[0]?.sink.name;
  }

  async process(): Promise<SinkStatus> {
    const now = this.now();
    // Failed sinks whose cool-down ran out get one attempt, highest priority first.
    const due = this.failed.filter((f) => f.refreshAt <= now).sort((a, b) => b.priority - a.priority);
    for (const f of due) {
      try {
        const status = await f.sink.process();
        this.failed = this.failed.filter((x) => x !== f);
        this.live.push({ sink: f.sink, priority: f.priority });
        this.live.sort((a, b) => b.priority - a.priority);
        this.logger.info({ sink: f.sink.name }, 'sink is back in service');
        return status;
      } catch (err) {
        this.penalize(f, err);
      }
    }
    while (this.live.length > 0) {
      const active = this.live[0]!;
      try {
        return await active.sink.process();
      } catch (err) {
        this.live.shift();
        const f: FailedSink = { sink: active.sink, priority: active.priority, fails: 0, refreshAt: 0 };
        this.failed.push(f);
        this.penalize(f, err);
      }
    }
    throw new EventDeliveryError('failover', undefined, 'All sinks failed to process, nothing left to failover to');
  }

  private penalize(f: FailedSink, err: unknown): void {
    f.fails++;
    const penalty = Math.min(this.maxPenaltyMs, 2 ** f.fails * FAILURE_PENALTY_MS);
    f.refreshAt = this.now() + penalty;
    this.logger.warn({ sink: f.sink.name, fails: f.fails, penaltyMs: penalty, err: describeError(err) }, 'Sink failed, failing over');
  }
}

export const failoverSinkProcessorFactory: SinkProcessorFactory = {
  kind: 'processor',
  aliases: ['failover'],
  classNames: ['org.apache.flume.sink.FailoverSinkProcessor'],
  create: (ctx) => new FailoverSinkProcessor(ctx),
};
