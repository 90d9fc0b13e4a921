import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeOutput, type Harness, lines, makeDirs, makeSource, text, waitFor } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await makeDirs();
});
afterEach(async () => {
  await h.cleanup();
});

describe('TAILDIR basics', () => {
  it('tails existing and appended lines in batches of batchSize, with positions', async () => {
    const f = join(h.logDir, 'app.log');
    await writeFile(f, text(lines('a', 0, 250)));
    const out = new FakeOutput();
    const { source, metrics } = makeSource(h, { batchSize: 100 }, out);
    await source.start();
    await waitFor(() => out.lines.length === 250, '250 lines');
    expect(out.batches.map((b) => b.count)).toEqual([100, 100, 50]);
    await appendFile(f, text(lines('b', 0, 3)));
    await waitFor(() => out.lines.length === 253, 'appended lines');
    expect(out.lines).toEqual([...lines('a', 0, 250), ...lines('b', 0, 3)]);
    const b0 = out.batches[0]!;
    expect(b0.positions!.streams).toHaveLength(1);
    expect(b0.positions!.endOffset[0]).toBe(4); // "a-0\n"
    await source.stop();
    expect(metrics.get('EventAcceptedCount')).toBe(253);
    const saved = JSON.parse(await readFile(h.posFile, 'utf8')) as { inode: number; pos: number; file: string; fp: string }[];
    expect(saved).toHaveLength(1);
    expect(saved[0]!.file).toBe(f);
    expect(saved[0]!.pos).toBe((await readFile(f)).length);
    expect(saved[0]!.fp).toMatch(/^[0-9a-f]{16}$/);
  });

  it('holds a partial last line until its newline, also across a restart (emitted once)', async () => {
    const f = join(h.logDir, 'app.log');
    await writeFile(f, 'one\ntw');
    const out = new FakeOutput();
    let s = makeSource(h, {}, out).source;
    await s.start();
    await waitFor(() => out.lines.length === 1, 'first line');
    await s.stop();
    await appendFile(f, 'o\nthree');
    s = makeSource(h, {}, out).source;
    await s.start();
    await waitFor(() => out.lines.length === 2, 'second line');
    await s.stop();
    await appendFile(f, '\n');
    s = makeSource(h, {}, out).source;
    await s.start();
    await waitFor(() => out.lines.length === 3, 'third line');
    await s.stop();
    expect(out.lines).toEqual(['one', 'two', 'three']);
  });

  it('flushes an unterminated last line when the file goes idle (idleTimeout)', async () => {
    const f = join(h.logDir, 'app.log');
    await writeFile(f, 'x\nlast-no-newline');
    const out = new FakeOutput();
    const { source } = makeSource(h, { idleTimeout: 200 }, out);
    await source.start();
    await waitFor(() => out.lines.length === 2, 'flushed partial');
    expect(out.lines).toEqual(['x', 'last-no-newline']);
    await appendFile(f, 'more\n');
    await waitFor(() => out.lines.length === 3, 'line after reopen');
    expect(out.lines[2]).toBe('more');
    await source.stop();
  });

  it('strips a trailing \\r and keeps non-UTF-8 bytes raw', async () => {
    const f = join(h.logDir, 'app.log');
    const raw = Buffer.concat([Buffer.from('crlf\r\n'), Buffer.from([0xff, 0xfe, 0x80, 0x0a]), Buffer.from('a\rb\r\r\n\n')]);
    await writeFile(f, raw);
    const out = new FakeOutput();
    const { source } = makeSource(h, {}, out);
    await source.start();
    await waitFor(() => out.lines.length === 4, '4 lines');
    await source.stop();
    expect(out.batches[0]!.body(1)).toEqual(Buffer.from([0xff, 0xfe, 0x80]));
    expect(out.lines).toEqual(['crlf', '\xff\xfe\x80', 'a\rb\r', '']);
  });

  it.each(['truncate', 'skip'] as const)('long lines (%s) keep the saved offset right', async (policy) => {
    const f = join(h.logDir, 'app.log');
    const long = 'L'.repeat(50);
    await writeFile(f, `ok1\n${long}\nok2\n${'M'.repeat(3000)}\nok3\n`);
    const out = new FakeOutput();
    const { source } = makeSource(h, { maxLineLength: 10, lineTooLongPolicy: policy }, out);
    await source.start();
    const want = policy === 'truncate' ? ['ok1', 'L'.repeat(10), 'ok2', 'M'.repeat(10), 'ok3'] : ['ok1', 'ok2', 'ok3'];
    await waitFor(() => out.lines.length === want.length, 'lines');
    await source.stop();
    expect(out.lines).toEqual(want);
    const saved = JSON.parse(await readFile(h.posFile, 'utf8')) as { pos: number }[];
    expect(saved[0]!.pos).toBe((await readFile(f)).length);
  });

  it('handles a long line that spans several read chunks', async () => {
    const f = join(h.logDir, 'app.log');
    const big = 'B'.repeat(3 * 1024 * 1024);
    await writeFile(f, `a\n${big}\nb\n`);
    const out = new FakeOutput();
    const { source } = makeSource(h, { maxLineLength: 1000 }, out);
    await source.start();
    await waitFor(() => out.lines.length === 3, 'lines');
    await source.stop();
    expect(out.lines).toEqual(['a', 'B'.repeat(1000), 'b']);
    expect(out.batches[1]!.positions!.endOffset[0]).toBe(2 + big.length + 1);
  });

  it('empty and tiny files', async () => {
    await writeFile(join(h.logDir, 'app.log'), '');
    await writeFile(join(h.logDir, 'app.log.1'), '\n');
    await writeFile(join(h.logDir, 'app.log.2'), 'z');
    const out = new FakeOutput();
    const { source } = makeSource(h, {}, out);
    await source.start();
    await waitFor(() => out.lines.length === 1, 'empty line');
    expect(out.lines).toEqual(['']);
    await appendFile(join(h.logDir, 'app.log'), 'q\n');
    await appendFile(join(h.logDir, 'app.log.2'), '\n');
    await waitFor(() => out.lines.length === 3, 'more');
    await source.stop();
    expect([...out.lines].sort()).toEqual(['', 'q', 'z']);
  });

  it('retries the same batch when the channel refuses it, without loss or duplicates', async () => {
    const f = join(h.logDir, 'app.log');
    await writeFile(f, text(lines('r', 0, 30)));
    const out = new FakeOutput();
    out.rejectNext = 3;
    const { source, metrics } = makeSource(h, { batchSize: 10 }, out);
    await source.start();
    await waitFor(() => out.lines.length === 30, '30 lines');
    await source.stop();
    expect(out.lines).toEqual(lines('r', 0, 30));
    expect(metrics.get('ChannelWriteFail')).toBe(3);
  });

  it('adds group headers, the file header and byteoffset', async () => {
    const f = join(h.logDir, 'app.log');
    await writeFile(f, 'ab\ncd\n');
    const out = new FakeOutput();
    const { source } = makeSource(h, { 'headers.f1.topic': 't1', fileHeader: true, byteOffsetHeader: true }, out);
    await source.start();
    await waitFor(() => out.lines.length === 2, 'lines');
    await source.stop();
    expect(out.headers).toEqual([
      { topic: 't1', file: f, byteoffset: '0' },
      { topic: 't1', file: f, byteoffset: '3' },
    ]);
  });

  it('skipToEnd starts unknown files at their end', async () => {
    const f = join(h.logDir, 'app.log');
    await writeFile(f, 'old\n');
    const out = new FakeOutput();
    const { source } = makeSource(h, { skipToEnd: true }, out);
    await source.start();
    await appendFile(f, 'new\n');
    await waitFor(() => out.lines.length === 1, 'new line');
    await source.stop();
    expect(out.lines).toEqual(['new']);
  });

  it.each([['empty', ''], ['garbage', '{not json'], ['wrong shape', '{"a":1}']])('a %s position file is ignored with a warning', async (_n, content) => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(h.dir, 'state'), { recursive: true });
    await writeFile(h.posFile, content);
    await writeFile(join(h.logDir, 'app.log'), 'a\nb\n');
    const out = new FakeOutput();
    const { source } = makeSource(h, {}, out);
    await source.start();
    await waitFor(() => out.lines.length === 2, 'lines');
    await source.stop();
    expect(out.lines).toEqual(['a', 'b']);
  });

  it("migrates Flume's position file (inode + path)", async () => {
    const f = join(h.logDir, 'app.log');
    await writeFile(f, 'seen1\nseen2\nnew1\n');
    const { stat, mkdir } = await import('node:fs/promises');
    const st = await stat(f);
    await mkdir(join(h.dir, 'state'), { recursive: true });
    await writeFile(h.posFile, JSON.stringify([{ inode: st.ino, pos: 12, file: f }, { inode: 999999999, pos: 5, file: '/nope/x.log' }]));
    const out = new FakeOutput();
    const { source } = makeSource(h, {}, out);
    await source.start();
    await waitFor(() => out.lines.length === 1, 'new line');
    await source.stop();
    expect(out.lines).toEqual(['new1']);
    const saved = JSON.parse(await readFile(h.posFile, 'utf8')) as Record<string, unknown>[];
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ inode: st.ino, pos: 17, file: f, dev: st.dev });
  });

  it('recovered positions override the position file when higher', async () => {
    const f = join(h.logDir, 'app.log');
    await writeFile(f, text(lines('k', 0, 10)));
    const out = new FakeOutput();
    let s = makeSource(h, {}, out).source;
    await s.start();
    await waitFor(() => out.lines.length === 10, 'lines');
    await s.stop();
    const stale = await readFile(h.posFile);
    await appendFile(f, text(lines('k', 10, 20)));
    s = makeSource(h, {}, out).source;
    await s.start();
    await waitFor(() => out.lines.length === 20, 'more lines');
    await s.stop();
    // Crash: the position file lost its last write; the downstream log knows better.
    await writeFile(h.posFile, stale);
    await appendFile(f, text(lines('k', 20, 25)));
    s = makeSource(h, {}, out, { recovered: new Map(out.log) }).source;
    await s.start();
    await waitFor(() => out.lines.length === 25, 'lines after crash');
    await s.stop();
    expect(out.lines).toEqual(lines('k', 0, 25));
  });
});

