// dump-log --deep-iteration checks every record, not only the batch CRC: a batch whose CRC
// is valid but whose header claims more records than it holds is reported as invalid (the
// record walk runs past the batch's bytes), and
// the per-file summary counts records, batches and invalid batches. Progress goes to a TTY
// stream only.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpLog } from '../../src/cli/dump-log.js';
import { crc32c } from '../../src/protocol/crc32c.js';
import { encodeRecordBatch } from '../../src/protocol/record-batch.js';
import { BATCH } from '../../src/protocol/record-batch-layout.js';

let dir: string;
const BASE = 1_700_000_000_000;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-dump-deep-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function goodAndLying(): Buffer {
  const good = encodeRecordBatch([{ key: null, value: Buffer.from('a'), timestamp: BASE }, { key: null, value: Buffer.from('b'), timestamp: BASE }], { baseOffset: 0, compression: 1 });
  const lying = Buffer.from(encodeRecordBatch([{ key: null, value: Buffer.from('c'), timestamp: BASE }], { baseOffset: 2 }));
  lying.writeInt32BE(3, BATCH.RECORDS_COUNT); // claims 3 records, holds 1
  lying.writeUInt32BE(crc32c(lying.subarray(BATCH.ATTRIBUTES)), BATCH.CRC); // CRC made valid again
  return Buffer.concat([good, lying]);
}

describe('dump-log --deep-iteration', () => {
  it('finds a CRC-valid batch whose records do not match its header, and summarises', async () => {
    const file = join(dir, '00000000000000000000.log');
    await writeFile(file, goodAndLying());
    const out: string[] = [];
    const code = await dumpLog({ files: [file], deepIteration: true }, { out: (l) => out.push(l), err: (l) => out.push(`ERR ${l}`) });
    expect(code).toBe(0);
    expect(out.filter((l) => l.startsWith('|'))).toEqual([
      `| offset: 0 CreateTime: ${BASE} keySize: -1 valueSize: 1 sequence: -1 headerKeys: []`,
      `| offset: 1 CreateTime: ${BASE} keySize: -1 valueSize: 1 sequence: -1 headerKeys: []`,
      expect.stringMatching(/^\| invalid records: batch at byte 97: malformed unsigned varint/),
    ]);
    expect(out.filter((l) => l.startsWith('baseOffset')).map((l) => /isvalid: (\w+)/.exec(l)![1])).toEqual(['true', 'true']); // the CRC alone says fine
    expect(out.at(-1)).toBe('Checked 2 records in 2 batches: 1 invalid batches');
  });

  it('JSON mode carries the problem as recordsError; progress is drawn only on a TTY', async () => {
    const file = join(dir, '00000000000000000010.log');
    await writeFile(file, goodAndLying());
    const out: string[] = [];
    const drawn: string[] = [];
    await dumpLog({ files: [file], deepIteration: true, json: true }, { out: (l) => out.push(l), err: () => undefined }, { isTTY: true, write: (s: string) => drawn.push(s) > 0 });
    const objs = out.slice(2).map((l) => JSON.parse(l) as { recordsError?: string });
    expect(objs.map((o) => o.recordsError ?? null)).toEqual([null, expect.stringMatching(/malformed unsigned varint/)]);
    expect(drawn.at(-1)).toBe('\r\x1b[K'); // the progress line is erased at the end
    const quiet: string[] = [];
    await dumpLog({ files: [file], deepIteration: true }, { out: () => undefined, err: () => undefined }, { isTTY: false, write: (s: string) => quiet.push(s) > 0 });
    expect(quiet).toEqual([]);
  });
});
