/**
 * ComponentProps: typed, located access to one component's Flume context
 * (the keys after `<agent>.<kind>.<name>.`).
 *
 * - Every value keeps the file:line where it was set, so errors can point at it.
 * - Getters record which keys were read; after `build()`, the agent warns about the
 *   keys nobody read ("unknown key", with the nearest valid name).
 * - Values are trimmed, as Flume does. `sub(prefix)` returns the keys under `prefix.`
 *   with the prefix removed (e.g. `kafka.producer.` → producer settings).
 * Immutable after construction except for the read-tracking set.
 */
import { ConfigError } from '../errors.js';

export interface LocatedValue {
  readonly value: string;
  readonly file: string;
  readonly line: number;
}

export class ComponentProps {
  private readonly values: ReadonlyMap<string, LocatedValue>;
  private readonly used = new Set<string>();
  /** Human label for errors, e.g. `a1.sources.r1`. */
  readonly label: string;

  constructor(label: string, values: ReadonlyMap<string, LocatedValue>) {
    this.label = label;
    this.values = values;
  }

  static fromObject(label: string, obj: Record<string, string | number | boolean>): ComponentProps {
    const m = new Map<string, LocatedValue>();
    for (const [k, v] of Object.entries(obj)) m.set(k, { value: String(v), file: '<inline>', line: 0 });
    return new ComponentProps(label, m);
  }

  keys(): string[] {
    return [...this.values.keys()];
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  located(key: string): LocatedValue | undefined {
    return this.values.get(key);
  }

  /** Marks a key as understood without reading it (e.g. legacy aliases handled elsewhere). */
  markUsed(key: string): void {
    this.used.add(key);
  }

  unusedKeys(): string[] {
    return this.keys().filter((k) => !this.used.has(k));
  }

  /** Every key a getter asked for, present or not: the names this component understands. */
  readKeys(): string[] {
    return [...this.used];
  }

  getString(key: string): string | undefined;
  getString(key: string, fallback: string): string;
  getString(key: string, fallback?: string): string | undefined {
    this.used.add(key);
    const v = this.values.get(key);
    return v === undefined ? fallback : v.value;
  }

  /** First present key among `keys` (current name first, then legacy names). */
  getStringAny(keys: readonly string[], fallback?: string): string | undefined {
    for (const k of keys) this.used.add(k);
    for (const k of keys) {
      const v = this.values.get(k);
      if (v !== undefined) return v.value;
    }
    return fallback;
  }

  requireString(key: string): string {
    const v = this.getString(key);
    if (v === undefined || v === '') {
      throw new ConfigError('CONFIG_MISSING_KEY', `${this.label}: required property "${key}" is missing`, {}, { details: { key } });
    }
    return v;
  }

  getInt(key: string, fallback: number, opts: { min?: number; max?: number } = {}): number {
    this.used.add(key);
    const v = this.values.get(key);
    if (v === undefined) return fallback;
    const s = v.value.trim();
    if (!/^[+-]?\d+$/.test(s)) throw this.invalid(key, v, 'an integer');
    const n = Number(s);
    if (!Number.isSafeInteger(n)) throw this.invalid(key, v, 'an integer in range');
    if (opts.min !== undefined && n < opts.min) throw this.invalid(key, v, `an integer ≥ ${opts.min}`);
    if (opts.max !== undefined && n > opts.max) throw this.invalid(key, v, `an integer ≤ ${opts.max}`);
    return n;
  }

  getBoolean(key: string, fallback: boolean): boolean {
    this.used.add(key);
    const v = this.values.get(key);
    if (v === undefined) return fallback;
    // Flume uses Boolean.parseBoolean: "true" (any case) is true, everything else false.
    return v.value.trim().toLowerCase() === 'true';
  }

  /** Space-separated list (Flume splits on \s+). */
  getList(key: string): string[] {
    const v = this.getString(key);
    if (v === undefined) return [];
    return v.trim().split(/\s+/).filter((s) => s.length > 0);
  }

  /** Keys under `prefix.` with the prefix removed, as a new ComponentProps. */
  sub(prefix: string): ComponentProps {
    const p = prefix.endsWith('.') ? prefix : `${prefix}.`;
    const m = new Map<string, LocatedValue>();
    for (const [k, v] of this.values) {
      if (k.startsWith(p)) {
        m.set(k.slice(p.length), v);
        this.used.add(k);
      }
    }
    return new ComponentProps(`${this.label}.${p.slice(0, -1)}`, m);
  }

  /** A ConfigError for `key` naming file:line, the key and what was expected. */
  invalid(key: string, v: LocatedValue | undefined = this.values.get(key), expected = 'a valid value'): ConfigError {
    const shown = v === undefined ? '' : ` "${v.value}"`;
    return new ConfigError(
      'CONFIG_INVALID_VALUE',
      `${this.label}.${key}: invalid value${shown}, expected ${expected}`,
      v ? { file: v.file, line: v.line, key } : { key },
    );
  }
}
