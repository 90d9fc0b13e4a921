import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { FileRollSink, PathManager, fileRollSinkFactory } from '../../src/sinks/file-roll-sink.js';
import { batchOf, context, pollUntil, tempDir } from '../interceptors/test-context.js';
import { memoryChannel, put } from './sink-test-helpers.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
});

async function setup(props: Record<string, string | number | boolean>, opts: { rollIntervalMs?: number; now?: () => number } = {}) {
  const dir = await tempDir('sluice-fileroll-');
  const ctx = context('sink', { 'sink.directory': dir, ...props });
  const sink = new FileRollSink(ctx, opts);
  const ch = memoryChannel();
  sink.setChannel(ch);
  await sink.start();
  cleanup.push(async () => {
    await sink.stop();
    await rm(dir, { recursive: true, force: true });
  });
  return { dir, sink, ch, ctx };
}

describe('file_roll config', () => {
  it("has Flume's defaults", async () => {
    const { sink } = await setup({});
    expect(sink.rollIntervalMs).toBe(30_000);
    expect(sink.batchSize).toBe(100);
    expect(sink.pathManager.kind).toBe('DEFAULT');
  });
  it('requires sink.directory and rejects unknown serializers and bad numbers', () => {
    expect(() => fileRollSinkFactory.create(context('sink', {}))).toThrow(/sink\.directory/);
    expect(() => fileRollSinkFactory.create(context('sink', { 'sink.directory': '/tmp/x', 'sink.serializer': 'avro_event' }))).toThrow(ConfigError);
    expect(() => fileRollSinkFactory.create(context('sink', { 'sink.directory': '/tmp/x', 'sink.rollInterval': '-1' }))).toThrow(/rollInterval/);
    expect(() => fileRollSinkFactory.create(context('sink', { 'sink.directory': '/tmp/x', 'sink.pathManager': 'weird' }))).toThrow(/pathManager/);
  });
});

describe('PathManager', () => {
  it('names files <prefix><seriesMillis>-<n>[.ext] (DEFAULT)', () => {
    const pm = new PathManager('DEFAULT', 'app-', 'log', () => 1700000000123);
    expect([pm.nextFileName(), pm.nextFileName()]).toEqual(['app-1700000000123-1.log', 'app-1700000000123-2.log']);
    expect(new PathManager('DEFAULT', '', '', () => 5).nextFileName()).toBe('5-1');
  });
  it('names files <prefix><yyyyMMddHHmmss>-<n> (ROLLTIME), restarting n per stamp', () => {
    let t = new Date(2024, 0, 2, 3, 4, 5).getTime();
    const pm = new PathManager('ROLLTIME', 'p', '', () => t);
    expect(pm.nextFileName()).toBe('p20240102030405-1');
    expect(pm.nextFileName()).toBe('p20240102030405-2');
    t += 1000;
    expect(pm.nextFileName()).toBe('p20240102030406-1');
  });
});

describe('file_roll sink', () => {
  it('writes bodies + newline with the text serializer into <millis>-1', async () => {
    const { dir, sink, ch } = await setup({ 'sink.rollInterval': 0 }, { now: () => 1234 });
    await put(ch, batchOf(['one', 'two', '']));
    expect(await sink.process()).toBe('READY');
    expect(await readdir(dir)).toEqual(['1234-1']);
    expect(await readFile(join(dir, '1234-1'), 'utf8')).toBe('one\ntwo\n\n');
    expect(ch.size()).toBe(0);
  });

  it('honours appendNewline=false, header_and_text, prefix and extension', async () => {
    const a = await setup({ 'sink.serializer.appendNewline': false, 'sink.pathManager.prefix': 'x-', 'sink.pathManager.extension': 'txt' }, { now: () => 7 });
    await put(a.ch, batchOf(['a', 'b']));
    await a.sink.process();
    expect(await readFile(join(a.dir, 'x-7-1.txt'), 'utf8')).toBe('ab');

    const b = await setup({ 'sink.serializer': 'header_and_text' }, { now: () => 8 });
    await put(b.ch, batchOf(['body'], [{ k: 'v', z: '1' }]));
    await b.sink.process();
    expect(await readFile(join(b.dir, '8-1'), 'utf8')).toBe('{k=v, z=1} body\n');
  });

  it('takes at most sink.batchSize events per transaction', async () => {
    const { sink, ch, ctx } = await setup({ 'sink.batchSize': 2 });
    await put(ch, batchOf(['1', '2', '3']));
    await sink.process();
    expect(ch.size()).toBe(1);
    expect(ctx.metrics.get('EventDrainSuccessCount')).toBe(2);
  });

  it('rolls to a new file after the roll interval', async () => {
    const { dir, sink, ch, ctx } = await setup({}, { rollIntervalMs: 20, now: () => 99 });
    await put(ch, batchOf(['first']));
    await sink.process();
    await pollUntil(async () => {
      await sink.process();
      return (await readdir(dir)).length >= 2;
    });
    await put(ch, batchOf(['second']));
    await sink.process();
    const files = (await readdir(dir)).sort((x, y) => Number(x.split('-')[1]) - Number(y.split('-')[1]));
    expect(files[0]).toBe('99-1');
    expect(await readFile(join(dir, files[0]!), 'utf8')).toBe('first\n');
    const last = files[files.length - 1]!;
    expect(await readFile(join(dir, last), 'utf8')).toBe('second\n');
    expect(ctx.metrics.get('ConnectionClosedCount')).toBeGreaterThanOrEqual(1);
  });

  it('never rolls with rollInterval 0 and creates a missing directory', async () => {
    const { dir, sink, ch } = await setup({ 'sink.rollInterval': 0 });
    await rm(dir, { recursive: true });
    await sink.start();
    for (let i = 0; i < 3; i++) {
      await put(ch, batchOf([`l${i}`]));
      await sink.process();
    }
    const files = await readdir(dir);
    expect(files.length).toBe(1);
    expect(await readFile(join(dir, files[0]!), 'utf8')).toBe('l0\nl1\nl2\n');
  });

  it('rolls back when the file cannot be opened, keeping the events', async () => {
    const dir = await tempDir('sluice-fileroll-');
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, 'x');
    const sink = new FileRollSink(context('sink', { 'sink.directory': join(blocker, 'sub') }));
    const ch = memoryChannel();
    sink.setChannel(ch);
    await expect(sink.start()).rejects.toThrow();
    await put(ch, batchOf(['kept']));
    await expect(sink.process()).rejects.toThrow(/failed to open file/);
    expect(ch.size()).toBe(1);
    await rm(dir, { recursive: true, force: true });
  });
});
