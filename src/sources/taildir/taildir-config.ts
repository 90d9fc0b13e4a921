/**
 * TAILDIR configuration: Flume's TaildirSource keys and defaults, plus Sluice's own.
 *
 * Flume keys (defaults from TaildirSourceConfigurationConstants):
 *   filegroups (required, space list) · filegroups.<g> (absolute path; the directory part
 *   is literal, the LAST segment is a regex over file names) · positionFile
 *   (~/.flume/taildir_position.json) · headers.<g>.<k> · byteOffsetHeader false (header
 *   `byteoffset`) · skipToEnd false · idleTimeout 120000 · writePosInterval 3000 ·
 *   batchSize 100 · maxBatchCount Long.MAX · backoffSleepIncrement 1000 ·
 *   maxBackoffSleep 5000 · cachePatternMatching true · fileHeader false · fileHeaderKey file.
 * Sluice keys:
 *   maxLineLength 1000000 bytes (a body longer than this is a "long line"; the default
 *     stays below Kafka's message.max.bytes 1048588 with room for record overhead) ·
 *   lineTooLongPolicy truncate|skip (truncate: emit the first maxLineLength bytes; skip:
 *     drop the line with a warning; either way the saved offset moves past the whole line) ·
 *   pollInterval 1000 ms (safety-net stat poll besides the fs watcher) ·
 *   fsWatch true (use chokidar to wake up early; false = poll only).
 * Immutable once built.
 */
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { ComponentProps } from '../../agent/component-props.js';
import { ConfigError } from '../../errors.js';
import { compileJavaRegex } from '../../config/java-regex.js';

export type LineTooLongPolicy = 'truncate' | 'skip';

export interface FileGroup {
  readonly name: string;
  /** The literal directory. */
  readonly dir: string;
  /** Matches whole file names (anchored). */
  readonly pattern: RegExp;
  /** The configured path, for messages. */
  readonly spec: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface TaildirConfig {
  readonly groups: readonly FileGroup[];
  readonly positionFile: string;
  readonly byteOffsetHeader: boolean;
  readonly skipToEnd: boolean;
  readonly idleTimeout: number;
  readonly writePosInterval: number;
  readonly batchSize: number;
  readonly maxBatchCount: number;
  readonly backoffSleepIncrement: number;
  readonly maxBackoffSleep: number;
  readonly cachePatternMatching: boolean;
  readonly fileHeader: boolean;
  readonly fileHeaderKey: string;
  readonly maxLineLength: number;
  readonly lineTooLongPolicy: LineTooLongPolicy;
  readonly pollInterval: number;
  readonly fsWatch: boolean;
}

export const DEFAULT_MAX_LINE_LENGTH = 1_000_000;
export const DEFAULT_POSITION_FILE = join(homedir(), '.flume', 'taildir_position.json');

/**
 * Compiles the last path segment with Java's regex semantics, matched against the
 * whole file name (Flume uses a `regex:` PathMatcher, i.e. Matcher.matches()).
 */
function compileNameRegex(props: ComponentProps, key: string, source: string): RegExp {
  const loc = props.located(key);
  return compileJavaRegex(source, {
    fullMatch: true,
    label: `${props.label}.${key}`,
    location: loc ? { file: loc.file, line: loc.line, key } : { key },
  });
}

export function parseTaildirConfig(props: ComponentProps): TaildirConfig {
  const names = props.getList('filegroups');
  if (names.length === 0) props.requireString('filegroups');
  const groups: FileGroup[] = [];
  for (const name of names) {
    const key = `filegroups.${name}`;
    const spec = props.getString(key);
    if (spec === undefined || spec.trim() === '') {
      const loc = props.located('filegroups');
      throw new ConfigError('CONFIG_MISSING_KEY', `${props.label}: file group "${name}" has no path: set "${key}"`,
        loc ? { file: loc.file, line: loc.line, key } : { key });
    }
    if (!isAbsolute(spec)) throw props.invalid(key, undefined, 'an absolute path');
    const headers: Record<string, string> = {};
    const sub = props.sub(`headers.${name}`);
    for (const k of sub.keys()) headers[k] = sub.getString(k, '');
    groups.push({ name, dir: dirname(spec), pattern: compileNameRegex(props, key, basename(spec)), spec, headers });
  }
  const policy = props.getString('lineTooLongPolicy', 'truncate').toLowerCase();
  if (policy !== 'truncate' && policy !== 'skip') throw props.invalid('lineTooLongPolicy', undefined, 'truncate or skip');
  const positionFile = props.getString('positionFile', DEFAULT_POSITION_FILE);
  return {
    groups,
    positionFile: positionFile.startsWith('~/') ? join(homedir(), positionFile.slice(2)) : positionFile,
    byteOffsetHeader: props.getBoolean('byteOffsetHeader', false),
    skipToEnd: props.getBoolean('skipToEnd', false),
    idleTimeout: props.getInt('idleTimeout', 120_000, { min: 1 }),
    writePosInterval: props.getInt('writePosInterval', 3000, { min: 1 }),
    batchSize: props.getInt('batchSize', 100, { min: 1, max: 1_000_000 }),
    maxBatchCount: props.getInt('maxBatchCount', Number.MAX_SAFE_INTEGER, { min: 1 }),
    backoffSleepIncrement: props.getInt('backoffSleepIncrement', 1000, { min: 1 }),
    maxBackoffSleep: props.getInt('maxBackoffSleep', 5000, { min: 1 }),
    cachePatternMatching: props.getBoolean('cachePatternMatching', true),
    fileHeader: props.getBoolean('fileHeader', false),
    fileHeaderKey: props.getString('fileHeaderKey', 'file'),
    maxLineLength: props.getInt('maxLineLength', DEFAULT_MAX_LINE_LENGTH, { min: 1, max: 64 * 1024 * 1024 }),
    lineTooLongPolicy: policy,
    pollInterval: props.getInt('pollInterval', 1000, { min: 1 }),
    fsWatch: props.getBoolean('fsWatch', true),
  };
}
