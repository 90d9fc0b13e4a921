// Test helper: a StorageFs that records the order of writes and fdatasyncs on
// .log files and can inject errors (ENOSPC on write, EIO on fdatasync).
import { nodeStorageFs, type StorageFs } from '../../../src/broker/storage/storage-fs.js';
import { basename } from 'node:path';

export interface ShimEvent {
  readonly op: 'write' | 'fdatasync-start' | 'fdatasync-end';
  readonly file: string;
  /** For writes: end position; for syncs: file size at the start of the sync. */
  readonly at: number;
}

export class RecordingFs implements StorageFs {
  readonly events: ShimEvent[] = [];
  private readonly paths = new Map<number, string>();
  /** When set, the next write writes this many bytes, then fails with the code. */
  failNextWrite: { partialBytes: number; code: string } | null = null;
  /** While true, every write fails with ENOSPC (disk full). */
  diskFull = false;
  failNextSync: string | null = null;
  /** Syncs wait for this promise (to hold a sync "in flight"). */
  syncGate: Promise<void> | null = null;

  openSync(path: string, flags: string): number {
    const fd = nodeStorageFs.openSync(path, flags);
    this.paths.set(fd, basename(path));
    return fd;
  }
  closeSync(fd: number): void {
    this.paths.delete(fd);
    nodeStorageFs.closeSync(fd);
  }
  writeSync(fd: number, buf: Buffer, offset: number, length: number, position: number): number {
    if (this.diskFull) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    const f = this.failNextWrite;
    if (f) {
      this.failNextWrite = null;
      if (f.partialBytes > 0) nodeStorageFs.writeSync(fd, buf, offset, Math.min(f.partialBytes, length), position);
      throw Object.assign(new Error(`${f.code}: injected`), { code: f.code });
    }
    const n = nodeStorageFs.writeSync(fd, buf, offset, length, position);
    this.events.push({ op: 'write', file: this.paths.get(fd) ?? '?', at: position + n });
    return n;
  }
  readSync(fd: number, buf: Buffer, offset: number, length: number, position: number): number {
    return nodeStorageFs.readSync(fd, buf, offset, length, position);
  }
  ftruncateSync(fd: number, length: number): void {
    nodeStorageFs.ftruncateSync(fd, length);
  }
  fstatSizeSync(fd: number): number {
    return nodeStorageFs.fstatSizeSync(fd);
  }
  async fdatasync(fd: number): Promise<void> {
    const file = this.paths.get(fd) ?? '?';
    const size = nodeStorageFs.fstatSizeSync(fd);
    this.events.push({ op: 'fdatasync-start', file, at: size });
    if (this.syncGate) await this.syncGate;
    const code = this.failNextSync;
    if (code) {
      this.failNextSync = null;
      throw Object.assign(new Error(`${code}: injected`), { code });
    }
    await nodeStorageFs.fdatasync(fd);
    this.events.push({ op: 'fdatasync-end', file, at: size });
  }
  unlinkSync(path: string): void {
    nodeStorageFs.unlinkSync(path);
  }
  renameSync(from: string, to: string): void {
    nodeStorageFs.renameSync(from, to);
  }
}
