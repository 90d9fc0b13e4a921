/**
 * The narrow file-system interface the partition log uses for segment data.
 *
 * Contract: every byte the log writes to a `.log` file and every fdatasync goes
 * through a StorageFs, so tests can substitute a shim that records the order of
 * write / fdatasync calls and injects ENOSPC or EIO. Writes are positional
 * (pwrite semantics) and synchronous: Node runs them on the JS thread, which keeps
 * the append path free of per-call promises. `fdatasync` is asynchronous (libuv
 * threadpool) so concurrent appends can share one sync (group commit).
 *
 * Directory-level work (mkdir, readdir, checkpoints) uses node:fs directly: it is
 * not on the durability path the shim needs to observe.
 */
import * as fs from 'node:fs';

export interface StorageFs {
  openSync(path: string, flags: string): number;
  closeSync(fd: number): void;
  /** Writes buf[offset, offset+length) at file `position`; returns bytes written (may be short). */
  writeSync(fd: number, buf: Buffer, offset: number, length: number, position: number): number;
  readSync(fd: number, buf: Buffer, offset: number, length: number, position: number): number;
  ftruncateSync(fd: number, length: number): void;
  fstatSizeSync(fd: number): number;
  fdatasync(fd: number): Promise<void>;
  unlinkSync(path: string): void;
  renameSync(from: string, to: string): void;
}

export const nodeStorageFs: StorageFs = {
  openSync: (path, flags) => fs.openSync(path, flags),
  closeSync: (fd) => fs.closeSync(fd),
  writeSync: (fd, buf, offset, length, position) => fs.writeSync(fd, buf, offset, length, position),
  readSync: (fd, buf, offset, length, position) => fs.readSync(fd, buf, offset, length, position),
  ftruncateSync: (fd, length) => fs.ftruncateSync(fd, length),
  fstatSizeSync: (fd) => fs.fstatSync(fd).size,
  fdatasync: (fd) =>
    new Promise<void>((resolve, reject) => {
      fs.fdatasync(fd, (err) => (err ? reject(err) : resolve()));
    }),
  unlinkSync: (path) => fs.unlinkSync(path),
  renameSync: (from, to) => fs.renameSync(from, to),
};

/** Writes all of buf[offset, offset+length) at `position`, looping over short writes. */
export function writeFullySync(sfs: StorageFs, fd: number, buf: Buffer, offset: number, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    const n = sfs.writeSync(fd, buf, offset + done, length - done, position + done);
    if (n <= 0) throw Object.assign(new Error(`short write (${done}/${length} bytes)`), { code: 'EIO' });
    done += n;
  }
}

/** Reads up to `length` bytes at `position`, looping over short reads; returns bytes read (less only at EOF). */
export function readFullySync(sfs: StorageFs, fd: number, buf: Buffer, offset: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = sfs.readSync(fd, buf, offset + done, length - done, position + done);
    if (n <= 0) break;
    done += n;
  }
  return done;
}
