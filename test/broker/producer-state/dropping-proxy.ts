/**
 * A TCP proxy on 127.0.0.1 between a Kafka client and the broker that can lose Produce
 * responses on purpose: when `dropProduce(n)` says so, the response is swallowed and the
 * client's connection is cut, as a network failure after the broker appended would.
 * New client connections wait for `gate` before reaching the broker (to restart the
 * broker between a batch and its retry). Frames: int32 size + body; a request body
 * starts with apiKey i16, apiVersion i16, correlationId i32; a response with correlationId.
 * Not a test file.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export class DroppingProxy {
  private server!: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;
  producesSeen = 0;
  dropped = 0;
  /** Resolves when upstream connections may proceed. */
  gate: Promise<void> = Promise.resolve();
  /** Called with the 1-based count of produce responses; true drops it and cuts the connection. */
  dropProduce: (n: number) => boolean = () => false;
  /** Called after a drop (e.g. to restart the broker). */
  onDrop: () => void = () => undefined;

  constructor(public targetPort: number) {}

  async start(): Promise<number> {
    this.server = createServer((client) => this.onClient(client));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  private onClient(client: Socket): void {
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => undefined);
    const pending: Buffer[] = [];
    let upstream: Socket | null = null;
    const produceIds = new Set<number>();
    const fromClient = framer((frame) => {
      if (frame.length >= 8 && frame.readInt16BE(4) === 0) produceIds.add(frame.readInt32BE(8));
      if (upstream) upstream.write(frame);
      else pending.push(frame);
    }, true);
    client.on('data', fromClient);
    void this.gate.then(() => {
      if (client.destroyed) return;
      upstream = connect(this.targetPort, '127.0.0.1');
      this.sockets.add(upstream);
      upstream.on('close', () => { this.sockets.delete(upstream!); client.destroy(); });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream?.destroy());
      for (const f of pending.splice(0)) upstream.write(f);
      upstream.on('data', framer((frame) => {
        const corr = frame.readInt32BE(4);
        if (produceIds.delete(corr)) {
          this.producesSeen++;
          if (this.dropProduce(this.producesSeen)) {
            this.dropped++;
            client.destroy();
            upstream?.destroy();
            this.onDrop();
            return;
          }
        }
        client.write(frame);
      }, false));
    });
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** Splits a byte stream into whole frames (size prefix included). */
function framer(onFrame: (frame: Buffer) => void, _request: boolean): (chunk: Buffer) => void {
  let buf: Buffer = Buffer.alloc(0);
  return (chunk) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    while (buf.length >= 4) {
      const size = buf.readInt32BE(0);
      if (buf.length < 4 + size) return;
      onFrame(buf.subarray(0, 4 + size));
      buf = buf.subarray(4 + size);
    }
  };
}
