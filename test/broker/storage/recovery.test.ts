import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PartitionLogImpl } from '../../../src/broker/storage/partition-log.js';
import { FileHandleCache } from '../../../src/broker/storage/file-handle-cache.js';
import { nodeStorageFs } from '../../../src/broker/storage/storage-fs.js';
import { ManualClock } from '../../../src/broker/storage/clock.js';
import { KAFKA_TOPIC_DEFAULTS, resolveLogConfig } from '../../../src/broker/storage/log-config.js';
import { buildBatch, batchesInSlice, rng } from './batch-fixture.js';

let dir: string;
let files: FileHandleCache;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-rec-'));
  files = new FileHandleCache(nodeStorageFs, 16);
});
afterEach(() => {
  files.closeAll();
  rmSync(dir, { recursive: true, force: true });
});

const CFG = { 'segment.bytes': '6000', 'index.interval.bytes': '300' };

function open(clean: boolean): Promise<PartitionLogImpl> {
  return PartitionLogImpl.open({
    dir, topic: 't', partition: 0, config: resolveLogConfig({ ...KAFKA_TOPIC_DEFAULTS, ...CFG }),
    fs: nodeStorageFs, files, clock: new ManualClock(), recoveryPoint: 0, logStartOffset: 0, cleanShutdown: clean,
  });
}

/** Every batch served, in order, via read(); checks offsets are contiguous. */
function served(pl: PartitionLogImpl): { base: number; last: number; size: number }[] {
  const out: { base: number; last: number; size: number }[] = [];
  let off = pl.logStartOffset();
  while (off < pl.highWatermark()) {
    const r = pl.read(off, 1 << 20, true);
    if (!r.slice) break;
    const bs = batchesInSlice(r.slice.file.fd, r.slice.position, r.slice.length, fs.readSync);
    r.slice.file.release();
    for (const b of bs) {
      expect(b.base).toBe(off);
      out.push(b);
      off = b.last + 1;
    }
  }
  return out;
}

interface Written { base: number; last: number; segment: number; position: number; size: number }

async function writeLog(seed: number): Promise<Written[]> {
  const rand = rng(seed);
  const pl = await open(true);
  const written: Written[] = [];
  for (let i = 0; i < 120; i++) {
    const b = buildBatch({ records: 1 + Math.floor(rand() * 5), valueSize: 10 + Math.floor(rand() * 120), fill: 0x41 + (i % 26) });
    const r = await pl.append(b);
    const segAfter = pl.segmentBaseOffsets().at(-1)!;
    written.push({ base: r.baseOffset, last: r.lastOffset, segment: segAfter, position: 0, size: b.length });
  }
  await pl.close();
  files.closeAll();
  // Positions inside each segment file.
  const pos = new Map<number, number>();
  for (const w of written) {
    w.position = pos.get(w.segment) ?? 0;
    pos.set(w.segment, w.position + w.size);
  }
  return written;
}

function segPath(base: number, ext: string): string {
  return join(dir, `${String(base).padStart(20, '0')}${ext}`);
}

describe('garbage-in recovery', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}: corrupt or truncate at a random point; the valid prefix survives and nothing after the damage is served`, async () => {
      const written = await writeLog(seed);
      const rand = rng(seed * 7919);
      const segments = [...new Set(written.map((w) => w.segment))];
      const victimSeg = segments[Math.floor(rand() * segments.length)]!;
      const path = segPath(victimSeg, '.log');
      const size = fs.statSync(path).size;
      const at = Math.floor(rand() * size);
      const mode = Math.floor(rand() * 3);
      if (mode === 0) {
        fs.truncateSync(path, at);
      } else if (mode === 1) {
        const fd = fs.openSync(path, 'r+');
        const junk = Buffer.alloc(1 + Math.floor(rand() * 64));
        for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(rand() * 256);
        fs.writeSync(fd, junk, 0, Math.min(junk.length, size - at), at);
        fs.closeSync(fd);
      } else {
        fs.appendFileSync(path, Buffer.from('torn tail of garbage'));
      }
      // Index garbage too: it must be rebuilt, not trusted.
      fs.writeFileSync(segPath(victimSeg, '.index'), Buffer.from('\x00\x00\x00\x05\x7f\xff\xff\xff'));
      const pl = await open(false);
      const got = served(pl);
      // Every batch that lies wholly before the damage must survive.
      // Garbage after a segment's last batch cuts the log there (later segments are dropped, as in Kafka).
      const damaged = mode === 2
        ? written.find((w) => w.segment > victimSeg)
        : written.find((w) => w.segment === victimSeg && w.position + w.size > at);
      const intact = damaged ? written.filter((w) => w.base < damaged.base) : written;
      expect(got.length).toBeGreaterThanOrEqual(intact.length);
      expect(got.slice(0, intact.length).map((g) => g.base)).toEqual(intact.map((w) => w.base));
      // Nothing after the damaged batch is served (mode 2 appends garbage after everything).
      if (mode !== 2 && damaged) {
        // A corruption that happens to leave bytes identical keeps the batch: allow at most the damaged one.
        expect(got.length).toBeLessThanOrEqual(intact.length + 1);
        if (got.length === intact.length + 1) expect(got.at(-1)!.base).toBe(damaged.base);
      } else {
        expect(got.length).toBe(intact.length);
      }
      // The log accepts appends right after the valid prefix.
      const next = got.length ? got.at(-1)!.last + 1 : 0;
      expect((await pl.append(buildBatch({ records: 1 }))).baseOffset).toBe(next);
      await pl.close();
    });
  }

  it('an empty and a zero-filled segment recover to an empty log', async () => {
    const pl = await open(true);
    await pl.append(buildBatch({ records: 3 }));
    await pl.close();
    files.closeAll();
    fs.writeFileSync(segPath(0, '.log'), Buffer.alloc(4096));
    const pl2 = await open(false);
    expect(pl2.logEndOffset()).toBe(0);
    expect(fs.statSync(segPath(0, '.log')).size).toBe(0);
    await pl2.close();
  });
});
