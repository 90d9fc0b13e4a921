/**
 * The per-connection output queue (contract: ./types.ts; ARCHITECTURE.md §3 "Zero copy").
 *
 * One writer per connection, and it must be the only thing writing to its stream.
 * `write(parts)` queues one response; a single pump sends the queued responses in
 * order, each part in wire order:
 * - Buffer parts go through `stream.write` (runs of Buffers corked into one writev).
 * - FileSlice parts, in 'sendfile' mode (a plain net.Socket with an fd, the native addon
 *   loaded, never TLS): first wait until every earlier `stream.write` has called back
 *   (so `writableLength` is 0 and nothing queued in Node can be overtaken), then
 *   sendfile(2) file → socket. On EAGAIN, wait for writability with the addon's libuv
 *   poll watcher (cancelled when the connection closes). Never a spin, never a
 *   threadpool thread.
 * - Small FileSlice parts (≤ INLINE_SLICE_BYTES, 64 KiB), in either mode: read at once with
 *   one positional read (pread; the tail a consumer long-polls for is in the page cache) and
 *   written as a Buffer, corked with the response's other Buffers into ONE writev. For a
 *   small response that is two syscalls instead of write + wait for its callback + sendfile
 *   + write, which is what a latency-bound consumer waits on. A cold page makes this read
 *   block the event loop for one disk read of at most 64 KiB.
 * - FileSlice parts in 'copy' mode (TLS, an in-memory Duplex, no addon, or forceCopy):
 *   fs.read into 1 MiB chunks (pooled for sockets, fresh for other Duplexes because they
 *   may hand the same Buffer to the reader), one read ahead, written with 'drain'
 *   backpressure.
 *
 * Ownership: `write` takes over the reference each FileSlice holds on its file. The
 * writer releases it exactly once: after the slice's bytes were handed over, or when the
 * writer is destroyed (queued slices at once; the slice being sent once its in-flight
 * fs.read, if any, has finished, so the fd is never closed under a read).
 * A slice that comes up short (segment truncated or deleted) destroys the connection:
 * the length prefix already on the wire promised more bytes.
 * `destroy()` rejects every unfinished `write`, releases slices and destroys the stream.
 * Concurrency: single JS thread; the pump is the only code that sends.
 */
import { read as fsRead, readSync } from 'node:fs';
import { Socket } from 'node:net';
import { constants as osConstants } from 'node:os';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { getSystemErrorName } from 'node:util';
import { SluiceError, describeError } from '../../errors.js';
import { componentLogger } from '../../logger.js';
import type { FileSlice } from '../storage/types.js';
import { loadNativeAddon, type NativeAddon } from './addon.js';
import type { ConnectionWriter, OutboundPart } from './types.js';

export interface ConnectionWriterOptions {
  /** Use the read+write path even where sendfile would be possible (benchmarks, tests). */
  readonly forceCopy?: boolean;
}

/** Counters for tests and benchmarks. */
export interface ConnectionWriterStats {
  /** sendfile(2) calls made through the addon. */
  sendfileCalls: number;
  /** Waits on the libuv writability watcher after EAGAIN. */
  writableWaits: number;
  /** Chunks read with fs.read in copy mode. */
  copiedChunks: number;
  /** Writability watchers cancelled because the connection went away while waiting. */
  cancelledWaits: number;
  /** Small slices read at once and written with the response's Buffers. */
  inlineSlices: number;
}

export type InstrumentedConnectionWriter = ConnectionWriter & { readonly stats: Readonly<ConnectionWriterStats> };

/** Copy-mode chunk size; the pool keeps at most MAX_POOLED_CHUNKS free chunks process-wide. */
export const COPY_CHUNK_BYTES = 1 << 20;
const MAX_POOLED_CHUNKS = 16;
/** Slices smaller than this get an exact-size buffer instead of a pooled chunk. */
const SMALL_SLICE_BYTES = 64 * 1024;
/** Slices up to this size are read at once and written with the Buffers around them (see header). */
export const INLINE_SLICE_BYTES = 64 * 1024;
/** Bytes passed to one sendfile call; after each such burst the pump yields to other connections. */
const SENDFILE_BURST_BYTES = 16 << 20;
const EAGAIN = osConstants.errno.EAGAIN;

const log = componentLogger('broker.zero-copy');
const freeChunks: Buffer[] = [];

function takeChunk(size: number, pooled: boolean): Buffer {
  if (size < SMALL_SLICE_BYTES) return Buffer.allocUnsafe(size);
  if (pooled) return freeChunks.pop() ?? Buffer.allocUnsafeSlow(COPY_CHUNK_BYTES);
  return Buffer.allocUnsafe(Math.min(size, COPY_CHUNK_BYTES));
}

