/**
 * Typed channel errors. Every channel (memory, file, …) throws these so that sources
 * and the ChannelProcessor can react uniformly:
 * - ChannelFullError (CHANNEL_FULL, retriable): no space could be acquired within
 *   keep-alive (event slots or body bytes). The source backs off / replies FAILED / 503.
 * - TransactionCapacityError (CHANNEL_TRANSACTION_CAPACITY, not retriable): one
 *   transaction tried to put or take more than transactionCapacity events. Retrying the
 *   same batch cannot succeed; the batch must be split or the config fixed.
 * - ChannelClosedError (CHANNEL_CLOSED, retriable): the channel is stopped.
 * - ChannelError (CHANNEL_ERROR): base class, also for misuse (commit twice, …).
 * Messages keep Flume's texts (flume.md §2 memory channel) so that users' searches work.
 */
import { SluiceError, type SluiceErrorOptions } from '../errors.js';

export class ChannelError extends SluiceError {
  readonly channel: string;
  constructor(channel: string, message: string, code = 'CHANNEL_ERROR', options: SluiceErrorOptions = {}) {
    super(code, `channel ${channel}: ${message}`, options);
    this.channel = channel;
  }
}

export class ChannelFullError extends ChannelError {
  constructor(channel: string, message: string, options: SluiceErrorOptions = {}) {
    super(channel, message, 'CHANNEL_FULL', { retriable: true, ...options });
  }
}

export class TransactionCapacityError extends ChannelError {
  constructor(channel: string, message: string) {
    super(channel, message, 'CHANNEL_TRANSACTION_CAPACITY', { retriable: false });
  }
}

export class ChannelClosedError extends ChannelError {
  constructor(channel: string) {
    super(channel, 'channel is stopped', 'CHANNEL_CLOSED', { retriable: true });
  }
}
