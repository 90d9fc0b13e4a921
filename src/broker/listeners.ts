/**
 * Listener helpers: bind addresses, advertised endpoints and "is this address mine?".
 *
 * Parsing `listeners` / `advertised.listeners` (NAME://host:port, IPv6 in brackets) is
 * done once by the broker config (src/broker/config/server-config.ts); this module works
 * on its ListenerSpec values. An empty host binds every interface, as in Kafka. Port 0
 * binds a free port: the real one is known after listen() and replaces 0 wherever the
 * listener is advertised. Pure functions apart from reading os.networkInterfaces().
 */
import { networkInterfaces } from 'node:os';
import type { ListenerSpec } from './config/server-config.js';

export type { ListenerSpec } from './config/server-config.js';

/** A listener after bind: the spec plus the real port. */
export interface BoundListener {
  readonly spec: ListenerSpec;
  readonly host: string;
  readonly port: number;
}

/** Host to pass to server.listen(): undefined (all interfaces) for '', else the host. */
export function bindHost(l: ListenerSpec): string | undefined {
  return l.host === '' ? undefined : l.host;
}

/** `NAME://host:port`, brackets around IPv6 hosts. */
export function formatListener(l: { name: string; host: string; port: number }): string {
  const host = l.host.includes(':') ? `[${l.host}]` : l.host;
  return `${l.name}://${host}:${l.port}`;
}

/**
 * The endpoint to advertise to a client that came in through `via`: the advertised
 * listener of the same name (else the first), with port 0 replaced by the bound port and
 * an empty/wildcard host by the bound host, or 127.0.0.1 when that is a wildcard too.
 */
export function advertisedEndpoint(
  advertised: readonly ListenerSpec[],
  bound: readonly BoundListener[],
  via: ListenerSpec | undefined,
): { host: string; port: number } {
  const name = via?.name ?? bound[0]?.spec.name ?? advertised[0]?.name;
  const adv = advertised.find((a) => a.name === name) ?? advertised[0];
  const b = bound.find((x) => x.spec.name === name) ?? bound[0];
  const wildcard = (h: string): boolean => h === '' || h === '0.0.0.0' || h === '::';
  let host = adv?.host ?? b?.host ?? '127.0.0.1';
  if (wildcard(host)) host = b && !wildcard(b.host) ? b.host : '127.0.0.1';
  let port = adv?.port ?? b?.port ?? 0;
  if (port === 0 && b) port = b.port;
  return { host, port };
}

/** Addresses that mean this machine: loopback names, wildcards and every interface address. */
export function localHostNames(): Set<string> {
  const out = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', '::', '', 'ip6-localhost']);
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) out.add(a.address);
  }
  return out;
}
