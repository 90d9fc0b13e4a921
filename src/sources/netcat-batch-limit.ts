/**
 * BatchLimit: how many events the netcat sources put in one channel transaction.
 *
 * Flume's netcat sources commit one event per transaction and have no batchSize, so a
 * config may pair them with a channel of any transactionCapacity. Sluice batches the
 * lines of one read (or the datagrams waiting) to cut per-event overhead, which must
 * never exceed that capacity. The limit starts at 100 (the memory channel's default
 * transactionCapacity); when the channel refuses a batch as larger than its
 * transactionCapacity (CHANNEL_TRANSACTION_CAPACITY), the limit halves (down to 1) and
 * the same events are sent again in smaller slices. Owned by one source instance;
 * single-threaded by construction (Node event loop).
 */
import type { SourceOutput } from '../agent/component.js';
import type { EventBatch } from '../agent/event-batch.js';
import { SluiceError } from '../errors.js';
import type { Logger } from '../logger.js';

export class BatchLimit {
  limit: number;

  constructor(initial = 100) {
    this.limit = initial;
  }

  /**
   * Sends `batch` in slices of at most `limit` events, calling `onSlice(count, err)`
   * after each slice (err undefined when it committed). Never throws for a slice.
   */
  async sendAll(output: SourceOutput, batch: EventBatch, logger: Logger, onSlice: (count: number, err: unknown) => void): Promise<void> {
    let from = 0;
    while (from < batch.count) {
      const to = Math.min(batch.count, from + this.limit);
      const slice = from === 0 && to === batch.count ? batch : batch.slice(from, to);
      try {
        await output.send(slice);
        onSlice(to - from, undefined);
        from = to;
      } catch (err) {
        if (err instanceof SluiceError && err.code === 'CHANNEL_TRANSACTION_CAPACITY' && this.limit > 1 && to - from > 1) {
          this.limit = Math.max(1, Math.floor((to - from) / 2));
          logger.warn({ limit: this.limit }, 'channel transactionCapacity is smaller than the batch; sending smaller batches');
          continue;
        }
        onSlice(to - from, err);
        from = to;
      }
    }
  }
}
