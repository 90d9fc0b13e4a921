import { beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LogManagerImpl } from '../../../src/broker/storage/log-manager.js';
import { batchesInSlice } from './batch-fixture.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');

beforeAll(() => {
  // The child imports the compiled code: build it (emitting even if unrelated files have type errors).
  spawnSync('npx', ['tsc', '-p', 'tsconfig.json', '--noEmitOnError', 'false'], { cwd: repo, stdio: 'ignore' });
}, 120_000);

describe('SIGKILL mid-append', () => {
  it('recovers to a valid log holding every acknowledged offset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-kill-'));
    try {
      for (let round = 0; round < 2; round++) {
        const child = spawn(process.execPath, [join(here, 'fixtures', 'append-child.mjs'), dir], { env: { ...process.env, SLUICE_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'inherit'] });
        let acked = -1;
        let buf = '';
        await new Promise<void>((resolve, reject) => {
          const deadline = setTimeout(() => reject(new Error('child did not ack 300 offsets in time')), 30_000);
          child.stdout.on('data', (d: Buffer) => {
            buf += d.toString();
            const lines = buf.split('\n');
            buf = lines.pop()!;
            for (const l of lines) if (/^\d+$/.test(l)) acked = Math.max(acked, Number(l));
            if (acked >= 300 * (round + 1)) {
              clearTimeout(deadline);
              resolve();
            }
          });
          child.on('exit', () => reject(new Error('child exited early')));
        });
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
        const lm = await LogManagerImpl.open({ logDirs: [dir] });
        const pl = lm.partition('k', 0)!;
        expect(pl.logEndOffset()).toBeGreaterThan(acked);
        let off = 0;
        while (off < pl.highWatermark()) {
          const r = pl.read(off, 1 << 20, true);
          const bs = batchesInSlice(r.slice!.file.fd, r.slice!.position, r.slice!.length, fs.readSync);
          r.slice!.file.release();
          for (const b of bs) {
            expect(b.base).toBe(off);
            off = b.last + 1;
          }
        }
        expect(off).toBe(pl.logEndOffset());
        await lm.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
