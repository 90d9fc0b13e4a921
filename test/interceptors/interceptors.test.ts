import { describe, expect, it } from 'vitest';
import { EventBatch } from '../../src/agent/event-batch.js';
import { ConfigError, SluiceError } from '../../src/errors.js';
import { INTERCEPTOR_FACTORIES } from '../../src/agent/builtin-components.js';
import type { InterceptorFactory } from '../../src/agent/component.js';
import { timestampInterceptorFactory, TimestampInterceptor } from '../../src/interceptors/timestamp-interceptor.js';
import { hostInterceptorFactory } from '../../src/interceptors/host-interceptor.js';
import { staticInterceptorFactory } from '../../src/interceptors/static-interceptor.js';
import { removeHeaderInterceptorFactory } from '../../src/interceptors/remove-header-interceptor.js';
import { uuidInterceptorFactory } from '../../src/interceptors/uuid-interceptor.js';
import { regexFilterInterceptorFactory } from '../../src/interceptors/regex-filter-interceptor.js';
import { regexExtractorInterceptorFactory } from '../../src/interceptors/regex-extractor-interceptor.js';
import { searchReplaceInterceptorFactory } from '../../src/interceptors/search-replace-interceptor.js';
import { batchOf, context } from './test-context.js';

function build(f: InterceptorFactory, props: Record<string, string | number | boolean> = {}) {
  return f.create(context('interceptor', props));
}

function headersOf(b: EventBatch): Record<string, string>[] {
  return b.toEvents().map((e) => e.headers);
}

function bodiesOf(b: EventBatch): string[] {
  return b.toEvents().map((e) => e.body.toString());
}

describe('registration', () => {
  it('registers every interceptor by alias and $Builder class name', () => {
    const aliases = INTERCEPTOR_FACTORIES.flatMap((f) => f.aliases);
    expect(aliases).toEqual(expect.arrayContaining(['timestamp', 'host', 'static', 'remove_header', 'regex_filter', 'regex_extractor', 'search_replace']));
    expect(aliases).not.toContain('uuid');
    const classes = INTERCEPTOR_FACTORIES.flatMap((f) => f.classNames);
    expect(classes).toContain('org.apache.flume.sink.solr.morphline.UUIDInterceptor$Builder');
    expect(classes).toContain('org.apache.flume.interceptor.TimestampInterceptor$Builder');
    expect(classes.every((c) => c.endsWith('$Builder'))).toBe(true);
  });
});

describe('timestamp', () => {
  it('sets epoch ms in header "timestamp", overwriting by default', () => {
    const i = build(timestampInterceptorFactory);
    const before = Date.now();
    const out = i.intercept(batchOf(['a', 'b'], [{ timestamp: '1' }]));
    const hs = headersOf(out);
    for (const h of hs) {
      expect(Number(h['timestamp'])).toBeGreaterThanOrEqual(before);
    }
  });

  it('honours headerName and preserveExisting', () => {
    const i = new TimestampInterceptor('ts', true, () => 42);
    const out = i.intercept(batchOf(['a', 'b'], [{ ts: '1' }]));
    expect(headersOf(out)).toEqual([{ ts: '1' }, { ts: '42' }]);
    const f = build(timestampInterceptorFactory, { headerName: 'ts', preserveExisting: 'true' });
    expect(headersOf(f.intercept(batchOf(['a'], [{ ts: '7' }])))[0]).toEqual({ ts: '7' });
  });

  it('does not mutate its input batch', () => {
    const input = batchOf(['a']);
    build(timestampInterceptorFactory).intercept(input);
    expect(input.headers(0)).toEqual({});
  });
});

describe('host', () => {
  it('defaults to header "host" with an IP address', () => {
    const out = build(hostInterceptorFactory).intercept(batchOf(['a']));
    expect(headersOf(out)[0]!['host']).toMatch(/^[0-9a-f.:]+$/i);
  });
  it('uses the host name with useIP=false and hostHeader', () => {
    const out = build(hostInterceptorFactory, { useIP: 'false', hostHeader: 'h', preserveExisting: 'true' }).intercept(batchOf(['a', 'b'], [{ h: 'keep' }]));
    expect(headersOf(out)[0]).toEqual({ h: 'keep' });
    expect(headersOf(out)[1]!['h']).toBeTruthy();
  });
});

describe('static', () => {
  it('defaults: key=value, preserveExisting=true', () => {
    const out = build(staticInterceptorFactory).intercept(batchOf(['a', 'b'], [{ key: 'mine' }]));
    expect(headersOf(out)).toEqual([{ key: 'mine' }, { key: 'value' }]);
  });
  it('overwrites with preserveExisting=false, also per-event own headers', () => {
    const out = build(staticInterceptorFactory, { key: 'dc', value: 'eu', preserveExisting: false }).intercept(batchOf(['a', 'b'], [{ dc: 'us', x: '1' }]));
    expect(headersOf(out)).toEqual([{ dc: 'eu', x: '1' }, { dc: 'eu' }]);
  });
  it('sets shared headers (no per-event objects) for a plain batch', () => {
    const out = build(staticInterceptorFactory).intercept(batchOf(['a', 'b']));
    expect(out.eventHeaders).toBeUndefined();
    expect(out.sharedHeaders).toEqual({ key: 'value' });
  });
});

