/**
 * `sluice dump-log --files F.log[,…] [--print-data-log] [--deep-iteration] [--json]`
 * — in the spirit of Kafka's kafka-dump-log.sh (DumpLogSegments) for .log segment files.
 *
 * Output (text), per file:
 *   Dumping <file>
 *   Starting offset: <base offset from the 20-digit file name, else 0>
 *   baseOffset: … lastOffset: … count: … baseSequence: … lastSequence: … producerId: … producerEpoch: …
 *     partitionLeaderEpoch: … isTransactional: … isControl: … position: … CreateTime: … size: … magic: 2
 *     compresscodec: … crc: … isvalid: true|false                       (one line per batch)
 *   | offset: … CreateTime: … keySize: … valueSize: … sequence: … headerKeys: [..] [key: ..] [payload: ..]
 *                                         (per record with --deep-iteration; key/payload with --print-data-log)
 *   Found <n> invalid bytes at position <p>: <reason>                  (unreadable region; the file ends there)
 * With --json each batch is one JSON line (records nested when iterating deep).
 *
 * --deep-iteration checks every record, not only the batch CRC: the batch is decompressed
 * and every record decoded (framing, varints, sizes), the record count must equal the header's,
 * offset deltas must rise and stay within lastOffsetDelta. A failure prints
 * "| invalid records: <reason>" (JSON: "recordsError") and the batch counts as invalid; after
 * each file a summary "Checked R records in B batches: I invalid batches" (text mode, only with
 * --deep-iteration itself) says what was verified.
 * On a TTY stderr a progress line shows bytes read over all files (never on stdout).
 *
 * A batch whose header is sane but whose CRC fails is printed with `isvalid: false` and the walk
 * continues after it; a bad size or magic, or a truncated tail, ends the walk for that file.
 * The file is read in chunks (1 MiB, grown only to hold one batch), never whole.
 * Exit: 0 when every file was readable (corruption is reported, not fatal), 1 when a file could
 * not be read, 2 on bad usage (commander). Output goes through an injectable line writer.
 */
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { describeError } from '../errors.js';
import { codecName } from '../protocol/compression.js';
import { decodeRecordBatch, type DecodedRecord } from '../protocol/record-batch.js';
import { readRecordBatchHeader, type RecordBatchHeader } from '../protocol/record-batch-header.js';
import { BATCH, MAGIC_V2 } from '../protocol/record-batch-layout.js';
import { scanBatchHeaders } from '../protocol/record-batch-validate.js';
import { UsageError } from './exit.js';
import { startProgress, type Progress } from './output/progress.js';

export interface DumpLogOptions {
  readonly files: readonly string[];
  readonly printDataLog?: boolean;
  readonly deepIteration?: boolean;
  readonly json?: boolean;
  /** Chunk size for reading (tests use small ones to cross chunk boundaries). Default 1 MiB. */
  readonly chunkSize?: number;
}

export interface DumpLogIo {
  out(line: string): void;
  err(line: string): void;
}

const MAX_SANE_BATCH = 256 * 1024 * 1024;

function startingOffset(file: string): number {
  const m = /^(\d+)\.log$/.exec(basename(file));
  return m ? Number(m[1]) : 0;
}

function lastSequence(h: RecordBatchHeader): number {
  if (h.baseSequence < 0) return -1;
  return (h.baseSequence + h.lastOffsetDelta) % 2147483648;
}

function timeLabel(h: RecordBatchHeader): string {
  return h.logAppendTime ? 'LogAppendTime' : 'CreateTime';
}

function batchLine(h: RecordBatchHeader, valid: boolean): string {
  return (
    `baseOffset: ${h.baseOffset} lastOffset: ${h.lastOffset} count: ${h.recordsCount} ` +
    `baseSequence: ${h.baseSequence} lastSequence: ${lastSequence(h)} producerId: ${h.producerId} ` +
    `producerEpoch: ${h.producerEpoch} partitionLeaderEpoch: ${h.partitionLeaderEpoch} ` +
    `isTransactional: ${h.isTransactional} isControl: ${h.isControl} position: ${h.position} ` +
    `${timeLabel(h)}: ${h.maxTimestamp} size: ${h.size} magic: ${h.magic} ` +
    `compresscodec: ${codecName(h.codec)} crc: ${h.crc} isvalid: ${valid}`
  );
}

function recordSequence(h: RecordBatchHeader, r: DecodedRecord): number {
  return h.baseSequence < 0 ? -1 : (h.baseSequence + r.offsetDelta) % 2147483648;
}

