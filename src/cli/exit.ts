/**
 * Shared exit-code policy for CLI commands: 2 for usage and configuration errors
 * (ConfigError, or any SluiceError whose code starts with CONFIG_ or USAGE_), 1 for
 * everything else. `reportFatal` prints one clear line to stderr (CLI output may use
 * the console; library code never does).
 */
import { ConfigError, SluiceError, describeError } from '../errors.js';

export function exitCodeFor(err: unknown): number {
  if (err instanceof ConfigError) return 2;
  if (err instanceof SluiceError && (err.code.startsWith('CONFIG_') || err.code.startsWith('USAGE_'))) return 2;
  return 1;
}

export function reportFatal(err: unknown): void {
  const code = err instanceof SluiceError ? ` [${err.code}]` : '';
  console.error(`sluice: ${describeError(err)}${code}`);
}

/** Raise for bad command-line usage (exit 2). */
export class UsageError extends SluiceError {
  constructor(message: string) {
    super('USAGE_ERROR', message);
  }
}
