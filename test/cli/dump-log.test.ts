import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpLog, type DumpLogOptions } from '../../src/cli/dump-log.js';
import { encodeRecordBatch } from '../../src/protocol/record-batch.js';

let dir: string;
const BASE = 1_700_000_000_000;

// Three batches as the broker would store them (offsets assigned, leader epoch 0).
const b0 = encodeRecordBatch(
  [
    { key: null, value: Buffer.from('hello'), timestamp: BASE },
    { key: Buffer.from('k'), value: Buffer.from('world'), headers: [{ key: 'h1', value: Buffer.from('v') }, { key: 'h2', value: null }], timestamp: BASE + 5 },
  ],
  { baseOffset: 0, partitionLeaderEpoch: 0 },
);
const b1 = encodeRecordBatch([{ key: null, value: Buffer.from('zipped'), timestamp: BASE + 9 }], {
  baseOffset: 2,
  partitionLeaderEpoch: 0,
  compression: 1,
  producerId: 7,
  producerEpoch: 0,
  baseSequence: 10,
});
const b2 = encodeRecordBatch([{ key: null, value: null, timestamp: BASE + 10 }], { baseOffset: 3, partitionLeaderEpoch: 0 });
const LOG = Buffer.concat([b0, b1, b2]);

async function run(opts: DumpLogOptions): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await dumpLog(opts, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

function batchLine(base: number, last: number, count: number, seq: string, pid: number, epoch: number, pos: number, ts: number, size: number, codec: string, crc: number, valid = true): string {
  return `baseOffset: ${base} lastOffset: ${last} count: ${count} ${seq} producerId: ${pid} producerEpoch: ${epoch} partitionLeaderEpoch: 0 isTransactional: false isControl: false position: ${pos} CreateTime: ${ts} size: ${size} magic: 2 compresscodec: ${codec} crc: ${crc} isvalid: ${valid}`;
}

const crcOf = (b: Buffer) => b.readUInt32BE(17);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-dump-log-'));
  await writeFile(join(dir, '00000000000000000000.log'), LOG);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const BATCH_LINES = () => [
  batchLine(0, 1, 2, 'baseSequence: -1 lastSequence: -1', -1, -1, 0, BASE + 5, b0.length, 'none', crcOf(b0)),
  batchLine(2, 2, 1, 'baseSequence: 10 lastSequence: 10', 7, 0, b0.length, BASE + 9, b1.length, 'gzip', crcOf(b1)),
  batchLine(3, 3, 1, 'baseSequence: -1 lastSequence: -1', -1, -1, b0.length + b1.length, BASE + 10, b2.length, 'none', crcOf(b2)),
];

describe('dump-log', () => {
  it('prints one line per batch (golden)', async () => {
    const file = join(dir, '00000000000000000000.log');
    const r = await run({ files: [file] });
    expect(r.code).toBe(0);
    expect(r.out).toEqual([`Dumping ${file}`, 'Starting offset: 0', ...BATCH_LINES()]);
  });

  it('prints records with --print-data-log, reading in chunks smaller than a batch', async () => {
    const file = join(dir, '00000000000000000000.log');
    const r = await run({ files: [file], printDataLog: true, chunkSize: 64 });
    const [l0, l1, l2] = BATCH_LINES();
    expect(r.out).toEqual([
      `Dumping ${file}`,
      'Starting offset: 0',
      l0,
      `| offset: 0 CreateTime: ${BASE} keySize: -1 valueSize: 5 sequence: -1 headerKeys: [] payload: hello`,
      `| offset: 1 CreateTime: ${BASE + 5} keySize: 1 valueSize: 5 sequence: -1 headerKeys: [h1,h2] key: k payload: world`,
      l1,
      `| offset: 2 CreateTime: ${BASE + 9} keySize: -1 valueSize: 6 sequence: 10 headerKeys: [] payload: zipped`,
      l2,
      `| offset: 3 CreateTime: ${BASE + 10} keySize: -1 valueSize: -1 sequence: -1 headerKeys: []`,
    ]);
  });

  it('prints JSON lines with --json --deep-iteration', async () => {
    const r = await run({ files: [join(dir, '00000000000000000000.log')], json: true, deepIteration: true });
    const objs = r.out.slice(2).map((l) => JSON.parse(l) as { baseOffset: number; isvalid: boolean; records: { offset: number; key?: unknown }[] });
    expect(objs.map((o) => o.baseOffset)).toEqual([0, 2, 3]);
    expect(objs[0]!.records.map((x) => x.offset)).toEqual([0, 1]);
    expect(objs[0]!.records[0]!.key).toBeUndefined();
  });

  it('shows a CRC-damaged batch as invalid and goes on; reports garbage and a torn tail', async () => {
    const bad = Buffer.from(LOG);
    bad[b0.length + 30]! ^= 0xff; // inside b1's CRC-covered header (maxTimestamp)
    const crcFile = join(dir, '00000000000000000100.log');
    await writeFile(crcFile, bad);
    const r = await run({ files: [crcFile] });
    expect(r.code).toBe(0);
    expect(r.out[1]).toBe('Starting offset: 100');
    expect(r.out.slice(2).map((l) => /isvalid: (\w+)/.exec(l)?.[1])).toEqual(['true', 'false', 'true']);

    const garbage = Buffer.concat([b0, Buffer.from('this is not a record batch at all, just text')]);
    const gFile = join(dir, 'garbage.log');
    await writeFile(gFile, garbage);
    const g = await run({ files: [gFile] });
    expect(g.code).toBe(0);
    expect(g.out.slice(2)).toEqual([BATCH_LINES()[0], expect.stringMatching(new RegExp(`^Found 44 invalid bytes at position ${b0.length}: `))]);

    const tFile = join(dir, 'torn.log');
    await writeFile(tFile, LOG.subarray(0, LOG.length - 3));
    const t = await run({ files: [tFile] });
    expect(t.out.at(-1)).toBe(`Found ${b2.length - 3} invalid bytes at position ${b0.length + b1.length}: truncated batch at the end of the file`);
  });

  it('returns 1 for an unreadable file but still dumps the others', async () => {
    const r = await run({ files: [join(dir, 'missing.log'), join(dir, '00000000000000000000.log')] });
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/cannot open .*missing\.log/);
    expect(r.out).toHaveLength(5);
  });
});

function spawnCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['dist/cli/main.js', ...args], { env: { ...process.env, SLUICE_LOG_LEVEL: 'silent' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.runIf(existsSync('dist/cli/main.js'))('sluice dump-log (process)', () => {
  it('runs from the built CLI with the exit codes of the contract', async () => {
    const file = join(dir, '00000000000000000000.log');
    const ok = await spawnCli(['dump-log', '--files', file]);
    expect(ok.code).toBe(0);
    expect(ok.stdout.split('\n').slice(2, 5)).toEqual(BATCH_LINES());
    expect((await spawnCli(['dump-log'])).code).toBe(2);
    expect((await spawnCli(['dump-log', '--files', join(dir, 'nope.log')])).code).toBe(1);
  });
});