function giveChunk(chunk: Buffer): void {
  if (chunk.length === COPY_CHUNK_BYTES && freeChunks.length < MAX_POOLED_CHUNKS) freeChunks.push(chunk);
}

function isFileSlice(part: OutboundPart): part is FileSlice {
  return !Buffer.isBuffer(part);
}

function socketFd(stream: Duplex): number {
  const handle = (stream as unknown as { _handle?: { fd?: unknown } | null })._handle;
  const fd = handle?.fd;
  return typeof fd === 'number' ? fd : -1;
}

function describePeer(stream: Duplex): string {
  if (stream instanceof Socket && stream.remoteAddress !== undefined) return `${stream.remoteAddress}:${stream.remotePort ?? '?'}`;
  return 'in-memory stream';
}

interface Job {
  readonly parts: readonly OutboundPart[];
  /** Index of the first part the pump has not taken yet; parts before it are not the queue's to release. */
  next: number;
  /** Write sequence number whose callback completes this job (inflight jobs only). */
  doneAtSeq: number;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

interface ChunkRead {
  readonly chunk: Buffer;
  readonly bytesRead: number;
}

type WaitKind = 'acks' | 'drain' | 'writable';

class Writer implements InstrumentedConnectionWriter {
  readonly mode: 'sendfile' | 'copy';
  readonly stats: ConnectionWriterStats = { sendfileCalls: 0, writableWaits: 0, copiedChunks: 0, cancelledWaits: 0, inlineSlices: 0 };

  private readonly stream: Duplex;
  private readonly addon: NativeAddon | null;
  private readonly poolChunks: boolean;
  /** "address:port" of the client, captured up front (a destroyed socket forgets it). */
  private readonly peer: string;
  /** Jobs not yet fully handed to the stream, in order; queue[0] is the one being sent. */
  private readonly queue: Job[] = [];
  /** Jobs fully handed to the stream, waiting for the write callback `doneAtSeq`. */
  private readonly inflight: Job[] = [];
  private queuedBytes = 0;
  private writeSeq = 0;
  private ackedSeq = 0;
  private pumping = false;
  private failure: Error | null = null;
  private watchId = 0;
  private waitKind: WaitKind | null = null;
  private waiter: { resolve: () => void; reject: (err: Error) => void } | null = null;

  constructor(stream: Duplex, mode: 'sendfile' | 'copy', addon: NativeAddon | null) {
    this.stream = stream;
    this.mode = mode;
    this.addon = addon;
    this.poolChunks = stream instanceof Socket;
    this.peer = describePeer(stream);
    stream.on('drain', this.onDrain);
    stream.on('close', this.onClose);
    // Kept for the stream's lifetime: destroy(err) below must never make 'error' uncaught.
    stream.on('error', this.onError);
  }

  get pendingBytes(): number {
    return this.failure ? 0 : this.queuedBytes + this.stream.writableLength;
  }

