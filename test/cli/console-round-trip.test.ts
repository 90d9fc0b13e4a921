// console-producer → console-consumer round trip through the real broker (in-process on
// 127.0.0.1:0): keyless lines across partitions, keyed lines (murmur2 placement), and the
// consumer's --partition/--offset, --max-messages and --timeout-ms exits.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runConsoleConsumer } from '../../src/cli/console-consumer.js';
import { runConsoleProducer } from '../../src/cli/console-producer.js';
import { KafkaClient } from '../../src/client/kafka-client.js';
import { partitionForKey } from '../../src/protocol/murmur2.js';
import { startListeningBroker, type RunningBroker } from '../integration/broker-harness.js';
import { capture } from './tool-io.js';

let rb: RunningBroker;
let bootstrap: string;

beforeAll(async () => {
  rb = await startListeningBroker();
  bootstrap = rb.bootstrap;
  const client = new KafkaClient({ bootstrapServers: bootstrap });
  await client.createTopics([{ name: 'lines', numPartitions: 3 }, { name: 'keyed', numPartitions: 4 }]);
  client.close();
});

afterAll(async () => {
  await rb?.stop();
});

describe('console tools', () => {
  test('every produced line is consumed back, in order within a partition', async () => {
    const lines = Array.from({ length: 2500 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`);
    const sent = await runConsoleProducer({ bootstrapServer: bootstrap, topic: 'lines', batchSize: 400 }, Readable.from([lines.join('\n') + '\n']));
    expect(sent).toBe(2500);
    const io = capture();
    const n = await runConsoleConsumer({ bootstrapServer: bootstrap, topic: 'lines', fromBeginning: true, maxMessages: 2500, timeoutMs: 10_000 }, io);
    expect(n).toBe(2500);
    expect([...io.lines].sort()).toEqual([...lines].sort());
    // within one partition, lines keep their input order
    const index = new Map(lines.map((l, i) => [l, i]));
    const part0 = capture();
    await runConsoleConsumer({ bootstrapServer: bootstrap, topic: 'lines', partition: 0, offset: 'earliest', timeoutMs: 300 }, part0);
    const order = part0.lines.map((l) => index.get(l)!);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(io.errs).toEqual(['Processed a total of 2500 messages']);
  });

  test('parse.key places records by murmur2; print.key and --offset', async () => {
    const input = ['a:1', 'b:2', 'c:3', 'a:4'].join('\n');
    await runConsoleProducer({ bootstrapServer: bootstrap, topic: 'keyed', property: ['parse.key=true', 'key.separator=:'] }, Readable.from([input]));
    const p = partitionForKey(Buffer.from('a'), 4);
    const io = capture();
    await runConsoleConsumer({ bootstrapServer: bootstrap, topic: 'keyed', partition: p, offset: '0', timeoutMs: 300, property: ['print.key=true', 'print.offset=true'] }, io);
    expect(io.lines.filter((l) => l.includes('\ta\t'))).toEqual(['Offset:0\ta\t1', `Offset:${io.lines.findIndex((l) => l.endsWith('\ta\t4'))}\ta\t4`]);
    const from1 = capture();
    await runConsoleConsumer({ bootstrapServer: bootstrap, topic: 'keyed', partition: p, offset: '1', timeoutMs: 300 }, from1);
    expect(from1.lines).toEqual(io.lines.slice(1).map((l) => l.split('\t')[2]));
  });

  test('a line without the separator under parse.key names the line', async () => {
    await expect(runConsoleProducer({ bootstrapServer: bootstrap, topic: 'keyed', property: ['parse.key=true'] }, Readable.from(['k\tv\nnokey\n'])))
      .rejects.toThrow(/input line 2: no key separator/);
  });

  test('latest start with a timeout prints nothing and exits', async () => {
    const io = capture();
    expect(await runConsoleConsumer({ bootstrapServer: bootstrap, topic: 'lines', timeoutMs: 200 }, io)).toBe(0);
    expect(io.errs).toEqual(['Processed a total of 0 messages']);
  });

  test('usage: --offset without --partition', async () => {
    await expect(runConsoleConsumer({ bootstrapServer: bootstrap, topic: 'lines', offset: '3' }, capture())).rejects.toThrow(/--offset requires --partition/);
  });
});
