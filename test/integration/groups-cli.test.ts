/**
 * The operator tools against Sluice's coordinator: `console-consumer --group` joins a
 * group, consumes and commits; `consumer-groups --list` shows the group and
 * `--describe --group` prints kafka-consumer-groups.sh's columns with offsets and lag;
 * while a kafkajs member is active, its consumer id, host and client id appear.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { runConsoleConsumer } from '../../src/cli/console-consumer.js';
import { runConsumerGroups } from '../../src/cli/consumer-groups.js';
import { removeDir, startBroker, tempDir, waitFor, type RunningBroker } from '../broker/groups/group-test-kit.js';
import { capture } from '../cli/tool-io.js';

let dir: string;
let b: RunningBroker;
let kafka: Kafka;

beforeAll(async () => {
  dir = await tempDir();
  b = await startBroker(dir);
  await b.broker.logs.createTopic('cli', 3);
  kafka = new Kafka({ clientId: 'cli-it', brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
  const p = kafka.producer();
  await p.connect();
  for (let part = 0; part < 3; part++) await p.send({ topic: 'cli', messages: Array.from({ length: 10 }, (_, i) => ({ partition: part, value: `p${part}-${i}` })) });
  await p.disconnect();
});
afterAll(async () => {
  await b.stop();
  await removeDir(dir);
});

describe('group tools', () => {
  it('console-consumer --group consumes and commits; consumer-groups shows offsets and lag', async () => {
    const io = capture();
    const n = await runConsoleConsumer({ bootstrapServer: b.bootstrap, topic: 'cli', group: 'cli-group', fromBeginning: true, maxMessages: 30, timeoutMs: 15_000 }, io);
    expect(n).toBe(30);
    expect(new Set(io.lines).size).toBe(30);

    const list = capture();
    await runConsumerGroups({ bootstrapServer: b.bootstrap, list: true }, list);
    expect(list.lines).toContain('cli-group');

    const desc = capture();
    await runConsumerGroups({ bootstrapServer: b.bootstrap, describe: true, group: 'cli-group' }, desc);
    const text = desc.lines.join('\n');
    expect(text).toMatch(/GROUP\s+TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG\s+CONSUMER-ID\s+HOST\s+CLIENT-ID/);
    for (let part = 0; part < 3; part++) expect(text).toMatch(new RegExp(`cli-group\\s+cli\\s+${part}\\s+10\\s+10\\s+0\\s`));
  }, 40_000);

  it('shows an active kafkajs member with its consumer id, host and client id, and lag', async () => {
    const c = kafka.consumer({ groupId: 'live-group', sessionTimeout: 3000, heartbeatInterval: 300, maxWaitTimeInMs: 100 });
    await c.connect();
    await c.subscribe({ topic: 'cli', fromBeginning: true });
    let seen = 0;
    await c.run({ autoCommitInterval: 50, eachMessage: async () => { seen++; } });
    try {
      await waitFor(() => seen >= 30, '30 records', 20_000);
      const desc = capture();
      await waitFor(async () => {
        desc.lines.length = 0;
        await runConsumerGroups({ bootstrapServer: b.bootstrap, describe: true, group: 'live-group' }, desc);
        return /live-group\s+cli\s+0\s+10\s+10\s+0\s+cli-it-[0-9a-f-]+\s+\/127\.0\.0\.1\s+cli-it/.test(desc.lines.join('\n'));
      }, 'describe with the active member and committed offsets', 15_000);
    } finally {
      await c.disconnect();
    }
  }, 40_000);
});
