// `sluice topics` and `sluice get-offsets` against the real broker (in-process, 127.0.0.1:0,
// temp log dir) through the thin client, plus usage errors.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runTopics } from '../../src/cli/topics.js';
import { runGetOffsets } from '../../src/cli/get-offsets.js';
import { KafkaClient } from '../../src/client/kafka-client.js';
import { startListeningBroker, type RunningBroker } from '../integration/broker-harness.js';
import { capture } from './tool-io.js';

let rb: RunningBroker;
let bootstrap: string;

beforeAll(async () => {
  rb = await startListeningBroker(['auto.create.topics.enable=false']);
  bootstrap = rb.bootstrap;
});

afterAll(async () => {
  await rb?.stop();
});

describe('sluice topics', () => {
  test('create, list, describe, alter, delete', async () => {
    let io = capture();
    await runTopics({ bootstrapServer: bootstrap, create: true, topic: 'orders', partitions: 3, config: ['retention.ms=60000'] }, io);
    expect(io.lines).toEqual(['Created topic orders.']);

    io = capture();
    await runTopics({ bootstrapServer: bootstrap, list: true }, io);
    expect(io.lines).toContain('orders');

    io = capture();
    await runTopics({ bootstrapServer: bootstrap, describe: true, topic: 'orders' }, io);
    expect(io.lines[0]).toMatch(/^Topic: orders\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: .*retention\.ms=60000/);
    expect(io.lines.slice(1)).toHaveLength(3);
    io.lines.slice(1).forEach((line, p) => expect(line).toMatch(new RegExp(`^\\tTopic: orders\\tPartition: ${p}\\tLeader: \\d+\\tReplicas: \\d+\\tIsr: \\d+$`)));

    await runTopics({ bootstrapServer: bootstrap, alter: true, topic: 'orders', partitions: 4 }, capture());
    const client = new KafkaClient({ bootstrapServers: bootstrap });
    expect(await client.partitionsOf('orders')).toEqual([0, 1, 2, 3]);

    await expect(runTopics({ bootstrapServer: bootstrap, create: true, topic: 'orders' }, capture())).rejects.toMatchObject({ code: 'KAFKA_TOPIC_ALREADY_EXISTS' });
    await runTopics({ bootstrapServer: bootstrap, create: true, topic: 'orders', ifNotExists: true }, capture());

    await runTopics({ bootstrapServer: bootstrap, delete: true, topic: 'orders' }, capture());
    io = capture();
    await runTopics({ bootstrapServer: bootstrap, list: true }, io);
    expect(io.lines).not.toContain('orders');
    client.close();
  });

  test('usage errors', async () => {
    await expect(runTopics({ bootstrapServer: bootstrap }, capture())).rejects.toMatchObject({ code: 'USAGE_ERROR' });
    await expect(runTopics({ bootstrapServer: bootstrap, create: true }, capture())).rejects.toThrow(/requires --topic/);
    await expect(runTopics({ bootstrapServer: bootstrap, create: true, topic: 'x', config: ['nokv'] }, capture())).rejects.toThrow(/--config 'nokv' is not key=value/);
  });
});

describe('sluice get-offsets', () => {
  test('earliest and latest per partition, topic:partition:offset', async () => {
    const client = new KafkaClient({ bootstrapServers: bootstrap });
    await client.createTopics([{ name: 'events', numPartitions: 2 }]);
    await client.produce('events', 1, [{ key: null, value: Buffer.from('a') }, { key: null, value: Buffer.from('b') }]);
    client.close();
    let io = capture();
    await runGetOffsets({ bootstrapServer: bootstrap, topic: 'events', time: 'latest' }, io);
    expect(io.lines).toEqual(['events:0:0', 'events:1:2']);
    io = capture();
    await runGetOffsets({ bootstrapServer: bootstrap, topic: 'events', time: '-2', partitions: '1' }, io);
    expect(io.lines).toEqual(['events:1:0']);
    await expect(runGetOffsets({ bootstrapServer: bootstrap, topic: 'events', time: 'yesterday' }, capture())).rejects.toThrow(/--time must be/);
    await expect(runGetOffsets({ bootstrapServer: bootstrap, topic: 'nope' }, capture())).rejects.toMatchObject({ code: 'KAFKA_UNKNOWN_TOPIC_OR_PARTITION' });
  });
});
