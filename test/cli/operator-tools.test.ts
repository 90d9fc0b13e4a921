// The completed operator tools against a real broker (in-process, 127.0.0.1:0, temp log
// dir), with golden output (TopicId, timestamps and member ids normalised):
// topics --describe/--json/--alter configs, console-producer keys+headers+compression →
// console-consumer print.* and --formatter json, console-consumer --group commits,
// consumer-groups --reset-offsets (dry run, execute, refused with members) and --json,
// get-offsets --json.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runConsoleConsumer } from '../../src/cli/console-consumer.js';
import { runConsoleProducer } from '../../src/cli/console-producer.js';
import { runConsumerGroups } from '../../src/cli/consumer-groups.js';
import { runGetOffsets } from '../../src/cli/get-offsets.js';
import { runTopics } from '../../src/cli/topics.js';
import { GroupMember } from '../../src/client/group-member.js';
import { KafkaClient } from '../../src/client/kafka-client.js';
import { startListeningBroker, type RunningBroker } from '../integration/broker-harness.js';
import { capture } from './tool-io.js';

let rb: RunningBroker;
let bs: string;

beforeAll(async () => {
  rb = await startListeningBroker(['group.initial.rebalance.delay.ms=0', 'auto.create.topics.enable=false']);
  bs = rb.bootstrap;
});

afterAll(async () => {
  await rb?.stop();
});

describe('topics', () => {
  test('--describe (golden), --alter --add-config/--delete-config, --json', async () => {
    await runTopics({ bootstrapServer: bs, create: true, topic: 'cfg', partitions: 2 }, capture());
    let io = capture();
    await runTopics({ bootstrapServer: bs, alter: true, topic: 'cfg', addConfig: ['retention.ms=60000,cleanup.policy=[delete]', 'segment.bytes=1048576'] }, io);
    expect(io.lines).toEqual(['Completed updating config for topic cfg.']);
    io = capture();
    await runTopics({ bootstrapServer: bs, describe: true, topic: 'cfg' }, io);
    const norm = io.lines.map((l) => l.replace(/TopicId: [A-Za-z0-9_-]{22}/, 'TopicId: <id>').replace(/(Leader|Replicas|Isr): \d+/g, '$1: <n>'));
    const head = norm[0]!.split('Configs: ');
    expect(head[0]).toBe('Topic: cfg\tTopicId: <id>\tPartitionCount: 2\tReplicationFactor: 1\t');
    expect(head[1]!.split(',').sort()).toEqual(['cleanup.policy=delete', 'retention.ms=60000', 'segment.bytes=1048576']);
    expect(norm.slice(1)).toEqual([
      '\tTopic: cfg\tPartition: 0\tLeader: <n>\tReplicas: <n>\tIsr: <n>',
      '\tTopic: cfg\tPartition: 1\tLeader: <n>\tReplicas: <n>\tIsr: <n>',
    ]);

    await runTopics({ bootstrapServer: bs, alter: true, topic: 'cfg', deleteConfig: ['cleanup.policy,segment.bytes'], partitions: 3 }, capture());
    io = capture();
    await runTopics({ bootstrapServer: bs, describe: true, topic: 'cfg', json: true }, io);
    expect(io.lines).toHaveLength(1);
    const [t] = JSON.parse(io.lines[0]!) as { name: string; partitionCount: number; configs: Record<string, string>; partitions: { partition: number; leader: number; replicas: number[]; isr: number[] }[] }[];
    expect(t!.name).toBe('cfg');
    expect(t!.partitionCount).toBe(3);
    expect(t!.configs).toEqual({ 'retention.ms': '60000' });
    expect(t!.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);

    await expect(runTopics({ bootstrapServer: bs, alter: true, topic: 'cfg' }, capture())).rejects.toThrow(/--alter requires --partitions N, --add-config/);
    await expect(runTopics({ bootstrapServer: bs, alter: true, topic: 'cfg', addConfig: ['novalue'] }, capture())).rejects.toThrow(/--add-config 'novalue' is not key=value/);
  });
});

