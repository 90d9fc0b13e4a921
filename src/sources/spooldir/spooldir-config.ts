/**
 * `spooldir` properties (Flume's SpoolDirectorySource names and defaults), parsed and
 * validated once at configure time. Pure; the result is immutable.
 *   spoolDir (required), fileSuffix .COMPLETED, deletePolicy never|immediate,
 *   trackerDir .flumespool (relative to spoolDir), trackingPolicy rename|tracker_dir,
 *   includePattern ^.*$, ignorePattern ^$ (Java regexes, whole-name match),
 *   consumeOrder oldest|youngest|random, recursiveDirectorySearch false, pollDelay 500,
 *   maxBackoff 4000, batchSize 100, inputCharset UTF-8 (ASCII-compatible charsets only:
 *   lines are split on byte 0x0A), decodeErrorPolicy FAIL|REPLACE|IGNORE, deserializer LINE
 *   (or its Builder class name) with deserializer.maxLineLength 2048,
 *   fileHeader false / fileHeaderKey file, basenameHeader false / basenameHeaderKey basename.
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { SourceContext } from '../../agent/component.js';
import { fullMatch } from '../../config/java-regex.js';
import { isAsciiCompatible, nodeEncoding } from '../../interceptors/java-charset.js';

export type DecodeErrorPolicy = 'FAIL' | 'REPLACE' | 'IGNORE';

export interface SpoolDirConfig {
  readonly spoolDir: string;
  readonly fileSuffix: string;
  readonly deletePolicy: 'never' | 'immediate';
  readonly trackerDir: string;
  readonly trackingPolicy: 'rename' | 'tracker_dir';
  readonly includePattern: RegExp;
  readonly ignorePattern: RegExp;
  readonly consumeOrder: 'oldest' | 'youngest' | 'random';
  readonly recursiveDirectorySearch: boolean;
  readonly pollDelayMs: number;
  readonly maxBackoffMs: number;
  readonly batchSize: number;
  readonly inputEncoding: BufferEncoding;
  readonly decodeErrorPolicy: DecodeErrorPolicy;
  readonly maxLineLength: number;
  readonly fileHeaderKey: string | undefined;
  readonly basenameHeaderKey: string | undefined;
}

const LINE_DESERIALIZERS = new Set(['line', 'org.apache.flume.serialization.linedeserializer$builder']);

export function spoolDirConfig(ctx: Pick<SourceContext, 'props'>): SpoolDirConfig {
  const p = ctx.props;
  const spoolDir = resolve(p.requireString('spoolDir'));
  const oneOf = <T extends string>(key: string, def: T, allowed: readonly T[], upper = false): T => {
    const raw = p.getString(key, def).trim();
    const v = (upper ? raw.toUpperCase() : raw.toLowerCase()) as T;
    if (!allowed.includes(v)) throw p.invalid(key, undefined, `one of ${allowed.join(', ')}`);
    return v;
  };
  const regex = (key: string, def: string): RegExp => {
    const loc = p.located(key);
    return fullMatch(p.getString(key, def), { label: `${p.label}.${key}`, ...(loc ? { location: { file: loc.file, line: loc.line, key } } : {}) });
  };
  const trackerRaw = p.getString('trackerDir', '.flumespool');
  const charset = p.getString('inputCharset', 'UTF-8');
  const enc = nodeEncoding(charset);
  if (enc === undefined || !isAsciiCompatible(enc)) throw p.invalid('inputCharset', undefined, 'an ASCII-compatible charset (UTF-8, ISO-8859-1, US-ASCII)');
  const deser = p.getString('deserializer', 'LINE');
  if (!LINE_DESERIALIZERS.has(deser.trim().toLowerCase())) throw p.invalid('deserializer', undefined, 'LINE (the only deserializer Sluice implements)');
  const fileHeader = p.getBoolean('fileHeader', false);
  const fileHeaderKey = p.getString('fileHeaderKey', 'file');
  const basenameHeader = p.getBoolean('basenameHeader', false);
  const basenameHeaderKey = p.getString('basenameHeaderKey', 'basename');
  return {
    spoolDir,
    fileSuffix: p.getString('fileSuffix', '.COMPLETED'),
    deletePolicy: oneOf('deletePolicy', 'never', ['never', 'immediate']),
    trackerDir: isAbsolute(trackerRaw) ? trackerRaw : join(spoolDir, trackerRaw),
    trackingPolicy: oneOf('trackingPolicy', 'rename', ['rename', 'tracker_dir']),
    includePattern: regex('includePattern', '^.*$'),
    ignorePattern: regex('ignorePattern', '^$'),
    consumeOrder: oneOf('consumeOrder', 'oldest', ['oldest', 'youngest', 'random']),
    recursiveDirectorySearch: p.getBoolean('recursiveDirectorySearch', false),
    pollDelayMs: p.getInt('pollDelay', 500, { min: 1 }),
    maxBackoffMs: p.getInt('maxBackoff', 4000, { min: 1 }),
    batchSize: p.getInt('batchSize', 100, { min: 1 }),
    inputEncoding: enc,
    decodeErrorPolicy: oneOf('decodeErrorPolicy', 'FAIL', ['FAIL', 'REPLACE', 'IGNORE'], true),
    maxLineLength: p.sub('deserializer').getInt('maxLineLength', 2048, { min: 1 }),
    fileHeaderKey: fileHeader ? fileHeaderKey : undefined,
    basenameHeaderKey: basenameHeader ? basenameHeaderKey : undefined,
  };
}
