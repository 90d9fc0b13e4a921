// `sluice consumer-groups` against the in-test fake broker (its group "g1" has one member
// owning t1-0 and t1-1): list, describe table with lag and owners, delete, usage errors.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runConsumerGroups } from '../../src/cli/consumer-groups.js';
import { KafkaClient } from '../../src/client/kafka-client.js';
import { startFakeBroker, type FakeBroker } from '../client/fake-broker.js';
import { capture } from './tool-io.js';

let broker: FakeBroker;
let bootstrap: string;

beforeAll(async () => {
  broker = await startFakeBroker();
  bootstrap = `127.0.0.1:${broker.port}`;
  const client = new KafkaClient({ bootstrapServers: bootstrap });
  await client.createTopics([{ name: 't1', numPartitions: 3 }]);
  await client.produce('t1', 0, Array.from({ length: 10 }, (_, i) => ({ key: null, value: Buffer.from(String(i)) })));
  await client.produce('t1', 2, [{ key: null, value: Buffer.from('z') }]);
  await client.offsetCommit('g1', [{ topic: 't1', partition: 0, offset: 4 }, { topic: 't1', partition: 2, offset: 1 }]);
  client.close();
});

afterAll(async () => {
  await broker?.close();
});

describe('sluice consumer-groups', () => {
  test('--list', async () => {
    const io = capture();
    await runConsumerGroups({ bootstrapServer: bootstrap, list: true }, io);
    expect(io.lines).toEqual(['g1']);
  });

  test('--describe: kafka-consumer-groups.sh columns, lag, owners, "-" for unknowns', async () => {
    const io = capture();
    await runConsumerGroups({ bootstrapServer: bootstrap, describe: true, group: 'g1' }, io);
    expect(io.lines).toEqual([
      '',
      'GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID',
      'g1              t1              0          4               10              6               m-1             /127.0.0.1      client-a',
      'g1              t1              1          -               0               -               m-1             /127.0.0.1      client-a',
      'g1              t1              2          1               1               0               -               -               -',
    ]);
    expect(io.errs).toEqual(['Group state: Stable']);
  });

  test('--delete and usage errors', async () => {
    const io = capture();
    await runConsumerGroups({ bootstrapServer: bootstrap, delete: true, group: 'g1' }, io);
    expect(io.lines).toEqual(["Deletion of requested consumer groups ('g1') was successful."]);
    await expect(runConsumerGroups({ bootstrapServer: bootstrap, describe: true }, capture())).rejects.toThrow(/--describe requires --group/);
    await expect(runConsumerGroups({ bootstrapServer: bootstrap, list: true, describe: true }, capture())).rejects.toMatchObject({ code: 'USAGE_ERROR' });
  });
});