describe('console-producer → console-consumer', () => {
  test('keys and headers (Kafka 3.x properties), gzip, print.* and --formatter json (golden)', async () => {
    const client = new KafkaClient({ bootstrapServers: bs });
    await client.createTopics([{ name: 'hdr', numPartitions: 1 }]);
    client.close();
    const input = ['h1:v1,h2:v2|k1=one', '|k2=two', 'solo|k3=three'].join('\n') + '\n';
    const sent = await runConsoleProducer({
      bootstrapServer: bs, topic: 'hdr', compressionCodec: true,
      property: ['parse.key=true', 'key.separator==', 'parse.headers=true', 'headers.delimiter=|'],
    }, Readable.from([input]));
    expect(sent).toBe(3);

    let io = capture();
    await runConsoleConsumer({
      bootstrapServer: bs, topic: 'hdr', fromBeginning: true, maxMessages: 3,
      property: ['print.timestamp=true', 'print.partition=true', 'print.offset=true', 'print.headers=true', 'print.key=true'],
    }, io);
    expect(io.lines.map((l) => l.replace(/CreateTime:\d+/, 'CreateTime:<ts>'))).toEqual([
      'CreateTime:<ts>\tPartition:0\tOffset:0\th1:v1,h2:v2\tk1\tone',
      'CreateTime:<ts>\tPartition:0\tOffset:1\tNO_HEADERS\tk2\ttwo',
      'CreateTime:<ts>\tPartition:0\tOffset:2\tsolo:null\tk3\tthree',
    ]);
    expect(io.errs).toEqual(['Processed a total of 3 messages']);

    io = capture();
    await runConsoleConsumer({ bootstrapServer: bs, topic: 'hdr', fromBeginning: true, maxMessages: 1, formatter: 'json' }, io);
    const o = JSON.parse(io.lines[0]!) as Record<string, unknown>;
    expect({ ...o, timestamp: '<ts>' }).toEqual({
      topic: 'hdr', partition: 0, offset: 0, timestamp: '<ts>', timestampType: 'CreateTime', key: 'k1', value: 'one',
      headers: [{ key: 'h1', value: 'v1' }, { key: 'h2', value: 'v2' }],
    });

    await expect(runConsoleProducer({ bootstrapServer: bs, topic: 'hdr', property: ['parse.headers=true'] }, Readable.from(['no delimiter\n'])))
      .rejects.toThrow(/input line 1: no headers delimiter/);
    await expect(runConsoleProducer({ bootstrapServer: bs, topic: 'hdr', compressionCodec: 'zstd' }, Readable.from([''])))
      .rejects.toThrow(/cannot compress zstd/);
    await expect(runConsoleConsumer({ bootstrapServer: bs, topic: 'hdr', formatter: 'xml' }, capture())).rejects.toThrow(/--formatter 'xml'/);
  });
});

