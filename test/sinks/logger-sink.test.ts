import { describe, expect, it } from 'vitest';
import { EventBatch } from '../../src/agent/event-batch.js';
import { LoggerSink, dumpEvent, hexDump, loggerSinkFactory } from '../../src/sinks/logger-sink.js';
import { batchOf } from '../interceptors/test-context.js';
import { capturingContext, memoryChannel, put } from './sink-test-helpers.js';

describe('dumpEvent (Flume EventHelper format)', () => {
  it('hex + text of a short body', () => {
    expect(dumpEvent({}, Buffer.from('Hello world!'), 16)).toBe(
      '{ headers:{} body: 48 65 6C 6C 6F 20 77 6F 72 6C 64 21             Hello world! }',
    );
  });
  it('truncates to maxBytes and shows non-printables as dots', () => {
    const body = Buffer.from([0x00, 0x41, 0x7f, 0xc3, 0xa9, ...Buffer.from('0123456789abcdefXYZ')]);
    expect(dumpEvent({ a: '1', b: 'x y' }, body, 16)).toBe(
      '{ headers:{a=1, b=x y} body: 00 41 7F C3 A9 30 31 32 33 34 35 36 37 38 39 61 .A...0123456789a }',
    );
  });
  it('continues rows with their offset past 16 bytes', () => {
    expect(hexDump(Buffer.from('abcdefghijklmnopqr'))).toBe(
      ' 61 62 63 64 65 66 67 68 69 6A 6B 6C 6D 6E 6F 70 abcdefghijklmnop\n00000010 71 72                                           qr',
    );
  });
  it('prints nothing for an empty body', () => {
    expect(dumpEvent({ k: 'v' }, Buffer.alloc(0), 16)).toBe('{ headers:{k=v} body: }');
  });
});

describe('logger sink', () => {
  it('logs each event at info and drains the channel', async () => {
    const { ctx, lines } = capturingContext({ maxBytesToLog: 4 });
    const sink = loggerSinkFactory.create(ctx) as LoggerSink;
    expect(sink.maxBytesToLog).toBe(4);
    const ch = memoryChannel();
    sink.setChannel(ch);
    await sink.start();
    await put(ch, batchOf(['Hello', 'abc'], [{ h: '1' }]));
    expect(sink.batchSize).toBe(1); // one event per transaction, as Flume's LoggerSink
    expect(await sink.process()).toBe('READY');
    expect(await sink.process()).toBe('READY');
    expect(await sink.process()).toBe('BACKOFF');
    const msgs = lines.map((l) => l['msg']);
    expect(msgs).toEqual(['Event: { headers:{h=1} body: 48 65 6C 6C                                     Hell }', 'Event: { headers:{} body: 61 62 63                                        abc }']);
    expect(lines.every((l) => l['level'] === 30)).toBe(true);
    expect(ch.size()).toBe(0);
    await sink.stop();
  });

  it('falls back to 16 bytes on a non-numeric maxBytesToLog', () => {
    const { ctx } = capturingContext({ maxBytesToLog: 'lots' });
    expect((loggerSinkFactory.create(ctx) as LoggerSink).maxBytesToLog).toBe(16);
  });

  it('handles shared headers', () => {
    const b = batchOf(['x']);
    const withShared = new EventBatch({ data: b.data, starts: b.starts, ends: b.ends, sharedHeaders: { s: '1' } });
    expect(dumpEvent(withShared.headers(0), withShared.body(0), 16)).toContain('headers:{s=1}');
  });
});
