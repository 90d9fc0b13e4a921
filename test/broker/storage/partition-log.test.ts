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
import { lookupCounters, resetLookupCounters } from '../../../src/broker/storage/lookup-counters.js';
import { OffsetIndex } from '../../../src/broker/storage/offset-index.js';
import { TimeIndex } from '../../../src/broker/storage/time-index.js';
import { buildBatch, batchesInSlice } from './batch-fixture.js';

let dir: string;
let files: FileHandleCache;
let clock: ManualClock;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-plog-'));
  files = new FileHandleCache(nodeStorageFs, 16);
  clock = new ManualClock();
});
afterEach(() => {
  files.closeAll();
  rmSync(dir, { recursive: true, force: true });
});

function opts(overrides: Record<string, string> = {}, extra: Partial<PartitionLogOptions> = {}): PartitionLogOptions {
  return {
    dir, topic: 't', partition: 0,
    config: resolveLogConfig({ ...KAFKA_TOPIC_DEFAULTS, ...overrides }),
    fs: nodeStorageFs, files, clock, recoveryPoint: 0, logStartOffset: 0, cleanShutdown: true,
    ...extra,
  };
}

function readAll(pl: PartitionLogImpl, from: number): { base: number; last: number }[] {
  const out: { base: number; last: number }[] = [];
  let off = from;
  while (off < pl.highWatermark()) {
    const r = pl.read(off, 1 << 20, true);
    if (!r.slice) break;
    const bs = batchesInSlice(r.slice.file.fd, r.slice.position, r.slice.length, fs.readSync);
    r.slice.file.release();
    if (bs.length === 0) break;
    out.push(...bs);
    off = bs[bs.length - 1]!.last + 1;
  }
  return out;
}

