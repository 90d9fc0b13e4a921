// TailFile read-ahead: with a chunk size far below the file size every read but the last
// starts a read-ahead; the lines, their end offsets and truncation handling must be exactly
// those of plain reads.
import { appendFile, mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TailFile, type ReadLimits } from '../../../src/sources/taildir/tail-file.js';
import type { FileGroup } from '../../../src/sources/taildir/taildir-config.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-tailfile-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lim = (chunkSize: number): ReadLimits => ({ batchSize: 7, maxLineLength: 1000, skipLong: false, chunkSize });

async function tail(path: string): Promise<TailFile> {
  const group: FileGroup = { name: 'g', dir, pattern: /.*/, spec: join(dir, '.*'), headers: {} };
  const fh = await open(path, 'r');
  return new TailFile({ path, group, fh, st: await fh.stat(), pos: 0, fp: null, gen: 0 });
}

/** Drains every chunk available now, committing each; returns [line, endOffset] pairs. */
async function drain(t: TailFile, chunkSize: number): Promise<Array<[string, number]>> {
  const out: Array<[string, number]> = [];
  for (let c = await t.next(lim(chunkSize)); c; c = await t.next(lim(chunkSize))) {
    for (let i = 0; i < c.count; i++) out.push([c.data.subarray(c.starts[i]!, c.ends[i]!).toString(), c.endOffsets[i]!]);
    t.commit(c.advanceTo);
  }
  return out;
}

function expected(lines: string[], base = 0): Array<[string, number]> {
  let off = base;
  return lines.map((l) => [l, (off += l.length + 1)]);
}

describe('TailFile read-ahead', () => {
  it('reads a file many chunks long line for line, with exact end offsets', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => `line ${i} ${'x'.repeat(i % 37)}`);
    const path = join(dir, 'a.log');
    await writeFile(path, lines.join('\n') + '\n');
    const t = await tail(path);
    for (const chunk of [64, 100, 333]) {
      const t2 = await tail(path);
      expect(await drain(t2, chunk)).toEqual(expected(lines));
      expect(t2.pos).toBe((await stat(path)).size);
      await t2.close();
    }
    // Growth after catching up is read too, and a partial last line waits for its newline.
    expect(await drain(t, 50)).toEqual(expected(lines));
    const size = (await stat(path)).size;
    await appendFile(path, 'tail one\ntail t');
    expect(await drain(t, 50)).toEqual(expected(['tail one'], size));
    await appendFile(path, 'wo\n');
    expect(await drain(t, 50)).toEqual(expected(['tail two'], size + 9));
    await t.close();
  });

  it('drops a pending read-ahead on truncation and re-reads the new content from 0', async () => {
    const path = join(dir, 'b.log');
    const old = Array.from({ length: 200 }, (_, i) => `old ${i}`);
    await writeFile(path, old.join('\n') + '\n');
    const t = await tail(path);
    const first = await t.next(lim(64)); // starts a read-ahead of the next 64 bytes
    expect(first!.count).toBeGreaterThan(0);
    t.commit(first!.advanceTo);
    // Rewritten in place, shorter and with other first bytes.
    const fresh = ['new 0', 'new 1', 'new 2'];
    await writeFile(path, fresh.join('\n') + '\n');
    await t.refresh();
    expect(t.gen).toBe(1);
    expect(await drain(t, 64)).toEqual(expected(fresh));
    await t.close();
  });

  it('a read-ahead dropped by the pump is simply not used', async () => {
    const path = join(dir, 'c.log');
    const lines = Array.from({ length: 100 }, (_, i) => `c ${i}`);
    await writeFile(path, lines.join('\n') + '\n');
    const t = await tail(path);
    const got: Array<[string, number]> = [];
    for (let c = await t.next(lim(40)); c; c = await t.next(lim(40))) {
      for (let i = 0; i < c.count; i++) got.push([c.data.subarray(c.starts[i]!, c.ends[i]!).toString(), c.endOffsets[i]!]);
      t.commit(c.advanceTo);
      t.dropReadAhead();
    }
    expect(got).toEqual(expected(lines));
    await t.close();
  });
});
