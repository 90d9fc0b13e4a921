/**
 * The rotation matrix (perf-anchors.md): every case asserts the exact sequence of lines
 * per file, so a lost or a repeated line fails.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { appendFile, copyFile, open, readFile, rename, stat, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { byPrefix, FakeOutput, type Harness, lines, makeDirs, runSource, startSource, text, waitFor } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await makeDirs();
});
afterEach(async () => {
  await h.cleanup();
});

const ONLY_APP_LOG = 'app\\.log';

describe('TAILDIR rotation', () => {
  it.each([
    ['renamed out of the pattern', ONLY_APP_LOG],
    ['renamed within the pattern', 'app\\.log.*'],
  ])('rename then create (%s), the writer finishing on the old fd', async (_name, pattern) => {
    const f = join(h.logDir, 'app.log');
    const w = await open(f, 'a');
    await w.write(text(lines('A', 0, 100)));
    const out = new FakeOutput();
    const source = await startSource(h, { 'filegroups.f1': join(h.logDir, pattern), batchSize: 7 }, out, () => out.lines.length > 0, 'first batch');
    await rename(f, join(h.logDir, 'app.log.1'));
    await w.write(text(lines('A', 100, 150)));
    await w.close();
    await writeFile(f, text(lines('B', 0, 40)));
    await waitFor(() => out.lines.length >= 190, 'all lines');
    await source.stop();
    expect(byPrefix(out.lines)).toEqual({ A: lines('A', 0, 150), B: lines('B', 0, 40) });
  });

  it('copytruncate (O_APPEND writer)', async () => {
    const f = join(h.logDir, 'app.log');
    await writeFile(f, text(lines('A', 0, 50)));
    const out = new FakeOutput();
    const source = await startSource(h, { 'filegroups.f1': join(h.logDir, ONLY_APP_LOG) }, out, () => out.lines.length === 50, 'A lines');
    await copyFile(f, join(h.logDir, 'app.log.1'));
    await truncate(f, 0);
    await appendFile(f, text(lines('B', 0, 500)));
    await waitFor(() => out.lines.length === 550, 'B lines');
    await source.stop();
    expect(byPrefix(out.lines)).toEqual({ A: lines('A', 0, 50), B: lines('B', 0, 500) });
  });

  it('copytruncate with a writer still holding the old fd without O_APPEND (NUL hole skipped)', async () => {
    const f = join(h.logDir, 'app.log');
    const fd = openSync(f, 'w');
    let off = 0;
    const put = (s: string): void => {
      off += writeSync(fd, Buffer.from(s), 0, Buffer.byteLength(s), off);
    };
    put(text(lines('A', 0, 60)));
    const out = new FakeOutput();
    const source = await startSource(h, { 'filegroups.f1': join(h.logDir, ONLY_APP_LOG) }, out, () => out.lines.length === 60, 'A lines');
    await copyFile(f, join(h.logDir, 'app.log.1'));
    await truncate(f, 0);
    put(text(lines('B', 0, 30))); // lands at the old offset: a hole of NULs before it
    await waitFor(() => out.lines.length === 90, 'B lines');
    put(text(lines('B', 30, 40)));
    await waitFor(() => out.lines.length === 100, 'more B lines');
    closeSync(fd);
    await source.stop();
    expect(byPrefix(out.lines)).toEqual({ A: lines('A', 0, 60), B: lines('B', 0, 40) });
  });

  it('truncation in place, rewritten past the old offset before the next poll', async () => {
    const f = join(h.logDir, 'app.log');
    await writeFile(f, text(lines('A', 0, 20)));
    const out = new FakeOutput();
    const source = await startSource(h, {}, out, () => out.lines.length === 20, 'A lines');
    out.hold();
    await appendFile(f, 'A-20\n');
    await waitFor(() => out.waiting > 0, 'source blocked in send');
    const fh = await open(f, 'r+');
    await fh.truncate(0);
    await fh.write(text(lines('B', 0, 200)), 0);
    await fh.close();
    out.release();
    await waitFor(() => out.lines.length === 221, 'B lines');
    await source.stop();
    expect(byPrefix(out.lines)).toEqual({ A: lines('A', 0, 21), B: lines('B', 0, 200) });
  });

  it('delete while reading: the open fd is read to its end', async () => {
    const f = join(h.logDir, 'app.log');
    await writeFile(f, text(lines('A', 0, 1000)));
    const out = new FakeOutput();
    out.hold();
    const source = await startSource(h, { batchSize: 10 }, out, () => out.waiting > 0, 'first send');
    await unlink(f);
    out.release();
    await waitFor(() => out.lines.length === 1000, 'all lines');
    await source.stop();
    expect(out.lines).toEqual(lines('A', 0, 1000));
  });

  it('delete and recreate the same path', async () => {
    const f = join(h.logDir, 'app.log');
    await writeFile(f, text(lines('A', 0, 300)));
    const out = new FakeOutput();
    out.hold();
    const source = await startSource(h, { batchSize: 10 }, out, () => out.waiting > 0, 'first send');
    await unlink(f);
    await writeFile(f, text(lines('B', 0, 100)));
    out.release();
    await waitFor(() => out.lines.length === 400, 'all lines');
    await unlink(f);
    await writeFile(f, text(lines('C', 0, 5)));
    await waitFor(() => out.lines.length === 405, 'C lines');
    await source.stop();
    expect(byPrefix(out.lines)).toEqual({ A: lines('A', 0, 300), B: lines('B', 0, 100), C: lines('C', 0, 5) });
  });

  it('symlink rotation: the old target is read to its end, the new one from 0', async () => {
    const t1 = join(h.logDir, 'app-1.log');
    const t2 = join(h.logDir, 'app-2.log');
    const link = join(h.logDir, 'current.log');
    await writeFile(t1, text(lines('A', 0, 20)));
    await symlink(t1, link);
    const out = new FakeOutput();
    const source = await startSource(h, { 'filegroups.f1': join(h.logDir, 'current\\.log') }, out, () => out.lines.length === 20, 'A lines');
    out.hold();
    await appendFile(t1, text(lines('A', 20, 30)));
    await waitFor(() => out.waiting > 0, 'blocked');
    await appendFile(t1, text(lines('A', 30, 40)));
    await writeFile(t2, text(lines('B', 0, 25)));
    await symlink(t2, `${link}.tmp`);
    await rename(`${link}.tmp`, link);
    out.release();
    await waitFor(() => out.lines.length === 65, 'all lines');
    await source.stop();
    expect(byPrefix(out.lines)).toEqual({ A: lines('A', 0, 40), B: lines('B', 0, 25) });
  });

  it('several rotations between two polls', async () => {
    const f = join(h.logDir, 'app.log');
    await writeFile(f, text(lines('A', 0, 50)));
    const out = new FakeOutput();
    out.hold();
    const source = await startSource(h, { 'filegroups.f1': join(h.logDir, 'app\\.log(\\.[0-9]+)?'), fsWatch: false, batchSize: 10 }, out, () => out.waiting > 0, 'blocked');
    for (const [p, n] of [['B', 30], ['C', 20], ['D', 10]] as const) {
      await rename(join(h.logDir, 'app.log.2'), join(h.logDir, 'app.log.3')).catch(() => undefined);
      await rename(join(h.logDir, 'app.log.1'), join(h.logDir, 'app.log.2')).catch(() => undefined);
      await rename(f, join(h.logDir, 'app.log.1'));
      await writeFile(f, text(lines(p, 0, n)));
    }
    out.release();
    await waitFor(() => out.lines.length === 110, 'all lines');
    await source.stop();
    expect(byPrefix(out.lines)).toEqual({ A: lines('A', 0, 50), B: lines('B', 0, 30), C: lines('C', 0, 20), D: lines('D', 0, 10) });
  });

  it.each([
    ['out of the pattern', ONLY_APP_LOG],
    ['within the pattern', 'app\\.log.*'],
  ])('rotations while the agent is down (renamed %s)', async (_n, pattern) => {
    const f = join(h.logDir, 'app.log');
    const props = { 'filegroups.f1': join(h.logDir, pattern) };
    await writeFile(f, text(lines('A', 0, 10)));
    const out = new FakeOutput();
    await runSource(h, props, out, () => out.lines.length === 10, 'A lines');
    await appendFile(f, text(lines('A', 10, 15)));
    await rename(f, join(h.logDir, 'app.log.1'));
    await appendFile(join(h.logDir, 'app.log.1'), text(lines('A', 15, 20)));
    await writeFile(f, text(lines('B', 0, 7)));
    await runSource(h, props, out, () => out.lines.length === 27, 'all lines');
    expect(byPrefix(out.lines)).toEqual({ A: lines('A', 0, 20), B: lines('B', 0, 7) });
  });

  it('inode reuse: same inode, different first bytes → a new file, read from 0', async () => {
    const f = join(h.logDir, 'app.log');
    await writeFile(f, text(lines('A', 0, 10)));
    const ino = (await stat(f)).ino;
    const out = new FakeOutput();
    await runSource(h, {}, out, () => out.lines.length === 10, 'A lines');
    // Same inode, new content longer than the saved position (as a reused inode would be).
    await writeFile(f, text(lines('B', 0, 40)));
    expect((await stat(f)).ino).toBe(ino);
    await runSource(h, {}, out, () => out.lines.length === 50, 'B lines');
    expect(byPrefix(out.lines)).toEqual({ A: lines('A', 0, 10), B: lines('B', 0, 40) });
  });

  it('identical first bytes: two inodes are two files, across a restart', async () => {
    const head = `${'H'.repeat(300)}\n`;
    const f1 = join(h.logDir, 'app.log.1');
    const f2 = join(h.logDir, 'app.log.2');
    await writeFile(f1, head + text(lines('X', 0, 5)));
    await writeFile(f2, head + text(lines('Y', 0, 3)));
    const out = new FakeOutput();
    await runSource(h, {}, out, () => out.lines.length === 10, 'lines');
    const saved = JSON.parse(await readFile(h.posFile, 'utf8')) as { fp: string }[];
    expect(saved).toHaveLength(2);
    expect(saved[0]!.fp).toBe(saved[1]!.fp);
    await appendFile(f1, text(lines('X', 5, 8)));
    await appendFile(f2, text(lines('Y', 3, 9)));
    await runSource(h, {}, out, () => out.lines.length === 19, 'more lines');
    const g = byPrefix(out.lines.filter((l) => !l.startsWith('H')));
    expect(g).toEqual({ X: lines('X', 0, 8), Y: lines('Y', 0, 9) });
    expect(out.lines.filter((l) => l.startsWith('H'))).toHaveLength(2);
  });
});
