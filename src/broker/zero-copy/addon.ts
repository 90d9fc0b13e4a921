/**
 * Loader for the optional native addon (native/sendfile.c →
 * build/Release/sluice_native.node, built by `npm install` via scripts/build-native.mjs).
 *
 * Contract:
 * - `loadNativeAddon()` returns the addon, or null when it is absent, fails to load,
 *   runs on a platform without sendfile(2) to sockets (non-Linux), or is disabled with
 *   SLUICE_DISABLE_NATIVE=1. The first null result logs one line ("native sendfile
 *   addon not available, using read+write fallback"); later calls are silent.
 * - The result is computed once per process and cached; nothing mutates it after.
 * - The path is resolved from this module's location: src/broker/zero-copy (tests) and
 *   dist/broker/zero-copy (built) are both three levels below the package root.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { componentLogger } from '../../logger.js';
import { describeError } from '../../errors.js';

/** The functions exported by native/sendfile.c. */
export interface NativeAddon {
  /**
   * sendfile(2) into a non-blocking socket: bytes sent (> 0); 0 when the file ended
   * before any byte; -EAGAIN when the socket is full; -errno on other failures.
   */
  sendfile(outFd: number, inFd: number, offset: number, count: number): number;
  /** Calls `callback(status)` once when `fd` is writable (libuv poll on a dup). Returns an id for `cancelWait`. */
  waitWritable(fd: number, callback: (status: number) => void): number;
  /** Stops a pending wait without calling back; true if it was pending. */
  cancelWait(id: number): boolean;
}

export const ADDON_RELATIVE_PATH = 'build/Release/sluice_native.node';

let cached: NativeAddon | null | undefined;

/** Absolute path where the built addon is expected. */
export function addonPath(): string {
  return fileURLToPath(new URL(`../../../${ADDON_RELATIVE_PATH}`, import.meta.url));
}

function isNativeAddon(value: unknown): value is NativeAddon {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['sendfile'] === 'function' && typeof v['waitWritable'] === 'function' && typeof v['cancelWait'] === 'function';
}

function tryLoad(): { addon: NativeAddon | null; reason: string } {
  if (process.env['SLUICE_DISABLE_NATIVE'] === '1') return { addon: null, reason: 'disabled by SLUICE_DISABLE_NATIVE=1' };
  if (process.platform !== 'linux') return { addon: null, reason: `sendfile to sockets is Linux-only (platform ${process.platform})` };
  const path = addonPath();
  if (!existsSync(path)) return { addon: null, reason: `${path} not built` };
  try {
    const loaded: unknown = createRequire(import.meta.url)(path);
    if (!isNativeAddon(loaded)) return { addon: null, reason: `${path} lacks sendfile/waitWritable/cancelWait` };
    return { addon: loaded, reason: '' };
  } catch (err) {
    return { addon: null, reason: `${path}: ${describeError(err)}` };
  }
}

/** The native addon, or null (logged once) when the read+write fallback must be used. */
export function loadNativeAddon(): NativeAddon | null {
  if (cached !== undefined) return cached;
  const { addon, reason } = tryLoad();
  cached = addon;
  if (addon === null) {
    componentLogger('broker.zero-copy').warn({ reason }, 'native sendfile addon not available, using read+write fallback');
  }
  return cached;
}
