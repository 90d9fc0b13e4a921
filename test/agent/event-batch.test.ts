import { describe, expect, it } from 'vitest';
import { EventBatch, type FlumeEvent } from '../../src/agent/event-batch.js';

function lineBatch(text: string, stream?: string, base = 0): EventBatch {
  // Bodies are views into the "read buffer" with the newlines left between them, as TAILDIR does.
  const data = Buffer.from(text);
  const starts: number[] = [];
  const ends: number[] = [];
  let s = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 10) {
      starts.push(s);
      ends.push(i);
      s = i + 1;
    }
  }
  const n = starts.length;
  return new EventBatch({
    data,
    starts: Uint32Array.from(starts),
    ends: Uint32Array.from(ends),
    ...(stream
      ? { positions: { streams: [stream], streamOf: new Uint16Array(n), endOffset: Float64Array.from(ends, (e) => base + e + 1) } }
      : {}),
  });
}

const bodies = (b: EventBatch): string[] => Array.from({ length: b.count }, (_, i) => b.body(i).toString());

describe('EventBatch', () => {
  it('concat keeps bodies, order and per-stream positions across batches', () => {
    const a = lineBatch('one\ntwo\n', 'f1', 100);
    const b = lineBatch('three\n', 'f2', 0);
    const c = lineBatch('four\nfive\n', 'f1', 108);
    const all = EventBatch.concat([a, b, c]);
    expect(bodies(all)).toEqual(['one', 'two', 'three', 'four', 'five']);
    const p = all.positions!;
    expect(p.streams).toEqual(['f1', 'f2']);
    expect(Array.from(p.streamOf)).toEqual([0, 0, 1, 0, 0]);
    expect(Array.from(p.endOffset)).toEqual([104, 108, 6, 113, 118]);
  });

  it('concat of sliced batches and of batches with out-of-order bodies', () => {
    const a = lineBatch('a\nbb\nccc\n').slice(1, 3);
    const data = Buffer.from('xy');
    const reversed = new EventBatch({ data, starts: Uint32Array.of(1, 0), ends: Uint32Array.of(2, 1) });
    const all = EventBatch.concat([a, reversed]);
    expect(bodies(all)).toEqual(['bb', 'ccc', 'y', 'x']);
  });

  it('concat merges shared and per-event headers', () => {
    const a = new EventBatch({ ...lineBatch('a\n'), sharedHeaders: { h: '1' } } as never);
    const b = EventBatch.fromEvents([{ headers: { k: 'v' }, body: Buffer.from('b') }]);
    const all = EventBatch.concat([a, b]);
    expect(all.headers(0)).toEqual({ h: '1' });
    expect(all.headers(1)).toEqual({ k: 'v' });
  });

  it('fromEvents / toEvents round trip, slice and byteLength', () => {
    const ev: FlumeEvent[] = [
      { headers: {}, body: Buffer.from('hello') },
      { headers: { a: 'b' }, body: Buffer.alloc(0) },
    ];
    const b = EventBatch.fromEvents(ev);
    expect(b.count).toBe(2);
    expect(b.byteLength).toBe(5);
    expect(b.toEvents()).toEqual(ev);
    expect(bodies(b.slice(1, 2))).toEqual(['']);
  });

  it('concat of pieces of one buffer copies no bytes and keeps positions', () => {
    const whole = lineBatch('l0\nl1\nl2\nl3\nl4\n', '1:2:3:00000000000000aa:0', 1000);
    const pieces = [whole.slice(0, 2), whole.slice(2, 3), whole.slice(3, 5)];
    const all = EventBatch.concat(pieces);
    expect(all.data).toBe(whole.data);
    expect(bodies(all)).toEqual(['l0', 'l1', 'l2', 'l3', 'l4']);
    expect(all.positions!.streams).toEqual(['1:2:3:00000000000000aa:0']);
    expect(Array.from(all.positions!.endOffset)).toEqual(Array.from(whole.positions!.endOffset));
    // Out of order pieces of one buffer are fine too: bodies stay views.
    expect(bodies(EventBatch.concat([whole.slice(3, 5), whole.slice(0, 1)]))).toEqual(['l3', 'l4', 'l0']);
  });
});
