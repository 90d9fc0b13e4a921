/**
 * Logging: one pino root logger for the process, one child logger per component.
 *
 * Contract:
 * - Everything Sluice logs goes through `componentLogger(name)`; nothing in src/
 *   writes to `console` except CLI output in src/cli.
 * - Logs go to stdout (fd 1), never into a directory that the default configuration
 *   tails: JSON lines when stdout is not a terminal (pipes, files, log collectors), and
 *   pino-pretty's human format on a terminal. `SLUICE_LOG_FORMAT=json|pretty` forces one.
 * - `setLogLevel` may be called once at start-up (e.g. from
 *   `-Dflume.root.logger=DEBUG,console` or `SLUICE_LOG_LEVEL`); children follow it.
 * - Tests can silence logging with `SLUICE_LOG_LEVEL=silent`.
 */
import { pino, type Logger, type LevelWithSilent, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

const LEVELS: ReadonlySet<string> = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

function initialLevel(): LevelWithSilent {
  const fromEnv = process.env['SLUICE_LOG_LEVEL']?.toLowerCase();
  if (fromEnv && LEVELS.has(fromEnv)) return fromEnv as LevelWithSilent;
  return 'info';
}

function usePrettyOutput(): boolean {
  const format = process.env['SLUICE_LOG_FORMAT']?.toLowerCase();
  if (format === 'json') return false;
  if (format === 'pretty') return true;
  return process.stdout.isTTY === true;
}

function destination(): DestinationStream | undefined {
  if (!usePrettyOutput()) return undefined;
  // Synchronous, in-thread pretty printing: no worker thread, and nothing lost on exit.
  return pretty({ sync: true, colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}

const dest = destination();
const rootOptions = { level: initialLevel(), base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
let root: Logger = dest ? pino(rootOptions, dest) : pino(rootOptions);

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