describe('TAILDIR configuration', () => {
  it('rejects a missing filegroups, a relative path and a bad regex with the key named', async () => {
    const { ComponentProps } = await import('../../../src/agent/component-props.js');
    const { parseTaildirConfig } = await import('../../../src/sources/taildir/taildir-config.js');
    expect(() => parseTaildirConfig(ComponentProps.fromObject('a1.sources.r1', {}))).toThrow(/filegroups/);
    expect(() => parseTaildirConfig(ComponentProps.fromObject('a1.sources.r1', { filegroups: 'g', 'filegroups.g': 'logs/x.log' }))).toThrow(/filegroups\.g.*absolute/);
    expect(() => parseTaildirConfig(ComponentProps.fromObject('a1.sources.r1', { filegroups: 'g', 'filegroups.g': '/var/log/(x' }))).toThrow(/filegroups\.g/);
    expect(() => parseTaildirConfig(ComponentProps.fromObject('a1.sources.r1', { filegroups: 'g', 'filegroups.g': '/l/x', lineTooLongPolicy: 'drop' }))).toThrow(/lineTooLongPolicy/);
  });

  it("uses Flume's defaults and matches whole file names with Java regex semantics", async () => {
    const { ComponentProps } = await import('../../../src/agent/component-props.js');
    const { parseTaildirConfig } = await import('../../../src/sources/taildir/taildir-config.js');
    const c = parseTaildirConfig(ComponentProps.fromObject('a1.sources.r1', { filegroups: 'g', 'filegroups.g': '/var/log/app\\.log\\Q.\\E\\d+' }));
    expect(c.groups[0]!.dir).toBe('/var/log');
    expect(c.groups[0]!.pattern.test('app.log.1')).toBe(true);
    expect(c.groups[0]!.pattern.test('xapp.log.1')).toBe(false);
    expect(c).toMatchObject({
      byteOffsetHeader: false, skipToEnd: false, idleTimeout: 120000, writePosInterval: 3000, batchSize: 100,
      backoffSleepIncrement: 1000, maxBackoffSleep: 5000, cachePatternMatching: true, fileHeader: false,
      fileHeaderKey: 'file', maxLineLength: 1_000_000, lineTooLongPolicy: 'truncate',
    });
    expect(c.positionFile).toMatch(/\.flume\/taildir_position\.json$/);
  });
});
