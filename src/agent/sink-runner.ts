/**
 * SinkRunner: the loop that drives one sink processor (Flume's SinkRunner).
 *
 * Loop until stopped: status = processor.process().
 * - 'READY' → loop again at once (yielding to the event loop between iterations).
 * - 'BACKOFF' (nothing to take) → sleep min(n × backoffIncrementMs, maxBackoffMs) for the
 *   n-th consecutive backoff (Flume: 1000 ms steps up to 5000 ms), but wake early when one
 *   of `channels` reports data (Channel.waitForData) and at once on stop.
 * - a throw (EventDeliveryError, or anything) → log "Unable to deliver event", then sleep
 *   1 s doubling up to maxBackoffMs (ARCHITECTURE.md §1); the pipeline is never torn down.
 * stop() ends the loop after the in-flight process() returns (a transaction is never
 * abandoned half-way), then stops the processor (and so its sinks).
 */
import type { Channel } from './component.js';
import type { SinkProcessor } from './sink-processor.js';
import type { Logger } from '../logger.js';
import { describeError } from '../errors.js';

export interface SinkRunnerOptions {
  readonly backoffIncrementMs?: number;
  readonly maxBackoffMs?: number;
  /** Channels the processor's sinks read; a backoff sleep ends early when one has data. */
  readonly channels?: readonly Channel[];
}

export class SinkRunner {
  readonly name: string;
  readonly processor: SinkProcessor;
  private readonly logger: Logger;
  private readonly increment: number;
  private readonly max: number;
  private readonly channels: readonly Channel[];
  private stopper = new AbortController();
  private loop: Promise<void> | undefined;
  private inProcess = false;
  private lastStatus: 'READY' | 'BACKOFF' | 'ERROR' = 'READY';
  private started = false;

  constructor(name: string, processor: SinkProcessor, logger: Logger, options: SinkRunnerOptions = {}) {
    this.name = name;
    this.processor = processor;
    this.logger = logger;
    this.increment = options.backoffIncrementMs ?? 1000;
    this.max = options.maxBackoffMs ?? 5000;
    this.channels = options.channels ?? [];
  }

  async start(): Promise<void> {
    if (this.started) return;
    await this.processor.start();
    this.started = true;
    this.stopper = new AbortController();
    this.loop = this.run(this.stopper.signal);
  }

  /** True while a process() call is running (a transaction may be open). */
  get busy(): boolean {
    return this.inProcess;
  }

  get status(): 'READY' | 'BACKOFF' | 'ERROR' {
    return this.lastStatus;
  }

  /** Stops the loop (waiting for the in-flight process()), then the processor. Idempotent. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.stopper.abort();
    await this.loop;
    try {
      await this.processor.stop();
    } catch (err) {
      this.logger.error({ runner: this.name, err: describeError(err) }, 'error while stopping sinks');
    }
  }

  private async run(signal: AbortSignal): Promise<void> {
    let backoffs = 0;
    let errors = 0;
    while (!signal.aborted) {
      let status: 'READY' | 'BACKOFF';
      this.inProcess = true;
      try {
        status = await this.processor.process();
      } catch (err) {
        this.inProcess = false;
        this.lastStatus = 'ERROR';
        errors++;
        backoffs = 0;
        this.logger.error({ runner: this.name, err: describeError(err) }, 'Unable to deliver event');
        await this.sleep(Math.min(this.increment * 2 ** (errors - 1), this.max), signal, false);
        continue;
      }
      this.inProcess = false;
      this.lastStatus = status;
      errors = 0;
      if (status === 'BACKOFF') {
        backoffs++;
        await this.sleep(Math.min(backoffs * this.increment, this.max), signal, true);
      } else {
        backoffs = 0;
        await new Promise<void>((r) => setImmediate(r));
      }
    }
  }

  private async sleep(ms: number, signal: AbortSignal, wakeOnData: boolean): Promise<void> {
    if (signal.aborted) return;
    const waiters = wakeOnData ? this.channels.filter((c) => c.waitForData !== undefined) : [];
    const local = new AbortController();
    const onAbort = (): void => local.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const timer = new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        local.signal.addEventListener('abort', () => {
          clearTimeout(t);
          resolve();
        }, { once: true });
      });
      await Promise.race([timer, ...waiters.map((c) => c.waitForData!(ms, local.signal))]);
    } finally {
      signal.removeEventListener('abort', onAbort);
      local.abort();
    }
  }
}
