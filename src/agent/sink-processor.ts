/**
 * Sink processor contract (Flume's SinkProcessor). A processor owns a group of sinks
 * (one for `default`), starts and stops them, and on each `process()` picks which sink
 * drains next. It returns the chosen sink's status; it throws EventDeliveryError only
 * when no sink could deliver. Exactly one SinkRunner drives a processor, so process()
 * calls never overlap.
 */
import type { Lifecycle, Sink, SinkStatus } from './component.js';
import type { ComponentProps } from './component-props.js';
import type { Logger } from '../logger.js';

export interface SinkProcessor extends Lifecycle {
  readonly sinks: readonly Sink[];
  process(): Promise<SinkStatus>;
}

export interface SinkProcessorContext {
  /** e.g. `a1.sinkgroups.g1.processor`, for messages. */
  readonly label: string;
  /** The `processor.*` keys with the prefix removed (`type` included). */
  readonly props: ComponentProps;
  readonly sinks: readonly Sink[];
  readonly logger: Logger;
  /** Clock, replaceable in tests. */
  readonly now?: () => number;
}

export interface SinkProcessorFactory {
  readonly kind: 'processor';
  readonly aliases: readonly string[];
  readonly classNames: readonly string[];
  create(ctx: SinkProcessorContext): SinkProcessor;
}

/** Starts every sink; on a failure stops the ones already started and rethrows. */
export async function startSinks(sinks: readonly Sink[]): Promise<void> {
  const started: Sink[] = [];
  try {
    for (const s of sinks) {
      await s.start();
      started.push(s);
    }
  } catch (err) {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    throw err;
  }
}
