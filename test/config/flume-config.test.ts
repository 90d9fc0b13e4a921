import { describe, expect, it } from 'vitest';
import { parseProperties } from '../../src/config/properties.js';
import { buildFlumeModel } from '../../src/config/flume-config.js';
import { substitute } from '../../src/config/flume-substitution.js';

const model = (text: string, opts: Parameters<typeof buildFlumeModel>[2] = {}, agent = 'a1') =>
  buildFlumeModel(agent, parseProperties(text, 'x.conf'), { env: {}, ...opts });

describe('Flume config model', () => {
  it('splits lists on whitespace and keeps the first of a repeated list key', () => {
    const m = model('a1.sources = r1\t r2\na1.sources = r3\na1.channels=c1');
    expect(m.lists.sources).toEqual({ names: ['r1', 'r2'], file: 'x.conf', line: 1 });
    expect(m.issues).toEqual([
      expect.objectContaining({ code: 'DUPLICATE_PROPERTY', file: 'x.conf', line: 2, key: 'a1.sources', severity: 'warning' }),
    ]);
  });

  it('keeps the last value of other repeated keys, with file:line', () => {
    const m = model('a1.channels.c1.capacity = 1\na1.channels.c1.capacity = 2');
    expect(m.contexts.channels.get('c1')!.get('capacity')).toEqual({ value: '2', file: 'x.conf', line: 2 });
    expect(m.issues.map((i) => i.code)).toEqual(['DUPLICATE_KEY']);
  });

  it('ends the component name at the next dot; the key may contain dots', () => {
    const m = model('a1.sinks.k1.kafka.producer.linger.ms = 5');
    expect([...m.contexts.sinks.get('k1')!.keys()]).toEqual(['kafka.producer.linger.ms']);
  });

  it('trims values and rejects empty ones with a warning', () => {
    const m = model('a1.channels.c1.type =   memory   \na1.channels.c1.capacity =   ');
    expect(m.contexts.channels.get('c1')!.get('type')!.value).toBe('memory');
    expect(m.contexts.channels.get('c1')!.has('capacity')).toBe(false);
    expect(m.issues[0]).toMatchObject({ code: 'PROPERTY_VALUE_NULL', line: 2, key: 'a1.channels.c1.capacity' });
  });

  it('warns about properties that are not component keys, and ignores other agents', () => {
    const m = model('a1.foo = 1\na1.sources.r1 = x\na2.sources = r9');
    expect(m.issues.map((i) => [i.code, i.line])).toEqual([['INVALID_PROPERTY', 1], ['INVALID_PROPERTY', 2]]);
    expect(m.lists.sources).toBeUndefined();
  });

  it('reports an agent with no keys as not found', () => {
    expect(model('a1.sources = r1', {}, 'nope').found).toBe(false);
  });

  it('merges several files, later files winning; list keys keep the first', () => {
    const entries = [
      ...parseProperties('a1.channels = c1\na1.channels.c1.capacity = 10', 'base.conf'),
      ...parseProperties('a1.channels = c2\na1.channels.c1.capacity = 20', 'override.conf'),
    ];
    const m = buildFlumeModel('a1', entries, { env: {} });
    expect(m.contexts.channels.get('c1')!.get('capacity')).toEqual({ value: '20', file: 'override.conf', line: 2 });
    expect(m.lists.channels!.names).toEqual(['c1']);
    expect(m.issues.map((i) => [i.code, i.file, i.line])).toEqual([['DUPLICATE_PROPERTY', 'override.conf', 1]]);
  });

  it('substitutes values (not keys)', () => {
    const m = model(
      [
        'a1.sinks.k1.topic = ${env:TOPIC}',
        'a1.sinks.k1.dir = ${sys:data.dir}/x',
        'a1.sinks.k1.copy = ${a1.sinks.k1.topic}-copy',
        'a1.sinks.k1.bare = ${HOME_DIR}',
        'a1.sinks.k1.missing = ${env:NOPE}',
        'a1.sinks.${TOPIC}.type = x',
      ].join('\n'),
      { env: { TOPIC: 'logs', HOME_DIR: '/home/u' }, sys: { 'data.dir': '/data' } },
    );
    const k1 = m.contexts.sinks.get('k1')!;
    expect(k1.get('topic')!.value).toBe('logs');
    expect(k1.get('dir')!.value).toBe('/data/x');
    expect(k1.get('copy')!.value).toBe('logs-copy');
    expect(k1.get('bare')!.value).toBe('/home/u');
    expect(k1.get('missing')!.value).toBe('${env:NOPE}');
    expect(m.contexts.sinks.has('${TOPIC}')).toBe(true);
  });
});

describe('substitute', () => {
  const src = { env: { A: 'x', B: '${env:A}y' }, sys: {}, keys: new Map([['k1', '${k2}'], ['k2', '${k1}'], ['k', 'v']]) };
  it('resolves nested references and defaults, leaves cycles and unknowns literal', () => {
    expect(substitute('${env:B}', src)).toBe('xy');
    expect(substitute('${env:C:-dflt}', src)).toBe('dflt');
    expect(substitute('${k}/${k}', src)).toBe('v/v');
    expect(substitute('${nope}', src)).toBe('${nope}');
    expect(substitute('$${k}', src)).toBe('${k}');
    expect(substitute('${k1}', src)).toBe('${k1}');
    expect(substitute('${unterminated', src)).toBe('${unterminated');
  });
});
