import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync, truncateSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join } from 'node:path';
import { channelContract } from './channel-contract.js';
import { FileChannel, fileChannelFactory, fileChannelOptions, type FileChannelOptions } from '../../src/channels/file-channel/file-channel.js';
import { decodeBatch, encodedBatchSize, encodeFileHeader, parseRecord, RecordType, writeBatch, writeRecord } from '../../src/channels/file-channel/wal-record.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/channels/file-channel/checkpoint.js';
import { ComponentProps } from '../../src/agent/component-props.js';
import { createComponentContext } from '../../src/agent/component-context.js';
import { MetricsRegistry } from '../../src/agent/metrics.js';
import { EventBatch } from '../../src/agent/event-batch.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'sluice-fc-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const opts = (root: string, o: Partial<FileChannelOptions> = {}): FileChannelOptions => ({
  checkpointDir: join(root, 'ck'),
  dataDirs: [join(root, 'data')],
  useDualCheckpoints: false,
  backupCheckpointDir: undefined,
  capacity: 1000,
  transactionCapacity: 100,
  checkpointIntervalMs: 60_000,
  maxFileSize: 1 << 20,
  minimumRequiredSpace: 0,
  keepAliveMs: 50,
  checkpointOnClose: true,
  inMemoryBytes: 64 << 20,
  ...o,
});
const make = (o: FileChannelOptions): FileChannel => new FileChannel('c1', o, new MetricsRegistry().group('CHANNEL', 'c1'));

channelContract('file', ({ capacity, transactionCapacity, keepAliveMs }) => make(opts(tmp(), { capacity, transactionCapacity, keepAliveMs })));
channelContract('file (bodies on disk: inMemoryBytes 0)', ({ capacity, transactionCapacity, keepAliveMs }) =>
  make(opts(tmp(), { capacity, transactionCapacity, keepAliveMs, inMemoryBytes: 0 })));

const batchOf = (prefix: string, n: number, from = 0): EventBatch =>
  EventBatch.fromEvents(Array.from({ length: n }, (_, i) => ({ headers: { n: String(from + i) }, body: Buffer.from(`${prefix}${from + i}`) })));
const texts = (b: EventBatch | null): string[] => (b ? Array.from({ length: b.count }, (_, i) => b.body(i).toString()) : []);

async function putCommit(ch: FileChannel, b: EventBatch): Promise<void> {
  const tx = ch.begin();
  tx.put(b);
  await tx.commit();
}
async function drain(ch: FileChannel): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const tx = ch.begin();
    const b = await tx.take(100);
    await tx.commit();
    if (!b) return out;
    out.push(...texts(b));
  }
}

describe('file channel records', () => {
  it('frames a record with exact bytes', () => {
    const out = Buffer.alloc(20);
    const end = writeRecord(out, 0, RecordType.Commit, 7, Buffer.from([0xaa, 0xbb, 0xcc]));
    expect(end).toBe(20);
    expect(out.subarray(0, 4).toString('hex')).toBe('00000003');
    expect(out.subarray(8, 17).toString('hex')).toBe('030000000000000007');
    expect(out.subarray(17).toString('hex')).toBe('aabbcc');
    expect(parseRecord(out, 0)).toMatchObject({ type: RecordType.Commit, txid: 7, end: 20 });
    out[18] = out[18]! ^ 1;
    expect(parseRecord(out, 0)).toBe('corrupt');
    expect(parseRecord(out.subarray(0, 19), 0)).toBe('short');
    expect(encodeFileHeader(5).toString('hex')).toBe('5346434c000000010000000500000000');
  });

  it('encodes a batch with exact bytes and round-trips headers, bodies and positions', () => {
    const b = new EventBatch({
      data: Buffer.from('xxhiyo'), starts: Uint32Array.from([2, 4]), ends: Uint32Array.from([4, 6]),
      sharedHeaders: { h: 'v' }, eventHeaders: [undefined, { k: 'w' }],
      positions: { streams: ['s'], streamOf: Uint16Array.from([0, 0]), endOffset: Float64Array.from([3, 6]) },
    });
    const buf = Buffer.alloc(encodedBatchSize(b));
    expect(writeBatch(buf, 0, b)).toBe(buf.length);
    expect(buf.toString('hex')).toBe(
      '00000002' + '03' + '0001' + '0001' + '68' + '00000001' + '76' + // count, flags, shared {h:v}
        '0000' + '0001' + '0001' + '6b' + '00000001' + '77' + // event headers
        '0001' + '0001' + '73' + '0000' + '0000' + '4008000000000000' + '4018000000000000' + // positions
        '00000002' + '00000004' + '6869796f', // ends, bodies
    );
    const d = decodeBatch(buf);
    expect(texts(d)).toEqual(['hi', 'yo']);
    expect(d.headers(0)).toEqual({ h: 'v' });
    expect(d.headers(1)).toEqual({ h: 'v', k: 'w' });
    expect([...d.positions!.endOffset]).toEqual([3, 6]);
  });

  it('checkpoint bytes round-trip and a flipped bit is detected', () => {
    const bytes = encodeCheckpoint({ logFileId: 3, logOffset: 99, nextTxid: 12, entries: Uint32Array.from([1, 16, 0, 5]) });
    expect(decodeCheckpoint(bytes)).toMatchObject({ logFileId: 3, logOffset: 99, nextTxid: 12 });
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    expect(decodeCheckpoint(bytes)).toBe('checksum mismatch');
  });
});

