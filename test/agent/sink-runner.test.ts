import { describe, expect, it } from 'vitest';
import { SinkRunner } from '../../src/agent/sink-runner.js';
import { DefaultSinkProcessor } from '../../src/agent/default-sink-processor.js';
import { MemoryChannel } from '../../src/channels/memory-channel.js';
import { MetricsRegistry } from '../../src/agent/metrics.js';
import { EventBatch } from '../../src/agent/event-batch.js';
import type { Sink, SinkStatus } from '../../src/agent/component.js';
import { componentLogger } from '../../src/logger.js';
import { waitFor } from './helpers/test-components.js';

const logger = componentLogger('test');

class ScriptedSink implements Sink {
  readonly name = 'k1';
  calls = 0;
  stopped = false;
  constructor(private readonly script: (call: number) => SinkStatus | Error, private readonly channel?: MemoryChannel) {}
  setChannel(): void {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {
    this.stopped = true;
  }
  async process(): Promise<SinkStatus> {
    const r = this.script(++this.calls);
    if (r instanceof Error) throw r;
    if (r === 'READY' && this.channel) {
      const tx = this.channel.begin();
      await tx.take(100);
      await tx.commit();
    }
    return r;
  }
}

describe('SinkRunner', () => {
  it('keeps running after a sink throws (the pipeline is never torn down)', async () => {
    const sink = new ScriptedSink((n) => (n <= 3 ? new Error('boom') : 'BACKOFF'));
    const runner = new SinkRunner('k1', new DefaultSinkProcessor([sink]), logger, { backoffIncrementMs: 1, maxBackoffMs: 5 });
    await runner.start();
    await waitFor(() => sink.calls >= 6, 'calls after errors');
    await runner.stop();
    expect(sink.stopped).toBe(true);
  });

  it('a BACKOFF sleep ends early when the channel gets data, and at once on stop', async () => {
    const ch = new MemoryChannel('c1', { capacity: 100, transactionCapacity: 100, keepAliveMs: 0, byteCapacitySlots: 0 }, new MetricsRegistry().group('CHANNEL', 'c1'));
    await ch.start();
    const sink = new ScriptedSink(() => (ch.size() > 0 ? 'READY' : 'BACKOFF'), ch);
    // Backoff of one hour: only the data wake-up or stop can end the sleep.
    const runner = new SinkRunner('k1', new DefaultSinkProcessor([sink]), logger, { backoffIncrementMs: 3_600_000, maxBackoffMs: 3_600_000, channels: [ch] });
    await runner.start();
    await waitFor(() => sink.calls === 1 && runner.status === 'BACKOFF', 'first backoff');
    const tx = ch.begin();
    tx.put(EventBatch.fromEvents([{ headers: {}, body: Buffer.from('x') }]));
    await tx.commit();
    await waitFor(() => ch.size() === 0, 'woken by data');
    await waitFor(() => runner.status === 'BACKOFF' && !runner.busy, 'back to sleep');
    await runner.stop(); // must not wait an hour
    expect(sink.stopped).toBe(true);
  });
});
