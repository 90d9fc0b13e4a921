/**
 * `remove_header` interceptor (org.apache.flume.interceptor.RemoveHeaderInterceptor$Builder).
 * Properties (Flume's code names): `withName` (one exact name), `fromList` (names split by
 * the Java regex `fromListSeparator`, default `\s*,\s*`), `matching` (Java regex, full
 * match on the header name, as Flume's `Matcher.matches()`). A header is removed if any
 * rule hits. With no rule the interceptor passes batches through unchanged.
 */
import type { Interceptor, InterceptorFactory } from '../agent/component.js';
import type { EventBatch } from '../agent/event-batch.js';
import { removeHeaders } from './header-ops.js';
import { javaRegexProp } from './interceptor-props.js';

/** Java's String.split(regex): trailing empty strings are dropped. */
export function javaSplit(s: string, separator: RegExp): string[] {
  const parts = s.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export class RemoveHeaderInterceptor implements Interceptor {
  private readonly test: ((name: string) => boolean) | undefined;

  constructor(withName: string | undefined, fromList: ReadonlySet<string> | undefined, matching: RegExp | undefined) {
    if (withName === undefined && fromList === undefined && matching === undefined) {
      this.test = undefined;
      return;
    }
    this.test = (name) => name === withName || (fromList?.has(name) ?? false) || (matching?.test(name) ?? false);
  }

  intercept(batch: EventBatch): EventBatch {
    if (this.test === undefined || batch.count === 0) return batch;
    return removeHeaders(batch, this.test);
  }
}

export const removeHeaderInterceptorFactory: InterceptorFactory = {
  kind: 'interceptor',
  aliases: ['remove_header'],
  classNames: ['org.apache.flume.interceptor.RemoveHeaderInterceptor$Builder'],
  create: (ctx) => {
    const p = ctx.props;
    const withName = p.getString('withName');
    const fromListStr = p.getString('fromList');
    const sep = p.getString('fromListSeparator', '\\s*,\\s*');
    const matchingStr = p.getString('matching');
    let fromList: Set<string> | undefined;
    if (fromListStr !== undefined) {
      const sepRe = javaRegexProp(p, 'fromListSeparator', sep).regex;
      fromList = new Set(javaSplit(fromListStr, sepRe));
    }
    const matching = matchingStr === undefined ? undefined : javaRegexProp(p, 'matching', matchingStr, { fullMatch: true }).regex;
    return new RemoveHeaderInterceptor(withName, fromList, matching);
  },
};
