/**
 * The LRU of segment fds: held files are never closed under their holders, idle ones
 * are evicted oldest first, and a new file is usable even when every older fd is held.
 */
import { mkdtempSync, writeFileSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileHandleCache } from '../../../src/broker/storage/file-handle-cache.js';
import { nodeStorageFs } from '../../../src/broker/storage/storage-fs.js';

function files(n: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'fhc-'));
  return Array.from({ length: n }, (_, i) => {
    const p = join(dir, `${i}.log`);
    writeFileSync(p, `file ${i}`);
    return p;
  });
}

function readAll(fd: number): string {
  const b = Buffer.alloc(64);
  return b.subarray(0, readSync(fd, b, 0, 64, 0)).toString();
}

describe('FileHandleCache', () => {
  it('opens a new file while more files than the limit are held', () => {
    const paths = files(3);
    const cache = new FileHandleCache(nodeStorageFs, 2);
    const held = paths.map((p) => cache.acquire(p));
    expect(held.map((f) => readAll(f.fd))).toEqual(['file 0', 'file 1', 'file 2']);
    expect(cache.open).toBe(3);
    for (const f of held) f.release();
    expect(cache.open).toBe(2); // the oldest idle fd was evicted
  });

  it('evicts idle files oldest first and reopens them on demand', () => {
    const paths = files(3);
    const cache = new FileHandleCache(nodeStorageFs, 2);
    for (const p of paths) cache.acquire(p).release();
    expect(cache.open).toBe(2);
    const again = cache.acquire(paths[0]!);
    expect(readAll(again.fd)).toBe('file 0');
    again.release();
    expect(cache.open).toBe(2);
  });
});
