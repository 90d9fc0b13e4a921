/**
 * Kafka's offset checkpoint files (recovery-point-offset-checkpoint,
 * log-start-offset-checkpoint), text format:
 *   0\n<count>\n<topic> <partition> <offset>\n…
 * Written atomically: tmp file, fsync, rename, fsync of the directory.
 * A missing file reads as empty; a malformed one is logged and read as empty
 * (the caller then recovers from offset 0, which is always safe).
 */
import * as fs from 'node:fs';
import { dirname } from 'node:path';
import { componentLogger } from '../../logger.js';

const log = componentLogger('broker.storage');

export type CheckpointMap = Map<string, number>;

export function checkpointKey(topic: string, partition: number): string {
  return `${topic} ${partition}`;
}

export function readCheckpoint(path: string): CheckpointMap {
  const map: CheckpointMap = new Map();
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch {
    return map;
  }
  const lines = text.split('\n');
  if (lines[0] !== '0' || !/^\d+$/.test(lines[1] ?? '')) {
    log.warn({ path }, 'malformed checkpoint header; ignoring the file');
    return map;
  }
  const count = Number(lines[1]);
  for (let i = 0; i < count; i++) {
    const m = /^(\S+) (\d+) (-?\d+)$/.exec(lines[2 + i] ?? '');
    if (!m) {
      log.warn({ path, line: i + 3 }, 'malformed checkpoint entry; ignoring the file');
      return new Map();
    }
    map.set(checkpointKey(m[1]!, Number(m[2])), Number(m[3]));
  }
  return map;
}

export function writeCheckpoint(path: string, entries: ReadonlyArray<readonly [string, number, number]>): void {
  let text = `0\n${entries.length}\n`;
  for (const [topic, partition, offset] of entries) text += `${topic} ${partition} ${offset}\n`;
  writeFileAtomic(path, text);
}

/** tmp + fsync + rename + fsync(dir). */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path);
  syncDir(dirname(path));
}

export function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
  } catch (err) {
    log.debug({ dir, err }, 'directory fsync not supported');
  }
}
