/**
 * Event serializers for file-writing sinks (Flume's `sink.serializer`), batch-at-a-time:
 * `serialize(batch)` returns the bytes for the whole batch as a list of Buffers, ready
 * for one writev. Serializers are stateless and reentrant.
 *
 * - `text` (BodyTextEventSerializer): body, then `\n` when `appendNewline` (default
 *   true). Output: one Buffer per batch (bodies copied once, newlines interleaved).
 * - `header_and_text` (HeaderAndBodyTextEventSerializer): `{k=v, k2=v2} ` + body (+ `\n`).
 *   Headers print in insertion order (Java's HashMap order is unspecified).
 * Aliases match case-insensitively (Flume upper-cases them); the `$Builder` FQCNs are
 * accepted too. `avro_event` and other classes are a ConfigError naming the key.
 */
import type { ComponentProps } from '../../agent/component-props.js';
import type { EventBatch, Headers } from '../../agent/event-batch.js';

export interface EventSerializer {
  serialize(batch: EventBatch): Buffer[];
}

export class BodyTextSerializer implements EventSerializer {
  constructor(readonly appendNewline: boolean) {}

  serialize(batch: EventBatch): Buffer[] {
    const n = batch.count;
    if (n === 0) return [];
    const nl = this.appendNewline ? 1 : 0;
    const out = Buffer.allocUnsafe(batch.byteLength + nl * n);
    const { data, starts, ends } = batch;
    let pos = 0;
    for (let i = 0; i < n; i++) {
      pos += data.copy(out, pos, starts[i]!, ends[i]!);
      if (nl) out[pos++] = 0x0a;
    }
    return [out];
  }
}

/** Java's AbstractMap.toString: `{k=v, k2=v2}`. */
export function javaMapString(h: Readonly<Headers>): string {
  let s = '{';
  let first = true;
  for (const k of Object.keys(h)) {
    s += `${first ? '' : ', '}${k}=${h[k]}`;
    first = false;
  }
  return `${s}}`;
}

export class HeaderAndBodyTextSerializer implements EventSerializer {
  constructor(readonly appendNewline: boolean) {}

  serialize(batch: EventBatch): Buffer[] {
    const out: Buffer[] = [];
    const nl = Buffer.from('\n');
    for (let i = 0; i < batch.count; i++) {
      out.push(Buffer.from(`${javaMapString(batch.headers(i))} `), batch.body(i));
      if (this.appendNewline) out.push(nl);
    }
    return out;
  }
}

const TEXT = ['text', 'org.apache.flume.serialization.BodyTextEventSerializer$Builder'];
const HEADER_AND_TEXT = ['header_and_text', 'org.apache.flume.serialization.HeaderAndBodyTextEventSerializer$Builder'];

/**
 * Builds the serializer named by `props[key]` (default TEXT) with its context
 * `props.sub(key)` (e.g. `sink.serializer.appendNewline`).
 */
export function createSerializer(props: ComponentProps, key: string): EventSerializer {
  const type = props.getString(key, 'TEXT');
  const ctx = props.sub(key);
  const appendNewline = ctx.getBoolean('appendNewline', true);
  const lower = type.toLowerCase();
  if (lower === TEXT[0] || type === TEXT[1]) return new BodyTextSerializer(appendNewline);
  if (lower === HEADER_AND_TEXT[0] || type === HEADER_AND_TEXT[1]) return new HeaderAndBodyTextSerializer(appendNewline);
  throw props.invalid(key, undefined, 'TEXT or HEADER_AND_TEXT (avro_event and custom serializers are not supported by Sluice)');
}