  write(parts: readonly OutboundPart[]): Promise<void> {
    if (this.failure) {
      for (const part of parts) if (isFileSlice(part)) part.file.release();
      return Promise.reject(this.failure);
    }
    let bytes = 0;
    for (const part of parts) bytes += part.length;
    this.queuedBytes += bytes;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ parts, next: 0, doneAtSeq: 0, resolve, reject });
      if (!this.pumping) void this.pump();
    });
  }

  destroy(err?: Error): void {
    if (this.failure) return;
    const reason = err ?? new SluiceError('CONNECTION_WRITER_DESTROYED', `connection writer for ${this.peer} destroyed`);
    this.failure = reason;
    if (this.watchId !== 0 && this.addon && this.addon.cancelWait(this.watchId)) this.stats.cancelledWaits++;
    this.watchId = 0;
    for (const job of this.queue) {
      for (let i = job.next; i < job.parts.length; i++) {
        const part = job.parts[i]!;
        if (isFileSlice(part)) part.file.release();
      }
      job.next = job.parts.length;
      job.reject(reason);
    }
    this.queue.length = 0;
    for (const job of this.inflight) job.reject(reason);
    this.inflight.length = 0;
    this.queuedBytes = 0;
    this.stream.off('drain', this.onDrain);
    this.stream.off('close', this.onClose);
    const waiter = this.waiter;
    this.waiter = null;
    this.waitKind = null;
    waiter?.reject(reason);
    if (!this.stream.destroyed) {
      if (err) this.stream.destroy(err);
      else this.stream.destroy();
    }
  }

  // ---- stream events (shared bound handlers: no closure per write) ----

  private readonly onDrain = (): void => {
    if (this.waitKind === 'drain') this.wake();
  };

  private readonly onClose = (): void => {
    this.destroy(new SluiceError('CONNECTION_CLOSED', `connection ${this.peer} closed with output pending`));
  };

  private readonly onError = (err: Error): void => {
    if (!this.failure) this.destroy(err);
  };

  private readonly onWriteDone = (err?: Error | null): void => {
    if (this.failure) return;
    if (err) {
      this.destroy(err);
      return;
    }
    this.ackedSeq++;
    while (this.inflight.length > 0 && this.inflight[0]!.doneAtSeq <= this.ackedSeq) this.inflight.shift()!.resolve();
    if (this.waitKind === 'acks' && this.ackedSeq === this.writeSeq) this.wake();
  };

  private readonly onWritable = (): void => {
    // A poll error (status < 0) needs no handling here: the next sendfile reports it.
    this.watchId = 0;
    if (this.waitKind === 'writable') this.wake();
  };

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    this.waitKind = null;
    waiter?.resolve();
  }

  private waitFor(kind: WaitKind, fd = -1): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.waitKind = kind;
      if (kind === 'writable') {
        this.stats.writableWaits++;
        this.watchId = this.addon!.waitWritable(fd, this.onWritable);
      }
    });
  }

  /** stream.write with the shared callback; returns the write's sequence number and stream.write's result. */
  private writeBuffer(buf: Buffer): boolean {
    this.writeSeq++;
    return this.stream.write(buf, this.onWriteDone);
  }

  /** Marks `job` complete once the most recent write calls back. */
  private completeAfterLastWrite(job: Job): void {
    this.queue.shift();
    if (this.ackedSeq === this.writeSeq) {
      job.resolve();
      return;
    }
    job.doneAtSeq = this.writeSeq;
    this.inflight.push(job);
  }

  // ---- the pump ----

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.failure) {
        const job = this.queue[0]!;
        await this.sendJob(job);
        if (this.failure) return;
        this.completeAfterLastWrite(job);
      }
    } catch (err) {
      this.destroy(err instanceof Error ? err : new SluiceError('CONNECTION_WRITE_FAILED', describeError(err)));
    } finally {
      this.pumping = false;
    }
  }

  private async sendJob(job: Job): Promise<void> {
    const parts = job.parts;
    let corked = false;
    while (job.next < parts.length) {
      const part = parts[job.next]!;
      job.next++;
      if (isFileSlice(part) && part.length > INLINE_SLICE_BYTES) {
        if (corked) {
          this.stream.uncork();
          corked = false;
        }
        // From here the pump owns `part`'s reference (job.next has moved past it).
        try {
          if (this.mode === 'sendfile') await this.sendfileSlice(part);
          else await this.copySlice(part);
        } finally {
          part.file.release();
        }
        if (this.failure) return;
        continue;
      }
      let buf: Buffer;
      if (isFileSlice(part)) {
        // A small slice; the pump owns its reference from here as well.
        try {
          buf = this.readInline(part);
        } finally {
          part.file.release();
        }
      } else buf = part;
      const following = parts[job.next];
      if (!corked && following !== undefined && (!isFileSlice(following) || following.length <= INLINE_SLICE_BYTES)) {
        this.stream.cork();
        corked = true;
      }
      this.queuedBytes -= buf.length;
      if (buf.length > 0) this.writeBuffer(buf);
    }
    if (corked) this.stream.uncork();
  }

  private shortSlice(slice: FileSlice, sent: number): SluiceError {
    const err = new SluiceError(
      'SHORT_FILE_SLICE',
      `segment ${slice.file.path} ended after ${sent} of ${slice.length} bytes at position ${slice.position} ` +
        `(truncated or deleted during a send to ${this.peer}); closing the connection`,
      { details: { path: slice.file.path, position: slice.position, length: slice.length, sent } },
    );
    log.warn({ path: slice.file.path, position: slice.position, length: slice.length, sent, peer: this.peer }, 'short file slice, closing connection');
    return err;
  }

  /** Reads a small slice whole with positional reads; a short read means the segment shrank. */
  private readInline(slice: FileSlice): Buffer {
    const out = Buffer.allocUnsafe(slice.length);
    let done = 0;
    while (done < slice.length) {
      let n: number;
      try {
        n = readSync(slice.file.fd, out, done, slice.length - done, slice.position + done);
      } catch (err) {
        throw new SluiceError('SLICE_READ_FAILED', `reading ${slice.file.path} at ${slice.position + done}: ${(err as Error).message}`, { cause: err });
      }
      if (n === 0) throw this.shortSlice(slice, done);
      done += n;
    }
    this.stats.inlineSlices++;
    return out;
  }

  private async sendfileSlice(slice: FileSlice): Promise<void> {
    const addon = this.addon!;
    // Nothing may still sit in Node's socket buffer, or sendfile would overtake it.
    if (this.ackedSeq !== this.writeSeq) await this.waitFor('acks');
    if (this.stream.writableLength !== 0) {
      throw new SluiceError('CONNECTION_FOREIGN_WRITE', `connection ${this.peer}: bytes queued in the socket that this writer did not write`);
    }
    const inFd = slice.file.fd;
    let position = slice.position;
    let remaining = slice.length;
    let burst = 0;
    while (remaining > 0) {
      const outFd = socketFd(this.stream);
      if (outFd < 0 || this.stream.destroyed) {
        throw new SluiceError('CONNECTION_CLOSED', `connection ${this.peer} closed during a send of ${slice.file.path}`);
      }
      this.stats.sendfileCalls++;
      const r = addon.sendfile(outFd, inFd, position, Math.min(remaining, SENDFILE_BURST_BYTES));
      if (r > 0) {
        position += r;
        remaining -= r;
        this.queuedBytes -= r;
        burst += r;
        if (burst >= SENDFILE_BURST_BYTES && remaining > 0) {
          // Fair to the other connections on a fast link: let the event loop turn.
          burst = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (this.failure) throw this.failure;
        }
        continue;
      }
      if (r === 0) throw this.shortSlice(slice, slice.length - remaining);
      if (r === -EAGAIN) {
        burst = 0;
        await this.waitFor('writable', outFd);
        continue;
      }
      throw new SluiceError(
        'SENDFILE_FAILED',
        `sendfile of ${slice.file.path} to ${this.peer} failed: ${getSystemErrorName(r)}`,
        { details: { errno: r, path: slice.file.path } },
      );
    }
  }

  private readChunk(fd: number, slice: FileSlice, position: number, length: number): Promise<ChunkRead> {
    const chunk = takeChunk(length, this.poolChunks);
    const want = Math.min(length, chunk.length);
    this.stats.copiedChunks++;
    return new Promise<ChunkRead>((resolve, reject) => {
      fsRead(fd, chunk, 0, want, position, (err, bytesRead) => {
        if (err) {
          giveChunk(chunk);
          reject(new SluiceError('SLICE_READ_FAILED', `reading ${slice.file.path} at ${position}: ${err.message}`, { cause: err }));
        } else {
          resolve({ chunk, bytesRead });
        }
      });
    });
  }

  private async copySlice(slice: FileSlice): Promise<void> {
    const fd = slice.file.fd;
    const end = slice.position + slice.length;
    let position = slice.position;
    let pending: Promise<ChunkRead> | null = slice.length > 0 ? this.readChunk(fd, slice, position, slice.length) : null;
    try {
      while (pending) {
        const current = pending;
        pending = null;
        const { chunk, bytesRead } = await current;
        if (this.failure) {
          giveChunk(chunk);
          throw this.failure;
        }
        if (bytesRead === 0) {
          giveChunk(chunk);
          throw this.shortSlice(slice, position - slice.position);
        }
        position += bytesRead;
        // Read ahead while the socket drains.
        if (position < end) pending = this.readChunk(fd, slice, position, end - position);
        this.queuedBytes -= bytesRead;
        const ok = this.writeChunk(chunk, bytesRead);
        if (!ok && pending) await this.waitFor('drain');
      }
    } finally {
      // Never let the caller release the fd under a read still running in the threadpool.
      if (pending) {
        const leftover = await pending.catch(() => null);
        if (leftover) giveChunk(leftover.chunk);
      }
    }
  }

  private writeChunk(chunk: Buffer, bytes: number): boolean {
    const data = bytes === chunk.length ? chunk : chunk.subarray(0, bytes);
    this.writeSeq++;
    if (!this.poolChunks) return this.stream.write(data, this.onWriteDone);
    return this.stream.write(data, (err?: Error | null) => {
      if (!err) giveChunk(chunk);
      this.onWriteDone(err);
    });
  }
}

/** Whether `stream` can take sendfile(2): a plain TCP socket with a live fd (never TLS). */
export function canSendfile(stream: Duplex): boolean {
  return stream instanceof Socket && !(stream instanceof TLSSocket) && socketFd(stream) >= 0;
}

/** Creates the single output queue of one connection (see the module header for the rules). */
export function createConnectionWriter(stream: Duplex, opts: ConnectionWriterOptions = {}): InstrumentedConnectionWriter {
  const addon = opts.forceCopy ? null : canSendfile(stream) ? loadNativeAddon() : null;
  return new Writer(stream, addon ? 'sendfile' : 'copy', addon);
}
