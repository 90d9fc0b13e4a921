/**
 * A bounded LRU of open segment `.log` file descriptors, with reference counting.
 *
 * Invariants:
 * - `acquire(path)` returns a SegmentFile already retained once for the caller; the
 *   caller releases it exactly once (a FileSlice carries that reference).
 * - An fd is closed only when its reference count is 0 AND it was evicted from the
 *   LRU (over `maxOpen`) or its file was deleted. A reader holding a reference keeps
 *   a valid fd even after retention or topic deletion unlinked the file (Linux keeps
 *   the inode until the last close).
 * - The active segment of each partition pins its file with one long-lived reference,
 *   so at most `maxOpen` idle fds plus the pinned/in-use ones are open.
 *
 * Single-threaded (JS thread); callers never share a SegmentFile across processes.
 */
import type { SegmentFile } from './types.js';
import type { StorageFs } from './storage-fs.js';
import { componentLogger } from '../../logger.js';

const log = componentLogger('broker.storage');

class CachedSegmentFile implements SegmentFile {
  refs = 0;
  /** Still indexed by the cache (false once evicted or deleted). */
  cached = true;
  closed = false;

  constructor(
    readonly path: string,
    readonly fd: number,
    private readonly owner: FileHandleCache,
  ) {}

  retain(): void {
    if (this.closed) throw new Error(`retain on closed segment file ${this.path}`);
    this.refs++;
  }

  release(): void {
    if (this.refs <= 0) {
      log.error({ path: this.path }, 'segment file released more often than retained');
      return;
    }
    this.refs--;
    if (this.refs === 0) this.owner.onIdle(this);
  }
}

export class FileHandleCache {
  /** Insertion order = LRU order (oldest first); re-inserted on each acquire. */
  private readonly entries = new Map<string, CachedSegmentFile>();
  private openCount = 0;

  constructor(
    private readonly fs: StorageFs,
    private readonly maxOpen = 256,
  ) {}

  /** Number of fds currently open through this cache (cached or held). */
  get open(): number {
    return this.openCount;
  }

  acquire(path: string): SegmentFile {
    let f = this.entries.get(path);
    if (f) {
      this.entries.delete(path);
      this.entries.set(path, f);
    } else {
      const fd = this.fs.openSync(path, 'r+');
      f = new CachedSegmentFile(path, fd, this);
      this.entries.set(path, f);
      this.openCount++;
      // Claim the new file before evicting, or it would be the idle one that gets closed
      // when every older fd is held.
      f.retain();
      this.evictIdle();
      return f;
    }
    f.retain();
    return f;
  }

  /** The file is gone (deleted or renamed): forget it; its fd closes when the last holder releases. */
  forget(path: string): void {
    const f = this.entries.get(path);
    if (!f) return;
    this.entries.delete(path);
    f.cached = false;
    if (f.refs === 0) this.closeFile(f);
  }

  /** Closes every idle fd and forgets all entries; held files close on their last release. */
  closeAll(): void {
    for (const path of [...this.entries.keys()]) this.forget(path);
  }

  /** @internal called by CachedSegmentFile when its count reaches 0. */
  onIdle(f: CachedSegmentFile): void {
    if (!f.cached) this.closeFile(f);
    else this.evictIdle();
  }

  private evictIdle(): void {
    if (this.openCount <= this.maxOpen) return;
    for (const f of this.entries.values()) {
      if (this.openCount <= this.maxOpen) break;
      if (f.refs !== 0) continue;
      this.entries.delete(f.path);
      f.cached = false;
      this.closeFile(f);
    }
  }

  private closeFile(f: CachedSegmentFile): void {
    if (f.closed) return;
    f.closed = true;
    this.openCount--;
    try {
      this.fs.closeSync(f.fd);
    } catch (err) {
      log.warn({ path: f.path, err }, 'closing segment fd failed');
    }
  }
}
