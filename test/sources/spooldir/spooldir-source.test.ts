import { appendFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SourceOutput } from '../../../src/agent/component.js';
import type { EventBatch } from '../../../src/agent/event-batch.js';
import { ChannelFullError } from '../../../src/channels/channel-errors.js';
import { SpoolDirSource, spoolDirSourceFactory } from '../../../src/sources/spooldir/spooldir-source.js';
import { spoolDirConfig } from '../../../src/sources/spooldir/spooldir-config.js';
import { scanLines } from '../../../src/sources/spooldir/spool-lines.js';
import { FakeOutput, pollUntil, sourceContext, tempDir } from '../../interceptors/test-context.js';

const running: SpoolDirSource[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function spool(): Promise<string> {
  const d = await tempDir('sluice-spool-');
  dirs.push(d);
  return d;
}

async function start(dir: string, props: Record<string, string | number> = {}, out: SourceOutput = new FakeOutput()) {
  const src = spoolDirSourceFactory.create(sourceContext({ spoolDir: dir, pollDelay: 20, ...props }, out)) as SpoolDirSource;
  await src.start();
  running.push(src);
  return src;
}

const lines = (prefix: string, n: number): string => Array.from({ length: n }, (_, i) => `${prefix}${i}\n`).join('');
const setMtime = (p: string, s: number): void => utimesSync(p, s, s);

/** An output that runs a hook on each batch before accepting it. */
class HookOutput extends FakeOutput {
  constructor(private readonly hook: (b: EventBatch, n: number) => void) {
    super();
  }
  override async send(batch: EventBatch): Promise<void> {
    this.hook(batch, this.batches.length);
    return super.send(batch);
  }
}

describe('spooldir config', () => {
  it("has Flume's defaults", () => {
    const c = spoolDirConfig(sourceContext({ spoolDir: '/tmp/x' }, new FakeOutput()));
    expect(c).toMatchObject({
      spoolDir: '/tmp/x', fileSuffix: '.COMPLETED', deletePolicy: 'never', trackerDir: '/tmp/x/.flumespool', trackingPolicy: 'rename',
      consumeOrder: 'oldest', recursiveDirectorySearch: false, pollDelayMs: 500, maxBackoffMs: 4000, batchSize: 100,
      inputEncoding: 'utf8', decodeErrorPolicy: 'FAIL', maxLineLength: 2048, fileHeaderKey: undefined, basenameHeaderKey: undefined,
    });
    expect(c.includePattern.test('anything')).toBe(true);
    expect(c.ignorePattern.test('x')).toBe(false);
    expect(() => spoolDirConfig(sourceContext({}, new FakeOutput()))).toThrow(/"spoolDir"/);
    expect(() => spoolDirConfig(sourceContext({ spoolDir: '/x', deletePolicy: 'later' }, new FakeOutput()))).toThrow(/deletePolicy/);
    expect(() => spoolDirConfig(sourceContext({ spoolDir: '/x', deserializer: 'AVRO' }, new FakeOutput()))).toThrow(/LINE/);
  });

  it('cuts lines at maxLineLength characters and keeps CR', () => {
    const r = scanLines(Buffer.from('abcdefg\r\nxy\nz'), 0, true, 3, 100, true);
    const buf = Buffer.from('abcdefg\r\nxy\nz');
    expect(r.starts.map((s, i) => buf.toString('utf8', s, r.ends[i]))).toEqual(['abc', 'def', 'g\r', 'xy', 'z']);
    expect(r.truncated).toBe(2);
    expect(scanLines(Buffer.from('ab\ncd'), 0, false, 100, 100, true).starts).toEqual([0]);
  });
});

describe('spooldir source', () => {
  it('reads files oldest first with headers, renames them .COMPLETED', async () => {
    const dir = await spool();
    writeFileSync(join(dir, 'b.log'), lines('b', 3));
    writeFileSync(join(dir, 'a.log'), lines('a', 2));
    setMtime(join(dir, 'a.log'), 1000);
    setMtime(join(dir, 'b.log'), 2000);
    writeFileSync(join(dir, '.hidden'), 'no\n');
    writeFileSync(join(dir, 'skip.tmp'), 'no\n');
    const out = new FakeOutput();
    await start(dir, { fileHeader: 'true', basenameHeader: 'true', batchSize: 2, ignorePattern: '^.*\\.tmp$' }, out);
    await out.until(() => out.bodies().length >= 5);
    expect(out.bodies()).toEqual(['a0', 'a1', 'b0', 'b1', 'b2']);
    expect(out.events()[0]!.headers).toEqual({ file: join(dir, 'a.log'), basename: 'a.log' });
    await pollUntil(() => existsSync(join(dir, 'b.log.COMPLETED')));
    expect(readdirSync(dir).sort()).toEqual(['.flumespool', '.hidden', 'a.log.COMPLETED', 'b.log.COMPLETED', 'skip.tmp']);
    // A file dropped later is picked up by the watcher.
    writeFileSync(join(dir, 'c.log'), lines('c', 1));
    await out.until(() => out.bodies().includes('c0'));
  });

  it('deletePolicy immediate deletes; trackingPolicy tracker_dir leaves the file and marks it', async () => {
    const d1 = await spool();
    writeFileSync(join(d1, 'x'), lines('x', 2));
    const o1 = new FakeOutput();
    await start(d1, { deletePolicy: 'immediate' }, o1);
    await pollUntil(() => !existsSync(join(d1, 'x')));
    expect(o1.bodies()).toEqual(['x0', 'x1']);
    const d2 = await spool();
    writeFileSync(join(d2, 'y'), lines('y', 2));
    const o2 = new FakeOutput();
    await start(d2, { trackingPolicy: 'tracker_dir' }, o2);
    await pollUntil(() => existsSync(join(d2, '.flumespool', 'y.COMPLETED')));
    expect(existsSync(join(d2, 'y'))).toBe(true);
    expect(o2.bodies()).toEqual(['y0', 'y1']);
  });

  it('resumes mid-file after a restart without loss or duplicates', async () => {
    const dir = await spool();
    writeFileSync(join(dir, 'big'), lines('l', 25));
    // First run: the channel accepts 2 batches of 5, then is full.
    const first = new FakeOutput();
    const orig = first.send.bind(first);
    first.send = async (b: EventBatch) => {
      if (first.batches.length >= 2) throw new ChannelFullError('c1', 'full');
      return orig(b);
    };
    const s1 = await start(dir, { batchSize: 5 }, first);
    await first.until(() => first.batches.length === 2);
    await s1.stop();
    const second = new FakeOutput();
    await start(dir, { batchSize: 5 }, second);
    await pollUntil(() => existsSync(join(dir, 'big.COMPLETED')));
    expect([...first.bodies(), ...second.bodies()]).toEqual(Array.from({ length: 25 }, (_, i) => `l${i}`));
  });

  it('sets aside a file modified mid-read and keeps other files flowing', async () => {
    const dir = await spool();
    writeFileSync(join(dir, 'a'), lines('a', 10));
    writeFileSync(join(dir, 'b'), lines('b', 2));
    setMtime(join(dir, 'a'), 1000);
    setMtime(join(dir, 'b'), 2000);
    const out = new HookOutput((_b, n) => {
      if (n === 0) appendFileSync(join(dir, 'a'), 'late line\n');
    });
    await start(dir, { batchSize: 3 }, out);
    await out.until(() => out.bodies().includes('b1'));
    expect(out.bodies()).toEqual(['a0', 'a1', 'a2', 'b0', 'b1']);
    await pollUntil(() => existsSync(join(dir, 'b.COMPLETED')));
    expect(existsSync(join(dir, 'a'))).toBe(true); // set aside: not renamed
  });

  it('finishes a file deleted or renamed mid-read from the open descriptor, once', async () => {
    const dir = await spool();
    writeFileSync(join(dir, 'del'), lines('d', 6));
    writeFileSync(join(dir, 'ren'), lines('r', 6));
    setMtime(join(dir, 'del'), 1000);
    setMtime(join(dir, 'ren'), 2000);
    const out = new HookOutput((b, n) => {
      if (n === 0) unlinkSync(join(dir, 'del'));
      if (b.body(0).toString() === 'r0') renameSync(join(dir, 'ren'), join(dir, 'ren-moved'));
    });
    await start(dir, { batchSize: 2 }, out);
    await out.until(() => out.bodies().includes('r5'));
    await new Promise((r) => setTimeout(r, 200)); // give a wrong re-read the chance to show
    expect(out.bodies()).toEqual([...Array.from({ length: 6 }, (_, i) => `d${i}`), ...Array.from({ length: 6 }, (_, i) => `r${i}`)]);
  });

  it('decodeErrorPolicy: FAIL sets the file aside, REPLACE substitutes, IGNORE drops bad bytes', async () => {
    const bad = Buffer.concat([Buffer.from('ok\nbad'), Buffer.from([0xff]), Buffer.from('x\n')]);
    const d1 = await spool();
    writeFileSync(join(d1, 'a'), bad);
    writeFileSync(join(d1, 'b'), 'fine\n');
    setMtime(join(d1, 'a'), 1000);
    setMtime(join(d1, 'b'), 2000);
    const o1 = new FakeOutput();
    await start(d1, {}, o1);
    await o1.until(() => o1.bodies().includes('fine'));
    expect(o1.bodies()).toEqual(['fine']);
    expect(existsSync(join(d1, 'a'))).toBe(true);
    const d2 = await spool();
    writeFileSync(join(d2, 'a'), bad);
    const o2 = new FakeOutput();
    await start(d2, { decodeErrorPolicy: 'REPLACE' }, o2);
    await o2.until(() => o2.bodies().length >= 2);
    expect(o2.bodies()).toEqual(['ok', 'bad\uFFFDx']);
    const d3 = await spool();
    writeFileSync(join(d3, 'a'), bad);
    const o3 = new FakeOutput();
    await start(d3, { decodeErrorPolicy: 'ignore', inputCharset: 'UTF-8' }, o3);
    await o3.until(() => o3.bodies().length >= 2);
    expect(o3.bodies()).toEqual(['ok', 'badx']);
  });

  it('reports a re-used completed name and leaves the file', async () => {
    const dir = await spool();
    writeFileSync(join(dir, 'f.COMPLETED'), 'old\n');
    writeFileSync(join(dir, 'f'), 'new\n');
    const out = new FakeOutput();
    await start(dir, {}, out);
    await out.until(() => out.bodies().length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(out.bodies()).toEqual(['new']);
    expect(existsSync(join(dir, 'f'))).toBe(true);
  });

  it('consumeOrder youngest reads the newest file first; random reads them all', async () => {
    const dir = await spool();
    for (const [n, t] of [['old', 1000], ['mid', 2000], ['new', 3000]] as const) {
      writeFileSync(join(dir, n), `${n}\n`);
      setMtime(join(dir, n), t);
    }
    const out = new FakeOutput();
    await start(dir, { consumeOrder: 'youngest' }, out);
    await out.until(() => out.bodies().length >= 3);
    expect(out.bodies()).toEqual(['new', 'mid', 'old']);
    const d2 = await spool();
    for (let i = 0; i < 5; i++) writeFileSync(join(d2, `f${i}`), `r${i}\n`);
    const o2 = new FakeOutput();
    await start(d2, { consumeOrder: 'random' }, o2);
    await o2.until(() => o2.bodies().length >= 5);
    expect(o2.bodies().sort()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
  });

  it('recursiveDirectorySearch reads subdirectories', async () => {
    const dir = await spool();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'n'), 'nested\n');
    const out = new FakeOutput();
    await start(dir, { recursiveDirectorySearch: 'true' }, out);
    await out.until(() => out.bodies().includes('nested'));
    await pollUntil(() => existsSync(join(dir, 'sub', 'n.COMPLETED')));
  });
});
