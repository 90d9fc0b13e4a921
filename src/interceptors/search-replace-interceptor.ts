/**
 * `search_replace` interceptor (org.apache.flume.interceptor.SearchAndReplaceInterceptor$Builder).
 * Rewrites each body with Java's `Matcher.replaceAll(replaceString)` of the Java regex
 * `searchPattern` (required, non-empty). `replaceString` defaults to "" (absent key);
 * `$1`, `${name}` and `\$` follow Java's replacement syntax (checked at load). Bodies
 * are decoded and re-encoded in `charset` (default UTF-8).
 * Output: a new batch with one new data buffer (one allocation per batch); events the
 * pattern does not touch are copied byte for byte. Headers and positions are kept.
 */
import type { Interceptor, InterceptorFactory } from '../agent/component.js';
import { EventBatch } from '../agent/event-batch.js';
import { javaReplacer } from '../config/java-regex.js';
import { javaRegexProp } from './interceptor-props.js';
import { nodeEncoding } from './java-charset.js';

export class SearchReplaceInterceptor implements Interceptor {
  constructor(
    private readonly regex: RegExp,
    private readonly replacer: (match: string, ...rest: unknown[]) => string,
    readonly encoding: BufferEncoding,
  ) {}

  intercept(batch: EventBatch): EventBatch {
    const n = batch.count;
    if (n === 0) return batch;
    const { data, starts, ends } = batch;
    const enc = this.encoding;
    const replaced: (string | undefined)[] = new Array(n);
    let total = 0;
    let any = false;
    for (let i = 0; i < n; i++) {
      const s = data.toString(enc, starts[i]!, ends[i]!);
      this.regex.lastIndex = 0;
      if (!this.regex.test(s)) {
        total += ends[i]! - starts[i]!;
        continue;
      }
      this.regex.lastIndex = 0;
      const r = s.replace(this.regex, this.replacer);
      replaced[i] = r;
      total += Buffer.byteLength(r, enc);
      any = true;
    }
    if (!any) return batch;
    const out = Buffer.allocUnsafe(total);
    const newStarts = new Uint32Array(n);
    const newEnds = new Uint32Array(n);
    let pos = 0;
    for (let i = 0; i < n; i++) {
      newStarts[i] = pos;
      const r = replaced[i];
      pos += r === undefined ? data.copy(out, pos, starts[i]!, ends[i]!) : out.write(r, pos, enc);
      newEnds[i] = pos;
    }
    return new EventBatch({
      data: out,
      starts: newStarts,
      ends: newEnds,
      sharedHeaders: batch.sharedHeaders,
      ...(batch.eventHeaders ? { eventHeaders: batch.eventHeaders } : {}),
      ...(batch.positions ? { positions: batch.positions } : {}),
    });
  }
}

export const searchReplaceInterceptorFactory: InterceptorFactory = {
  kind: 'interceptor',
  aliases: ['search_replace'],
  classNames: ['org.apache.flume.interceptor.SearchAndReplaceInterceptor$Builder'],
  create: (ctx) => {
    const p = ctx.props;
    const pattern = p.requireString('searchPattern');
    const jr = javaRegexProp(p, 'searchPattern', pattern, { extraFlags: 'g' });
    const loc = p.located('replaceString');
    const replacer = javaReplacer(jr, p.getString('replaceString', ''), {
      label: `${p.label}.replaceString`,
      location: loc ? { file: loc.file, line: loc.line, key: 'replaceString' } : { key: 'replaceString' },
    });
    const charset = p.getString('charset', 'UTF-8');
    const enc = nodeEncoding(charset);
    if (enc === undefined) throw p.invalid('charset', undefined, 'a charset Sluice supports (UTF-8, ISO-8859-1, US-ASCII, UTF-16LE)');
    return new SearchReplaceInterceptor(jr.regex, replacer, enc);
  },
};