function recordLine(h: RecordBatchHeader, r: DecodedRecord, printData: boolean): string {
  let s =
    `| offset: ${r.offset} ${timeLabel(h)}: ${r.timestamp} keySize: ${r.key ? r.key.length : -1} ` +
    `valueSize: ${r.value ? r.value.length : -1} sequence: ${recordSequence(h, r)} ` +
    `headerKeys: [${r.headers.map((x) => x.key).join(',')}]`;
  if (printData) {
    if (r.key) s += ` key: ${r.key.toString('utf8')}`;
    if (r.value) s += ` payload: ${r.value.toString('utf8')}`;
  }
  return s;
}

function recordJson(h: RecordBatchHeader, r: DecodedRecord, printData: boolean): Record<string, unknown> {
  const o: Record<string, unknown> = {
    offset: r.offset,
    timestamp: r.timestamp,
    keySize: r.key ? r.key.length : -1,
    valueSize: r.value ? r.value.length : -1,
    sequence: recordSequence(h, r),
    headerKeys: r.headers.map((x) => x.key),
  };
  if (printData) {
    o['key'] = r.key ? r.key.toString('utf8') : null;
    o['payload'] = r.value ? r.value.toString('utf8') : null;
    o['headers'] = Object.fromEntries(r.headers.map((x) => [x.key, x.value ? x.value.toString('utf8') : null]));
  }
  return o;
}

interface FileStats {
  batches: number;
  records: number;
  invalid: number;
}

/** Record-level consistency of a decoded batch; null when sound. */
function checkRecords(h: RecordBatchHeader, records: readonly DecodedRecord[]): string | null {
  if (records.length !== h.recordsCount) return `header says ${h.recordsCount} records, ${records.length} decoded`;
  let prev = -1;
  for (const r of records) {
    if (r.offsetDelta <= prev) return `offset delta ${r.offsetDelta} at offset ${r.offset} does not rise (previous ${prev})`;
    prev = r.offsetDelta;
  }
  if (prev > h.lastOffsetDelta) return `offset delta ${prev} beyond lastOffsetDelta ${h.lastOffsetDelta}`;
  return null;
}

/** Prints one batch (already known to be fully inside `buf` at `pos`). */
function emitBatch(io: DumpLogIo, opts: DumpLogOptions, buf: Buffer, pos: number, filePos: number, valid: boolean, stats: FileStats): void {
  const local = readRecordBatchHeader(buf, pos);
  const h: RecordBatchHeader = { ...local, position: filePos };
  const deep = Boolean(opts.deepIteration || opts.printDataLog);
  let records: DecodedRecord[] | null = null;
  let decodeError: string | null = null;
  if (deep) {
    try {
      records = decodeRecordBatch(buf, pos).records;
      decodeError = checkRecords(h, records);
    } catch (err) {
      decodeError = describeError(err);
    }
  }
  stats.batches++;
  stats.records += records?.length ?? 0;
  if (!valid || decodeError) stats.invalid++;
  const printData = Boolean(opts.printDataLog);
  if (opts.json) {
    const o: Record<string, unknown> = { ...h, lastSequence: lastSequence(h), compresscodec: codecName(h.codec), isvalid: valid };
    if (records) o['records'] = records.map((r) => recordJson(h, r, printData));
    if (decodeError) o['recordsError'] = decodeError;
    io.out(JSON.stringify(o));
    return;
  }
  io.out(batchLine(h, valid));
  if (records) for (const r of records) io.out(recordLine(h, r, printData));
  if (decodeError) io.out(`| invalid records: ${decodeError}`);
}

/** Dumps one file; returns false when it could not be read at all. */
async function dumpFile(io: DumpLogIo, opts: DumpLogOptions, file: string, progress: Progress): Promise<boolean> {
  const stats: FileStats = { batches: 0, records: 0, invalid: 0 };
  const ok = await walkFile(io, opts, file, progress, stats);
  if (ok && opts.deepIteration && !opts.json) io.out(`Checked ${stats.records} records in ${stats.batches} batches: ${stats.invalid} invalid batches`);
  return ok;
}

