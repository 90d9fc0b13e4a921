/**
 * TAILDIR start-up race: the log file is rotated (renamed out of the pattern, a new one
 * created) between the start-up scan's stat and its open. The crash-loop test hit it once
 * under CPU load: the new file's lines went out labelled with the old file's inode, then
 * again under the new file's own inode (8,677 duplicates). Deterministic here: `open` is
 * wrapped so the first open of app.log performs the rotation just before opening. The
 * same wrapper renames a rotated file between the directory listing and the open that
 * the identity search does.
 */
import { appendFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { formatStreamId, fingerprintOf } from '../../../src/sources/taildir/file-identity.js';
import { FakeOutput, lines, makeDirs, makeSource, text, waitFor } from './harness.js';

const race = vi.hoisted(() => ({ path: '', action: null as (() => void) | null }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const orig = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof orig.open = async (...args) => {
    if (args[0] === race.path && race.action) {
      const act = race.action;
      race.action = null;
      act();
    }
    return orig.open(...args);
  };
  return { ...orig, default: { ...orig, open }, open };
});

describe('TAILDIR start-up', () => {
  it('a rotation between the start-up stat and open reads each file once, under its own identity', async () => {
    const h = await makeDirs();
    try {
      const path = join(h.logDir, 'app.log');
      const old = lines('old', 0, 40);
      writeFileSync(path, text(old));
      const st = statSync(path);
      const fp = fingerprintOf(Buffer.from(`${old[0]}\n`))!;
      const oldId = formatStreamId({ dev: st.dev, ino: st.ino, fpLen: fp.fpLen, fp: fp.fp, gen: 0 });
      // The log already holds old-0..29: the old file resumes there, wherever it now is.
      const recovered = new Map([[oldId, Buffer.byteLength(text(old.slice(0, 30)))]]);
      race.path = path;
      race.action = () => {
        renameSync(path, join(h.logDir, 'rotated.1'));
        writeFileSync(path, text(lines('new', 0, 20)));
      };
      const out = new FakeOutput();
      const { source } = makeSource(h, {}, out, { recovered });
      await source.start();
      try {
        expect(race.action).toBeNull(); // the rotation happened inside start()
        appendFileSync(path, text(lines('new', 20, 25)));
        await waitFor(() => out.lines.length >= 35, '35 lines');
      } finally {
        await source.stop();
      }
      expect(out.lines.filter((l) => l.startsWith('old'))).toEqual(old.slice(30));
      expect(out.lines.filter((l) => l.startsWith('new'))).toEqual(lines('new', 0, 25));
      // Every batch's stream id names the file its lines came from.
      const newIno = statSync(path).ino;
      for (const b of out.batches) {
        const ino = Number(b.positions!.streams[0]!.split(':')[1]);
        expect(ino).toBe(b.body(0).toString().startsWith('old') ? st.ino : newIno);
      }
    } finally {
      await h.cleanup();
    }
  });

  it('a rotated file renamed again while the start-up looks for it by identity is still found', async () => {
    const h = await makeDirs();
    try {
      const first = join(h.logDir, 'rotated.1'); // outside the pattern app\.log.*
      const old = lines('old', 0, 40);
      writeFileSync(first, text(old));
      const st = statSync(first);
      const fp = fingerprintOf(Buffer.from(`${old[0]}\n`))!;
      const oldId = formatStreamId({ dev: st.dev, ino: st.ino, fpLen: fp.fpLen, fp: fp.fp, gen: 0 });
      race.path = first;
      race.action = () => renameSync(first, join(h.logDir, 'rotated.2')); // after the directory was listed
      const out = new FakeOutput();
      const { source } = makeSource(h, {}, out, { recovered: new Map([[oldId, Buffer.byteLength(text(old.slice(0, 30)))]]) });
      await source.start();
      try {
        expect(race.action).toBeNull();
        await waitFor(() => out.lines.length >= 10, '10 lines');
      } finally {
        await source.stop();
      }
      expect(out.lines).toEqual(old.slice(30));
    } finally {
      await h.cleanup();
    }
  });
});