describe('PartitionLog append and read', () => {
  it('assigns offsets in place, writes Kafka file names, and reads back from any offset', async () => {
    const pl = await PartitionLogImpl.open(opts());
    const b = buildBatch({ records: 5 });
    const r1 = await pl.append(b, { leaderEpoch: 7 });
    expect(r1).toMatchObject({ baseOffset: 0, lastOffset: 4 });
    expect(Number(b.readBigInt64BE(0))).toBe(0);
    expect(b.readInt32BE(12)).toBe(7);
    const r2 = await pl.append(buildBatch({ records: 3 }));
    expect(r2).toMatchObject({ baseOffset: 5, lastOffset: 7 });
    expect(pl.logEndOffset()).toBe(8);
    expect(pl.highWatermark()).toBe(8);
    expect(fs.readdirSync(dir).sort()).toEqual(['00000000000000000000.index', '00000000000000000000.log', '00000000000000000000.timeindex']);
    for (let o = 0; o < 8; o++) {
      const r = pl.read(o, 1 << 20, true);
      const bs = batchesInSlice(r.slice!.file.fd, r.slice!.position, r.slice!.length, fs.readSync);
      r.slice!.file.release();
      expect(bs[0]!.base <= o && o <= bs[0]!.last).toBe(true);
    }
    expect(pl.read(8, 100, true).slice).toBeNull();
    expect(() => pl.read(9, 100, true)).toThrow(expect.objectContaining({ code: 'OFFSET_OUT_OF_RANGE' }));
    await pl.close();
  });

  it('cuts a slice at maxBytes but returns one whole batch with minOneBatch (KIP-74)', async () => {
    const pl = await PartitionLogImpl.open(opts());
    const b = buildBatch({ records: 10, valueSize: 100 });
    await pl.append(Buffer.from(b));
    await pl.append(Buffer.from(b));
    const small = pl.read(0, 50, false);
    expect(small.slice!.length).toBe(50);
    small.slice!.file.release();
    const one = pl.read(0, 50, true);
    expect(one.slice!.length).toBe(b.length);
    one.slice!.file.release();
    const both = pl.read(0, 1 << 20, true);
    expect(both.slice!.length).toBe(2 * b.length);
    both.slice!.file.release();
    await pl.close();
  });

  it('index lookups are correct at every boundary and bounded by the index interval', async () => {
    const pl = await PartitionLogImpl.open(opts({ 'index.interval.bytes': '4096' }));
    const expected: { base: number; last: number }[] = [];
    for (let i = 0; i < 400; i++) {
      const n = 1 + (i % 7);
      const r = await pl.append(buildBatch({ records: n, valueSize: 30 + (i % 50) }));
      expected.push({ base: r.baseOffset, last: r.lastOffset });
    }
    for (const e of expected) {
      for (const o of new Set([e.base, e.last, (e.base + e.last) >> 1])) {
        resetLookupCounters();
        const r = pl.read(o, 1, true);
        const [first] = batchesInSlice(r.slice!.file.fd, r.slice!.position, r.slice!.length, fs.readSync);
        r.slice!.file.release();
        expect(first).toMatchObject(e);
        expect(lookupCounters.bytesScanned).toBeLessThanOrEqual(4096 + 1024);
      }
    }
    expect(readAll(pl, 0).map((x) => x.base)).toEqual(expected.map((x) => x.base));
    await pl.close();
  });

  it('offsetForTimestamp finds the first record at or after the timestamp', async () => {
    const pl = await PartitionLogImpl.open(opts({ 'index.interval.bytes': '100' }));
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 50; i++) await pl.append(buildBatch({ records: 4, timestamp: t0 + i * 100, tsStep: 10, valueSize: 40 }));
    expect(pl.offsetForTimestamp(t0)).toEqual({ offset: 0, timestamp: t0 });
    expect(pl.offsetForTimestamp(t0 + 15)).toEqual({ offset: 2, timestamp: t0 + 20 });
    expect(pl.offsetForTimestamp(t0 + 31)).toEqual({ offset: 4, timestamp: t0 + 100 });
    expect(pl.offsetForTimestamp(t0 + 4930)).toEqual({ offset: 199, timestamp: t0 + 4930 });
    expect(pl.offsetForTimestamp(t0 + 4931)).toBeNull();
    await pl.close();
  });

  it('waitForData resolves on append and on abort', async () => {
    const pl = await PartitionLogImpl.open(opts());
    const ac = new AbortController();
    let woke = false;
    const p = pl.waitForData(0, ac.signal).then(() => { woke = true; });
    await Promise.resolve();
    expect(woke).toBe(false);
    await pl.append(buildBatch({ records: 1 }));
    await p;
    expect(woke).toBe(true);
    const ac2 = new AbortController();
    const p2 = pl.waitForData(1, ac2.signal);
    ac2.abort();
    await p2;
    await pl.close();
  });

  it('rejects a batch over max.message.bytes and a malformed buffer', async () => {
    const pl = await PartitionLogImpl.open(opts({ 'max.message.bytes': '200' }));
    await expect(pl.append(buildBatch({ records: 10, valueSize: 100 }))).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE' });
    await expect(pl.append(Buffer.alloc(70))).rejects.toMatchObject({ code: 'CORRUPT_MESSAGE' });
    expect(pl.logEndOffset()).toBe(0);
    await pl.close();
  });
});

