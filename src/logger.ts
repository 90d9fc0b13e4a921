/**
 * Logging: one pino root logger for the process, one child logger per component.
 *
 * Contract:
 * - Everything Sluice logs goes through `componentLogger(name)`; nothing in src/
 *   writes to `console` except CLI output in src/cli.
 * - Logs go to stdout (fd 1) as JSON lines by default, never into a directory
 *   that the default configuration tails.
 * - `setLogLevel` may be called once at start-up (e.g. from
 *   `-Dflume.root.logger=DEBUG,console` or `SLUICE_LOG_LEVEL`); children follow it.
 * - Tests can silence logging with `SLUICE_LOG_LEVEL=silent`.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

const LEVELS: ReadonlySet<string> = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

function initialLevel(): LevelWithSilent {
  const fromEnv = process.env['SLUICE_LOG_LEVEL']?.toLowerCase();
  if (fromEnv && LEVELS.has(fromEnv)) return fromEnv as LevelWithSilent;
  return 'info';
}

let root: Logger = pino({
  level: initialLevel(),
  base: { pid: process.pid },
  timestamp: pino.stdTimeFunctions.isoTime,
});

const children = new Map<string, Logger>();

/** The child logger for one component, e.g. `componentLogger('broker.storage')`. */
export function componentLogger(component: string, bindings: Record<string, unknown> = {}): Logger {
  if (Object.keys(bindings).length > 0) return root.child({ component, ...bindings });
  let child = children.get(component);
  if (!child) {
    child = root.child({ component });
    children.set(component, child);
  }
  return child;
}

/** Map Flume/log4j level names (INFO, WARN, DEBUG, TRACE, ERROR, FATAL, OFF) and pino names to pino levels. */
export function parseLogLevel(name: string): LevelWithSilent | undefined {
  const lower = name.trim().toLowerCase();
  if (lower === 'off') return 'silent';
  if (lower === 'warning') return 'warn';
  if (lower === 'all') return 'trace';
  return LEVELS.has(lower) ? (lower as LevelWithSilent) : undefined;
}

export function setLogLevel(level: LevelWithSilent): void {
  root.level = level;
  for (const child of children.values()) child.level = level;
}

/** Replace the root (tests and the CLI may route logs to another destination). */
export function setRootLogger(logger: Logger): void {
  root = logger;
  children.clear();
}

export function rootLogger(): Logger {
  return root;
}
