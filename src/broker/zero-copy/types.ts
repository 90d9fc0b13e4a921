/**
 * Contract of the per-connection output path (ARCHITECTURE.md §3, "Zero copy").
 *
 * A response is a sequence of parts: Buffers and FileSlices, in wire order. The
 * ConnectionWriter owns the connection's single output queue: parts of one response
 * go out contiguously and responses go out in the order `write` was called.
 * - On a net.Socket with an fd and the native addon loaded (and never on TLS), a
 *   FileSlice goes file → socket with sendfile(2), after Node's own socket buffer has
 *   drained (writableLength === 0). After EAGAIN it waits with a libuv poll watcher.
 *   Slices of at most 64 KiB (INLINE_SLICE_BYTES) are read and sent in the same writev
 *   as the response's buffers instead: for small fetches that is fewer syscalls and
 *   less latency than write + drain + sendfile (measured in bench/broker-latency).
 * - Otherwise the slice is read (fs.read, large chunks) and written.
 * - Each FileSlice's file reference is released exactly once, when its bytes are sent
 *   or the connection fails. If fewer bytes than `length` can be read (segment gone),
 *   the length prefix already on the wire is wrong, so the connection is destroyed.
 */
import type { FileSlice } from '../storage/types.js';

export type OutboundPart = Buffer | FileSlice;

export interface ConnectionWriter {
  /** Queues one response's parts; resolves when they are all handed to the kernel. Rejects if the connection failed. */
  write(parts: readonly OutboundPart[]): Promise<void>;
  /** Bytes queued and not yet sent (for the per-connection cap on buffered output). */
  readonly pendingBytes: number;
  /** Which path this writer uses: 'sendfile' or 'copy'. */
  readonly mode: 'sendfile' | 'copy';
  /** Releases queued slices and stops; idempotent. */
  destroy(err?: Error): void;
}
