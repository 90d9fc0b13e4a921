/**
 * `static` interceptor (org.apache.flume.interceptor.StaticInterceptor$Builder).
 * Adds one fixed header `key`=`value` (defaults: the literal strings "key" and "value",
 * as in Flume); `preserveExisting` defaults to **true** here, unlike timestamp/host.
 * Header-only: goes into the batch's shared headers.
 */
import type { Interceptor, InterceptorFactory } from '../agent/component.js';
import type { EventBatch } from '../agent/event-batch.js';
import { setHeaderAll } from './header-ops.js';

export class StaticInterceptor implements Interceptor {
  constructor(
    readonly key: string,
    readonly value: string,
    readonly preserveExisting: boolean,
  ) {}

  intercept(batch: EventBatch): EventBatch {
    if (batch.count === 0) return batch;
    return setHeaderAll(batch, this.key, this.value, this.preserveExisting);
  }
}

export const staticInterceptorFactory: InterceptorFactory = {
  kind: 'interceptor',
  aliases: ['static'],
  classNames: ['org.apache.flume.interceptor.StaticInterceptor$Builder'],
  create: (ctx) =>
    new StaticInterceptor(
      ctx.props.getString('key', 'key'),
      ctx.props.getString('value', 'value'),
      ctx.props.getBoolean('preserveExisting', true),
    ),
};
