import { afterEach, describe, expect, it } from 'vitest';
import { SeqSource, seqSourceFactory, sequenceBatch } from '../../src/sources/seq-source.js';
import { FakeOutput, sourceContext } from '../interceptors/test-context.js';

const running: SeqSource[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

function make(props: Record<string, string | number>, out = new FakeOutput()) {
  const src = seqSourceFactory.create(sourceContext(props, out)) as SeqSource;
  running.push(src);
  return { src, out };
}

describe('seq source', () => {
  it("defaults: batchSize 1, unbounded", () => {
    const { src } = make({});
    expect(src.batchSize).toBe(1);
    expect(src.totalEvents).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => make({ batchSize: 0 })).toThrow(/batchSize/);
  });

  it('emits decimal bodies from "0" in batches of batchSize up to totalEvents', async () => {
    const { src, out } = make({ batchSize: 4, totalEvents: 10 });
    await src.start();
    await src.finished();
    expect(out.batches.map((b) => b.count)).toEqual([4, 4, 2]);
    expect(out.bodies()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('retries a rejected batch with the same bodies', async () => {
    const out = new FakeOutput();
    out.rejectNext = 2;
    const { src } = make({ batchSize: 3, totalEvents: 6 }, out);
    await src.start();
    await src.finished();
    expect(out.rejected).toBe(2);
    expect(out.bodies()).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(src['ctx'].metrics.get('ChannelWriteFail')).toBe(2);
    expect(src['ctx'].metrics.get('EventAcceptedCount')).toBe(6);
  });

  it('stop() ends an unbounded run', async () => {
    const { src, out } = make({ batchSize: 100 });
    await src.start();
    await out.until(() => out.batches.length >= 3);
    await src.stop();
    const n = out.bodies().length;
    expect(out.bodies()[n - 1]).toBe(String(n - 1));
  });

  it('sequenceBatch packs bodies into one buffer', () => {
    const b = sequenceBatch(98, 3);
    expect(b.data.toString()).toBe('9899100');
    expect(b.toEvents().map((e) => e.body.toString())).toEqual(['98', '99', '100']);
  });
});
