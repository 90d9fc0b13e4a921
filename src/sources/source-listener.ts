/**
 * Socket lifecycle shared by the network sources (http, netcat, netcatudp, syslogtcp,
 * multiport_syslogtcp, syslogudp): binding with a uniform error, tracking open TCP
 * connections with Flume's OpenConnectionCount gauge, and closing servers.
 *
 * Contract:
 * - bindOrFail resolves once the server or datagram socket is listening; a bind error
 *   (EADDRINUSE, EACCES, …) rejects with SluiceError SOURCE_BIND_FAILED naming the source
 *   and the address. The one-shot error listener is removed either way; the caller adds
 *   its own long-lived 'error' listener afterwards. The caller decides what a failure
 *   resets (its server field, a partial multi-port start).
 * - trackConnection adds a socket to the caller's set and OpenConnectionCount += 1; its
 *   'close' removes it and OpenConnectionCount -= 1 (exactly once per socket).
 * - boundAddress is the listening TCP address, or SOURCE_NOT_STARTED before start().
 * - closeServers destroys every tracked connection, then resolves when every server has
 *   closed (a server that was not listening counts as closed).
 * The caller owns the socket set and the servers; these helpers keep no state.
 */
import type { EventEmitter } from 'node:events';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { CounterGroup } from '../agent/metrics.js';
import { SluiceError, describeError } from '../errors.js';

/**
 * Runs `listen(onListening)` (server.listen or socket.bind) and waits for it.
 * `source` reads like "http source h1"; `address` like "0.0.0.0:8080".
 */
export async function bindOrFail(
  target: EventEmitter,
  listen: (onListening: () => void) => void,
  source: string,
  address: string,
): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      target.once('error', reject);
      listen(() => {
        target.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    throw new SluiceError('SOURCE_BIND_FAILED', `${source}: unable to bind to ${address}: ${describeError(err)}`, { cause: err });
  }
}

/** The address `server` listens on (tests use it with port 0); SOURCE_NOT_STARTED if none. */
export function boundAddress(server: Server | undefined, source: string): AddressInfo {
  const a = server?.address();
  if (!a || typeof a === 'string') throw new SluiceError('SOURCE_NOT_STARTED', `${source} is not listening`);
  return a;
}

/** Counts an accepted connection in `sockets` and OpenConnectionCount until it closes. */
export function trackConnection(socket: Socket, sockets: Set<Socket>, metrics: CounterGroup): void {
  sockets.add(socket);
  metrics.increment('OpenConnectionCount');
  socket.once('close', () => {
    sockets.delete(socket);
    metrics.increment('OpenConnectionCount', -1);
  });
}

/** Destroys the open connections, then waits until every server has closed. */
export async function closeServers(servers: readonly Server[], sockets: Iterable<Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
}
