// The dispatch table: advertised ranges come from registered handlers, clamped to what
// the codec implements; extra handlers join (or replace) the built-in ones.
import { describe, expect, it } from 'vitest';
import { BUILTIN_HANDLERS, createDispatchTable } from '../../../src/broker/handlers/index.js';
import type { ApiHandler } from '../../../src/broker/handlers/types.js';

const fake = (apiKey: number, minVersion: number, maxVersion: number): ApiHandler => ({
  apiKey, name: `Fake${apiKey}`, minVersion, maxVersion, handle: () => ({}),
});

describe('createDispatchTable', () => {
  it('advertises every built-in handler, sorted by key', () => {
    const t = createDispatchTable();
    expect(t.advertised.map((a) => a.apiKey)).toEqual([...new Set(BUILTIN_HANDLERS.map((h) => h.apiKey))].sort((a, b) => a - b));
    for (const a of t.advertised) expect(t.get(a.apiKey)).toBeDefined();
  });

  it('adds extra handlers and lets a later one replace a built-in', () => {
    const t = createDispatchTable([fake(22, 0, 4), fake(18, 0, 2)]);
    expect(t.advertised.find((a) => a.apiKey === 22)).toEqual({ apiKey: 22, minVersion: 0, maxVersion: 4 });
    expect(t.advertised.find((a) => a.apiKey === 18)).toEqual({ apiKey: 18, minVersion: 0, maxVersion: 2 });
    expect(t.get(18)!.name).toBe('Fake18');
  });

  it('clamps to the codec range and drops APIs the codec lacks', () => {
    const t = createDispatchTable([fake(999, 0, 3)], (k) => (k === 999 ? undefined : k === 1 ? { min: 0, max: 11 } : { min: 0, max: 20 }));
    expect(t.get(999)).toBeUndefined();
    expect(t.advertised.find((a) => a.apiKey === 1)).toEqual({ apiKey: 1, minVersion: 4, maxVersion: 11 });
  });
});
