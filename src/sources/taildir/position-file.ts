/**
 * TAILDIR position file: Flume's JSON shape, read for migration and written back.
 *
 * Format (one JSON array, rewritten whole):
 *   [{"inode":2496001,"pos":1234,"file":"/var/log/app.log",
 *     "dev":2049,"fpLen":57,"fp":"9f86d081884c7d65","gen":0}]
 * `inode`, `pos`, `file` are Flume's fields. `dev`, `fpLen`, `fp`, `gen` are Sluice's
 * (see file-identity.ts); entries without them are Flume entries and match on
 * inode + path, as Flume does. Note: Flume 1.11's loader does not skip unknown
 * fields, so a file written by Sluice must be reduced to inode/pos/file
 * (`jq 'map({inode,pos,file})'`) before Flume itself can read it again.
 *
 * Writes are atomic: a temp file in the same directory, fsync, rename. A missing file
 * means "no positions". An empty, unparsable or ill-shaped file is reported through
 * the returned `problem` (the caller warns and starts fresh); it never throws.
 */
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface PositionEntry {
  readonly inode: number;
  readonly pos: number;
  readonly file: string;
  readonly dev?: number;
  readonly fpLen?: number;
  readonly fp?: string;
  readonly gen?: number;
}

export interface LoadedPositions {
  readonly entries: PositionEntry[];
  /** Why the file was ignored (corrupt, empty, wrong shape), or undefined. */
  readonly problem?: string;
}

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Validates one parsed entry; returns null when it is not usable. */
function toEntry(raw: unknown): PositionEntry | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (!isNonNegInt(r['inode']) || !isNonNegInt(r['pos']) || typeof r['file'] !== 'string') return null;
  const e: { -readonly [K in keyof PositionEntry]: PositionEntry[K] } = { inode: r['inode'], pos: r['pos'], file: r['file'] };
  if (isNonNegInt(r['dev'])) e.dev = r['dev'];
  if (isNonNegInt(r['fpLen']) && r['fpLen'] > 0 && typeof r['fp'] === 'string' && /^[0-9a-f]{16}$/.test(r['fp'])) {
    e.fpLen = r['fpLen'];
    e.fp = r['fp'];
  }
  if (isNonNegInt(r['gen'])) e.gen = r['gen'];
  return e;
}

export async function loadPositionFile(path: string): Promise<LoadedPositions> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [] };
    return { entries: [], problem: `cannot read ${path}: ${(err as Error).message}` };
  }
  if (text.trim() === '') return { entries: [], problem: `${path} is empty` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { entries: [], problem: `${path} is not valid JSON: ${(err as Error).message}` };
  }
  if (!Array.isArray(parsed)) return { entries: [], problem: `${path} is not a JSON array` };
  const entries: PositionEntry[] = [];
  let bad = 0;
  for (const raw of parsed) {
    const e = toEntry(raw);
    if (e) entries.push(e);
    else bad++;
  }
  return bad > 0 ? { entries, problem: `${path}: ${bad} entries without inode/pos/file were ignored` } : { entries };
}

let tmpCounter = 0;

export async function savePositionFile(path: string, entries: readonly PositionEntry[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${++tmpCounter}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(JSON.stringify(entries));
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
