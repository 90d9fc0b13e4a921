/**
 * Test doubles registered programmatically: a source the test drives by hand and a sink
 * (a ChannelSink) that records bodies and fails on demand. Instances are kept in
 * `instances` under `<agent>.<name>` so a test can reach the ones an Agent built.
 */
import type { SinkFactory, Source, SourceContext, SourceFactory } from '../../../src/agent/component.js';
import { ChannelSink } from '../../../src/agent/channel-sink.js';
import type { ComponentContext } from '../../../src/agent/component.js';
import { EventBatch, type Headers } from '../../../src/agent/event-batch.js';
import { ComponentRegistry } from '../../../src/agent/registry.js';
import { ComponentProps as ComponentPropsCtor } from '../../../src/agent/component-props.js';

export const sources = new Map<string, TestSource>();
export const sinks = new Map<string, TestSink>();

export class TestSource implements Source {
  readonly name: string;
  readonly batchSize: number;
  readonly ctx: SourceContext;
  started = false;
  stopped = false;

  constructor(ctx: SourceContext) {
    this.ctx = ctx;
    this.name = ctx.name;
    this.batchSize = ctx.props.getInt('batchSize', 1, { min: 1 });
    ctx.props.getString('flavour'); // a known optional key, for "did you mean" tests
    sources.set(`${ctx.agentName}.${ctx.name}`, this);
  }

  async start(): Promise<void> {
    this.started = true;
    this.ctx.metrics.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.ctx.metrics.stop();
  }

  /** Sends bodies as one batch through the ChannelProcessor. */
  async emit(bodies: readonly string[], headers: Headers | ((i: number) => Headers) = {}): Promise<void> {
    const events = bodies.map((b, i) => ({ headers: typeof headers === 'function' ? headers(i) : headers, body: Buffer.from(b) }));
    this.ctx.metrics.increment('EventReceivedCount', events.length);
    await this.ctx.output.send(EventBatch.fromEvents(events));
    this.ctx.metrics.increment('EventAcceptedCount', events.length);
  }
}

export class TestSink extends ChannelSink {
  readonly received: string[] = [];
  /** When true, deliver() throws. */
  failing: boolean;
  deliveries = 0;
  failures = 0;

  constructor(ctx: ComponentContext) {
    super(ctx, { batchSize: ctx.props.getInt('batchSize', 100, { min: 1 }) });
    this.failing = ctx.props.getBoolean('fail', false);
    sinks.set(`${ctx.agentName}.${ctx.name}`, this);
  }

  protected override async deliver(batch: EventBatch): Promise<void> {
    this.deliveries++;
    if (this.failing) {
      this.failures++;
      throw new Error(`test sink ${this.name} is failing`);
    }
    for (let i = 0; i < batch.count; i++) this.received.push(batch.body(i).toString());
  }
}

export const testSourceFactory: SourceFactory = {
  kind: 'source',
  aliases: ['testsrc'],
  classNames: ['org.example.TestSource'],
  create: (ctx) => new TestSource(ctx),
};

export const testSinkFactory: SinkFactory = {
  kind: 'sink',
  aliases: ['testsink'],
  classNames: ['org.example.TestSink'],
  create: (ctx) => new TestSink(ctx),
};

/** The built-in registry plus the test doubles. */
export function testRegistry(): ComponentRegistry {
  return ComponentRegistry.builtin().register(testSourceFactory).register(testSinkFactory);
}

/** Polls `cond` until true or the deadline; throws with `what` on timeout. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function bodies(prefix: string, n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${from + i}`);
}

/** A source stub for Flume types whose real implementation is not under test: accepts any key. */
function lenientSource(aliases: string[], classNames: string[]): SourceFactory {
  return {
    kind: 'source', aliases, classNames,
    create: (ctx) => {
      for (const k of ctx.props.keys()) ctx.props.markUsed(k);
      return new TestSource(ctx);
    },
  };
}

function lenientSink(aliases: string[], classNames: string[], batchKeys: string[]): SinkFactory {
  return {
    kind: 'sink', aliases, classNames,
    create: (ctx) => {
      const batch = ctx.props.getStringAny(batchKeys);
      for (const k of ctx.props.keys()) ctx.props.markUsed(k);
      const props: Record<string, string> = batch === undefined ? {} : { batchSize: batch };
      return new TestSink({ ...ctx, props: ComponentPropsCtor.fromObject(ctx.props.label, props) });
    },
  };
}

/**
 * The built-in registry with test doubles standing in for Flume's everyday types, so that
 * real-world configs build without sockets or processes: seq → TestSource, null → TestSink
 * (both strict about keys); exec, netcat, TAILDIR, logger, file_roll, KafkaSink → lenient.
 */
export function stubRegistry(): ComponentRegistry {
  return testRegistry()
    .register({ ...testSourceFactory, aliases: ['seq'], classNames: ['org.apache.flume.source.SequenceGeneratorSource'] })
    .register({ ...testSinkFactory, aliases: ['null'], classNames: ['org.apache.flume.sink.NullSink'] })
    .register(lenientSource(['exec'], ['org.apache.flume.source.ExecSource']))
    .register(lenientSource(['netcat'], ['org.apache.flume.source.NetcatSource']))
    .register(lenientSource(['TAILDIR'], ['org.apache.flume.source.taildir.TaildirSource']))
    .register(lenientSink(['logger'], ['org.apache.flume.sink.LoggerSink'], []))
    .register(lenientSink(['file_roll'], ['org.apache.flume.sink.RollingFileSink'], ['sink.batchSize']))
    .register(lenientSink([], ['org.apache.flume.sink.kafka.KafkaSink'], ['flumeBatchSize', 'batchSize']));
}
