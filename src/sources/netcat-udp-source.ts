/**
 * `netcatudp` source (org.apache.flume.source.NetcatUdpSource): each UDP datagram is
 * one event whose body is the datagram's bytes up to (not including) the first `\n`;
 * anything after it is ignored, as in Flume.
 *
 * Properties: `port` (required), `bind` (optional; all interfaces when absent),
 * `remoteAddress` = the header name that receives the sender as `/ip:port` (Flume's
 * code reads the header name from this key; when it is absent Flume ends up with a null
 * header name, so Sluice uses `REMOTE_ADDRESS`, Flume's field default).
 *
 * Batching: datagrams that arrive while a send is in flight are coalesced into the next
 * batch (never more than the channel's transactionCapacity, see netcat-batch-limit.ts;
 * beyond 10000 waiting datagrams new ones are dropped). UDP has no backpressure: a batch the channel rejects is dropped, logged and
 * counted in ChannelWriteFail (Flume drops and logs too).
 * Counters: EventReceivedCount, EventAcceptedCount, AppendBatchAcceptedCount,
 * ChannelWriteFail, EventReadFail (datagrams dropped because too many were waiting).
 */
import { createSocket, type Socket, type RemoteInfo } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import type { Source, SourceContext, SourceFactory } from '../agent/component.js';
import { EventBatch, type FlumeEvent } from '../agent/event-batch.js';
import { SluiceError, describeError } from '../errors.js';
import { BatchLimit } from './netcat-batch-limit.js';
import { bindOrFail } from './source-listener.js';

const MAX_WAITING = 10_000;

export class NetcatUdpSource implements Source {
  readonly name: string;
  readonly port: number;
  readonly bind: string | undefined;
  readonly headerName: string;
  private readonly ctx: SourceContext;
  private socket: Socket | undefined;
  private waiting: FlumeEvent[] = [];
  private sending = false;
  private readonly batchLimit = new BatchLimit();

  constructor(ctx: SourceContext) {
    this.ctx = ctx;
    this.name = ctx.name;
    const p = ctx.props;
    p.requireString('port');
    this.port = p.getInt('port', 0, { min: 0, max: 65535 });
    this.bind = p.getString('bind');
    this.headerName = p.getString('remoteAddress', 'REMOTE_ADDRESS');
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  address(): AddressInfo {
    if (!this.socket) throw new SluiceError('SOURCE_NOT_STARTED', `netcatudp source ${this.name} is not listening`);
    return this.socket.address();
  }

  async start(): Promise<void> {
    this.ctx.metrics.start();
    const family = this.bind !== undefined && this.bind.includes(':') ? 'udp6' : 'udp4';
    const socket = createSocket({ type: family, reuseAddr: true });
    this.socket = socket;
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    await bindOrFail(socket, (done) => socket.bind(this.port, this.bind, done), `netcatudp source ${this.name}`, `${this.bind ?? '*'}:${this.port}`);
    socket.on('error', (err) => this.ctx.logger.error({ err: describeError(err) }, 'netcatudp socket error'));
  }

  async stop(): Promise<void> {
    const s = this.socket;
    if (!s) return;
    this.socket = undefined;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    this.ctx.metrics.stop();
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    this.ctx.metrics.increment('EventReceivedCount');
    if (this.waiting.length >= MAX_WAITING) {
      this.ctx.metrics.increment('EventReadFail');
      return;
    }
    const nl = msg.indexOf(0x0a);
    const body = nl === -1 ? msg : msg.subarray(0, nl);
    const host = `/${rinfo.address}:${rinfo.port}`;
    this.waiting.push({ headers: { [this.headerName]: host }, body });
    if (!this.sending) void this.drain();
  }

  private async drain(): Promise<void> {
    this.sending = true;
    try {
      while (this.waiting.length > 0) {
        const events = this.waiting.splice(0, this.batchLimit.limit * 4);
        await this.batchLimit.sendAll(this.ctx.output, EventBatch.fromEvents(events), this.ctx.logger, (n, err) => {
          if (err === undefined) {
            this.ctx.metrics.increment('EventAcceptedCount', n);
            this.ctx.metrics.increment('AppendBatchAcceptedCount');
          } else {
            this.ctx.metrics.increment('ChannelWriteFail');
            this.ctx.logger.error({ err: describeError(err), dropped: n }, 'Error writing to channel, events dropped');
          }
        });
      }
    } finally {
      this.sending = false;
    }
  }
}

export const netcatUdpSourceFactory: SourceFactory = {
  kind: 'source',
  aliases: ['netcatudp'],
  classNames: ['org.apache.flume.source.NetcatUdpSource'],
  create: (ctx) => new NetcatUdpSource(ctx),
};
