/**
 * TAILDIR start-up with a large recovered-positions map (the Kafka sink hands every stream
 * its log knows, up to 100,000): a file renamed out of the pattern that only the map
 * names is found by identity and read to its end from the recovered offset, among
 * thousands of ids whose files are long gone; an in-pattern file resumes at its offset.
 */
import { appendFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatStreamId, fingerprintOf } from '../../../src/sources/taildir/file-identity.js';
import { FakeOutput, lines, makeDirs, makeSource, text, waitFor } from './harness.js';

async function streamIdOf(path: string, firstLine: string): Promise<string> {
  const st = await stat(path);
  const fp = fingerprintOf(Buffer.from(`${firstLine}\n`))!;
  return formatStreamId({ dev: st.dev, ino: st.ino, fpLen: fp.fpLen, fp: fp.fp, gen: 0 });
}

describe('TAILDIR setRecoveredPositions', () => {
  it('finds a rotated file named only by the recovered map, among 20,000 ids of deleted files', async () => {
    const h = await makeDirs();
    try {
      const rotated = join(h.logDir, 'app.log');
      const old = lines('old', 0, 30);
      await writeFile(rotated, text(old));
      const rotatedId = await streamIdOf(rotated, old[0]!);
      await rename(rotated, join(h.logDir, 'rotated.1')); // out of the pattern app\.log.*
      const cur = join(h.logDir, 'app.log');
      const now = lines('cur', 0, 10);
      await writeFile(cur, text(now));
      const curId = await streamIdOf(cur, now[0]!);
      await appendFile(cur, text(lines('cur', 10, 15)));

      const recovered = new Map<string, number>();
      for (let i = 0; i < 20_000; i++) recovered.set(formatStreamId({ dev: 1, ino: 9_000_000 + i, fpLen: 40, fp: (i + 1).toString(16).padStart(16, '0'), gen: 0 }), 100);
      recovered.set(rotatedId, Buffer.byteLength(text(old.slice(0, 20)))); // the log holds old-0..19
      recovered.set(curId, Buffer.byteLength(text(now))); // and cur-0..9
      const out = new FakeOutput();
      const { source } = makeSource(h, {}, out, { recovered });
      await source.start();
      try {
        await waitFor(() => out.lines.length >= 15, '15 lines');
        expect(out.lines.filter((l) => l.startsWith('old')).sort()).toEqual(old.slice(20).sort());
        expect(out.lines.filter((l) => l.startsWith('cur'))).toEqual(lines('cur', 10, 15));
        expect(source.positions().get(rotatedId)).toBe(Buffer.byteLength(text(old)));
      } finally {
        await source.stop();
      }
    } finally {
      await h.cleanup();
    }
  });
});