describe('remove_header', () => {
  const input = () => batchOf(['a'], [{ a: '1', b: '2', c: '3', tmpX: '4', keep: '5' }]);
  it('withName', () => {
    expect(headersOf(build(removeHeaderInterceptorFactory, { withName: 'a' }).intercept(input()))[0]).toEqual({ b: '2', c: '3', tmpX: '4', keep: '5' });
  });
  it('fromList with the default separator \\s*,\\s*', () => {
    expect(headersOf(build(removeHeaderInterceptorFactory, { fromList: 'a , b,c' }).intercept(input()))[0]).toEqual({ tmpX: '4', keep: '5' });
  });
  it('fromList with fromListSeparator', () => {
    expect(headersOf(build(removeHeaderInterceptorFactory, { fromList: 'a;b', fromListSeparator: ';' }).intercept(input()))[0]).toEqual({ c: '3', tmpX: '4', keep: '5' });
  });
  it('matching is a full match on the name', () => {
    expect(headersOf(build(removeHeaderInterceptorFactory, { matching: 'tmp.*' }).intercept(input()))[0]).toEqual({ a: '1', b: '2', c: '3', keep: '5' });
    expect(headersOf(build(removeHeaderInterceptorFactory, { matching: 'ee' }).intercept(input()))[0]).toHaveProperty('keep');
  });
  it('removes from shared headers too', () => {
    const b = batchOf(['x', 'y']);
    const out = build(removeHeaderInterceptorFactory, { withName: 'a' }).intercept(new EventBatch({ data: b.data, starts: b.starts, ends: b.ends, sharedHeaders: { a: '1', z: '2' } }));
    expect(headersOf(out)).toEqual([{ z: '2' }, { z: '2' }]);
  });
  it('rejects a bad matching regex with file:line and index', () => {
    expect(() => build(removeHeaderInterceptorFactory, { matching: 'a(' })).toThrow(/a1\.interceptors\.interceptor1\.matching: invalid regular expression "a\(" at index 1/);
  });
});

describe('UUID', () => {
  it('adds a distinct id per event, preserving existing by default', () => {
    const out = build(uuidInterceptorFactory, { prefix: 'p-' }).intercept(batchOf(['a', 'b', 'c'], [{ id: 'old' }]));
    const ids = headersOf(out).map((h) => h['id']);
    expect(ids[0]).toBe('old');
    expect(ids[1]).toMatch(/^p-[0-9a-f-]{36}$/);
    expect(ids[1]).not.toBe(ids[2]);
  });
  it('headerName and preserveExisting=false', () => {
    const out = build(uuidInterceptorFactory, { headerName: 'uid', preserveExisting: false }).intercept(batchOf(['a'], [{ uid: 'old' }]));
    expect(headersOf(out)[0]!['uid']).not.toBe('old');
  });
});

describe('regex_filter', () => {
  const input = () => batchOf(['INFO ok', 'ERROR bad', 'debug', 'error lower']);
  it('default .* keeps everything (same batch)', () => {
    const b = input();
    expect(build(regexFilterInterceptorFactory).intercept(b)).toBe(b);
  });
  it('uses find(), not a full match', () => {
    expect(bodiesOf(build(regexFilterInterceptorFactory, { regex: 'ERROR' }).intercept(input()))).toEqual(['ERROR bad']);
  });
  it('excludeEvents drops matches; Java flags work', () => {
    expect(bodiesOf(build(regexFilterInterceptorFactory, { regex: '(?i)error', excludeEvents: true }).intercept(input()))).toEqual(['INFO ok', 'debug']);
  });
  it('keeps headers of the selected events', () => {
    const out = build(regexFilterInterceptorFactory, { regex: 'b' }).intercept(batchOf(['a', 'b'], [{ h: '1' }, { h: '2' }]));
    expect(out.toEvents()).toEqual([{ headers: { h: '2' }, body: Buffer.from('b') }]);
  });
});

