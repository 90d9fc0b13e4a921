/**
 * `timestamp` interceptor (org.apache.flume.interceptor.TimestampInterceptor$Builder).
 * Sets header `headerName` (default `timestamp`) to the epoch milliseconds at interception;
 * `preserveExisting` (default false) keeps a value already present. One clock read per
 * batch (Flume reads it per event; within one batch the values differ by < 1 ms at most
 * in practice). Header-only: bodies are shared with the input batch.
 */
import type { Interceptor, InterceptorFactory } from '../agent/component.js';
import type { EventBatch } from '../agent/event-batch.js';
import { setHeaderAll } from './header-ops.js';

export class TimestampInterceptor implements Interceptor {
  constructor(
    readonly headerName: string,
    readonly preserveExisting: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  intercept(batch: EventBatch): EventBatch {
    if (batch.count === 0) return batch;
    return setHeaderAll(batch, this.headerName, String(this.now()), this.preserveExisting);
  }
}

export const timestampInterceptorFactory: InterceptorFactory = {
  kind: 'interceptor',
  aliases: ['timestamp'],
  classNames: ['org.apache.flume.interceptor.TimestampInterceptor$Builder'],
  create: (ctx) =>
    new TimestampInterceptor(ctx.props.getString('headerName', 'timestamp'), ctx.props.getBoolean('preserveExisting', false)),
};