describe('groups', () => {
  test('console-consumer --group commits; reset-offsets plans, executes, and is refused while a member is active', async () => {
    const client = new KafkaClient({ bootstrapServers: bs });
    await client.createTopics([{ name: 'gt', numPartitions: 2 }]);
    await client.produce('gt', 0, Array.from({ length: 6 }, (_, i) => ({ key: null, value: Buffer.from(`a${i}`), timestamp: 1_000 + i })));
    await client.produce('gt', 1, Array.from({ length: 4 }, (_, i) => ({ key: null, value: Buffer.from(`b${i}`), timestamp: 1_000 + i })));

    // joins, reads everything (committed offsets absent → --from-beginning), commits on exit
    let io = capture();
    expect(await runConsoleConsumer({ bootstrapServer: bs, topic: 'gt', group: 'cg', fromBeginning: true, maxMessages: 10 }, io)).toBe(10);
    expect(io.lines.sort()).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'b0', 'b1', 'b2', 'b3']);
    expect((await client.offsetFetch('cg')).map((c) => `${c.partition}:${c.offset}`)).toEqual(['0:6', '1:4']);

    io = capture();
    await runConsumerGroups({ bootstrapServer: bs, describe: true, group: 'cg', json: true }, io);
    expect(JSON.parse(io.lines[0]!)).toEqual({
      group: 'cg', state: 'Empty', members: 0,
      partitions: [
        { topic: 'gt', partition: 0, currentOffset: 6, logEndOffset: 6, lag: 0, consumerId: null, host: null, clientId: null },
        { topic: 'gt', partition: 1, currentOffset: 4, logEndOffset: 4, lag: 0, consumerId: null, host: null, clientId: null },
      ],
    });

    // dry run (default) prints Kafka's plan and commits nothing
    io = capture();
    await runConsumerGroups({ bootstrapServer: bs, resetOffsets: true, group: 'cg', topic: ['gt'], toEarliest: true }, io);
    expect(io.lines).toEqual([
      '',
      'GROUP                          TOPIC                          PARTITION  NEW-OFFSET',
      'cg                             gt                             0          0',
      'cg                             gt                             1          0',
    ]);
    expect(io.errs[0]).toMatch(/^WARN: No action will be performed as the --execute option is missing/);
    expect((await client.offsetFetch('cg')).map((c) => c.offset)).toEqual([6, 4]);

    // shift-by is clamped to the log; a partition list limits the plan
    io = capture();
    await runConsumerGroups({ bootstrapServer: bs, resetOffsets: true, group: 'cg', topic: ['gt:1'], shiftBy: -10, dryRun: true, json: true }, io);
    expect(JSON.parse(io.lines[0]!)).toEqual([{ group: 'cg', topic: 'gt', partition: 1, newOffset: 0 }]);
    expect(io.errs).toEqual([]);

    // to-datetime: first offset at or after the time; execute commits it
    io = capture();
    await runConsumerGroups({ bootstrapServer: bs, resetOffsets: true, group: 'cg', allTopics: true, toDatetime: new Date(1_002).toISOString(), execute: true }, io);
    expect(io.lines.slice(2)).toEqual([
      'cg                             gt                             0          2',
      'cg                             gt                             1          2',
    ]);
    expect((await client.offsetFetch('cg')).map((c) => c.offset)).toEqual([2, 2]);

    // the consumer continues from the reset offsets
    io = capture();
    expect(await runConsoleConsumer({ bootstrapServer: bs, topic: 'gt', group: 'cg', maxMessages: 6 }, io)).toBe(6);
    expect(io.lines.sort()).toEqual(['a2', 'a3', 'a4', 'a5', 'b2', 'b3']);

    // refused while the group has a member
    const member = new GroupMember(client, { groupId: 'cg', topics: ['gt'] });
    const assignment = await member.join();
    expect(assignment.get('gt')).toEqual([0, 1]);
    await expect(runConsumerGroups({ bootstrapServer: bs, resetOffsets: true, group: 'cg', topic: ['gt'], toOffset: 1, execute: true }, capture()))
      .rejects.toMatchObject({ code: 'GROUP_NOT_INACTIVE', message: expect.stringMatching(/^Assignments can only be reset if the group 'cg' is inactive, but the current state is Stable\.$/) });
    expect(await member.leave()).toBe(true);

    await expect(runConsumerGroups({ bootstrapServer: bs, resetOffsets: true, group: 'cg', topic: ['gt'] }, capture())).rejects.toThrow(/exactly one of --to-earliest/);
    await expect(runConsumerGroups({ bootstrapServer: bs, resetOffsets: true, group: 'cg', toLatest: true }, capture())).rejects.toThrow(/--topic T\[:partitions\]/);
    await expect(runConsumerGroups({ bootstrapServer: bs, resetOffsets: true, group: 'cg', topic: ['gt'], toDatetime: 'yesterday' }, capture())).rejects.toThrow(/--to-datetime 'yesterday'/);

    io = capture();
    await runGetOffsets({ bootstrapServer: bs, topic: 'gt', json: true }, io);
    expect(JSON.parse(io.lines[0]!)).toEqual([{ topic: 'gt', partition: 0, offset: 6 }, { topic: 'gt', partition: 1, offset: 4 }]);
    client.close();
  });
});