describe('read: nextOffset (offset after the last whole batch of the slice)', () => {
  interface ModelBatch { pos: number; size: number; base: number; last: number }

  /** Appends `n` batches of 1..7 records and varying sizes; returns their layout (one segment). */
  async function fill(pl: PartitionLogImpl, n: number): Promise<ModelBatch[]> {
    const out: ModelBatch[] = [];
    let pos = 0;
    for (let i = 0; i < n; i++) {
      const b = buildBatch({ records: 1 + (i % 7), valueSize: 20 + ((i * 37) % 90) });
      const r = await pl.append(b);
      out.push({ pos, size: b.length, base: r.baseOffset, last: r.lastOffset });
      pos += b.length;
    }
    return out;
  }

  function expectedNext(model: readonly ModelBatch[], position: number, length: number): number {
    const end = position + length;
    const first = model.find((b) => b.pos === position)!;
    let next = first.base;
    for (const b of model) if (b.pos >= position && b.pos + b.size <= end) next = b.last + 1;
    return next;
  }

  for (const interval of [100, 4096]) {
    it(`matches a model for every cut of size-limited reads (index.interval.bytes=${interval}), with a bounded header walk`, async () => {
      const pl = await PartitionLogImpl.open(opts({ 'index.interval.bytes': String(interval) }));
      const model = await fill(pl, 300);
      const maxBatch = Math.max(...model.map((b) => b.size));
      const hw = pl.highWatermark();
      for (let k = 0; k < model.length; k += 13) {
        const from = model[k]!;
        for (const fetchOffset of new Set([from.base, from.last])) {
          for (const maxBytes of [1, 60, from.size, from.size + 1, 500, 2000, 5000, 1 << 20]) {
            for (const minOne of [true, false]) {
              resetLookupCounters();
              const r = pl.read(fetchOffset, maxBytes, minOne);
              const slice = r.slice!;
              expect(slice.position).toBe(from.pos);
              expect(r.nextOffset).toBe(expectedNext(model, slice.position, slice.length));
              expect(r.nextOffset!).toBeLessThanOrEqual(hw);
              // the end-of-slice walk is bounded by the index interval plus one batch
              expect(lookupCounters.bytesScanned).toBeLessThanOrEqual(2 * (interval + maxBatch));
              expect(lookupCounters.headerPreads).toBeLessThanOrEqual(interval === 100 ? 2 : 3);
              slice.file.release();
            }
          }
        }
      }
      await pl.close();
    });
  }

  it('needs no header read when the slice ends at the visible end or right after its first batch', async () => {
    const pl = await PartitionLogImpl.open(opts({ 'index.interval.bytes': '100' }));
    const model = await fill(pl, 50);
    const mid = model[20]!;
    const headerWork = (maxBytes: number, minOne: boolean): { next: number | undefined; reads: number; preads: number } => {
      resetLookupCounters();
      const r = pl.read(mid.base, maxBytes, minOne);
      r.slice!.file.release();
      return { next: r.nextOffset, reads: lookupCounters.headerReads, preads: lookupCounters.headerPreads };
    };
    // The lookup of the first batch costs the same in every read; the end needs nothing more.
    const lookupOnly = headerWork(1, true);
    expect(lookupOnly.next).toBe(mid.last + 1);
    expect(headerWork(1 << 20, true)).toEqual({ ...lookupOnly, next: pl.highWatermark() });
    expect(headerWork(mid.size, true)).toEqual(lookupOnly);
    expect(headerWork(10, false)).toEqual({ ...lookupOnly, next: mid.base });
    // A cut in the middle of later batches walks their headers (one more pread here).
    const cut = headerWork(mid.size + model[21]!.size + model[22]!.size + 5, false);
    expect(cut.next).toBe(model[22]!.last + 1);
    expect(cut.preads).toBe(lookupOnly.preads + 1);
    expect(pl.read(pl.highWatermark(), 100, true).nextOffset).toBeUndefined();
    await pl.close();
  });

  it('a reader that follows nextOffset across rolled segments reads every record once', async () => {
    const b = buildBatch({ records: 4, valueSize: 50 });
    const pl = await PartitionLogImpl.open(opts({ 'segment.bytes': String(b.length * 5), 'index.interval.bytes': '100' }));
    for (let i = 0; i < 40; i++) await pl.append(Buffer.from(b));
    expect(pl.segmentCount()).toBeGreaterThan(3);
    for (const maxBytes of [1, b.length + 7, 3 * b.length - 1, 1 << 20]) {
      let offset = 0;
      let delivered = 0;
      let reads = 0;
      while (offset < pl.highWatermark()) {
        const r = pl.read(offset, maxBytes, true);
        const bs = batchesInSlice(r.slice!.file.fd, r.slice!.position, r.slice!.length, fs.readSync);
        r.slice!.file.release();
        expect(r.nextOffset).toBe(bs[bs.length - 1]!.last + 1);
        delivered += r.nextOffset! - offset;
        offset = r.nextOffset!;
        reads++;
      }
      expect(delivered).toBe(160);
      expect(reads).toBeGreaterThanOrEqual(8);
    }
    await pl.close();
  });

  it('in durable mode stops at the high watermark while a later append awaits its fdatasync', async () => {
    const pl = await PartitionLogImpl.open(opts({ 'flush.messages': '1' }));
    await pl.append(buildBatch({ records: 3 }));
    await pl.append(buildBatch({ records: 2 }));
    const pending = pl.append(buildBatch({ records: 6 }));
    expect(pl.logEndOffset()).toBe(11);
    expect(pl.highWatermark()).toBe(5);
    const r = pl.read(0, 1 << 20, true);
    expect(r.nextOffset).toBe(5);
    r.slice!.file.release();
    await pending;
    const after = pl.read(0, 1 << 20, true);
    expect(after.nextOffset).toBe(11);
    after.slice!.file.release();
    await pl.close();
  });
});

