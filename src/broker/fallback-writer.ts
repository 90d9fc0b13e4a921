/**
 * A copy-path ConnectionWriter (contract in zero-copy/types.ts) for any Duplex: Buffers
 * are written as they are; a FileSlice is read with fs.read in chunks of up to 1 MiB and
 * written, honouring the stream's backpressure ('drain'). Used when the zero-copy writer
 * is not available; the zero-copy module's own writer replaces it where it loads.
 *
 * Invariants: one output queue (responses go out in `write` order, each contiguously);
 * every FileSlice reference is released exactly once, after its bytes are written or
 * when the connection fails or is destroyed; a short read (segment truncated) destroys
 * the stream, because the size prefix already sent would be wrong.
 */
import { read } from 'node:fs';
import type { Duplex } from 'node:stream';
import { SluiceError } from '../errors.js';
import type { FileSlice } from './storage/types.js';
import type { ConnectionWriter, OutboundPart } from './zero-copy/types.js';

const CHUNK = 1 << 20;

function isSlice(p: OutboundPart): p is FileSlice {
  return !Buffer.isBuffer(p);
}

function partLength(p: OutboundPart): number {
  return isSlice(p) ? p.length : p.length;
}

function readAt(fd: number, buf: Buffer, len: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    read(fd, buf, 0, len, position, (err, n) => (err ? reject(err) : resolve(n)));
  });
}

export class FallbackWriter implements ConnectionWriter {
  readonly mode = 'copy' as const;
  private pending = 0;
  private tail: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  private readonly queued = new Set<FileSlice>();

  constructor(private readonly stream: Duplex) {
    stream.once('close', () => this.destroy(new SluiceError('CONNECTION_CLOSED', 'connection closed')));
  }

  get pendingBytes(): number {
    return this.pending;
  }

  write(parts: readonly OutboundPart[]): Promise<void> {
    let bytes = 0;
    for (const p of parts) {
      bytes += partLength(p);
      if (isSlice(p)) this.queued.add(p);
    }
    if (this.failure) {
      this.releaseAll(parts);
      return Promise.reject(this.failure);
    }
    this.pending += bytes;
    const run = this.tail.then(() => this.send(parts));
    this.tail = run.catch(() => undefined);
    return run.finally(() => {
      this.pending -= bytes;
    });
  }

  destroy(err?: Error): void {
    if (!this.failure) this.failure = err ?? new SluiceError('CONNECTION_CLOSED', 'connection writer destroyed');
    for (const s of this.queued) s.file.release();
    this.queued.clear();
    if (!this.stream.destroyed) this.stream.destroy();
  }

  private releaseAll(parts: readonly OutboundPart[]): void {
    for (const p of parts) {
      if (isSlice(p) && this.queued.delete(p)) p.file.release();
    }
  }

  private async send(parts: readonly OutboundPart[]): Promise<void> {
    try {
      for (const p of parts) {
        if (this.failure) throw this.failure;
        if (!isSlice(p)) {
          if (!this.stream.write(p)) await this.drain();
          continue;
        }
        await this.sendSlice(p);
        if (this.queued.delete(p)) p.file.release();
      }
    } catch (err) {
      this.releaseAll(parts);
      this.destroy(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  }

  private async sendSlice(s: FileSlice): Promise<void> {
    let done = 0;
    while (done < s.length) {
      const len = Math.min(CHUNK, s.length - done);
      // A fresh buffer per write: the stream may still hold the previous one.
      const buf = Buffer.allocUnsafe(len);
      const n = await readAt(s.file.fd, buf, len, s.position + done);
      if (n <= 0) {
        throw new SluiceError('SHORT_FILE_SLICE', `${s.file.path}: only ${done} of ${s.length} bytes at ${s.position} could be read`);
      }
      done += n;
      if (!this.stream.write(n === buf.length ? buf : buf.subarray(0, n))) await this.drain();
    }
  }

  private drain(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onDrain = (): void => {
        this.stream.off('close', onClose);
        resolve();
      };
      const onClose = (): void => {
        this.stream.off('drain', onDrain);
        reject(this.failure ?? new SluiceError('CONNECTION_CLOSED', 'connection closed'));
      };
      this.stream.once('drain', onDrain);
      this.stream.once('close', onClose);
    });
  }
}
