// Listener helpers: advertised endpoints with port 0 and wildcard hosts resolved from the
// bound listener; formatting; bind hosts.
import { describe, expect, it } from 'vitest';
import { advertisedEndpoint, bindHost, formatListener, localHostNames } from '../../src/broker/listeners.js';

const spec = (name: string, host: string, port: number) => ({ name, host, port });

describe('listeners', () => {
  it('advertises the bound port when the advertised port is 0', () => {
    const l = spec('PLAINTEXT', '127.0.0.1', 0);
    expect(advertisedEndpoint([l], [{ spec: l, host: '127.0.0.1', port: 40123 }], l)).toEqual({ host: '127.0.0.1', port: 40123 });
  });

  it('prefers the advertised listener of the same name', () => {
    const a = spec('PLAINTEXT', '0.0.0.0', 9092);
    const b = spec('INTERNAL', '127.0.0.1', 9093);
    const adv = [spec('PLAINTEXT', 'kafka.example', 19092), spec('INTERNAL', 'internal.example', 19093)];
    const bound = [{ spec: a, host: '0.0.0.0', port: 9092 }, { spec: b, host: '127.0.0.1', port: 9093 }];
    expect(advertisedEndpoint(adv, bound, b)).toEqual({ host: 'internal.example', port: 19093 });
    expect(advertisedEndpoint(adv, bound, a)).toEqual({ host: 'kafka.example', port: 19092 });
    expect(advertisedEndpoint(adv, bound, undefined)).toEqual({ host: 'kafka.example', port: 19092 });
  });

  it('never advertises a wildcard host', () => {
    const l = spec('PLAINTEXT', '', 0);
    expect(advertisedEndpoint([l], [{ spec: l, host: '::', port: 5555 }], l)).toEqual({ host: '127.0.0.1', port: 5555 });
  });

  it('formats and binds', () => {
    expect(formatListener(spec('PLAINTEXT', '::1', 9092))).toBe('PLAINTEXT://[::1]:9092');
    expect(formatListener(spec('PLAINTEXT', '127.0.0.1', 9092))).toBe('PLAINTEXT://127.0.0.1:9092');
    expect(bindHost(spec('PLAINTEXT', '', 9092))).toBeUndefined();
    expect(bindHost(spec('PLAINTEXT', '127.0.0.1', 9092))).toBe('127.0.0.1');
    const names = localHostNames();
    expect(names.has('localhost') && names.has('127.0.0.1') && names.has('::1')).toBe(true);
  });
});