describe('regex_extractor', () => {
  it('maps groups to serializers (DEFAULT and millis)', () => {
    const i = build(regexExtractorInterceptorFactory, {
      regex: '^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}Z?) (\\w+) (\\w+)',
      serializers: 's1 s2',
      'serializers.s1.name': 'timestamp',
      'serializers.s1.type': 'org.apache.flume.interceptor.RegexExtractorInterceptorMillisSerializer',
      'serializers.s1.pattern': "yyyy-MM-dd HH:mm:ss'Z'",
      'serializers.s2.name': 'level',
    });
    const out = i.intercept(batchOf(['2024-03-01 12:00:00Z WARN disk', 'no match here']));
    const hs = headersOf(out);
    const local = new Date(2024, 2, 1, 12, 0, 0).getTime();
    expect(hs[0]).toEqual({ timestamp: String(local), level: 'WARN' });
    expect(hs[1]).toEqual({});
  });
  it('millis serializer with offset and fraction', () => {
    const i = build(regexExtractorInterceptorFactory, {
      regex: '\\[(.+?)\\]',
      serializers: 't',
      'serializers.t.name': 'ts',
      'serializers.t.type': 'org.apache.flume.interceptor.RegexExtractorInterceptorMillisSerializer',
      'serializers.t.pattern': 'dd/MMM/yyyy:HH:mm:ss.SSS Z',
    });
    const out = i.intercept(batchOf(['[10/Oct/2000:13:55:36.250 -0700] GET']));
    expect(headersOf(out)[0]).toEqual({ ts: String(Date.UTC(2000, 9, 10, 20, 55, 36, 250)) });
  });
  it('an unparsable date fails the batch', () => {
    const i = build(regexExtractorInterceptorFactory, {
      regex: '(\\S+)', serializers: 't', 'serializers.t.name': 'ts',
      'serializers.t.type': 'org.apache.flume.interceptor.RegexExtractorInterceptorMillisSerializer',
      'serializers.t.pattern': 'yyyy-MM-dd',
    });
    expect(() => i.intercept(batchOf(['notadate']))).toThrow(SluiceError);
  });
  it('validates its properties like Flume', () => {
    expect(() => build(regexExtractorInterceptorFactory, { serializers: 's1', 'serializers.s1.name': 'x' })).toThrow(/required property "regex"/);
    expect(() => build(regexExtractorInterceptorFactory, { regex: '(a)' })).toThrow(/serializers/);
    expect(() => build(regexExtractorInterceptorFactory, { regex: '(a)', serializers: 's1' })).toThrow(/name/);
    expect(() => build(regexExtractorInterceptorFactory, { regex: '(a)', serializers: 's1', 'serializers.s1.name': 'x', 'serializers.s1.type': 'default' })).toThrow(/DEFAULT \(case-sensitive\)/);
    expect(() => build(regexExtractorInterceptorFactory, {
      regex: '(a)', serializers: 's1', 'serializers.s1.name': 'x',
      'serializers.s1.type': 'org.apache.flume.interceptor.RegexExtractorInterceptorMillisSerializer', 'serializers.s1.pattern': 'yyyy zzz',
    })).toThrow(ConfigError);
  });
  it('skips groups without a serializer', () => {
    const i = build(regexExtractorInterceptorFactory, { regex: '(a)(b)', serializers: 's1', 'serializers.s1.name': 'one' });
    expect(headersOf(i.intercept(batchOf(['ab'])))[0]).toEqual({ one: 'a' });
  });
});

describe('search_replace', () => {
  it('replaces all matches with Java $n syntax and keeps untouched bodies byte-exact', () => {
    const i = build(searchReplaceInterceptorFactory, { searchPattern: '(\\d{3})-(\\d{4})', replaceString: '$2-$1' });
    const out = i.intercept(batchOf(['call 555-1234 or 555-9876', 'none', 'é 111-2222']));
    expect(bodiesOf(out)).toEqual(['call 1234-555 or 9876-555', 'none', 'é 2222-111']);
  });
  it('replaceString absent → deletes matches', () => {
    const i = build(searchReplaceInterceptorFactory, { searchPattern: '^\\S+ ' });
    expect(bodiesOf(i.intercept(batchOf(['prefix rest', 'x y'])))).toEqual(['rest', 'y']);
  });
  it('keeps headers; requires searchPattern; checks charset and group refs', () => {
    const i = build(searchReplaceInterceptorFactory, { searchPattern: 'a', replaceString: 'b' });
    expect(i.intercept(batchOf(['aa'], [{ h: '1' }])).toEvents()).toEqual([{ headers: { h: '1' }, body: Buffer.from('bb') }]);
    expect(() => build(searchReplaceInterceptorFactory, {})).toThrow(/searchPattern/);
    expect(() => build(searchReplaceInterceptorFactory, { searchPattern: 'a', charset: 'EBCDIC' })).toThrow(/charset/);
    expect(() => build(searchReplaceInterceptorFactory, { searchPattern: 'a', replaceString: '$1' })).toThrow(/No group 1/);
  });
  it('latin1 charset round-trips bytes', () => {
    const i = build(searchReplaceInterceptorFactory, { searchPattern: 'x', replaceString: 'y', charset: 'ISO-8859-1' });
    const input = new EventBatch({ data: Buffer.from([0xe9, 0x78]), starts: Uint32Array.of(0), ends: Uint32Array.of(2) });
    expect([...i.intercept(input).body(0)]).toEqual([0xe9, 0x79]);
  });
});
