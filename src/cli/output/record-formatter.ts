/**
 * How console-consumer prints one record: Kafka's DefaultMessageFormatter (text) or one
 * JSON object per record (`--formatter json`). Configured once from the `--property` map
 * (the work is done at configure time; `format` only concatenates).
 *
 * Text (DefaultMessageFormatter field order): [CreateTime:ts] [Partition:p] [Offset:o]
 * [headers k:v,k:v | NO_HEADERS] [key] [value], joined by key.separator (default TAB).
 * Properties: print.timestamp, print.partition, print.offset, print.headers, print.key,
 * print.value (default true), key.separator, headers.separator (default ','),
 * headers.key.separator (default ':'), null.literal (default 'null').
 * JSON: {"topic","partition","offset","timestamp","timestampType","key","value","headers":[{"key","value"}]}
 * with keys/values as UTF-8 strings or null (header order and duplicates kept).
 */
import type { DecodedRecord } from '../../protocol/record-batch.js';
import { UsageError } from '../exit.js';

export type RecordFormatter = (topic: string, partition: number, r: DecodedRecord) => string;

const FORMATTERS: Record<string, 'default' | 'json'> = {
  default: 'default',
  'kafka.tools.DefaultMessageFormatter': 'default',
  'org.apache.kafka.tools.consumer.DefaultMessageFormatter': 'default',
  json: 'json',
};

const KNOWN_PROPS = new Set(['print.timestamp', 'print.partition', 'print.offset', 'print.headers', 'print.key', 'print.value', 'key.separator', 'line.separator', 'headers.separator', 'headers.key.separator', 'null.literal']);

function flag(props: Readonly<Record<string, string>>, key: string, dflt: boolean): boolean {
  const v = props[key];
  if (v === undefined) return dflt;
  if (v !== 'true' && v !== 'false') throw new UsageError(`--property ${key} must be true or false, got '${v}'`);
  return v === 'true';
}

export function createRecordFormatter(name: string | undefined, props: Readonly<Record<string, string>>): RecordFormatter {
  const kind = FORMATTERS[name ?? 'default'];
  if (!kind) throw new UsageError(`--formatter '${name}' is not known (use default or json)`);
  for (const k of Object.keys(props)) if (!KNOWN_PROPS.has(k)) throw new UsageError(`--property '${k}' is not a console-consumer property (known: ${[...KNOWN_PROPS].join(', ')})`);
  if (kind === 'json') {
    const str = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'));
    return (topic, partition, r) => JSON.stringify({
      topic, partition, offset: r.offset, timestamp: r.timestamp, timestampType: 'CreateTime',
      key: str(r.key), value: str(r.value), headers: r.headers.map((h) => ({ key: h.key, value: str(h.value) })),
    });
  }
  const sep = props['key.separator'] ?? '\t';
  const hSep = props['headers.separator'] ?? ',';
  const hKeySep = props['headers.key.separator'] ?? ':';
  const nullLit = props['null.literal'] ?? 'null';
  const show = {
    timestamp: flag(props, 'print.timestamp', false), partition: flag(props, 'print.partition', false),
    offset: flag(props, 'print.offset', false), headers: flag(props, 'print.headers', false),
    key: flag(props, 'print.key', false), value: flag(props, 'print.value', true),
  };
  const text = (b: Buffer | null): string => (b === null ? nullLit : b.toString('utf8'));
  return (_topic, partition, r) => {
    const fields: string[] = [];
    if (show.timestamp) fields.push(`CreateTime:${r.timestamp}`);
    if (show.partition) fields.push(`Partition:${partition}`);
    if (show.offset) fields.push(`Offset:${r.offset}`);
    if (show.headers) fields.push(r.headers.length === 0 ? 'NO_HEADERS' : r.headers.map((h) => `${h.key}${hKeySep}${text(h.value)}`).join(hSep));
    if (show.key) fields.push(text(r.key));
    if (show.value) fields.push(text(r.value));
    return fields.join(sep);
  };
}
