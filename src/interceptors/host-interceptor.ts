/**
 * `host` interceptor (org.apache.flume.interceptor.HostInterceptor$Builder).
 * Sets header `hostHeader` (default `host`) to this host's address (`useIP` true, the
 * default) or its host name (`useIP` false); `preserveExisting` default false.
 * The value is computed once at build time, as Flume does. Flume uses
 * InetAddress.getLocalHost(); Sluice takes the first non-internal IPv4 address (then
 * IPv6, then 127.0.0.1) and `os.hostname()` for the name (no reverse DNS lookup).
 */
import { hostname, networkInterfaces } from 'node:os';
import type { Interceptor, InterceptorFactory } from '../agent/component.js';
import type { EventBatch } from '../agent/event-batch.js';
import { setHeaderAll } from './header-ops.js';

export function localAddress(): string {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const external = all.filter((a) => !a.internal);
  return (external.find((a) => a.family === 'IPv4') ?? external[0])?.address ?? '127.0.0.1';
}

export class HostInterceptor implements Interceptor {
  readonly host: string;
  constructor(
    readonly header: string,
    readonly useIP: boolean,
    readonly preserveExisting: boolean,
  ) {
    this.host = useIP ? localAddress() : hostname();
  }

  intercept(batch: EventBatch): EventBatch {
    if (batch.count === 0) return batch;
    return setHeaderAll(batch, this.header, this.host, this.preserveExisting);
  }
}

export const hostInterceptorFactory: InterceptorFactory = {
  kind: 'interceptor',
  aliases: ['host'],
  classNames: ['org.apache.flume.interceptor.HostInterceptor$Builder'],
  create: (ctx) =>
    new HostInterceptor(
      ctx.props.getString('hostHeader', 'host'),
      ctx.props.getBoolean('useIP', true),
      ctx.props.getBoolean('preserveExisting', false),
    ),
};
