// Rolling a segment writes its indexes at once but fdatasyncs them in the flush that moves
// the recovery point past it (off the event loop). After that flush an unclean reopen from
// the recovery point trusts those indexes, and lookups in rolled segments still work.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PartitionLogImpl, type PartitionLogOptions } from '../../../src/broker/storage/partition-log.js';
import { FileHandleCache } from '../../../src/broker/storage/file-handle-cache.js';
import { nodeStorageFs } from '../../../src/broker/storage/storage-fs.js';
import { ManualClock } from '../../../src/broker/storage/clock.js';
import { KAFKA_TOPIC_DEFAULTS, resolveLogConfig } from '../../../src/broker/storage/log-config.js';
import { OFFSET_INDEX_ENTRY } from '../../../src/broker/storage/offset-index.js';
import { buildBatch, batchesInSlice } from './batch-fixture.js';

let dir: string;
let files: FileHandleCache;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-roll-sync-'));
  files = new FileHandleCache(nodeStorageFs, 16);
});
afterEach(() => {
  files.closeAll();
  rmSync(dir, { recursive: true, force: true });
});

function opts(extra: Partial<PartitionLogOptions> = {}): PartitionLogOptions {
  return {
    dir, topic: 't', partition: 0,
    config: resolveLogConfig({ ...KAFKA_TOPIC_DEFAULTS, 'segment.bytes': '20000', 'index.interval.bytes': '1000' }),
    fs: nodeStorageFs, files, clock: new ManualClock(), recoveryPoint: 0, logStartOffset: 0, cleanShutdown: true,
    ...extra,
  };
}

describe('segment roll and index durability', () => {
  it('keeps the recovery point behind a rolled segment until its flush, then reopens from it', async () => {
    const pl = await PartitionLogImpl.open(opts());
    for (let i = 0; i < 40; i++) await pl.append(buildBatch({ records: 3, valueSize: 400 }));
    expect(pl.segmentCount()).toBeGreaterThan(2);
    const bases = pl.segmentBaseOffsets();
    // Each rolled segment's offset index is on disk, whole entries, at least one entry.
    for (const base of bases.slice(0, -1)) {
      const size = fs.statSync(join(dir, `${String(base).padStart(20, '0')}.index`)).size;
      expect(size % OFFSET_INDEX_ENTRY).toBe(0);
      expect(size).toBeGreaterThan(0);
    }
    await pl.flush();
    const point = pl.recoveryPoint();
    expect(point).toBe(pl.logEndOffset());
    const leo = pl.logEndOffset();
    // Simulate a crash after the flush: no clean close, reopen from the recovery point.
    const again = await PartitionLogImpl.open(opts({ cleanShutdown: false, recoveryPoint: point }));
    expect(again.logEndOffset()).toBe(leo);
    expect(again.segmentBaseOffsets()).toEqual(bases);
    for (const target of [0, 5, bases[1]!, bases[1]! + 4, leo - 1]) {
      const r = again.read(target, 1, true);
      const bs = batchesInSlice(r.slice!.file.fd, r.slice!.position, r.slice!.length, fs.readSync);
      r.slice!.file.release();
      expect(bs[0]!.base).toBeLessThanOrEqual(target);
      expect(bs[0]!.last).toBeGreaterThanOrEqual(target);
    }
    await again.close();
    await pl.close();
  });
});