describe('roll and retention', () => {
  it('rolls by size: size > segment.bytes − incoming', async () => {
    const b = buildBatch({ records: 2, valueSize: 100 });
    const pl = await PartitionLogImpl.open(opts({ 'segment.bytes': String(b.length * 3) }));
    for (let i = 0; i < 7; i++) await pl.append(Buffer.from(b));
    expect(pl.segmentBaseOffsets()).toEqual([0, 6, 12]);
    expect(readAll(pl, 0)).toHaveLength(7);
    await pl.close();
  });

  it('rolls by time with an injected clock when batches carry no timestamps', async () => {
    const pl = await PartitionLogImpl.open(opts({ 'segment.ms': '1000' }));
    await pl.append(buildBatch({ records: 1, timestamp: -1 }));
    clock.advance(999);
    await pl.append(buildBatch({ records: 1, timestamp: -1 }));
    expect(pl.segmentCount()).toBe(1);
    clock.advance(2);
    await pl.append(buildBatch({ records: 1, timestamp: -1 }));
    expect(pl.segmentBaseOffsets()).toEqual([0, 2]);
    await pl.close();
  });

  it('rolls by time using record timestamps (Kafka rule)', async () => {
    const t0 = clock.now();
    const pl = await PartitionLogImpl.open(opts({ 'segment.ms': '1000' }));
    await pl.append(buildBatch({ records: 1, timestamp: t0 }));
    await pl.append(buildBatch({ records: 1, timestamp: t0 + 1000 }));
    await pl.append(buildBatch({ records: 1, timestamp: t0 + 1001 }));
    expect(pl.segmentBaseOffsets()).toEqual([0, 2]);
    await pl.close();
  });

  it('retention by time deletes whole old segments, rolls the active one, moves the log start', async () => {
    const t0 = clock.now();
    const b = (ts: number): Buffer => buildBatch({ records: 2, valueSize: 100, timestamp: ts });
    const pl = await PartitionLogImpl.open(opts({ 'segment.bytes': String(b(0).length * 2), 'retention.ms': '10000' }));
    for (let i = 0; i < 6; i++) await pl.append(b(t0 + i * 1000));
    expect(pl.segmentBaseOffsets()).toEqual([0, 4, 8]);
    clock.advance(12_500);
    expect(pl.applyRetention()).toBe(1);
    expect(pl.logStartOffset()).toBe(4);
    expect(() => pl.read(3, 100, true)).toThrow(expect.objectContaining({ code: 'OFFSET_OUT_OF_RANGE' }));
    clock.advance(10_000);
    expect(pl.applyRetention()).toBe(2);
    expect(pl.logStartOffset()).toBe(12);
    expect(pl.segmentBaseOffsets()).toEqual([12]);
    await pl.append(b(clock.now()));
    expect(pl.logEndOffset()).toBe(14);
    await pl.close();
  });

  it('retention by bytes deletes oldest segments while the rest stays ≥ retention.bytes', async () => {
    const b = buildBatch({ records: 1, valueSize: 200 });
    const pl = await PartitionLogImpl.open(opts({ 'segment.bytes': String(b.length), 'retention.bytes': String(b.length * 3) }));
    for (let i = 0; i < 6; i++) await pl.append(Buffer.from(b));
    expect(pl.segmentCount()).toBe(6);
    expect(pl.applyRetention()).toBe(3);
    expect(pl.segmentBaseOffsets()).toEqual([3, 4, 5]);
    expect(readAll(pl, 3).map((x) => x.base)).toEqual([3, 4, 5]);
    await pl.close();
  });

  it('a reader holding a slice survives deletion of its segment', async () => {
    const b = buildBatch({ records: 1, valueSize: 200, timestamp: clock.now() });
    const pl = await PartitionLogImpl.open(opts({ 'segment.bytes': String(b.length), 'retention.ms': '1' }));
    for (let i = 0; i < 3; i++) await pl.append(Buffer.from(b));
    const r = pl.read(0, 1 << 20, true);
    clock.advance(1000);
    pl.applyRetention();
    expect(fs.existsSync(join(dir, '00000000000000000000.log'))).toBe(false);
    const bs = batchesInSlice(r.slice!.file.fd, r.slice!.position, r.slice!.length, fs.readSync);
    expect(bs).toEqual([{ base: 0, last: 0, size: b.length }]);
    r.slice!.file.release();
    await pl.close();
  });
});

