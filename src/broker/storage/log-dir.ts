/**
 * Per-log-directory state: the lock, meta.properties, the clean-shutdown marker.
 *
 * - Lock: `<dir>/.lock` holds the owner's pid. Taking it uses O_EXCL create; if the
 *   file exists and its pid is alive (kill(pid, 0)) and is not us, the dir is locked
 *   (LOG_DIR_LOCKED). A lock left by a SIGKILLed process names a dead pid and is
 *   taken over. Limitation: a recycled pid of an unrelated live process blocks the
 *   start until the stale file is removed by hand (the error says which pid).
 * - meta.properties, KRaft style: version=1, node.id, cluster.id, directory.id
 *   (directory.id and cluster ids are Kafka Uuids: 16 bytes, base64url, no padding).
 * - `.kafka_cleanshutdown`: written last on a clean stop, removed after loading.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SluiceError } from '../../errors.js';
import { parseProperties, toMap } from '../../config/properties.js';
import { writeFileAtomic } from './checkpoint-file.js';

export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';
export const LOCK_FILE = '.lock';
export const META_FILE = 'meta.properties';

/** Kafka's Uuid.toString: base64url of the 16 bytes, no padding. */
export function uuidToString(bytes: Buffer): string {
  return bytes.toString('base64url');
}

export function uuidFromString(s: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]{22}$/.test(s)) return null;
  const b = Buffer.from(s, 'base64url');
  return b.length === 16 ? b : null;
}

/** A random Kafka Uuid (never the reserved all-zero or METADATA_TOPIC id). */
export function randomUuid(): Buffer {
  for (;;) {
    const b = randomBytes(16);
    if (!b.every((x) => x === 0) && !(b.subarray(0, 15).every((x) => x === 0) && b[15] === 1)) return b;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const heldLocks = new Set<string>();

export interface DirLock {
  readonly path: string;
  release(): void;
}

export function lockLogDir(dir: string): DirLock {
  const path = join(dir, LOCK_FILE);
  if (heldLocks.has(path)) {
    throw new SluiceError('LOG_DIR_LOCKED', `log dir ${dir} is already in use by this process`, { details: { dir } });
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(path, 'wx');
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      heldLocks.add(path);
      return {
        path,
        release: () => {
          heldLocks.delete(path);
          try {
            if (fs.readFileSync(path, 'utf8').trim() === String(process.pid)) fs.unlinkSync(path);
          } catch { /* already gone */ }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new SluiceError('LOG_DIR_LOCKED', `cannot create lock file ${path}: ${(err as Error).message}`, { cause: err });
      }
    }
    let owner = NaN;
    try {
      owner = Number(fs.readFileSync(path, 'utf8').trim());
    } catch { /* vanished: retry */ }
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && pidAlive(owner)) {
      throw new SluiceError('LOG_DIR_LOCKED', `log dir ${dir} is locked by running process ${owner} (${path})`, { details: { dir, pid: owner } });
    }
    // Stale: the owner is gone (or it was this pid in an earlier life). Remove and retry.
    try { fs.unlinkSync(path); } catch { /* raced: retry */ }
  }
  throw new SluiceError('LOG_DIR_LOCKED', `could not take the lock ${path}`, { details: { dir } });
}

export interface MetaProperties {
  readonly nodeId: number;
  readonly clusterId: string;
  readonly directoryId: string;
}

/**
 * Reads or creates meta.properties. A node.id or cluster.id that disagrees with
 * the configured one is an error (INCONSISTENT_CLUSTER_ID / INCONSISTENT_NODE_ID).
 */
export function ensureMetaProperties(dir: string, nodeId: number, clusterId: string | undefined): MetaProperties {
  const path = join(dir, META_FILE);
  if (fs.existsSync(path)) {
    const map = toMap(parseProperties(fs.readFileSync(path, 'utf8'), path));
    const fileNode = Number(map.get('node.id')?.value ?? map.get('broker.id')?.value);
    const fileCluster = map.get('cluster.id')?.value;
    const dirId = map.get('directory.id')?.value;
    if (Number.isInteger(fileNode) && fileNode !== nodeId) {
      throw new SluiceError('INCONSISTENT_NODE_ID', `${path}: node.id=${fileNode} but the broker is configured with node.id=${nodeId}`);
    }
    if (fileCluster && clusterId && fileCluster !== clusterId) {
      throw new SluiceError('INCONSISTENT_CLUSTER_ID', `${path}: cluster.id=${fileCluster} but the broker is configured with cluster.id=${clusterId}`);
    }
    if (fileCluster && dirId && Number.isInteger(fileNode)) return { nodeId, clusterId: fileCluster, directoryId: dirId };
    return writeMeta(path, nodeId, fileCluster ?? clusterId ?? uuidToString(randomUuid()), dirId ?? uuidToString(randomUuid()));
  }
  return writeMeta(path, nodeId, clusterId ?? uuidToString(randomUuid()), uuidToString(randomUuid()));
}

function writeMeta(path: string, nodeId: number, clusterId: string, directoryId: string): MetaProperties {
  writeFileAtomic(path, `#\n#${new Date().toUTCString()}\nversion=1\nnode.id=${nodeId}\ncluster.id=${clusterId}\ndirectory.id=${directoryId}\n`);
  return { nodeId, clusterId, directoryId };
}

export function hasCleanShutdownMarker(dir: string): boolean {
  return fs.existsSync(join(dir, CLEAN_SHUTDOWN_FILE));
}

export function removeCleanShutdownMarker(dir: string): void {
  fs.rmSync(join(dir, CLEAN_SHUTDOWN_FILE), { force: true });
}

export function writeCleanShutdownMarker(dir: string): void {
  writeFileAtomic(join(dir, CLEAN_SHUTDOWN_FILE), '');
}