async function walkFile(io: DumpLogIo, opts: DumpLogOptions, file: string, progress: Progress, stats: FileStats): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    io.err(`sluice dump-log: cannot open ${file}: ${describeError(err)}`);
    return false;
  }
  try {
    const fileSize = (await handle.stat()).size;
    io.out(`Dumping ${file}`);
    io.out(`Starting offset: ${startingOffset(file)}`);
    let buf = Buffer.allocUnsafe(Math.max(BATCH.HEADER_SIZE, opts.chunkSize ?? 1024 * 1024));
    let filled = 0; // bytes valid in buf
    let bufFilePos = 0; // file position of buf[0]
    let eof = false;
    for (;;) {
      if (!eof && filled < buf.length) {
        const { bytesRead } = await handle.read(buf, filled, buf.length - filled, bufFilePos + filled);
        if (bytesRead === 0) eof = true;
        progress.tick(bytesRead);
        filled += bytesRead;
      }
      const scan = scanBatchHeaders(buf, 0, filled, { maxBatchSize: MAX_SANE_BATCH });
      for (const b of scan.batches) emitBatch(io, opts, buf, b.position, bufFilePos + b.position, true, stats);
      let consumed = scan.validEnd;
      if (scan.stop === 'corrupt') {
        const p = scan.validEnd;
        const size = buf.readInt32BE(p + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
        const saneHeader = filled - p >= BATCH.HEADER_SIZE && buf.readInt8(p + BATCH.MAGIC) === MAGIC_V2 && size >= BATCH.HEADER_SIZE && size <= MAX_SANE_BATCH;
        if (saneHeader && p + size <= filled) {
          // CRC mismatch on an otherwise well-framed batch: show it as invalid and go on.
          emitBatch(io, opts, buf, p, bufFilePos + p, false, stats);
          consumed = p + size;
        } else {
          const at = bufFilePos + p;
          io.out(`Found ${fileSize - at} invalid bytes at position ${at}: ${scan.reason ?? 'corrupt batch'}`);
          return true;
        }
      } else if (scan.stop === 'partial' && eof && filled - consumed === 0) {
        return true;
      } else if (scan.stop === 'partial' && (eof || bufFilePos + consumed + (scan.partialSize ?? 0) > fileSize)) {
        const at = bufFilePos + consumed;
        io.out(`Found ${fileSize - at} invalid bytes at position ${at}: truncated batch at the end of the file`);
        return true;
      } else if (scan.stop === 'end' && eof) {
        return true;
      }
      // Slide the unconsumed tail to the front; grow if one batch needs more room.
      const rest = filled - consumed;
      const need = scan.stop === 'partial' ? scan.partialSize ?? 0 : 0;
      if (need > buf.length) {
        const bigger = Buffer.allocUnsafe(need);
        buf.copy(bigger, 0, consumed, filled);
        buf = bigger;
      } else if (consumed > 0) {
        buf.copy(buf, 0, consumed, filled);
      }
      bufFilePos += consumed;
      filled = rest;
    }
  } catch (err) {
    io.err(`sluice dump-log: error reading ${file}: ${describeError(err)}`);
    return false;
  } finally {
    await handle.close();
  }
}

/** Runs dump-log over `opts.files`; returns the exit code (0 ok, 1 some file unreadable). */
export async function dumpLog(opts: DumpLogOptions, io: DumpLogIo, progressStream?: ProgressStream): Promise<number> {
  if (opts.files.length === 0) throw new UsageError('dump-log: --files needs at least one file');
  let total = 0;
  for (const f of opts.files) total += await stat(f).then((s) => s.size, () => 0);
  const progress = startProgress('dump-log', total, { unit: 'bytes', ...(progressStream ? { stream: progressStream } : {}) });
  let ok = true;
  try {
    for (const f of opts.files) ok = (await dumpFile(io, opts, f, progress)) && ok;
  } finally {
    progress.done();
  }
  return ok ? 0 : 1;
}

type ProgressStream = NonNullable<Parameters<typeof startProgress>[2]>['stream'];

export function register(program: Command): void {
  program
    .command('dump-log')
    .description('print the record batches of Kafka .log segment files (like kafka-dump-log.sh)')
    .requiredOption('--files <files>', 'comma-separated list of .log files')
    .option('--print-data-log', 'print each record with its key and payload (implies --deep-iteration)')
    .option('--deep-iteration', 'print each record (offsets, sizes, header keys)')
    .option('--json', 'one JSON object per batch')
    .action(async (o: { files: string; printDataLog?: boolean; deepIteration?: boolean; json?: boolean }) => {
      const files = o.files.split(',').map((f) => f.trim()).filter((f) => f.length > 0);
      const lines: string[] = [];
      const flush = (): void => {
        if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n');
        lines.length = 0;
      };
      const io: DumpLogIo = {
        out(line) {
          lines.push(line);
          if (lines.length >= 1024) flush();
        },
        err(line) {
          flush();
          console.error(line);
        },
      };
      const code = await dumpLog(
        { files, printDataLog: Boolean(o.printDataLog), deepIteration: Boolean(o.deepIteration), json: Boolean(o.json) },
        io,
      );
      flush();
      process.exitCode = code;
    });
}
