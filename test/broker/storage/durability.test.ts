import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PartitionLogImpl } from '../../../src/broker/storage/partition-log.js';
import { FileHandleCache } from '../../../src/broker/storage/file-handle-cache.js';
import { ManualClock } from '../../../src/broker/storage/clock.js';
import { KAFKA_TOPIC_DEFAULTS, resolveLogConfig } from '../../../src/broker/storage/log-config.js';
import { buildBatch, batchesInSlice } from './batch-fixture.js';
import { RecordingFs } from './fs-shim.js';

let dir: string;
let shim: RecordingFs;
let files: FileHandleCache;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-dur-'));
  shim = new RecordingFs();
  files = new FileHandleCache(shim, 16);
});
afterEach(() => {
  files.closeAll();
  rmSync(dir, { recursive: true, force: true });
});

function open(overrides: Record<string, string> = {}, recover = false): Promise<PartitionLogImpl> {
  return PartitionLogImpl.open({
    dir, topic: 't', partition: 0, config: resolveLogConfig({ ...KAFKA_TOPIC_DEFAULTS, 'flush.messages': '1', ...overrides }),
    fs: shim, files, clock: new ManualClock(), recoveryPoint: 0, logStartOffset: 0, cleanShutdown: !recover,
  });
}

describe('fsync contract (flush.messages=1)', () => {
  it('acknowledges no append before the fdatasync covering it, and the HW only covers synced data', async () => {
    const pl = await open();
    const acks: { offset: number; eventsSoFar: number }[] = [];
    let release!: () => void;
    shim.syncGate = new Promise((r) => { release = r; });
    const p1 = pl.append(buildBatch({ records: 2 })).then((r) => acks.push({ offset: r.lastOffset, eventsSoFar: shim.events.length }));
    await new Promise((r) => setImmediate(r));
    // Appended but not synced: not visible, not acknowledged.
    expect(pl.logEndOffset()).toBe(2);
    expect(pl.highWatermark()).toBe(0);
    expect(pl.read(0, 100, true).slice).toBeNull();
    // Three more appends while the first sync is in flight: group commit.
    const more = [1, 2, 3].map(() => pl.append(buildBatch({ records: 1 })).then((r) => acks.push({ offset: r.lastOffset, eventsSoFar: shim.events.length })));
    await new Promise((r) => setImmediate(r));
    expect(acks).toHaveLength(0);
    shim.syncGate = null;
    release();
    await Promise.all([p1, ...more]);
    expect(pl.highWatermark()).toBe(5);
    const syncs = shim.events.filter((e) => e.op === 'fdatasync-end');
    expect(syncs).toHaveLength(2); // one for the first append, ONE shared by the other three
    // Every ack comes after an fdatasync-end whose size covers that append's write.
    for (const ack of acks) {
      const before = shim.events.slice(0, ack.eventsSoFar);
      const write = shim.events.filter((e) => e.op === 'write')[ack.offset === 1 ? 0 : ack.offset - 1]!;
      expect(before.some((e) => e.op === 'fdatasync-end' && e.at >= write.at)).toBe(true);
    }
    await pl.close();
  });

  it('ENOSPC during a write truncates the partial write, fails with KAFKA_STORAGE_ERROR, loses no acknowledged batch', async () => {
    const pl = await open();
    const b = buildBatch({ records: 3, valueSize: 200 });
    await pl.append(Buffer.from(b));
    const sizeBefore = pl.sizeInBytes();
    shim.failNextWrite = { partialBytes: 100, code: 'ENOSPC' };
    await expect(pl.append(Buffer.from(b))).rejects.toMatchObject({ code: 'KAFKA_STORAGE_ERROR' });
    expect(fs.statSync(join(dir, '00000000000000000000.log')).size).toBe(sizeBefore);
    shim.diskFull = true;
    await expect(pl.append(Buffer.from(b))).rejects.toMatchObject({ code: 'KAFKA_STORAGE_ERROR' });
    // Reads keep working.
    const r = pl.read(0, 1 << 20, true);
    expect(batchesInSlice(r.slice!.file.fd, r.slice!.position, r.slice!.length, fs.readSync)).toEqual([{ base: 0, last: 2, size: b.length }]);
    r.slice!.file.release();
    // Space comes back: appends resume at the next offset.
    shim.diskFull = false;
    expect((await pl.append(Buffer.from(b))).baseOffset).toBe(3);
    await pl.close();
    files.closeAll();
    const pl2 = await open({}, true);
    expect(pl2.logEndOffset()).toBe(6);
    await pl2.close();
  });

  it('EIO from fdatasync fails every waiting append and drops the unacknowledged tail', async () => {
    const pl = await open();
    await pl.append(buildBatch({ records: 1 }));
    shim.failNextSync = 'EIO';
    await expect(pl.append(buildBatch({ records: 1 }))).rejects.toMatchObject({ code: 'KAFKA_STORAGE_ERROR' });
    expect(pl.logEndOffset()).toBe(1);
    expect(pl.highWatermark()).toBe(1);
    expect((await pl.append(buildBatch({ records: 1 }))).baseOffset).toBe(1);
    await pl.close();
  });

  it('without flush.messages=1 the HW moves at once and requireDurable still waits for a sync', async () => {
    const pl = await open({ 'flush.messages': '1000000' });
    let release!: () => void;
    shim.syncGate = new Promise((r) => { release = r; });
    let acked = false;
    const p = pl.append(buildBatch({ records: 1 }), { requireDurable: true }).then(() => { acked = true; });
    await new Promise((r) => setImmediate(r));
    expect(pl.highWatermark()).toBe(1);
    expect(acked).toBe(false);
    shim.syncGate = null;
    release();
    await p;
    expect(shim.events.some((e) => e.op === 'fdatasync-end')).toBe(true);
    await pl.close();
  });
});
