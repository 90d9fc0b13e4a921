/**
 * Errors of the delivery path between channels and sinks.
 * - EventDeliveryError (EVENT_DELIVERY, retriable): a sink could not deliver a batch;
 *   the take transaction was rolled back, so the events are still in the channel.
 *   SinkRunner and sink processors catch it, log it and back off.
 * Thrown by ChannelSink.process() and the sink processors; never escapes a SinkRunner.
 */
import { SluiceError, describeError } from '../errors.js';

export class EventDeliveryError extends SluiceError {
  readonly sink: string;
  constructor(sink: string, cause: unknown, message = `sink ${sink}: unable to deliver events: ${describeError(cause)}`) {
    super('EVENT_DELIVERY', message, { retriable: true, cause });
    this.sink = sink;
  }
}
