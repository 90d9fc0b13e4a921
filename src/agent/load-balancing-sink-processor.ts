/**
 * Load-balancing sink processor (Flume's LoadBalancingSinkProcessor).
 *
 * Keys (under `processor.`): `selector` round_robin (default) | random, `backoff`
 * (default false: a failed sink is retried on the next call; true: it is left out for
 * min(selector.maxTimeOut, 2^fails × 1000) ms), `selector.maxTimeOut` (ms, 30000).
 * Needs at least two sinks. process() tries the sinks in the selector's order and returns
 * the status of the first that does not throw; all failing → EventDeliveryError.
 * State is owned by the single SinkRunner driving the processor.
 */
import type { Sink, SinkStatus } from './component.js';
import type { SinkProcessor, SinkProcessorContext, SinkProcessorFactory } from './sink-processor.js';
import { startSinks } from './sink-processor.js';
import { EventDeliveryError } from './delivery-errors.js';
import type { Logger } from '../logger.js';
import { ConfigError, describeError } from '../errors.js';

interface SinkState {
  readonly sink: Sink;
  fails: number;
  restoreAt: number;
}

export class LoadBalancingSinkProcessor implements SinkProcessor {
  readonly sinks: readonly Sink[];
  readonly policy: 'round_robin' | 'random';
  readonly backoff: boolean;
  readonly maxTimeOutMs: number;
  private readonly states: SinkState[];
  private nextHead = 0;
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(ctx: SinkProcessorContext) {
    this.logger = ctx.logger;
    this.now = ctx.now ?? Date.now;
    if (ctx.sinks.length < 2) {
      throw new ConfigError('CONFIG_PROCESSOR_SINKS', `${ctx.label}: load_balance needs at least two sinks, got ${ctx.sinks.length}`);
    }
    this.sinks = ctx.sinks;
    this.states = ctx.sinks.map((sink) => ({ sink, fails: 0, restoreAt: 0 }));
    const sel = ctx.props.getString('selector', 'round_robin').trim().toLowerCase();
    if (sel !== 'round_robin' && sel !== 'random') {
      throw ctx.props.invalid('selector', undefined, 'round_robin or random (custom selector classes are not supported by Sluice)');
    }
    this.policy = sel;
    this.backoff = ctx.props.getBoolean('backoff', false);
    this.maxTimeOutMs = ctx.props.getInt('selector.maxTimeOut', 30000, { min: 0 });
  }

  start(): Promise<void> {
    return startSinks(this.sinks);
  }

  async stop(): Promise<void> {
    for (const s of this.sinks) await s.stop();
  }

  private order(): SinkState[] {
    const now = this.now();
    const active = this.backoff ? this.states.filter((s) => s.restoreAt <= now) : this.states.slice();
    if (active.length === 0) return [];
    if (this.policy === 'random') {
      for (let i = active.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [active[i], active[j]] = [active[j]!, active[i]!];
      }
      return active;
    }
    const head = this.nextHead++ % active.length;
    return [...active.slice(head), ...active.slice(0, head)];
  }

  async process(): Promise<SinkStatus> {
    for (const st of this.order()) {
      try {
        const status = await st.sink.process();
        st.fails = 0;
        st.restoreAt = 0;
        return status;
      } catch (err) {
        st.fails++;
        if (this.backoff) st.restoreAt = this.now() + Math.min(this.maxTimeOutMs, 2 ** st.fails * 1000);
        this.logger.warn({ sink: st.sink.name, fails: st.fails, err: describeError(err) }, 'Sink failed to consume event. Attempting next sink if available.');
      }
    }
    throw new EventDeliveryError('load_balance', undefined, 'All sinks failed to process, nothing left to failover to');
  }
}

export const loadBalancingSinkProcessorFactory: SinkProcessorFactory = {
  kind: 'processor',
  aliases: ['load_balance'],
  classNames: ['org.apache.flume.sink.LoadBalancingSinkProcessor'],
  create: (ctx) => new LoadBalancingSinkProcessor(ctx),
};
