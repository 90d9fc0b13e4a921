/**
 * UUID interceptor: only by its class name
 * `org.apache.flume.sink.solr.morphline.UUIDInterceptor$Builder` (Flume has no alias).
 * Sets header `headerName` (default `id`) to `prefix` + a random v4 UUID per event;
 * `preserveExisting` default true keeps an existing value. Per-event headers.
 */
import { randomUUID } from 'node:crypto';
import type { Interceptor, InterceptorFactory } from '../agent/component.js';
import type { EventBatch } from '../agent/event-batch.js';
import { withOwnHeaders } from './header-ops.js';

export class UuidInterceptor implements Interceptor {
  constructor(
    readonly headerName: string,
    readonly preserveExisting: boolean,
    readonly prefix: string,
  ) {}

  intercept(batch: EventBatch): EventBatch {
    const key = this.headerName;
    return withOwnHeaders(batch, (_i, h) => {
      if (this.preserveExisting && Object.prototype.hasOwnProperty.call(h, key)) return undefined;
      return { [key]: this.prefix + randomUUID() };
    });
  }
}

export const uuidInterceptorFactory: InterceptorFactory = {
  kind: 'interceptor',
  aliases: [],
  classNames: ['org.apache.flume.sink.solr.morphline.UUIDInterceptor$Builder'],
  create: (ctx) =>
    new UuidInterceptor(
      ctx.props.getString('headerName', 'id'),
      ctx.props.getBoolean('preserveExisting', true),
      ctx.props.getString('prefix', ''),
    ),
};
