/**
 * `regex_filter` interceptor (org.apache.flume.interceptor.RegexFilteringInterceptor$Builder).
 * Keeps events whose body (decoded as UTF-8) contains a match of the Java regex `regex`
 * (default `.*`; Flume uses `Matcher.find()`, a search, not a full match); with
 * `excludeEvents` true (default false) it drops them instead. Selected events keep their
 * bytes and headers: the output shares the input's buffer (see pickEvents).
 * Fast path: a pattern that matches every string (`.*`, empty) does no per-event work.
 */
import type { Interceptor, InterceptorFactory } from '../agent/component.js';
import type { EventBatch } from '../agent/event-batch.js';
import { pickEvents } from '../agent/batch-pick.js';
import { javaRegexProp } from './interceptor-props.js';

const MATCHES_EVERYTHING = new Set(['', '.*', '^.*', '.*$', '^.*$', '(?s).*']);

export class RegexFilterInterceptor implements Interceptor {
  private readonly always: boolean;
  constructor(
    readonly javaPattern: string,
    private readonly regex: RegExp,
    readonly excludeEvents: boolean,
  ) {
    this.always = MATCHES_EVERYTHING.has(javaPattern);
  }

  intercept(batch: EventBatch): EventBatch {
    const n = batch.count;
    if (this.always) return this.excludeEvents ? batch.slice(0, 0) : batch;
    const keep = new Uint32Array(n);
    let k = 0;
    const { data, starts, ends } = batch;
    const re = this.regex;
    const exclude = this.excludeEvents;
    for (let i = 0; i < n; i++) {
      const found = re.test(data.toString('utf8', starts[i]!, ends[i]!));
      if (found !== exclude) keep[k++] = i;
    }
    if (k === n) return batch;
    return pickEvents(batch, keep.subarray(0, k));
  }
}

export const regexFilterInterceptorFactory: InterceptorFactory = {
  kind: 'interceptor',
  aliases: ['regex_filter'],
  classNames: ['org.apache.flume.interceptor.RegexFilteringInterceptor$Builder'],
  create: (ctx) => {
    const pattern = ctx.props.getString('regex', '.*');
    const re = javaRegexProp(ctx.props, 'regex', pattern).regex;
    return new RegexFilterInterceptor(pattern, re, ctx.props.getBoolean('excludeEvents', false));
  },
};
