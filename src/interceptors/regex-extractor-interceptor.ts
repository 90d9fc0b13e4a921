/**
 * `regex_extractor` interceptor (org.apache.flume.interceptor.RegexExtractorInterceptor$Builder).
 * Runs the Java regex `regex` (required) with `find()` on each body (UTF-8); when it
 * matches, group i (1-based) goes to header `serializers.<s_i>.name` through serializer
 * `serializers.<s_i>.type`, where `serializers` is a space-separated list (required):
 * - `DEFAULT` (the default; exact case, as in Flume's code, where the documented lowercase
 *   `default` is a class-not-found error) or the pass-through FQCN: the text as is;
 * - `org.apache.flume.interceptor.RegexExtractorInterceptorMillisSerializer` with
 *   `pattern` (Joda): epoch milliseconds (see joda-date-pattern.ts).
 * Groups beyond the serializer list are skipped. A group that did not participate
 * sets no header (Flume would store a null value). A date that fails to parse throws
 * SluiceError INTERCEPTOR_BAD_DATE out of intercept(), failing the batch, as Flume's
 * IllegalArgumentException does. Output: per-event headers, bodies shared.
 */
import type { Interceptor, InterceptorFactory } from '../agent/component.js';
import type { ComponentProps } from '../agent/component-props.js';
import type { EventBatch, Headers } from '../agent/event-batch.js';
import { javaGroup, type JavaRegex } from '../config/java-regex.js';
import { withOwnHeaders } from './header-ops.js';
import { javaRegexProp } from './interceptor-props.js';
import { compileJodaPattern } from './joda-date-pattern.js';

export const MILLIS_SERIALIZER = 'org.apache.flume.interceptor.RegexExtractorInterceptorMillisSerializer';
export const PASS_THROUGH_SERIALIZER = 'org.apache.flume.interceptor.RegexExtractorInterceptorPassThroughSerializer';

export interface NamedSerializer {
  readonly headerName: string;
  readonly serialize: (value: string) => string;
}

export class RegexExtractorInterceptor implements Interceptor {
  constructor(
    private readonly jr: JavaRegex,
    private readonly serializers: readonly NamedSerializer[],
  ) {}

  intercept(batch: EventBatch): EventBatch {
    const { data, starts, ends } = batch;
    const re = this.jr.regex;
    const groups = Math.min(this.jr.groupCount, this.serializers.length);
    return withOwnHeaders(batch, (i) => {
      const m = re.exec(data.toString('utf8', starts[i]!, ends[i]!));
      if (!m) return undefined;
      let add: Headers | undefined;
      for (let g = 1; g <= groups; g++) {
        const v = javaGroup(this.jr, m, g);
        if (v === undefined) continue;
        const s = this.serializers[g - 1]!;
        (add ??= {})[s.headerName] = s.serialize(v);
      }
      return add;
    });
  }
}

function buildSerializer(props: ComponentProps, name: string): NamedSerializer {
  const sp = props.sub(`serializers.${name}`);
  const headerName = sp.getString('name');
  if (headerName === undefined || headerName === '') throw sp.invalid('name', undefined, 'a non-empty header name ("Supplied name cannot be empty.")');
  const type = sp.getString('type', 'DEFAULT');
  if (type === 'DEFAULT' || type === PASS_THROUGH_SERIALIZER) return { headerName, serialize: (v) => v };
  if (type === MILLIS_SERIALIZER) {
    const pattern = sp.getString('pattern');
    if (pattern === undefined || pattern === '') throw sp.invalid('pattern', undefined, 'a date pattern ("Must configure with a valid pattern")');
    const parse = compileJodaPattern(pattern, (reason) => sp.invalid('pattern', undefined, `a supported date pattern (${reason})`));
    return { headerName, serialize: (v) => String(parse(v)) };
  }
  throw sp.invalid('type', undefined, `DEFAULT (case-sensitive) or ${MILLIS_SERIALIZER}`);
}

export const regexExtractorInterceptorFactory: InterceptorFactory = {
  kind: 'interceptor',
  aliases: ['regex_extractor'],
  classNames: ['org.apache.flume.interceptor.RegexExtractorInterceptor$Builder'],
  create: (ctx) => {
    const p = ctx.props;
    const pattern = p.requireString('regex');
    const jr = javaRegexProp(p, 'regex', pattern);
    const names = p.getList('serializers');
    if (names.length === 0) throw p.invalid('serializers', undefined, 'at least one serializer name ("Must supply at least one name and serializer")');
    return new RegexExtractorInterceptor(jr, names.map((n) => buildSerializer(p, n)));
  },
};
