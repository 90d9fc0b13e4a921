import { Writable } from 'node:stream';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { ExecSource, LineAccumulator, execArgv, execSourceConfig, execSourceFactory } from '../../src/sources/exec-source.js';
import { FakeOutput, sourceContext } from '../interceptors/test-context.js';

const started: ExecSource[] = [];
function make(props: Record<string, string | number | boolean>, out = new FakeOutput()) {
  const src = execSourceFactory.create(sourceContext(props, out)) as ExecSource;
  started.push(src);
  return { src, out };
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

describe('exec config', () => {
  it("has Flume's defaults", () => {
    const cfg = execSourceConfig(sourceContext({ command: 'tail -F x' }, new FakeOutput()));
    expect(cfg).toEqual({
      command: 'tail -F x', shell: undefined, restart: false, restartThrottle: 10000, logStdErr: false, batchSize: 20, batchTimeout: 3000, charset: 'UTF-8',
    });
  });
  it('requires command and validates numbers and charset', () => {
    expect(() => execSourceConfig(sourceContext({}, new FakeOutput()))).toThrow(ConfigError);
    expect(() => execSourceConfig(sourceContext({ command: 'x', batchSize: 0 }, new FakeOutput()))).toThrow(/batchSize/);
    expect(() => execSourceConfig(sourceContext({ command: 'x', batchTimeout: 'soon' }, new FakeOutput()))).toThrow(/batchTimeout/);
    expect(() => execSourceConfig(sourceContext({ command: 'x', charset: 'UTF-16' }, new FakeOutput()))).toThrow(/charset/);
  });
  it('splits the command on whitespace without quotes, or appends it to the shell', () => {
    expect(execArgv({ command: "echo 'a  b'", shell: undefined })).toEqual(['echo', "'a", "b'"]);
    expect(execArgv({ command: "echo 'a  b'", shell: '/bin/sh  -c' })).toEqual(['/bin/sh', '-c', "echo 'a  b'"]);
  });
});

describe('LineAccumulator', () => {
  it('splits on \\n, \\r\\n and lone \\r across chunk boundaries', () => {
    const acc = new LineAccumulator(4);
    for (const c of ['a\r', '\nbb', 'b\rc', 'c\n\n', 'tail']) acc.push(Buffer.from(c));
    acc.finish();
    expect(acc.take().toEvents().map((e) => e.body.toString())).toEqual(['a', 'bbb', 'cc', '', 'tail']);
  });
  it('returns every line once, in order, for any chunking, terminators and take sizes', () => {
    const line = fc.stringMatching(/^[a-z0-9 ]{0,12}$/);
    const term = fc.constantFrom('\n', '\r\n', '\r');
    fc.assert(
      fc.property(fc.array(fc.tuple(line, term), { maxLength: 60 }), fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 10 }), fc.integer({ min: 1, max: 7 }), (lines, cuts, max) => {
        const text = Buffer.from(lines.map(([l, t]) => l + t).join(''));
        const acc = new LineAccumulator(8);
        const got: string[] = [];
        let pos = 0;
        let c = 0;
        while (pos < text.length) {
          const n = cuts[c++ % cuts.length]!;
          acc.push(text.subarray(pos, pos + n));
          pos += n;
          // Take one batch of at most `max`, leaving a remainder behind, as the exec loop does.
          if (acc.count >= max) got.push(...acc.take(max).toEvents().map((e) => e.body.toString()));
        }
        acc.finish();
        while (acc.count > 0) got.push(...acc.take(max).toEvents().map((e) => e.body.toString()));
        // Model: Java's readLine terminators ("\r\n" is one terminator, so "\r" + "\n" merge).
        const model = text.toString().split(/\r\n|\r|\n/);
        if (model[model.length - 1] === '') model.pop();
        expect(got).toEqual(model);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the partial line across take()', () => {
    const acc = new LineAccumulator();
    acc.push(Buffer.from('x\npart'));
    expect(acc.take().count).toBe(1);
    acc.push(Buffer.from('ial\n'));
    expect(acc.take().toEvents().map((e) => e.body.toString())).toEqual(['partial']);
  });
});

describe('exec source', () => {
  it('emits one event per stdout line, in batches of batchSize', async () => {
    const { src, out } = make({ command: 'seq 1 45', batchSize: 20 });
    expect(src.batchSize).toBe(20);
    await src.start();
    await src.finished();
    expect(out.batches.map((b) => b.count)).toEqual([20, 20, 5]);
    expect(out.bodies()).toEqual(Array.from({ length: 45 }, (_, i) => String(i + 1)));
    expect(src['ctx'].metrics.get('EventReceivedCount')).toBe(45);
    expect(src['ctx'].metrics.get('EventAcceptedCount')).toBe(45);
  });

  it('runs through the shell with terminators handled like readLine', async () => {
    const { src, out } = make({ command: "printf 'a\\nb\\r\\nc\\rd'", shell: '/bin/sh -c' });
    await src.start();
    await src.finished();
    expect(out.bodies()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('flushes a partial batch after batchTimeout while the command still runs', async () => {
    const { src, out } = make({ command: 'echo early; exec sleep 30', shell: '/bin/sh -c', batchTimeout: 50 });
    await src.start();
    await out.until(() => out.bodies().length === 1);
    expect(out.bodies()).toEqual(['early']);
  });

  it('does not restart a command that exits when restart=false', async () => {
    const { src, out } = make({ command: 'echo once' });
    await src.start();
    await src.finished();
    expect(src.runs).toBe(1);
    expect(out.bodies()).toEqual(['once']);
  });

  it('restarts a command that dies when restart=true, after restartThrottle', async () => {
    const { src, out } = make({ command: 'echo again', restart: true, restartThrottle: 20 });
    await src.start();
    await out.until(() => out.bodies().length >= 3);
    expect(src.runs).toBeGreaterThanOrEqual(3);
    expect(new Set(out.bodies())).toEqual(new Set(['again']));
  });

  it('drops the batch, counts ChannelWriteFail and kills the command when the channel rejects', async () => {
    const out = new FakeOutput();
    out.rejectNext = 1;
    const { src } = make({ command: 'seq 1 100000', batchSize: 10 }, out);
    await src.start();
    await src.finished();
    expect(src['ctx'].metrics.get('ChannelWriteFail')).toBe(1);
    expect(out.rejected).toBe(1);
    // The first batch (1..10) is lost and the command was killed before the end.
    expect(out.bodies().includes('1')).toBe(false);
    expect(out.bodies().includes('100000')).toBe(false);
    expect(src.runs).toBe(1);
  });

  it('logs stderr lines only with logStdErr=true', async () => {
    for (const logStdErr of [true, false]) {
      const lines: string[] = [];
      const sink = new Writable({ write(c: Buffer, _e, cb) { lines.push(c.toString()); cb(); } });
      const out = new FakeOutput();
      const ctx = { ...sourceContext({ command: 'echo out; echo oops >&2', shell: '/bin/sh -c', logStdErr }, out), logger: pino({ level: 'info' }, sink) };
      const src = new ExecSource(ctx);
      started.push(src);
      await src.start();
      await src.finished();
      expect(out.bodies()).toEqual(['out']);
      expect(lines.some((l) => l.includes("StderrLogger[1] = 'oops'"))).toBe(logStdErr);
    }
  });

  it('reports a command that cannot be started and stops (no restart)', async () => {
    const { src, out } = make({ command: '/nonexistent/sluice-no-such-command' });
    await src.start();
    await src.finished();
    expect(src['ctx'].metrics.get('GenericProcessingFail')).toBe(1);
    expect(out.batches).toEqual([]);
  });

  it('stop() kills a long-running command and sends what was read', async () => {
    const { src, out } = make({ command: 'echo last; exec sleep 30', shell: '/bin/sh -c', batchTimeout: 60000 });
    await src.start();
    await out.until(() => src['ctx'].metrics.get('EventReceivedCount') === 1);
    await src.stop();
    expect(out.bodies()).toEqual(['last']);
  });
});
