/**
 * `logger` sink (org.apache.flume.sink.LoggerSink): logs every event at INFO as
 * Flume's EventHelper.dumpEvent does:
 *
 *   Event: { headers:{k=v, k2=v2} body: 48 65 6C 6C 6F 20 77 6F 72 6C 64 21             Hello world! }
 *
 * The body part is commons-io HexDump of the first `maxBytesToLog` (default 16) bytes
 * without its 8-digit offset: per 16-byte row, upper-case hex bytes each followed by a
 * space (missing bytes padded with 3 spaces), then the bytes as ASCII with non-printable
 * ones (outside 0x20–0x7E) as `.`; rows are separated by `\n` and the last newline is
 * dropped. An empty body prints as `body: ` (nothing). A non-numeric maxBytesToLog
 * falls back to 16 with a warning, as in Flume.
 * One event per transaction, as in Flume (it has no batchSize, so it fits a channel of
 * any transactionCapacity; the logger sink is a debugging aid, not a fast path). Logs
 * through pino: the `msg` field holds Flume's text. When INFO is disabled no dump is built.
 */
import type { ComponentContext, SinkFactory } from '../agent/component.js';
import { ChannelSink } from '../agent/channel-sink.js';
import type { EventBatch } from '../agent/event-batch.js';
import { javaMapString } from './serializers/event-serializer.js';

const HEX = '0123456789ABCDEF';

/** commons-io HexDump.dump of `data` with the leading offset removed and no final EOL. */
export function hexDump(data: Uint8Array): string {
  let out = '';
  for (let row = 0; row < data.length; row += 16) {
    const n = Math.min(16, data.length - row);
    let line = row === 0 ? '' : row.toString(16).toUpperCase().padStart(8, '0');
    line += ' ';
    for (let k = 0; k < 16; k++) {
      if (k < n) {
        const b = data[row + k]!;
        line += HEX[b >> 4]! + HEX[b & 15]!;
      } else line += '  ';
      line += ' ';
    }
    for (let k = 0; k < n; k++) {
      const b = data[row + k]!;
      line += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    out += row === 0 ? line : `\n${line}`;
  }
  return out;
}

/** Flume's EventHelper.dumpEvent(event, maxBytes). */
export function dumpEvent(headers: Readonly<Record<string, string>>, body: Buffer, maxBytes: number): string {
  const dump = body.length === 0 ? '' : hexDump(body.subarray(0, Math.min(body.length, maxBytes)));
  return `{ headers:${javaMapString(headers)} body:${dump} }`;
}

export class LoggerSink extends ChannelSink {
  readonly maxBytesToLog: number;

  constructor(ctx: ComponentContext) {
    super(ctx, { batchSize: 1 });
    const raw = ctx.props.getString('maxBytesToLog');
    let max = 16;
    if (raw !== undefined && raw !== '') {
      if (/^[+-]?\d+$/.test(raw.trim())) max = Number(raw.trim());
      else {
        const msg = `Unable to convert ${raw} to integer, using default value(16) for maxByteToDump`;
        if (ctx.configWarning) ctx.configWarning('maxBytesToLog', msg);
        else ctx.logger.warn(msg);
      }
    }
    this.maxBytesToLog = max;
  }

  protected override async deliver(batch: EventBatch): Promise<void> {
    if (!this.logger.isLevelEnabled('info')) return;
    for (let i = 0; i < batch.count; i++) {
      this.logger.info(`Event: ${dumpEvent(batch.headers(i), batch.body(i), this.maxBytesToLog)}`);
    }
  }
}

export const loggerSinkFactory: SinkFactory = {
  kind: 'sink',
  aliases: ['logger'],
  classNames: ['org.apache.flume.sink.LoggerSink'],
  create: (ctx) => new LoggerSink(ctx),
};