describe('file channel properties', () => {
  const ctx = (p: Record<string, string>) =>
    createComponentContext({ agentName: 'a1', kind: 'channel', name: 'c1', type: 'file', props: ComponentProps.fromObject('a1.channels.c1', p) });
  it('uses Flume defaults, including ~/.flume/file-channel paths', () => {
    const o = fileChannelOptions(ctx({}));
    expect(o).toMatchObject({
      checkpointDir: join(homedir(), '.flume', 'file-channel', 'checkpoint'), dataDirs: [join(homedir(), '.flume', 'file-channel', 'data')],
      capacity: 1_000_000, transactionCapacity: 10_000, checkpointIntervalMs: 30_000, maxFileSize: 2_146_435_071,
      minimumRequiredSpace: 524_288_000, keepAliveMs: 3000, checkpointOnClose: true, useDualCheckpoints: false, inMemoryBytes: 64 << 20,
    });
  });
  it('splits dataDirs on commas and validates dual checkpoints', () => {
    expect(fileChannelOptions(ctx({ dataDirs: '/a, /b' })).dataDirs).toEqual(['/a', '/b']);
    expect(() => fileChannelFactory.create(ctx({ useDualCheckpoints: 'true' }))).toThrow(/backupCheckpointDir/);
    expect(() => fileChannelFactory.create(ctx({ capacity: '10', transactionCapacity: '20' }))).toThrow(/transactionCapacity/);
  });
});

