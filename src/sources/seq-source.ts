/**
 * `seq` source (org.apache.flume.source.SequenceGeneratorSource): a counter for tests
 * and benchmarks. Each event's body is the decimal counter, starting at "0".
 *
 * Properties: `batchSize` 1 (> 0), `totalEvents` Long.MAX_VALUE (Sluice caps it at
 * Number.MAX_SAFE_INTEGER). A batch the channel rejects is retried with the same
 * bodies (the counter advances only after a successful send), after a back-off of
 * 100 ms doubling to 5 s so a persistently failing channel does not spin. After
 * totalEvents the source idles until stopped.
 * Bodies of one batch are written into one buffer. Counters: EventAcceptedCount,
 * AppendBatchAcceptedCount (batchSize > 1, as Flume), ChannelWriteFail.
 */
import type { Source, SourceContext, SourceFactory } from '../agent/component.js';
import { EventBatch } from '../agent/event-batch.js';
import { describeError } from '../errors.js';

/** Bodies `from`, `from+1`, … (count of them) as one batch. */
export function sequenceBatch(from: number, count: number): EventBatch {
  const starts = new Uint32Array(count);
  const ends = new Uint32Array(count);
  const maxLen = String(from + count).length;
  const data = Buffer.allocUnsafe(maxLen * count);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    starts[i] = pos;
    pos += data.write(String(from + i), pos, 'latin1');
    ends[i] = pos;
  }
  return new EventBatch({ data: data.subarray(0, pos), starts, ends });
}

export class SeqSource implements Source {
  readonly name: string;
  readonly batchSize: number;
  readonly totalEvents: number;
  private readonly ctx: SourceContext;
  private sent = 0;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(ctx: SourceContext) {
    this.ctx = ctx;
    this.name = ctx.name;
    this.batchSize = ctx.props.getInt('batchSize', 1, { min: 1 });
    this.totalEvents = ctx.props.getInt('totalEvents', Number.MAX_SAFE_INTEGER, { min: 0 });
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  /** Events committed so far. */
  get eventsSent(): number {
    return this.sent;
  }

  async start(): Promise<void> {
    this.ctx.metrics.start();
    this.stopping = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.ctx.metrics.stop();
  }

  /** Resolves when all totalEvents were sent (or the source stopped). */
  finished(): Promise<void> {
    return this.loop ?? Promise.resolve();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private async run(): Promise<void> {
    let backoff = 0;
    while (!this.stopping && this.sent < this.totalEvents) {
      const n = Math.min(this.batchSize, this.totalEvents - this.sent);
      const batch = sequenceBatch(this.sent, n);
      try {
        await this.ctx.output.send(batch);
        this.sent += n;
        this.ctx.metrics.increment('EventAcceptedCount', n);
        if (this.batchSize > 1) this.ctx.metrics.increment('AppendBatchAcceptedCount');
        backoff = 0;
      } catch (err) {
        this.ctx.metrics.increment('ChannelWriteFail');
        this.ctx.logger.error({ err: describeError(err) }, `${this.name} source could not write to channel.`);
        backoff = Math.min(backoff === 0 ? 100 : backoff * 2, 5000);
        await this.sleep(backoff);
      }
    }
  }
}

export const seqSourceFactory: SourceFactory = {
  kind: 'source',
  aliases: ['seq'],
  classNames: ['org.apache.flume.source.SequenceGeneratorSource'],
  create: (ctx) => new SeqSource(ctx),
};
