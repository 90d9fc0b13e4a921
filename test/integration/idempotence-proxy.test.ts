/**
 * Idempotent producer (kafkajs, idempotent: true) through a proxy that loses Produce
 * responses and cuts the connection: the client retries the same batch (same producer
 * id, epoch and sequence), the broker answers the duplicate with its original offset,
 * and the log holds every record exactly once. Also with a broker restart (clean stop,
 * snapshot, reopen on the same log dir) between a batch and its retry.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { decodeRecordBatch } from '../../src/protocol/record-batch.js';
import type { Broker } from '../../src/broker/broker.js';
import { removeDir, startBroker, tempDir, type RunningBroker } from '../broker/groups/group-test-kit.js';
import { DroppingProxy } from '../broker/producer-state/dropping-proxy.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

/** Every record value in partition 0 of `topic`, read from the log files. */
function logValues(broker: Broker, topic: string): string[] {
  const pl = broker.logs.partition(topic, 0)!;
  const out: string[] = [];
  let offset = pl.logStartOffset();
  while (offset < pl.highWatermark()) {
    const r = pl.read(offset, 1 << 20, true);
    if (!r.slice) break;
    const buf = Buffer.alloc(r.slice.length);
    readSync(r.slice.file.fd, buf, 0, buf.length, r.slice.position);
    r.slice.file.release();
    let pos = 0;
    while (pos + 61 <= buf.length) {
      const size = buf.readInt32BE(pos + 8) + 12;
      if (pos + size > buf.length) break;
      const b = decodeRecordBatch(buf, pos);
      for (const rec of b.records) out.push(rec.value!.toString());
      offset = b.header.lastOffset + 1;
      pos += size;
    }
  }
  return out;
}

async function setup(): Promise<{ dir: string; proxy: DroppingProxy; broker: { current: RunningBroker } }> {
  const dir = await tempDir('sluice-idem-it-');
  const proxy = new DroppingProxy(0);
  const port = await proxy.start();
  const b = await startBroker(dir, [`advertised.listeners=PLAINTEXT://127.0.0.1:${port}`]);
  proxy.targetPort = b.port;
  const broker = { current: b };
  cleanups.push(() => removeDir(dir), () => broker.current.stop(), () => proxy.stop());
  await b.broker.logs.createTopic('idem', 1);
  return { dir, proxy, broker };
}

function producerFor(port: number): ReturnType<Kafka['producer']> {
  const kafka = new Kafka({ clientId: 'idem', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 50, maxRetryTime: 500 } });
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
}

describe('idempotent producer through a lossy proxy', () => {
  it('retries lost responses and the log holds every record exactly once', async () => {
    const { proxy, broker } = await setup();
    proxy.dropProduce = (n) => n % 4 === 2; // lose every 4th response, starting with the 2nd
    const p = producerFor(proxy.port);
    await p.connect();
    for (let i = 0; i < 40; i++) await p.send({ topic: 'idem', acks: -1, messages: [{ value: `m${i}` }, { value: `m${i}b` }] });
    await p.disconnect();
    expect(proxy.dropped).toBeGreaterThanOrEqual(8);
    const values = logValues(broker.current.broker, 'idem');
    const want = Array.from({ length: 40 }, (_, i) => [`m${i}`, `m${i}b`]).flat();
    console.info(`idempotence: ${proxy.dropped} responses lost, ${proxy.producesSeen} produce responses in all, ${values.length} records in the log (want ${want.length})`);
    expect(values).toEqual(want);
  }, 60_000);

  it('a broker restart between a batch and its retry still yields exactly one copy', async () => {
    const { dir, proxy, broker } = await setup();
    let release!: () => void;
    let restarted!: Promise<void>;
    proxy.dropProduce = (n) => n === 3;
    proxy.onDrop = () => {
      proxy.gate = new Promise<void>((r) => { release = r; });
      restarted = (async () => {
        await broker.current.stop();
        broker.current = await startBroker(dir, [`advertised.listeners=PLAINTEXT://127.0.0.1:${proxy.port}`]);
        proxy.targetPort = broker.current.port;
        release();
      })();
    };
    const p = producerFor(proxy.port);
    await p.connect();
    for (let i = 0; i < 6; i++) await p.send({ topic: 'idem', acks: -1, messages: [{ value: `r${i}` }] });
    await restarted;
    await p.disconnect();
    expect(proxy.dropped).toBe(1);
    expect(logValues(broker.current.broker, 'idem')).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
  }, 60_000);
});