describe('file channel durability', () => {
  it('replays committed puts and takes after a restart without a checkpoint', async () => {
    const root = tmp();
    const o = opts(root, { checkpointOnClose: false });
    const ch = make(o);
    await ch.start();
    await putCommit(ch, batchOf('a', 10));
    await putCommit(ch, batchOf('b', 5));
    const tx = ch.begin();
    expect(texts(await tx.take(7))).toHaveLength(7);
    await tx.commit();
    const open = ch.begin(); // an open take at shutdown comes back
    await open.take(2);
    const pending = ch.begin(); // an uncommitted put is not durable
    pending.put(batchOf('z', 3));
    await ch.stop();
    const ch2 = make(o);
    await ch2.start();
    expect(ch2.size()).toBe(8);
    const tx2 = ch2.begin();
    const b = await tx2.take(100);
    await tx2.commit();
    expect(texts(b)).toEqual(['a7', 'a8', 'a9', 'b0', 'b1', 'b2', 'b3', 'b4']);
    expect(b!.headers(0)).toEqual({ n: '7' });
    await ch2.stop();
  });

  it('restores from the checkpoint (with rollback reordering) plus the log after it', async () => {
    const root = tmp();
    const o = opts(root);
    const ch = make(o);
    await ch.start();
    await putCommit(ch, batchOf('a', 6));
    const t = ch.begin();
    await t.take(2);
    await t.commit();
    await ch.checkpoint(true);
    await putCommit(ch, batchOf('b', 2));
    const t2 = ch.begin();
    await t2.take(1);
    await t2.commit();
    // crash: no stop(); reopen from checkpoint + log on a second instance
    const ch2 = make(o);
    await ch2.start();
    expect(await drain(ch2)).toEqual(['a3', 'a4', 'a5', 'b0', 'b1']);
    await ch2.stop();
    await ch.stop().catch(() => undefined);
  });

  it('cuts a torn tail and keeps the valid prefix', async () => {
    const root = tmp();
    const o = opts(root, { checkpointOnClose: false });
    const ch = make(o);
    await ch.start();
    await putCommit(ch, batchOf('a', 3));
    await putCommit(ch, batchOf('b', 3));
    await ch.stop();
    const data = join(root, 'data');
    const log = readdirSync(data).map((n) => join(data, n)).find((p) => statSync(p).size > 16)!;
    const full = statSync(log).size;
    // Tear the second transaction's commit, then add garbage.
    truncateSync(log, full - 5);
    appendFileSync(log, Buffer.from('garbage-garbage'));
    const ch2 = make(o);
    await ch2.start();
    expect(statSync(log).size).toBeLessThan(full);
    expect(await drain(ch2)).toEqual(['a0', 'a1', 'a2']);
    await ch2.stop();
  });

  it('writes garbage at random points: recovery keeps a committed prefix and never throws', async () => {
    let seed = 42;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    for (let round = 0; round < 8; round++) {
      const root = tmp();
      const o = opts(root, { checkpointOnClose: false });
      const ch = make(o);
      await ch.start();
      for (let i = 0; i < 5; i++) await putCommit(ch, batchOf(`r${i}-`, 4));
      await ch.stop();
      const data = join(root, 'data');
      const log = readdirSync(data).map((n) => join(data, n)).find((p) => statSync(p).size > 16)!;
      const bytes = readFileSync(log);
      const at = 16 + rnd(bytes.length - 16);
      bytes[at] = bytes[at]! ^ (1 + rnd(255));
      writeFileSync(log, bytes);
      const ch2 = make(o);
      await ch2.start();
      const got = await drain(ch2);
      await ch2.stop();
      // A prefix of whole batches, in order.
      const want = Array.from({ length: 5 }, (_, i) => Array.from({ length: 4 }, (_, j) => `r${i}-${j}`)).flat();
      expect(got.length % 4).toBe(0);
      expect(got).toEqual(want.slice(0, got.length));
    }
  });

  it('falls back to the backup checkpoint, then to a full replay, when the checkpoint is corrupt', async () => {
    const root = tmp();
    const o = opts(root, { useDualCheckpoints: true, backupCheckpointDir: join(root, 'bk') });
    const ch = make(o);
    await ch.start();
    await putCommit(ch, batchOf('a', 4));
    const t = ch.begin();
    await t.take(1);
    await t.commit();
    await ch.stop();
    writeFileSync(join(root, 'ck', 'checkpoint'), 'not a checkpoint');
    const ch2 = make(o);
    await ch2.start();
    expect(ch2.size()).toBe(3);
    await ch2.stop();
    writeFileSync(join(root, 'ck', 'checkpoint'), 'bad');
    writeFileSync(join(root, 'bk', 'checkpoint'), 'bad too');
    const ch3 = make(o);
    await ch3.start();
    expect(await drain(ch3)).toEqual(['a1', 'a2', 'a3']);
    await ch3.stop();
  });

  it('rolls log files at maxFileSize and deletes them once fully taken', async () => {
    const root = tmp();
    const o = opts(root, { maxFileSize: 4096 });
    const ch = make(o);
    await ch.start();
    for (let i = 0; i < 20; i++) await putCommit(ch, EventBatch.fromEvents(Array.from({ length: 10 }, () => ({ headers: {}, body: Buffer.alloc(50, 97 + (i % 26)) }))));
    const data = join(root, 'data');
    expect(readdirSync(data).length).toBeGreaterThanOrEqual(3);
    expect((await drain(ch)).length).toBe(200);
    await putCommit(ch, batchOf('x', 1)); // forces nothing; files die on take commits
    expect(readdirSync(data).length).toBeLessThanOrEqual(2);
    await ch.stop();
    const ch2 = make(o);
    await ch2.start();
    expect(await drain(ch2)).toEqual(['x0']);
    await ch2.stop();
  });

  it('spreads log files over several data dirs and replays them all', async () => {
    const root = tmp();
    const o = opts(root, { maxFileSize: 4096, dataDirs: [join(root, 'd1'), join(root, 'd2')], checkpointOnClose: false });
    const ch = make(o);
    await ch.start();
    for (let i = 0; i < 10; i++) await putCommit(ch, EventBatch.fromEvents(Array.from({ length: 10 }, (_, j) => ({ headers: {}, body: Buffer.from(`${i}-${j}`.padEnd(60, '.')) }))));
    await ch.stop();
    expect(readdirSync(join(root, 'd1')).length).toBeGreaterThan(0);
    expect(readdirSync(join(root, 'd2')).length).toBeGreaterThan(0);
    const ch2 = make(o);
    await ch2.start();
    const got = await drain(ch2);
    expect(got.length).toBe(100);
    expect(got[0]).toMatch(/^0-0\./);
    expect(got[99]).toMatch(/^9-9\./);
    await ch2.stop();
  });

  it('refuses puts below minimumRequiredSpace with a retriable error and writes nothing', async () => {
    const root = tmp();
    const o = opts(root, { minimumRequiredSpace: Number.MAX_SAFE_INTEGER, checkpointOnClose: false });
    const ch = make(o);
    await ch.start();
    const tx = ch.begin();
    tx.put(batchOf('a', 2));
    await expect(tx.commit()).rejects.toMatchObject({ code: 'CHANNEL_DISK_FULL', retriable: true, message: /Usable space exhausted/ });
    expect(ch.size()).toBe(0);
    await ch.stop();
    const data = join(root, 'data');
    for (const n of readdirSync(data)) expect(statSync(join(data, n)).size).toBe(16);
  });

  it('keeps only inMemoryBytes of bodies in memory and reads the rest back from the log', async () => {
    const root = tmp();
    const o = opts(root, { inMemoryBytes: 300, capacity: 10_000 });
    const ch = make(o);
    await ch.start();
    for (let i = 0; i < 20; i++) await putCommit(ch, EventBatch.fromEvents(Array.from({ length: 5 }, (_, j) => ({ headers: { i: String(i) }, body: Buffer.from(`${i}-${j}`.padEnd(20, '.')) }))));
    const inMemory = (ch as unknown as { memBytes: number }).memBytes;
    expect(inMemory).toBeLessThanOrEqual(300);
    const got: string[] = [];
    const t = ch.begin();
    const b = await t.take(7); // spans pieces, partly from disk
    await t.rollback(); // rolled-back pieces go back in memory, order kept
    expect(b!.count).toBe(7);
    for (;;) {
      const tx = ch.begin();
      const x = await tx.take(13);
      await tx.commit();
      if (!x) break;
      for (let k = 0; k < x.count; k++) got.push(`${x.headers(k).i}:${x.body(k).toString().replace(/\.+$/, '')}`);
    }
    expect(got).toEqual(Array.from({ length: 100 }, (_, n) => `${Math.floor(n / 5)}:${Math.floor(n / 5)}-${n % 5}`));
    await ch.stop();
  });

  it('refuses directories locked by another live process and takes over a stale lock', async () => {
    const root = tmp();
    const o = opts(root);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(o.checkpointDir, { recursive: true });
    writeFileSync(join(o.checkpointDir, 'in_use.lock'), String(process.ppid));
    await expect(make(o).start()).rejects.toMatchObject({ code: 'CHANNEL_LOCKED' });
    writeFileSync(join(o.checkpointDir, 'in_use.lock'), '999999999');
    const ch = make(o);
    await ch.start();
    expect(readFileSync(join(o.checkpointDir, 'in_use.lock'), 'utf8')).toBe(String(process.pid));
    await ch.stop();
    expect(existsSync(join(o.checkpointDir, 'in_use.lock'))).toBe(false);
  });

  it('group commit: concurrent commits share fdatasyncs', async () => {
    const root = tmp();
    const ch = make(opts(root, { capacity: 100_000 }));
    await ch.start();
    const before = ch.syncCount;
    await Promise.all(Array.from({ length: 50 }, (_, i) => putCommit(ch, batchOf(`g${i}-`, 10))));
    expect(ch.size()).toBe(500);
    expect(ch.syncCount - before).toBeLessThan(50);
    await ch.stop();
  });
});