describe('reopen', () => {
  it('reopens after a clean close with the same offsets, indexes and timestamps', async () => {
    const pl = await PartitionLogImpl.open(opts({ 'segment.bytes': '20000', 'index.interval.bytes': '512' }));
    for (let i = 0; i < 300; i++) await pl.append(buildBatch({ records: 3, valueSize: 50, timestamp: 1_700_000_000_000 + i }));
    const before = readAll(pl, 0);
    const segs = pl.segmentBaseOffsets();
    await pl.close();
    files.closeAll();
    const idx = new OffsetIndex(join(dir, '00000000000000000000.index'), 0, 1 << 20);
    expect(idx.load()).toBe(true);
    expect(idx.entries).toBeGreaterThan(10);
    const ti = new TimeIndex(join(dir, '00000000000000000000.timeindex'), 0, 1 << 20);
    expect(ti.load()).toBe(true);
    const pl2 = await PartitionLogImpl.open(opts({ 'segment.bytes': '20000', 'index.interval.bytes': '512' }));
    expect(pl2.segmentBaseOffsets()).toEqual(segs);
    expect(pl2.logEndOffset()).toBe(900);
    expect(readAll(pl2, 0)).toEqual(before);
    expect(pl2.offsetForTimestamp(1_700_000_000_150)?.offset).toBe(450);
    const r = await pl2.append(buildBatch({ records: 1 }));
    expect(r.baseOffset).toBe(900);
    await pl2.close();
  });

  it('rebuilds a garbage index on open', async () => {
    const pl = await PartitionLogImpl.open(opts({ 'index.interval.bytes': '100' }));
    for (let i = 0; i < 50; i++) await pl.append(buildBatch({ records: 2, valueSize: 60 }));
    await pl.close();
    files.closeAll();
    fs.writeFileSync(join(dir, '00000000000000000000.index'), Buffer.from('garbage!garbage!xyz'));
    fs.writeFileSync(join(dir, '00000000000000000000.timeindex'), Buffer.alloc(24, 0xff));
    const pl2 = await PartitionLogImpl.open(opts({ 'index.interval.bytes': '100' }));
    expect(readAll(pl2, 0)).toHaveLength(50);
    for (let o = 0; o < 100; o += 7) {
      const r = pl2.read(o, 1, true);
      const [first] = batchesInSlice(r.slice!.file.fd, r.slice!.position, r.slice!.length, fs.readSync);
      r.slice!.file.release();
      expect(first!.base).toBe(o - (o % 2));
    }
    await pl2.close();
  });
});
