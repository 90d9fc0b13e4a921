import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { CounterGroup } from '../../src/agent/metrics.js';
import { SluiceError } from '../../src/errors.js';
import { bindOrFail, boundAddress, closeServers, trackConnection } from '../../src/sources/source-listener.js';

async function pollUntil(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

describe('source-listener', () => {
  it('binds a TCP server, and a taken port is SOURCE_BIND_FAILED naming source and address', async () => {
    const a = createServer();
    await bindOrFail(a, (done) => a.listen(0, '127.0.0.1', done), 'test source a', '127.0.0.1:0');
    const port = boundAddress(a, 'test source a').port;
    const b = createServer();
    expect(() => boundAddress(b, 'netcat source b')).toThrow(/netcat source b is not listening/);
    const err = await bindOrFail(b, (done) => b.listen(port, '127.0.0.1', done), 'netcat source b', `127.0.0.1:${port}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SluiceError);
    expect((err as SluiceError).code).toBe('SOURCE_BIND_FAILED');
    expect((err as SluiceError).message).toContain(`netcat source b: unable to bind to 127.0.0.1:${port}: `);
    expect(b.listenerCount('error')).toBe(0);
    await closeServers([a, b], []);
  });

  it('binds a UDP socket the same way', async () => {
    const s = createSocket('udp4');
    await bindOrFail(s, (done) => s.bind(0, '127.0.0.1', done), 'netcatudp source u', '127.0.0.1:0');
    expect(s.address().port).toBeGreaterThan(0);
    expect(s.listenerCount('error')).toBe(0);
    s.close();
  });

  it('tracks connections in OpenConnectionCount and closeServers destroys them', async () => {
    const metrics = new CounterGroup('SOURCE', 's');
    const sockets = new Set<Socket>();
    const server = createServer((s) => trackConnection(s, sockets, metrics));
    await bindOrFail(server, (done) => server.listen(0, '127.0.0.1', done), 'test source', '127.0.0.1:0');
    const port = (server.address() as AddressInfo).port;
    const c1 = connect(port, '127.0.0.1');
    const c2 = connect(port, '127.0.0.1');
    await pollUntil(() => sockets.size === 2, 'two connections');
    expect(metrics.get('OpenConnectionCount')).toBe(2);
    c1.destroy();
    await pollUntil(() => sockets.size === 1, 'one close');
    expect(metrics.get('OpenConnectionCount')).toBe(1);
    const c2Closed = once(c2, 'close');
    await closeServers([server], sockets);
    await c2Closed;
    expect(sockets.size).toBe(0);
    expect(metrics.get('OpenConnectionCount')).toBe(0);
  });
});
