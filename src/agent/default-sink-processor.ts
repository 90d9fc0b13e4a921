/**
 * Default sink processor: exactly one sink, process() delegates to it. Every sink that is
 * not in a sink group gets one of these and its own SinkRunner (Flume semantics).
 */
import type { Sink, SinkStatus } from './component.js';
import type { SinkProcessor, SinkProcessorFactory } from './sink-processor.js';
import { ConfigError } from '../errors.js';

export class DefaultSinkProcessor implements SinkProcessor {
  readonly sinks: readonly Sink[];
  private readonly sink: Sink;

  constructor(sinks: readonly Sink[], label = 'default sink processor') {
    if (sinks.length !== 1) {
      throw new ConfigError('CONFIG_PROCESSOR_SINKS', `${label}: the default processor takes exactly one sink, got ${sinks.length}`);
    }
    this.sinks = sinks;
    this.sink = sinks[0]!;
  }

  start(): Promise<void> {
    return this.sink.start();
  }

  stop(): Promise<void> {
    return this.sink.stop();
  }

  process(): Promise<SinkStatus> {
    return this.sink.process();
  }
}

export const defaultSinkProcessorFactory: SinkProcessorFactory = {
  kind: 'processor',
  aliases: ['default'],
  classNames: ['org.apache.flume.sink.DefaultSinkProcessor'],
  create: (ctx) => new DefaultSinkProcessor(ctx.sinks, ctx.label),
};
