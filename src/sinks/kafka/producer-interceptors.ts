/**
 * Producer interceptors, as the Kafka client defines them (ProducerInterceptor):
 * `configure(configs)`, `onSend(record)` (may return a transformed record; Sluice also
 * lets it return null to refuse the record → dead letter), `onAcknowledgement(metadata,
 * error)` and `close()`. Optional batch forms `onSendBatch(records)` and
 * `onAcknowledgementBatch(metadata[], error)` are preferred when present (one call per
 * take, off the per-event path).
 *
 * Loading: `kafka.producer.interceptor.classes` is a comma list of module paths (relative
 * to the working directory, absolute, file: URLs or package names). Each module's default
 * export is a class (constructed with no arguments) or a factory function returning an
 * interceptor. A module that fails to load is a ConfigError at start.
 *
 * Failure policy (Kafka's ProducerInterceptors): an interceptor that throws is logged and
 * skipped — the record passes on unchanged to the next one; never fatal. The chain runs
 * once per take, before partitioning; it is not consulted at all when empty.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../../logger.js';
import { ConfigError, describeError } from '../../errors.js';
import type { RecordHeader } from '../../protocol/record-batch.js';

export interface InterceptedRecord {
  topic: string;
  /** null: the sink chooses. */
  partition: number | null;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  timestamp: number;
}

export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  /** -1 when unknown (an error). */
  readonly offset: number;
  readonly timestamp: number;
}

export interface ProducerInterceptor {
  configure?(configs: Readonly<Record<string, string>>): void;
  onSend?(record: InterceptedRecord): InterceptedRecord | null;
  onSendBatch?(records: InterceptedRecord[]): (InterceptedRecord | null)[];
  onAcknowledgement?(metadata: RecordMetadata, error: Error | null): void;
  onAcknowledgementBatch?(metadata: readonly RecordMetadata[], error: Error | null): void;
  close?(): void;
}

type Ctor = new () => ProducerInterceptor;
type Factory = () => ProducerInterceptor;

function specifierOf(name: string): string {
  if (name.startsWith('file:')) return name;
  if (isAbsolute(name) || name.startsWith('.')) return pathToFileURL(resolve(name)).href;
  return name;
}

export async function loadInterceptors(names: readonly string[], configs: Readonly<Record<string, string>>, log: Logger): Promise<InterceptorChain> {
  const list: { name: string; ic: ProducerInterceptor }[] = [];
  for (const name of names) {
    let mod: { default?: unknown };
    try {
      mod = (await import(specifierOf(name))) as { default?: unknown };
    } catch (err) {
      throw new ConfigError('CONFIG_INVALID_VALUE', `kafka.producer.interceptor.classes: cannot load "${name}": ${describeError(err)}`, { key: 'kafka.producer.interceptor.classes' }, { cause: err });
    }
    const exp = mod.default;
    if (typeof exp !== 'function') {
      throw new ConfigError('CONFIG_INVALID_VALUE', `kafka.producer.interceptor.classes: "${name}" has no default export class or factory`, { key: 'kafka.producer.interceptor.classes' });
    }
    const isClass = /^class[\s{]/.test(Function.prototype.toString.call(exp));
    const ic = isClass ? new (exp as Ctor)() : (exp as Factory)();
    try {
      ic.configure?.(configs);
    } catch (err) {
      log.warn({ interceptor: name, err: describeError(err) }, 'producer interceptor configure() threw; continuing');
    }
    list.push({ name, ic });
  }
  return new InterceptorChain(list, log);
}

export class InterceptorChain {
  constructor(private readonly list: readonly { name: string; ic: ProducerInterceptor }[], private readonly log: Logger) {}

  get empty(): boolean {
    return this.list.length === 0;
  }

  /** Runs the chain over the records; null entries are refused records. */
  onSend(records: (InterceptedRecord | null)[]): (InterceptedRecord | null)[] {
    let cur = records;
    for (const { name, ic } of this.list) {
      if (ic.onSendBatch) {
        try {
          const live = cur.filter((r): r is InterceptedRecord => r !== null);
          const out = ic.onSendBatch(live);
          if (!Array.isArray(out) || out.length !== live.length) throw new Error(`onSendBatch returned ${Array.isArray(out) ? out.length : typeof out} entries for ${live.length} records`);
          let j = 0;
          cur = cur.map((r) => (r === null ? null : out[j++] ?? null));
        } catch (err) {
          this.log.warn({ interceptor: name, err: describeError(err) }, 'producer interceptor onSendBatch() threw; skipped for this batch');
        }
        continue;
      }
      if (!ic.onSend) continue;
      let failures = 0;
      let firstErr: unknown;
      cur = cur.map((r) => {
        if (r === null) return null;
        try {
          return ic.onSend!(r);
        } catch (err) {
          failures++;
          firstErr ??= err;
          return r;
        }
      });
      if (failures > 0) this.log.warn({ interceptor: name, records: failures, err: describeError(firstErr) }, 'producer interceptor onSend() threw; skipped for those records');
    }
    return cur;
  }

  onAcknowledgement(metadata: readonly RecordMetadata[], error: Error | null): void {
    for (const { name, ic } of this.list) {
      try {
        if (ic.onAcknowledgementBatch) ic.onAcknowledgementBatch(metadata, error);
        else if (ic.onAcknowledgement) for (const m of metadata) ic.onAcknowledgement(m, error);
      } catch (err) {
        this.log.warn({ interceptor: name, err: describeError(err) }, 'producer interceptor onAcknowledgement() threw; ignored');
      }
    }
  }

  close(): void {
    for (const { name, ic } of this.list) {
      try {
        ic.close?.();
      } catch (err) {
        this.log.warn({ interceptor: name, err: describeError(err) }, 'producer interceptor close() threw; ignored');
      }
    }
  }
}
