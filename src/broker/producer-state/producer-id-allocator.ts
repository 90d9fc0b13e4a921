/**
 * Producer ids for InitProducerId that are never reused, even after a restart or crash.
 *
 * Ids are handed out from blocks of `blockSize` (Kafka allocates blocks too). Before the
 * first id of a block is given out, the block's END is persisted as the high-water mark
 * in `<log dir>/producer-id-block` (written to a temp file, fsynced, renamed). On start
 * the next id is that mark, so ids of a block that was in use when the broker stopped
 * are skipped, never repeated.
 *
 * File format: one line of ASCII, `v1 <next unallocated id>\n`.
 * Ownership: one allocator per broker (the log dir lock guarantees one broker per dir).
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SluiceError } from '../../errors.js';

export const PRODUCER_ID_FILE = 'producer-id-block';

export class ProducerIdAllocator {
  private next: number;
  private blockEnd: number;
  private readonly path: string;

  constructor(dir: string, private readonly blockSize = 1000) {
    this.path = join(dir, PRODUCER_ID_FILE);
    this.next = existsSync(this.path) ? parseMark(readFileSync(this.path, 'latin1'), this.path) : 0;
    this.blockEnd = this.next;
  }

  /** A fresh producer id (persisting a new block first when needed). */
  allocate(): number {
    if (this.next >= this.blockEnd) {
      const end = this.next + this.blockSize;
      persistMark(this.path, end);
      this.blockEnd = end;
    }
    return this.next++;
  }
}

function parseMark(text: string, path: string): number {
  const m = /^v1 (\d+)\n?$/.exec(text);
  if (!m) throw new SluiceError('PRODUCER_ID_FILE_CORRUPT', `${path}: expected "v1 <id>", got ${JSON.stringify(text.slice(0, 40))}`);
  const n = Number(m[1]);
  if (!Number.isSafeInteger(n)) throw new SluiceError('PRODUCER_ID_FILE_CORRUPT', `${path}: id ${m[1]} is out of range`);
  return n;
}

function persistMark(path: string, value: number): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `v1 ${value}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
