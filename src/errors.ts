/**
 * Sluice's error base.
 *
 * Contract: every error Sluice raises on purpose is a `SluiceError` (or a
 * subclass) with a stable, machine-readable `code` (SCREAMING_SNAKE_CASE,
 * never renamed once released), a `retriable` flag that retry loops read, and
 * an optional `cause`. Messages name the file, line, key or request at fault.
 * Background loops catch and log these as structured pino events; they never
 * throw into the void.
 */

export interface SluiceErrorOptions {
  readonly retriable?: boolean;
  readonly cause?: unknown;
  /** Extra structured context for logs (file, line, key, topic, …). */
  readonly details?: Readonly<Record<string, unknown>>;
}

export class SluiceError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: string, message: string, options: SluiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.details = options.details;
  }
}

/** A configuration problem: bad key, bad value, missing required key. Exit code 2 territory. */
export class ConfigError extends SluiceError {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly key: string | undefined;

  constructor(
    code: string,
    message: string,
    location: { file?: string; line?: number; key?: string } = {},
    options: SluiceErrorOptions = {},
  ) {
    const where = formatLocation(location.file, location.line);
    super(code, where ? `${where}: ${message}` : message, options);
    this.file = location.file;
    this.line = location.line;
    this.key = location.key;
  }
}

/** `file:line` when both are known, `file` when only it is, else ''. */
export function formatLocation(file: string | undefined, line: number | undefined): string {
  if (file === undefined) return '';
  return line === undefined ? file : `${file}:${line}`;
}

/** Best-effort string for anything thrown. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
