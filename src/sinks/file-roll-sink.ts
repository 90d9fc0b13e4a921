/**
 * `file_roll` sink (org.apache.flume.sink.RollingFileSink): appends events to files in
 * `sink.directory`, starting a new file every `sink.rollInterval` seconds.
 *
 * Properties (Flume's code): `sink.directory` (required), `sink.rollInterval` 30 (s;
 * 0 = never roll), `sink.batchSize` 100, `sink.serializer` TEXT (see
 * serializers/event-serializer.ts; `sink.serializer.appendNewline` true),
 * `sink.pathManager` DEFAULT | ROLLTIME with `sink.pathManager.prefix` and
 * `sink.pathManager.extension`.
 *
 * File names, as Flume's path managers:
 * - DEFAULT: `<prefix><seriesMillis>-<n>[.<extension>]`, where seriesMillis is the
 *   time the sink was configured and n counts from 1;
 * - ROLLTIME: `<prefix><yyyyMMddHHmmss local>-<n>[.<extension>]`, n restarting at 1
 *   each new second-stamp.
 * Rolling follows Flume: a timer marks "roll due" every interval; the next process()
 * closes the current file and opens the next one before taking events, so an idle
 * sink still starts a new (empty) file per interval, as Flume does. The first file is
 * opened by the first process(). Unlike Flume, a missing directory is created.
 *
 * Writes and durability: each batch is serialized into Buffers and written with one
 * writev at the file's end, then the take is committed (at least once: a crash between
 * write and commit repeats the batch). Like Flume (which only flushes its stream), no
 * fsync per batch: data is in the OS page cache when the transaction commits. A file is
 * fsynced when it is closed (roll or stop), so rolled files are durable.
 * Single writer: process() calls never overlap (ChannelSink contract).
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComponentContext, SinkFactory, SinkStatus } from '../agent/component.js';
import { ChannelSink } from '../agent/channel-sink.js';
import type { EventBatch } from '../agent/event-batch.js';
import { SluiceError, describeError } from '../errors.js';
import { createSerializer, type EventSerializer } from './serializers/event-serializer.js';

export type PathManagerKind = 'DEFAULT' | 'ROLLTIME';

/** Flume's DefaultPathManager / RollTimePathManager naming. */
export class PathManager {
  private index = 0;
  private lastStamp = '';
  readonly seriesTimestamp: number;

  constructor(
    readonly kind: PathManagerKind,
    readonly prefix: string,
    readonly extension: string,
    private readonly now: () => number = Date.now,
  ) {
    this.seriesTimestamp = now();
  }

  nextFileName(): string {
    let stem: string;
    if (this.kind === 'ROLLTIME') {
      const stamp = rollTimeStamp(new Date(this.now()));
      if (stamp !== this.lastStamp) {
        this.index = 0;
        this.lastStamp = stamp;
      }
      stem = stamp;
    } else {
      stem = String(this.seriesTimestamp);
    }
    const n = ++this.index;
    return `${this.prefix}${stem}-${n}${this.extension.length > 0 ? `.${this.extension}` : ''}`;
  }
}

function rollTimeStamp(d: Date): string {
  const p = (x: number, w = 2) => String(x).padStart(w, '0');
  return `${p(d.getFullYear(), 4)}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export interface FileRollSinkOptions {
  /** Overrides sink.rollInterval in milliseconds (tests). */
  readonly rollIntervalMs?: number;
  readonly now?: () => number;
}

export class FileRollSink extends ChannelSink {
  readonly directory: string;
  /** Roll interval in ms; 0 = never. */
  readonly rollIntervalMs: number;
  readonly pathManager: PathManager;
  private readonly serializer: EventSerializer;
  private file: FileHandle | undefined;
  private filePath: string | undefined;
  private rollDue = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(ctx: ComponentContext, options: FileRollSinkOptions = {}) {
    const p = ctx.props;
    super(ctx, { batchSize: p.getInt('sink.batchSize', 100, { min: 1 }) });
    this.directory = p.requireString('sink.directory');
    const rollSeconds = p.getInt('sink.rollInterval', 30, { min: 0 });
    this.rollIntervalMs = options.rollIntervalMs ?? rollSeconds * 1000;
    this.serializer = createSerializer(p, 'sink.serializer');
    const pmType = p.getString('sink.pathManager', 'DEFAULT').toUpperCase();
    if (pmType !== 'DEFAULT' && pmType !== 'ROLLTIME') throw p.invalid('sink.pathManager', undefined, 'DEFAULT or ROLLTIME');
    const pm = p.sub('sink.pathManager');
    this.pathManager = new PathManager(pmType, pm.getString('prefix', ''), pm.getString('extension', ''), options.now);
  }

  /** The file being written, if any. */
  get currentFile(): string | undefined {
    return this.filePath;
  }

  protected override async onStart(): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    if (this.rollIntervalMs > 0) {
      this.timer = setInterval(() => {
        this.rollDue = true;
      }, this.rollIntervalMs);
      this.timer.unref();
    } else {
      this.logger.info('RollInterval is not valid, file rolling will not happen.');
    }
  }

  protected override async onStop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.closeFile();
  }

  override async process(): Promise<SinkStatus> {
    if (this.rollDue && this.file) {
      this.rollDue = false;
      await this.closeFile();
    }
    if (!this.file) await this.openNext();
    return super.process();
  }

  protected override async deliver(batch: EventBatch): Promise<void> {
    const file = this.file;
    if (!file) throw new SluiceError('FILE_ROLL_NOT_OPEN', `file_roll sink ${this.name}: no open file`);
    const bufs = this.serializer.serialize(batch);
    if (bufs.length === 0) return;
    let total = 0;
    for (const b of bufs) total += b.length;
    const { bytesWritten } = await file.writev(bufs);
    if (bytesWritten !== total) {
      throw new SluiceError('FILE_ROLL_SHORT_WRITE', `file_roll sink ${this.name}: short write to ${this.filePath} (${bytesWritten} of ${total} bytes)`);
    }
  }

  private async openNext(): Promise<void> {
    const path = join(this.directory, this.pathManager.nextFileName());
    try {
      this.file = await open(path, 'a');
      this.filePath = path;
      this.counters.increment('ConnectionCreatedCount');
    } catch (err) {
      this.counters.increment('ConnectionFailedCount');
      throw new SluiceError('FILE_ROLL_OPEN_FAILED', `file_roll sink ${this.name}: failed to open file ${path} while delivering event: ${describeError(err)}`, {
        retriable: true,
        cause: err,
      });
    }
  }

  private async closeFile(): Promise<void> {
    const f = this.file;
    if (!f) return;
    this.file = undefined;
    try {
      await f.sync();
      await f.close();
      this.counters.increment('ConnectionClosedCount');
    } catch (err) {
      this.counters.increment('ConnectionFailedCount');
      this.logger.error({ err: describeError(err), file: this.filePath }, 'Unable to close output file');
    }
  }
}

export const fileRollSinkFactory: SinkFactory = {
  kind: 'sink',
  aliases: ['file_roll'],
  classNames: ['org.apache.flume.sink.RollingFileSink'],
  create: (ctx) => new FileRollSink(ctx),
};
